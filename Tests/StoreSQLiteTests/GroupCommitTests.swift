import Foundation
import GRDB
import Synchronization
import Testing

@testable import StoreSQLite

/// The writer that commits many callers' blocks in one transaction.
@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error, Equatable { let number: Int }

    @Test("many writers at once: each is answered with its own result, and one that throws is undone alone")
    func isolation() async throws {
        let pool = try DatabasePool(path: try TestStorage.sqlitePath("group-commit"))
        try await pool.write { try $0.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY, total INTEGER NOT NULL)") }
        let writer = GroupCommitWriter(pool: pool)
        let outcomes = await withTaskGroup(of: (Int, Result<Int, Refused>).self) { group in
            for number in 0..<300 {
                group.addTask {
                    do {
                        let total = try await writer.write { db -> Int in
                            // Each block sees what the blocks before it wrote: a running total.
                            let before = try Int.fetchOne(db, sql: "SELECT coalesce(max(total), 0) FROM t") ?? 0
                            try db.execute(sql: "INSERT INTO t VALUES (?, ?)", arguments: [number, before + number])
                            if number % 50 == 7 { throw Refused(number: number) }
                            return before + number
                        }
                        return (number, .success(total))
                    } catch {
                        return (number, .failure(error as! Refused))
                    }
                }
            }
            return await group.reduce(into: [Int: Result<Int, Refused>]()) { $0[$1.0] = $1.1 }
        }
        let refused = outcomes.filter { if case .failure = $0.value { true } else { false } }.keys.sorted()
        #expect(refused == [7, 57, 107, 157, 207, 257])
        let rows = try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") }
        #expect(rows == 294)
        // The totals each caller was told are the ones stored, and they are all different: a serial order.
        let stored = try await pool.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT n, total FROM t").map {
                    ($0["n"] as Int, $0["total"] as Int)
                })
        }
        for (number, outcome) in outcomes { if case .success(let total) = outcome { #expect(stored[number] == total) } }
        #expect(Set(stored.values).count == 294)
        #expect(stored.values.max() == (0..<300).filter { $0 % 50 != 7 }.reduce(0, +))
    }

    @Test("a commit is visible at once and reaches the disk at the next sync, which covers every commit before it")
    func syncs() async throws {
        let pool = try DatabasePool(path: try TestStorage.sqlitePath("group-commit-sync"))
        try await pool.write { try $0.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY)") }
        let writer = GroupCommitWriter(pool: pool)
        /// The writer connection's `synchronous` setting: 1 NORMAL, 2 FULL.
        func synchronous() async throws -> Int? {
            try await pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        }
        try await pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = NORMAL") }
        for number in 0..<3 {
            try await writer.write { try $0.execute(sql: "INSERT INTO t VALUES (?)", arguments: [number]) }
        }
        // Visible to a reader once the caller resumes, committed without a sync.
        #expect(try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == 3)
        #expect(writer.commits.synced == 0 && writer.commits.committed >= 1)
        #expect(try await synchronous() == 1)
        // A sync with nothing of its own to write syncs the log, committing nothing: one sync for every commit.
        let before = writer.commits
        try await writer.sync()
        #expect(writer.commits.committed == before.committed && writer.commits.synced == writer.commits.committed)
        #expect(writer.commits.syncs == before.syncs + 1)
        // With nothing committed since, a sync answers at once and syncs nothing.
        try await writer.sync()
        #expect(writer.commits.syncs == before.syncs + 1)
        // The next write commits without a sync again; commits stay NORMAL throughout.
        try await writer.write { try $0.execute(sql: "INSERT INTO t VALUES (99)") }
        #expect(writer.commits.synced < writer.commits.committed)
        #expect(try await synchronous() == 1)
    }

    @Test("a submitted block rides with the next write, in order, or is committed alone a moment later")
    func submitted() async throws {
        let pool = try DatabasePool(path: try TestStorage.sqlitePath("group-commit-submit"))
        try await pool.write { try $0.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY, seen INTEGER)") }
        // Submitted blocks wait long enough here for the write to find them however slow the machine.
        let patient = GroupCommitWriter(pool: pool, lingering: 60)
        for number in 0..<3 {
            patient.submit(
                statement: { try $0.execute(sql: "INSERT INTO t VALUES (?, NULL)", arguments: [number]) },
                failed: { _ in })
        }
        // The write sees the submitted rows before it (it runs after them), and all four commit as one group.
        let seen = try await patient.write { db in
            try db.execute(sql: "INSERT INTO t VALUES (3, (SELECT count(*) FROM t))")
            return try Int.fetchOne(db, sql: "SELECT seen FROM t WHERE n = 3")
        }
        #expect(seen == 3)
        #expect(patient.commits.committed == 1)
        let writer = GroupCommitWriter(pool: pool)
        let before = writer.commits.committed
        /// Waits (5 s at most) until the table holds `count` rows, and answers how many it holds.
        func rows(reaching count: Int) async throws -> Int? {
            let deadline = Date().addingTimeInterval(5)
            while try await pool.read({ try Int.fetchOne($0, sql: "SELECT count(*) FROM t") }) != count,
                Date() < deadline
            {
                try await Task.sleep(for: .milliseconds(1))
            }
            return try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") }
        }
        // Alone, a submitted block is committed by the writer's thread after it has lingered.
        let failure = Mutex<(any Error)?>(nil)
        writer.submit(
            statement: { try $0.execute(sql: "INSERT INTO t VALUES (4, NULL)") },
            failed: { error in failure.withLock { $0 = error } })
        #expect(try await rows(reaching: 5) == 5)
        #expect(writer.commits.committed == before + 1)
        // After a quiet stretch the writer's thread sleeps until signalled: a submit then wakes it.
        let quiet = Date().addingTimeInterval(5)
        while !writer.isThreadAsleep, Date() < quiet { try await Task.sleep(for: .milliseconds(1)) }
        #expect(writer.isThreadAsleep)
        writer.submit(statement: { try $0.execute(sql: "INSERT INTO t VALUES (40, NULL)") }, failed: { _ in })
        #expect(try await rows(reaching: 6) == 6)
        // One that fails is told, and undone alone.
        writer.submit(
            statement: { try $0.execute(sql: "INSERT INTO t VALUES (4, NULL)") },
            failed: { error in failure.withLock { $0 = error } })
        try await writer.write { try $0.execute(sql: "INSERT INTO t VALUES (5, NULL)") }
        #expect(failure.withLock { $0 } is DatabaseError)
        #expect(try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == 7)
    }

    @Test("syncs asked at once by many callers share the commits they wait for")
    func sharedSyncs() async throws {
        let pool = try DatabasePool(path: try TestStorage.sqlitePath("group-commit-shared"))
        try await pool.write { try $0.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY)") }
        let writer = GroupCommitWriter(pool: pool)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<200 {
                group.addTask {
                    try await writer.write { try $0.execute(sql: "INSERT INTO t VALUES (?)", arguments: [number]) }
                    try await writer.sync()
                }
            }
            try await group.waitForAll()
        }
        #expect(try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == 200)
        #expect(writer.commits.synced == writer.commits.committed)
    }

    @Test("durable writes from many callers at once: each is answered only after a sync that covers its commit")
    func durableWrites() async throws {
        let pool = try DatabasePool(path: try TestStorage.sqlitePath("group-commit-durable"))
        try await pool.write { try $0.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY)") }
        let writer = GroupCommitWriter(pool: pool)
        let writes = 300
        let uncovered = try await withThrowingTaskGroup(of: Bool.self) { group in
            for number in 0..<writes {
                group.addTask {
                    let durable = number % 3 != 0
                    // The commits counted before this block's group: its own is the next one.
                    let before = try await writer.write(durable: durable) { db -> UInt64 in
                        try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [number])
                        return writer.commits.committed
                    }
                    return durable && writer.commits.synced < before + 1
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(uncovered == 0)
        #expect(try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == writes)
        try await writer.sync()
        let counts = writer.commits
        #expect(counts.synced == counts.committed)
        // At most one sync a durable write (and the last one's), however the writes were grouped: how many share
        // one depends on the scheduling, which a busy machine may make serial.
        #expect(counts.syncs <= UInt64((0..<writes).count { $0 % 3 != 0 }) + 1)
    }

    @Test(
        "a block's savepoint undo stays in memory: no temporary file, however many pages the block changes",
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd"), "open files are listed in Linux's /proc"))
    func savepointsInMemory() async throws {
        let store = try SQLiteStore(path: try TestStorage.sqlitePath("group-commit-temp"))
        try await store.writer.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT NOT NULL)")
            for number in 0..<300 {
                try db.execute(
                    sql: "INSERT INTO t VALUES (?, ?)", arguments: [number, String(repeating: "a", count: 1000)])
            }
        }
        // Every page of the table changes inside the block's savepoint (~300 KB of undo, past SQLite's 64 KiB spill),
        // and the files the process holds open are looked at before the savepoint is released.
        let spilled = try await store.writer.write { db -> [String] in
            try db.execute(sql: "UPDATE t SET body = replace(body, 'a', 'b')")
            let folder = "/proc/self/fd"
            return try FileManager.default.contentsOfDirectory(atPath: folder).compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\($0)")
            }.filter { $0.contains("etilqs") }
        }
        #expect(spilled == [])
        #expect(try store.readNow { try String.fetchOne($0, sql: "SELECT body FROM t WHERE n = 299") }?.first == "b")
    }
}
