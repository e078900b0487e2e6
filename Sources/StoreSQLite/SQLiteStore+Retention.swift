import Foundation
import GRDB
import OrderlyPorts

/// What the embedded database lets go: finished executions (their journal with them) past the retention, expired
/// idempotency records, old consumer-ledger entries. Each batch is one write, so a long pass never holds the writer.
extension SQLiteStore: StorageRetention {
    static let pruneBatch = 500

    public func prune(_ policy: RetentionPolicy, now: Date) async throws -> [(what: String, removed: Int)] {
        let executionsBefore = (now - policy.executions).millis
        let ledgerBefore = (now - policy.consumerLedger).millis
        let keysBefore = now.millis - Self.idempotencyWindow
        let batch = Self.pruneBatch
        let executions = try await repeatedly { db in
            let numbers = try Int64.fetchAll(
                db.cachedStatement(sql: "SELECT number FROM executions WHERE finished_at < ? LIMIT ?"),
                arguments: [executionsBefore, batch])
            guard !numbers.isEmpty else { return 0 }
            let marks = Array(repeating: "?", count: numbers.count).joined(separator: ",")
            try db.execute(
                sql: "DELETE FROM execution_journal WHERE execution IN (\(marks))",
                arguments: StatementArguments(numbers))
            try db.execute(
                sql: "DELETE FROM executions WHERE number IN (\(marks))", arguments: StatementArguments(numbers))
            return numbers.count
        }
        let ledger = try await repeatedly { db in
            try db.cachedStatement(
                sql: """
                    DELETE FROM consumer_ledger WHERE (consumer, event_id) IN
                    (SELECT consumer, event_id FROM consumer_ledger WHERE processed_at < ? LIMIT ?)
                    """
            ).execute(arguments: [ledgerBefore, batch])
            return db.changesCount
        }
        let keys = try await repeatedly { db in
            try db.cachedStatement(
                sql: """
                    DELETE FROM idempotency_keys WHERE (scope, key) IN
                    (SELECT scope, key FROM idempotency_keys WHERE created_at < ? LIMIT ?)
                    """
            ).execute(arguments: [keysBefore, batch])
            return db.changesCount
        }
        return [
            ("finished workflow executions", executions), ("consumer ledger entries", ledger),
            ("expired idempotency keys", keys),
        ]
    }

    /// Runs `batch` (one write each) until it removes nothing; answers how many it removed in all.
    private func repeatedly(_ batch: @escaping @Sendable (Database) throws -> Int) async throws -> Int {
        var total = 0
        while true {
            let removed = try await writer.write(batch)
            total += removed
            if removed < Self.pruneBatch { return total }
        }
    }

    /// Gives the space of removed rows back to the file system (`VACUUM`): the file shrinks to what it holds.
    public func compact() async throws {
        try await pool.barrierWriteWithoutTransaction { try $0.execute(sql: "VACUUM") }
    }
}
