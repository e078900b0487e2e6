import Foundation
import GRDB
import GRDBSQLite

/// The one writer of the database, committing in groups: write blocks from any number of callers queue up, and each
/// time the database is free the writer runs every queued block back to back in ONE transaction (each inside its own
/// savepoint, so a block that throws is undone alone) and commits it. Each caller resumes when the transaction
/// holding its block has committed.
///
/// Commits are made visible at once and made durable when someone outside must be told: a commit is written to the
/// write-ahead log without waiting for the disk (`synchronous = NORMAL`: it survives the process being killed), and
/// ``sync()`` waits until everything committed before it has reached the disk (after the next group commits, the
/// writer syncs the log, as a commit with `synchronous = FULL` would, which covers every commit before it; a group
/// with nothing of its own to write only syncs), so it survives a power loss too. The
/// store calls it before an answer leaves the process (an HTTP response, a charge asked of the gateway, a message
/// sent); one sync then covers the dozen commits a checkout makes, and the groups of every caller waiting at once.
///
/// Blocks run one after another on the writer, as they would in separate transactions: each sees what the blocks
/// before it wrote, so isolation is that of a serial order. A block must do nothing but database work (it is a
/// closure given to a transaction, as with `DatabasePool.write`).
final class GroupCommitWriter: Sendable {
    private let state: WriterState

    /// - Parameter lingering: how long a submitted block may wait for a write to ride with before the writer
    ///   commits it alone.
    init(pool: DatabasePool, lingering: TimeInterval = 0.002) {
        state = WriterState(pool: pool, lingering: lingering)
        let state = self.state
        let thread = Thread {
            // Named from inside, where Linux lets a thread rename itself through /proc (Foundation's `Thread.name`
            // left it with its creator's name): for profiles and `/proc`, where `orderly bench http` finds the
            // writer by it.
            #if os(Linux)
                try? Self.threadName.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            #endif
            state.run()
        }
        thread.start()
    }

    /// The name of the writer's thread (Linux keeps 15 characters of a thread's name, and refuses a longer one).
    static let threadName = "orderly-writer"

    /// The thread ends once the blocks already queued are committed.
    deinit { state.close() }

    /// Runs `block` in the next group's transaction and answers its result once that transaction has committed.
    /// - Parameters:
    ///   - durable: answer only once the commit is on the disk too, as ``sync()`` after it would (in one group: for
    ///     a write that something told outside follows at once).
    ///   - settled: told whether the block's writes committed, once the group is over and before the caller resumes:
    ///     on the committing thread, in commit order (what a cache written through needs).
    /// - Throws: what `block` threw (its writes undone, the others' kept), or the commit's error (or the sync's).
    func write<T: Sendable>(
        durable: Bool = false, _ block: @escaping @Sendable (Database) throws -> T,
        settled: (@Sendable (Bool) -> Void)? = nil
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            // Set by the block on the writer, read when the commit is done: never at the same time.
            let result = ResultBox<T>()
            state.enqueueOrLead(
                WriterState.Job(
                    durable: durable, run: { db in result.value = try block(db) }, settle: settled,
                    resume: { error in
                        if let error {
                            continuation.resume(throwing: error)
                        } else {
                            continuation.resume(returning: result.value!)
                        }
                    }))
        }
    }

    /// Queues `block` for a coming group without waiting for it: `failed` is told if it (or its commit) fails.
    ///
    /// Nobody waits for it, so it does not start a group of its own at once: it rides with the next write or sync
    /// (in the order given, before it), or is committed by the writer's thread once it has lingered a moment.
    ///
    /// The block must run one statement: SQLite undoes a statement that fails by itself, so it needs no savepoint of
    /// its own (a journal's appends, a dozen a checkout, each saved two statements).
    func submit(
        statement block: @escaping @Sendable (Database) throws -> Void, failed: @escaping @Sendable (any Error) -> Void
    ) {
        state.enqueue(
            WriterState.Job(
                run: block, settle: nil, resume: { error in if let error { failed(error) } }, waited: false,
                oneStatement: true))
    }

    /// Returns once every commit made before the call is on the disk (at once when it already is).
    /// - Throws: the commit's error when the sync could not be made.
    func sync() async throws {
        // Nothing committed since the last sync (every read-only request): no suspension at all.
        if state.isSynced { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.sync(
                WriterState.Job(
                    durable: true, run: { _ in }, settle: nil,
                    resume: { error in
                        if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                    }, isWrite: false))
        }
    }

    /// How many groups have been committed, how many of those are on the disk, how many syncs that took, and how many
    /// writes the groups carried.
    var commits: CommitCounts { state.counts }

    /// Whether the writer's thread sleeps until signalled (after a quiet stretch), for tests.
    var isThreadAsleep: Bool { state.isThreadAsleep }
}

/// The queue and the thread's loop. The writer has a thread of its own, so that under load the commits and their
/// syncs block neither the cooperative pool nor a queue hop: a caller's block reaches the writer in one wake-up and
/// the caller resumes in one more (a flush run as a task, through GRDB's asynchronous write, took four). A caller
/// that finds nothing queued and nothing being committed commits its own block at once, on its own thread: alone, it
/// has no group to share and the two wake-ups were most of its write's cost.
private final class WriterState: @unchecked Sendable {
    struct Job: Sendable {
        /// Whether the group's commit must reach the disk before this job is answered.
        var durable = false
        let run: @Sendable (Database) throws -> Void
        /// Told whether the block's writes committed, on the committing thread, in commit order.
        let settle: (@Sendable (Bool) -> Void)?
        /// Answers the caller: nil once its block has committed (and, when durable, is on the disk), else the error.
        let resume: @Sendable ((any Error)?) -> Void
        /// Whether a caller waits for it (else it may wait a moment for company, see ``GroupCommitWriter/submit``).
        var waited = true
        /// Whether it runs one statement, which undoes itself when it fails: it needs no savepoint.
        var oneStatement = false
        /// Whether it is a caller's write (else a sync, which only rides with a group).
        var isWrite = true
    }

    let pool: DatabasePool
    let lingering: TimeInterval
    /// Guards the properties below, and wakes the thread.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var closed = false
    /// Groups committed that changed something, and how many of them are known to be on the disk.
    private var committed: UInt64 = 0
    private var synced: UInt64 = 0
    private var syncs: UInt64 = 0
    private var writes: UInt64 = 0
    /// The most blocks one transaction takes, so that a long queue still commits (and resumes callers) steadily.
    private let maximumGroup = 512
    /// A group is being committed (by the thread, or by a caller that found the writer idle): one at a time.
    private var committing = false
    /// How many of `jobs` someone waits for; when none, the thread lets them linger for company.
    private var waitedJobs = 0
    /// When the oldest submitted block still queued was submitted.
    private var lingeringSince: Date?
    /// Whether the thread sleeps until signalled (else it wakes by itself soon, and a submit need not wake it).
    private var threadAsleep = false

    init(pool: DatabasePool, lingering: TimeInterval) {
        self.pool = pool
        self.lingering = lingering
    }

    var isSynced: Bool { condition.withLock { synced == committed } }

    var isThreadAsleep: Bool { condition.withLock { threadAsleep } }

    var counts: CommitCounts {
        condition.withLock { CommitCounts(committed: committed, synced: synced, syncs: syncs, writes: writes) }
    }

    func enqueue(_ job: Job) {
        condition.withLock {
            jobs.append(job)
            if job.waited {
                waitedJobs += 1
                condition.signal()
            } else {
                if lingeringSince == nil { lingeringSince = Date() }
                if threadAsleep { condition.signal() }
            }
        }
    }

    /// Commits `job` on the caller's thread, after the submitted blocks queued before it, when nothing is being
    /// committed and nobody else waits in the queue (a lone caller then makes no thread hand-off at all, two fewer
    /// wake-ups a write), else queues it for the writer's thread.
    func enqueueOrLead(_ job: Job) {
        let lead: (group: [Job], unsynced: Bool)? = condition.withLock {
            guard waitedJobs == 0 && !committing && !closed && jobs.count < maximumGroup else {
                jobs.append(job)
                waitedJobs += 1
                condition.signal()
                return nil
            }
            committing = true
            var group = jobs
            jobs = []
            lingeringSince = nil
            group.append(job)
            return (group, synced < committed)
        }
        guard let lead else { return }
        commit(lead.group, unsynced: lead.unsynced)
        condition.withLock {
            committing = false
            if !jobs.isEmpty || closed { condition.signal() }
        }
    }

    /// Answers `job` at once when every commit so far is synced, else commits it (as ``enqueueOrLead(_:)`` does) to
    /// make the next group durable.
    func sync(_ job: Job) {
        let already = condition.withLock { synced == committed }
        if already { job.resume(nil) } else { enqueueOrLead(job) }
    }

    func close() {
        condition.withLock {
            closed = true
            condition.signal()
        }
    }

    /// Commits a group whenever blocks are queued (those nobody waits for after they have lingered a moment), until
    /// closed with none left.
    ///
    /// While blocks are being submitted the thread watches with timed waits, which nobody signals: a submit every
    /// moment (a journal append per workflow step) would otherwise wake it every time, only for a write to take the
    /// block along. After a quiet stretch it sleeps until signalled.
    func run() {
        let quietStretch = lingering * 20
        var lastWork = Date()
        while true {
            condition.lock()
            while !closed {
                if committing {
                    // A caller leads: look again in a moment (it signals when it is done and blocks wait).
                    _ = condition.wait(until: Date(timeIntervalSinceNow: lingering))
                } else if waitedJobs > 0 {
                    break
                } else if let since = lingeringSince {
                    lastWork = Date()
                    let deadline = since.addingTimeInterval(lingering)
                    if lastWork >= deadline { break }
                    _ = condition.wait(until: deadline)
                } else if Date().timeIntervalSince(lastWork) < quietStretch {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: lingering))
                } else {
                    threadAsleep = true
                    condition.wait()
                    threadAsleep = false
                    lastWork = Date()
                }
            }
            while committing { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let group: [Job]
            if jobs.count <= maximumGroup {
                group = jobs
                jobs = []
            } else {
                group = Array(jobs.prefix(maximumGroup))
                jobs.removeFirst(maximumGroup)
            }
            waitedJobs -= group.count(where: \.waited)
            if jobs.isEmpty { lingeringSince = nil }
            lastWork = Date()
            let unsynced = synced < committed
            committing = true
            condition.unlock()
            commit(group, unsynced: unsynced)
            condition.withLock { committing = false }
        }
    }

    private func commit(_ group: [Job], unsynced: Bool) {
        let durable = group.contains { $0.durable }
        let outcomes: [(any Error)?]
        var changed = false
        // A sync that fails leaves the group committed (visible, not known to be on the disk): its writers are
        // answered, those waiting for the sync are told it failed, and the next sync tries again.
        var syncFailure: (any Error)?
        do {
            outcomes = try pool.writeWithoutTransaction { db in
                var outcomes: [(any Error)?] = []
                outcomes.reserveCapacity(group.count)
                // The transaction's and the savepoints' statements are prepared once (GRDB's `inTransaction` and
                // savepoints compile theirs every time, which was a tenth of a busy writer's work).
                let start = try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION")
                let begin = try db.cachedStatement(sql: "SAVEPOINT block")
                let release = try db.cachedStatement(sql: "RELEASE SAVEPOINT block")
                let undo = try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT block")
                try start.execute()
                do {
                    let before = db.totalChangesCount
                    for job in group {
                        if !job.oneStatement { try begin.execute() }
                        do {
                            try job.run(db)
                            if !job.oneStatement { try release.execute() }
                            outcomes.append(nil)
                        } catch {
                            // A block's own error is undone with its savepoint (a lone statement undoes itself); one
                            // that broke the transaction itself (I/O, a full disk) fails the whole group, which is
                            // rolled back.
                            guard db.isInsideTransaction else { throw error }
                            if !job.oneStatement {
                                try undo.execute()
                                try release.execute()
                            }
                            outcomes.append(error)
                        }
                    }
                    changed = db.totalChangesCount != before
                    // Counted before the commit makes it visible: a reader that sees it and then asks for a sync
                    // must find it unsynced. (A commit that then fails only costs a later sync.)
                    if changed { condition.withLock { committed += 1 } }
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                } catch {
                    if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
                    throw error
                }
                // The log holds this group's commit and every one before it: syncing it now is what committing
                // with `synchronous = FULL` would have done, and also covers the earlier commits when this group
                // wrote nothing of its own.
                if durable && (changed || unsynced) {
                    do { try Self.syncLog(db) } catch { syncFailure = error }
                }
                return outcomes
            }
        } catch {
            for job in group {
                job.settle?(false)
                job.resume(error)
            }
            return
        }
        let written = UInt64(zip(group, outcomes).count { $0.isWrite && $1 == nil })
        condition.withLock {
            writes += written
            // The writer alone moves the counts, so `committed` is this group's (or an earlier one's) count here.
            if durable && syncFailure == nil {
                if synced < committed { syncs += 1 }
                synced = committed
            }
        }
        for (job, outcome) in zip(group, outcomes) {
            // A durable write whose sync failed did commit: it is settled as committed (a cache keeps what the
            // database holds), and its caller is told of the failed sync.
            job.settle?(outcome == nil)
            job.resume(outcome ?? (job.durable ? syncFailure : nil))
        }
    }

    /// Makes the write-ahead log's content durable, through SQLite's own handle of the file (the sync SQLite makes
    /// at a commit with `synchronous = FULL`).
    private static func syncLog(_ db: Database) throws {
        var file: UnsafeMutablePointer<sqlite3_file>?
        let found = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file)
        guard found == SQLITE_OK, let file, let sync = file.pointee.pMethods?.pointee.xSync else {
            throw DatabaseError(resultCode: .SQLITE_IOERR_FSYNC, message: "The write-ahead log cannot be synced.")
        }
        let code = sync(file, SQLITE_SYNC_NORMAL)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "Syncing the write-ahead log failed.")
        }
    }
}

/// The writer's commits so far.
public struct CommitCounts: Sendable, Equatable {
    /// Transactions committed that changed something.
    public var committed: UInt64
    /// How many of those are known to be on the disk.
    public var synced: UInt64
    /// The commits that synced the log (each covering every commit before it).
    public var syncs: UInt64
    /// The writes committed (each caller's block, a journal's append), in however many groups.
    public var writes: UInt64
}

/// A block's result, handed from the writer to its caller after the commit.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
