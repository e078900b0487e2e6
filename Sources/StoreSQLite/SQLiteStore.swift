import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

/// The embedded adapter of every storage port: one SQLite file in WAL mode, through a GRDB `DatabasePool`.
///
/// Each port method is one transaction; a method that changes state appends the events it is given to the event log
/// in that same transaction. The log is also the outbox: what waits to be delivered is what follows the last
/// delivered event (`event_delivery`).
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    /// Every write goes through it: group commit, synced to the disk before anything is told outside.
    let writer: GroupCommitWriter
    /// Journal appends that failed after their callers moved on.
    let journalFailures = JournalFailures()
    /// What the executions started here appended, to fold at their end without reading it back.
    let journalTexts = JournalTexts()
    /// The ids of the definitions stored, by their text: looked up in memory rather than by comparing a whole
    /// definition inside the writer's transaction (a version, once stored, is never removed or changed).
    let versions = StoredVersions()
    /// Products by id, as the last commit left them (written through).
    let productCache = RecordCache<Product>()
    /// Orders by id, as the last commit left them (written through).
    let orderCache = RecordCache<Order>(capacity: 4096, keepsAbsence: false)
    /// Payments by their order's id, as the last commit left them (written through).
    let paymentCache = RecordCache<Payment>(capacity: 4096, keepsAbsence: false)
    /// Users by id, as the last commit left them.
    let userCache = RecordCache<User>()

    /// Opens (creating if needed) the database at `path` and applies every pending migration.
    /// - Parameter path: the SQLite file; its folder must exist.
    public init(path: String) throws {
        var config = Configuration()
        // Another process (a second server, the CLI) may hold the write lock for a moment: wait rather than fail.
        config.busyMode = .timeout(10)
        // A commit is written to the log without waiting for the disk (it survives the process being killed); what
        // is told outside waits for ``makeDurable()``, which syncs every commit before it (``GroupCommitWriter``).
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // After a checkpoint the write-ahead log is cut back to this, so it stays bounded under steady writes.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        pool = try DatabasePool(path: path, configuration: config)
        // A group's blocks each run in a savepoint, whose undo SQLite keeps in a statement journal; past 64 KiB it
        // spilled to a file of its own in /var/tmp (a few a second under load), which a full or missing temporary
        // folder would have turned into the failure of the whole group. In memory it is a few hundred kilobytes at
        // most, for one block.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA temp_store = MEMORY") }
        writer = GroupCommitWriter(pool: pool)
        try Self.migrator.migrate(pool)
    }

    /// The name of the thread that commits every write (what a profile or `/proc` shows it as).
    public static var writerThreadName: String { GroupCommitWriter.threadName }

    /// The names of every migration this build knows, oldest first.
    public static var migrationNames: [String] { migrator.migrations }

    /// The names of the migrations applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        try readNow { try Self.migrator.appliedMigrations($0) }
    }

    /// Appends `events` to the event log (the outbox) inside the current transaction.
    static func record(_ events: [EventEnvelope], in db: Database) throws {
        for event in events {
            try db.cachedStatement(
                sql: """
                    INSERT INTO event_log (event_id, source, detail_type, time, aggregate_id, detail)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                event.id.rawValue, event.source, event.detailType, event.time.millis, event.aggregateID,
                event.detail,
            ])
        }
    }
}

extension SQLiteStore {
    /// Runs a read on the calling thread with one of the pool's reader connections (WAL: it sees the last commit and
    /// never waits for the writer). Reads are short; running them here saves the two thread hops an asynchronous read
    /// costs, which were most of a point read's time.
    ///
    /// Its transaction's statements are prepared once per connection (GRDB's `read` compiles them every time).
    func readNow<T>(_ block: (Database) throws -> T) throws -> T {
        try pool.unsafeRead { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            do {
                let value = try block(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return value
            } catch {
                if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
                throw error
            }
        }
    }

    /// A read of one statement: like ``readNow(_:)`` without wrapping it in a transaction of its own (a statement
    /// sees one snapshot by itself).
    func readOne<T>(_ block: (Database) throws -> T) throws -> T {
        try pool.unsafeRead(block)
    }
}

extension SQLiteStore: StorageDurability {
    public func makeDurable() async throws {
        try await writer.sync()
    }

    /// The writer's commits and syncs so far.
    public var commitCounts: CommitCounts { writer.commits }
}

extension SQLiteStore: StorageHealth {
    public func checkReachable() async throws {
        _ = try readNow { try Int.fetchOne($0, sql: "SELECT 1") }
    }
}

/// The event log is the outbox: an event is appended once, with the change that caused it, and delivered events are
/// those up to `event_delivery.delivered`. (A separate outbox wrote each event three times — its row, its delete,
/// its copy in the log — and its index twice, a third of the pages a checkout wrote.) The log's `seq` is its rowid,
/// given in commit order by the one writer, and the log is never cut, so what follows the mark is exactly what waits.
extension SQLiteStore: EventOutbox {
    public func pendingEvents(limit: Int) async throws -> [EventEnvelope] {
        try readNow { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT event_id AS id, source, detail_type, time, aggregate_id, detail FROM event_log
                        WHERE seq > (SELECT delivered FROM event_delivery) ORDER BY seq LIMIT ?
                        """), arguments: [limit]
            ).map(Self.event(from:))
        }
    }

    public func backlog() async throws -> (count: Int, oldest: Date?) {
        try readNow { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT count(*) AS pending, min(time) AS oldest FROM event_log
                        WHERE seq > (SELECT delivered FROM event_delivery)
                        """))
            let oldest: Int64? = row?["oldest"]
            return (row?["pending"] ?? 0, oldest.map(Date.init(millis:)))
        }
    }

    /// Moves the mark past the waiting events that are among `ids`, from the first waiting one on (the dispatcher
    /// marks each batch it took, in order). One that is not (a mark out of order) stays waiting with those after it,
    /// and is delivered again, which every consumer absorbs.
    public func markDispatched(_ ids: [EventEnvelope.ID], at time: Date) async throws {
        guard !ids.isEmpty else { return }
        let delivered = Set(ids.map(\.rawValue))
        try await writer.write { db in
            let waiting = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT seq, event_id FROM event_log WHERE seq > (SELECT delivered FROM event_delivery)
                        ORDER BY seq LIMIT ?
                        """), arguments: [delivered.count])
            var mark: Int64?
            for row in waiting {
                guard delivered.contains(row["event_id"]) else { break }
                mark = row["seq"]
            }
            guard let mark else { return }
            try db.cachedStatement(sql: "UPDATE event_delivery SET delivered = max(delivered, ?)").execute(
                arguments: [mark])
        }
    }

    /// Appended to the log, once: publishing is logging here.
    public func publish(_ event: EventEnvelope) async throws {
        try await log([event])
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

/// JSON columns (addresses, cart lines, documents) are encoded with sorted keys so equal values store equal text.
///
/// Decoding is remembered by the text decoded: the steps of a checkout read the same order document again and again,
/// and decoding it was the costliest thing they did. The cache is keyed by the text itself, so it can never answer
/// a value the database no longer holds.
enum JSONColumn {
    /// One encoder and one decoder for every column (each is safe to share; making one per value was a cost).
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    private static let decoder = JSONDecoder()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        if T.self is any Decodable.Type { decoded.remember(value, for: text) }
        return text
    }

    /// The documents a checkout writes at every step, by ``DocumentWriter`` (the same text, written faster; they
    /// throw nothing, but stand in for the generic `encode` at its callers).
    static func encode(_ order: Order) throws -> String { remembered(order, DocumentWriter.text(of: order)) }
    static func encode(_ payment: Payment) throws -> String { remembered(payment, DocumentWriter.text(of: payment)) }
    static func encode(_ reservation: Reservation) throws -> String {
        remembered(reservation, DocumentWriter.text(of: reservation))
    }

    private static func remembered<T>(_ value: T, _ text: String) -> String {
        decoded.remember(value, for: text)
        return text
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        if let value: T = decoded.value(for: text) { return value }
        let value = try decoder.decode(type, from: Data(text.utf8))
        decoded.remember(value, for: text)
        return value
    }

    static let decoded = DecodedDocuments()
}

/// Values decoded from JSON text, by the type and the text: the newest few thousand.
final class DecodedDocuments: @unchecked Sendable {
    private struct Key: Hashable {
        let type: ObjectIdentifier
        let text: String
    }

    private let lock = NSLock()
    private var values: [Key: Any] = [:]
    private var order: [Key] = []
    private var next = 0
    private let capacity = 4096

    func value<T>(for text: String) -> T? {
        let key = Key(type: ObjectIdentifier(T.self), text: text)
        return lock.withLock { values[key] as? T }
    }

    func remember<T>(_ value: T, for text: String) {
        let key = Key(type: ObjectIdentifier(T.self), text: text)
        lock.withLock {
            guard values.updateValue(value, forKey: key) == nil else { return }
            if order.count < capacity {
                order.append(key)
            } else {
                values.removeValue(forKey: order[next])
                order[next] = key
                next = (next + 1) % capacity
            }
        }
    }
}
