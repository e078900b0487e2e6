import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

/// The embedded adapter of every storage port: one SQLite file in WAL mode, through a GRDB `DatabasePool`.
///
/// Each port method is one transaction; a method that changes state writes the events it is given to the
/// `outbox` table in that same transaction.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    /// Every write goes through it: group commit, durable on power loss.
    let writer: GroupCommitWriter
    /// Journal appends that failed after their callers moved on.
    let journalFailures = JournalFailures()

    /// Opens (creating if needed) the database at `path` and applies every pending migration.
    /// - Parameter path: the SQLite file; its folder must exist.
    public init(path: String) throws {
        var config = Configuration()
        // Another process (a second server, the CLI) may hold the write lock for a moment: wait rather than fail.
        config.busyMode = .timeout(10)
        // Every commit reaches the disk before the writer's callers resume (WAL with FULL syncs the log at each
        // commit): an answer given to a client or a charge asked of the gateway survives a power loss. Group commit
        // (``GroupCommitWriter``) shares the cost of that sync.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        writer = GroupCommitWriter(pool: pool)
        try Self.migrator.migrate(pool)
    }

    /// The names of every migration this build knows, oldest first.
    public static var migrationNames: [String] { migrator.migrations }

    /// The names of the migrations applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try Self.migrator.appliedMigrations($0) }
    }

    /// Records `events` in the outbox inside the current transaction.
    static func record(_ events: [EventEnvelope], in db: Database) throws {
        for event in events {
            try db.execute(
                sql: """
                    INSERT INTO outbox (id, source, detail_type, time, aggregate_id, detail)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.id.rawValue, event.source, event.detailType, event.time.millis, event.aggregateID,
                    event.detail,
                ])
        }
    }
}

extension SQLiteStore: StorageHealth {
    public func checkReachable() async throws {
        _ = try await pool.read { try Int.fetchOne($0, sql: "SELECT 1") }
    }
}

extension SQLiteStore: EventOutbox {
    public func pendingEvents(limit: Int) async throws -> [EventEnvelope] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, source, detail_type, time, aggregate_id, detail FROM outbox
                    WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?
                    """, arguments: [limit]
            ).map(Self.event(from:))
        }
    }

    public func backlog() async throws -> (count: Int, oldest: Date?) {
        try await pool.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT count(*) AS pending, min(time) AS oldest FROM outbox WHERE dispatched_at IS NULL")
            let oldest: Int64? = row?["oldest"]
            return (row?["pending"] ?? 0, oldest.map(Date.init(millis:)))
        }
    }

    /// A delivered event leaves the outbox: the analytics event log holds every event, a dead letter its own copy,
    /// and each consumer's ledger makes a second delivery (an event published again after a crash) change nothing.
    public func markDispatched(_ ids: [EventEnvelope.ID], at time: Date) async throws {
        try await writer.write { db in
            for id in ids {
                try db.execute(
                    sql: "DELETE FROM outbox WHERE id = ? AND dispatched_at IS NULL", arguments: [id.rawValue])
            }
        }
    }

    public func publish(_ event: EventEnvelope) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox (id, source, detail_type, time, aggregate_id, detail) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO NOTHING
                    """,
                arguments: [
                    event.id.rawValue, event.source, event.detailType, event.time.millis, event.aggregateID,
                    event.detail,
                ])
        }
    }

    static func event(from row: Row) -> EventEnvelope {
        EventEnvelope(
            id: .init(rawValue: row["id"]), source: row["source"], detailType: row["detail_type"],
            time: Date(millis: row["time"]), aggregateID: row["aggregate_id"], detail: row["detail"])
    }
}

extension Date {
    /// Milliseconds since 1970, the form dates are stored in.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(millis: Int64) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }
}

/// JSON columns (addresses, cart lines) are encoded with sorted keys so equal values store equal text.
enum JSONColumn {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
