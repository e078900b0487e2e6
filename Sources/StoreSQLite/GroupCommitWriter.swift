import Foundation
import GRDB

/// The one writer of the database, committing in groups: write blocks from any number of callers queue up, and each
/// time the database is free the writer runs every queued block back to back in ONE transaction (each inside its own
/// savepoint, so a block that throws is undone alone) and commits it. Each caller resumes when the transaction
/// holding its block has committed, with `synchronous = FULL`, so what a caller is told is written survives a power
/// loss; the cost of that sync is shared by the whole group.
///
/// Blocks run one after another on the writer, as they would in separate transactions: each sees what the blocks
/// before it wrote, so isolation is that of a serial order. A block must do nothing but database work (it is a
/// closure given to a transaction, as with `DatabasePool.write`).
final class GroupCommitWriter: @unchecked Sendable {
    private struct Job: Sendable {
        let run: @Sendable (Database) throws -> Void
        let fail: @Sendable (any Error) -> Void
        let done: @Sendable () -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var flushing = false
    }

    private let pool: DatabasePool
    /// Guards `queue`.
    private let lock = NSLock()
    private var queue = Queue()
    /// The most blocks one transaction takes, so that a long queue still commits (and resumes callers) steadily.
    private let maximumGroup = 512

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `block` in the next group's transaction and answers its result once that transaction has committed.
    /// - Throws: what `block` threw (its writes undone, the others' kept), or the commit's error.
    func write<T: Sendable>(_ block: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            // Set by the block on the writer, read when the commit is done: never at the same time.
            let result = ResultBox<T>()
            enqueue(
                Job(
                    run: { db in result.value = try block(db) },
                    fail: { continuation.resume(throwing: $0) },
                    done: { continuation.resume(returning: result.value!) }))
        }
    }

    /// Queues `block` for the next group without waiting for it: `failed` is told if it (or its commit) fails.
    /// Callers that must know their write is durable use ``write(_:)``.
    func submit(_ block: @escaping @Sendable (Database) throws -> Void, failed: @escaping @Sendable (any Error) -> Void)
    {
        enqueue(Job(run: block, fail: failed, done: {}))
    }

    private func enqueue(_ job: Job) {
        let start = lock.withLock {
            queue.jobs.append(job)
            if queue.flushing { return false }
            queue.flushing = true
            return true
        }
        if start { Task.detached { await self.flush() } }
    }

    /// Commits groups until the queue is empty.
    private func flush() async {
        while true {
            let group = lock.withLock { () -> [Job] in
                let group = Array(queue.jobs.prefix(maximumGroup))
                queue.jobs.removeFirst(group.count)
                if group.isEmpty { queue.flushing = false }
                return group
            }
            guard !group.isEmpty else { return }
            await commit(group)
        }
    }

    private func commit(_ group: [Job]) async {
        let outcomes: [(any Error)?]
        do {
            outcomes = try await pool.write { db in
                var outcomes: [(any Error)?] = []
                outcomes.reserveCapacity(group.count)
                // The savepoint statements are prepared once (GRDB's own savepoints compile theirs every time, which
                // was a tenth of a busy writer's work).
                let begin = try db.cachedStatement(sql: "SAVEPOINT block")
                let release = try db.cachedStatement(sql: "RELEASE SAVEPOINT block")
                let undo = try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT block")
                for job in group {
                    try begin.execute()
                    do {
                        try job.run(db)
                        try release.execute()
                        outcomes.append(nil)
                    } catch {
                        // A block's own error is undone with its savepoint; one that broke the transaction itself
                        // (I/O, a full disk) fails the whole group, which is rolled back.
                        guard db.isInsideTransaction else { throw error }
                        try undo.execute()
                        try release.execute()
                        outcomes.append(error)
                    }
                }
                return outcomes
            }
        } catch {
            for job in group { job.fail(error) }
            return
        }
        for (job, outcome) in zip(group, outcomes) {
            if let outcome { job.fail(outcome) } else { job.done() }
        }
    }
}

/// A block's result, handed from the writer to its caller after the commit.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
