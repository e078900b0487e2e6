import Crypto
import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: IdempotencyStore {
    static let idempotencyWindow: Int64 = 24 * 3600 * 1000

    public func begin(
        scope: String, key: String, fingerprint: String, at time: Date, lease: TimeInterval
    ) async throws -> IdempotencyBegin {
        try await writer.write { db in
            // Expired records go, a bounded batch at a time.
            try db.cachedStatement(
                sql: """
                    DELETE FROM idempotency_keys WHERE (scope, key) IN
                    (SELECT scope, key FROM idempotency_keys WHERE created_at < ? LIMIT 100)
                    """
            ).execute(arguments: [time.millis - Self.idempotencyWindow])
            if let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?"),
                arguments: [scope, key])
            {
                let createdAt: Int64 = row["created_at"]
                if time.millis - createdAt < Self.idempotencyWindow {
                    guard row["fingerprint"] == fingerprint else { return .mismatch }
                    guard let status: Int = row["response_status"] else {
                        guard time.millis - createdAt >= Int64(lease * 1000) else { return .inProgress }
                        // The request holding it died: this one takes the claim over.
                        try db.cachedStatement(
                            sql: "UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND key = ?"
                        ).execute(arguments: [time.millis, scope, key])
                        return .proceed
                    }
                    let stored: Data = row["body"]
                    let body = row["encoding"] == "deflate" ? try Deflate.decompress(stored) : stored
                    return .replay(StoredResponse(status: status, contentType: row["content_type"], body: body))
                }
                try db.cachedStatement(sql: "DELETE FROM idempotency_keys WHERE scope = ? AND key = ?").execute(
                    arguments: [scope, key])
            }
            try db.cachedStatement(
                sql: "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [scope, key, fingerprint, time.millis])
            return .proceed
        }
    }

    /// Durable at once: the answer kept is the one about to be sent, which waits for it to be on the disk.
    public func complete(scope: String, key: String, response: StoredResponse, at time: Date) async throws {
        let body = try Deflate.compress(response.body)
        try await writer.write(durable: true) { db in
            try db.cachedStatement(
                sql:
                    """
                    UPDATE idempotency_keys SET response_status = ?, content_type = ?, body = ?, encoding = 'deflate'
                    WHERE scope = ? AND key = ?
                    """
            ).execute(arguments: [response.status, response.contentType, body, scope, key])
        }
    }

    /// Forgets the stored answer of a key, leaving it claimed: what a failed write of the answer leaves behind.
    /// For fault tests only.
    public func forgetIdempotentAnswer(scope: String, key: String) async throws {
        try await writer.write { db in
            try db.cachedStatement(
                sql: "UPDATE idempotency_keys SET response_status = NULL, body = NULL WHERE scope = ? AND key = ?"
            ).execute(arguments: [scope, key])
        }
    }

    public func abandon(scope: String, key: String) async throws {
        try await writer.write { db in
            try db.cachedStatement(
                sql: "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND response_status IS NULL"
            ).execute(arguments: [scope, key])
        }
    }
}

extension SQLiteStore: NotificationStore {
    /// A deduplication key as stored: a long one (a workflow step's, a hundred characters) by its SHA-256, so that
    /// the unique index holds 34 characters a notification.
    static func storedKey(_ key: String) -> String {
        key.utf8.count <= 40 ? key : "h:" + SHA256.hash(data: Data(key.utf8)).prefix(16).hexString
    }

    public func insertNotification(_ notification: UserNotification, dedupeKey: String) async throws -> Bool {
        try await writer.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO notifications (id, user_id, dedupe_key, type, channel, subject, message, status, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING
                    """
            ).execute(arguments: [
                notification.id.rawValue, notification.userID.rawValue, Self.storedKey(dedupeKey), notification.type,
                notification.channel, notification.subject, notification.message, notification.status,
                notification.createdAt.millis,
            ])
            return db.changesCount == 1
        }
    }

    public func notifications(userID: User.ID, page: PageRequest) async throws -> Page<UserNotification> {
        try await self.page(
            "SELECT * FROM notifications", where: ["user_id = ?"], arguments: [userID.rawValue], page: page,
            decode: Self.notification, key: \.id.rawValue)
    }

    static func notification(_ row: Row) -> UserNotification {
        UserNotification(
            id: .init(rawValue: row["id"]), userID: .init(rawValue: row["user_id"]), type: row["type"],
            channel: row["channel"], subject: row["subject"], message: row["message"], status: row["status"],
            createdAt: Date(millis: row["created_at"]))
    }
}

extension SQLiteStore: QueuedMailStore {
    public func queuedNotifications(limit: Int) async throws -> [UserNotification] {
        try readNow { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM notifications WHERE status = 'QUEUED' ORDER BY id LIMIT ?"),
                arguments: [limit]
            ).map(Self.notification)
        }
    }

    public func markSent(_ ids: [UserNotification.ID]) async throws {
        guard !ids.isEmpty else { return }
        try await writer.write { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            try db.execute(
                sql: "UPDATE notifications SET status = 'SENT' WHERE status = 'QUEUED' AND id IN (\(marks))",
                arguments: StatementArguments(ids.map(\.rawValue)))
        }
    }
}

extension SQLiteStore: ConsumerLedger {
    public func isProcessed(consumer: String, eventID: EventEnvelope.ID) async throws -> Bool {
        try readOne { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM consumer_ledger WHERE consumer = ? AND event_id = ?"),
                arguments: [consumer, eventID.rawValue]) ?? false
        }
    }

    public func markProcessed(consumer: String, eventID: EventEnvelope.ID, at time: Date) async throws {
        try await writer.write { db in
            try db.cachedStatement(
                sql:
                    "INSERT INTO consumer_ledger (consumer, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
            ).execute(arguments: [consumer, eventID.rawValue, time.millis])
        }
    }

    public func processed(consumer: String, among eventIDs: [EventEnvelope.ID]) async throws -> Set<EventEnvelope.ID> {
        guard !eventIDs.isEmpty else { return [] }
        return try readNow { db in
            let marks = Array(repeating: "?", count: eventIDs.count).joined(separator: ",")
            return Set(
                try String.fetchAll(
                    db, sql: "SELECT event_id FROM consumer_ledger WHERE consumer = ? AND event_id IN (\(marks))",
                    arguments: StatementArguments([consumer] + eventIDs.map(\.rawValue))
                ).map(EventEnvelope.ID.init(rawValue:)))
        }
    }

    public func markProcessed(consumer: String, eventIDs: [EventEnvelope.ID], at time: Date) async throws {
        guard !eventIDs.isEmpty else { return }
        try await writer.write { db in
            let statement = try db.cachedStatement(
                sql:
                    "INSERT INTO consumer_ledger (consumer, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
            )
            for id in eventIDs { try statement.execute(arguments: [consumer, id.rawValue, time.millis]) }
        }
    }

    public func deadLetter(consumer: String, event: EventEnvelope, error: String, attempts: Int, at time: Date)
        async throws
    {
        try await writer.write { db in
            try db.cachedStatement(
                sql: "INSERT INTO dead_letters (consumer, event, error, attempts, created_at) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [consumer, try JSONColumn.encode(event), error, attempts, time.millis])
        }
    }

    public func deadLetters(page: PageRequest) async throws -> Page<DeadLetter> {
        var sql = "SELECT * FROM dead_letters"
        var arguments = StatementArguments()
        if let after = page.after, let seq = Int(after) {
            sql += " WHERE seq < ?"
            arguments += [seq]
        }
        sql += " ORDER BY seq DESC LIMIT ?"
        arguments += [page.limit + 1]
        let letters = try readNow { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.deadLetter(from:))
        }
        let items = Array(letters.prefix(page.limit))
        return Page(
            items: items, nextAfter: letters.count > page.limit ? items.last.map { String($0.id.dropFirst(4)) } : nil)
    }

    public func deadLetter(id: String) async throws -> DeadLetter? {
        guard id.hasPrefix("dlq_"), let seq = Int(id.dropFirst(4)) else { return nil }
        return try readNow { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM dead_letters WHERE seq = ?"), arguments: [seq])
                .map(Self.deadLetter(from:))
        }
    }

    public func recordReplayFailure(id: String, error: String, at time: Date) async throws {
        guard id.hasPrefix("dlq_"), let seq = Int(id.dropFirst(4)) else { return }
        try await writer.write { db in
            try db.cachedStatement(sql: "UPDATE dead_letters SET attempts = attempts + 1, error = ? WHERE seq = ?")
                .execute(arguments: [error, seq])
        }
    }

    public func removeDeadLetter(id: String) async throws -> DeadLetter? {
        guard id.hasPrefix("dlq_"), let seq = Int(id.dropFirst(4)) else { return nil }
        return try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM dead_letters WHERE seq = ?"), arguments: [seq])
            else {
                return nil
            }
            try db.cachedStatement(sql: "DELETE FROM dead_letters WHERE seq = ?").execute(arguments: [seq])
            return try Self.deadLetter(from: row)
        }
    }

    static func deadLetter(from row: Row) throws -> DeadLetter {
        let seq: Int = row["seq"]
        return DeadLetter(
            id: "dlq_\(seq)", consumer: row["consumer"],
            event: try JSONColumn.decode(EventEnvelope.self, from: row["event"]),
            error: row["error"], attempts: row["attempts"], createdAt: Date(millis: row["created_at"]))
    }
}

extension SQLiteStore: EventLogStore {
    /// The log is the outbox: an event is in it from the write that recorded it.
    public var logsRecordedEvents: Bool { true }

    public func log(_ events: [EventEnvelope]) async throws {
        guard !events.isEmpty else { return }
        try await writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO event_log (event_id, source, detail_type, time, aggregate_id, detail)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING
                    """)
            for event in events {
                try statement.execute(arguments: [
                    event.id.rawValue, event.source, event.detailType, event.time.millis, event.aggregateID,
                    event.detail,
                ])
            }
        }
    }

    public func log(_ event: EventEnvelope) async throws {
        try await log([event])
    }

    public func loggedEvents(type: String?, page: PageRequest) async throws -> Page<EventEnvelope> {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let type {
            conditions.append("detail_type = ?")
            arguments += [type]
        }
        if let after = page.after, let seq = Int(after) {
            conditions.append("seq < ?")
            arguments += [seq]
        }
        arguments += [page.limit + 1]
        let sql =
            "SELECT seq, event_id AS id, source, detail_type, time, aggregate_id, detail FROM event_log"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY seq DESC LIMIT ?"
        let rows = try readNow { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0["seq"] as Int, Self.event(from: $0)) }
        }
        let items = Array(rows.prefix(page.limit))
        return Page(items: items.map(\.1), nextAfter: rows.count > page.limit ? items.last.map { String($0.0) } : nil)
    }
}
