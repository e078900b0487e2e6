import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: SubscriptionStore {
    public func insertSubscription(_ subscription: Subscription, events: [EventEnvelope]) async throws {
        try await writer.write { db in
            try Self.write(subscription, in: db, insert: true)
            try Self.record(events, in: db)
        }
    }

    public func subscription(id: Subscription.ID) async throws -> Subscription? {
        try readNow { db in try Self.subscription(id: id, in: db) }
    }

    public func subscriptions(userID: User.ID, page: PageRequest) async throws -> Page<Subscription> {
        try await self.page(
            "SELECT document FROM subscriptions", where: ["user_id = ?"], arguments: [userID.rawValue], page: page,
            decode: Self.document(Subscription.self), key: \.id.rawValue)
    }

    public func updateSubscription(
        id: Subscription.ID, change: @escaping @Sendable (inout Subscription) throws -> [EventEnvelope]
    ) async throws -> Subscription {
        try await writer.write { db in
            guard var subscription = try Self.subscription(id: id, in: db) else {
                throw OrderlyError.notFound("subscription")
            }
            let events = try change(&subscription)
            try Self.write(subscription, in: db, insert: false)
            try Self.record(events, in: db)
            return subscription
        }
    }

    public func dueSubscriptions(at time: Date, limit: Int) async throws -> [Subscription] {
        try readNow { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT document FROM subscriptions WHERE status = 'ACTIVE' AND next_run_at <= ? ORDER BY next_run_at LIMIT ?"
                ), arguments: [time.millis, limit]
            ).map { try JSONColumn.decode(Subscription.self, from: $0) }
        }
    }

    public func claimRun(
        subscriptionID: Subscription.ID, runAt: Date, orderID: Order.ID, next: Date?, at time: Date,
        events: [EventEnvelope]
    ) async throws -> Bool {
        try await writer.write { db in
            guard var subscription = try Self.subscription(id: subscriptionID, in: db), subscription.status == .active,
                subscription.nextRunAt?.millis == runAt.millis
            else { return false }
            try db.cachedStatement(
                sql: """
                    INSERT INTO subscription_runs (subscription_id, run_at, order_id, status) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
            ).execute(arguments: [
                subscriptionID.rawValue, runAt.millis, orderID.rawValue, SubscriptionRun.Status.claimed.rawValue,
            ])
            guard db.changesCount == 1 else { return false }
            subscription.nextRunAt = next
            if next == nil { subscription.status = .cancelled }
            subscription.updatedAt = time
            try Self.write(subscription, in: db, insert: false)
            try Self.record(events, in: db)
            return true
        }
    }

    public func markRun(subscriptionID: Subscription.ID, runAt: Date, status: SubscriptionRun.Status, note: String?)
        async throws
    {
        try await writer.write { db in
            try db.cachedStatement(
                sql: "UPDATE subscription_runs SET status = ?, note = ? WHERE subscription_id = ? AND run_at = ?"
            ).execute(arguments: [status.rawValue, note, subscriptionID.rawValue, runAt.millis])
        }
    }

    public func unplacedRuns(limit: Int) async throws -> [SubscriptionRun] {
        try readNow { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM subscription_runs WHERE status = ? ORDER BY run_at LIMIT ?"),
                arguments: [SubscriptionRun.Status.claimed.rawValue, limit]
            ).map(Self.run(from:))
        }
    }

    public func runs(subscriptionID: Subscription.ID) async throws -> [SubscriptionRun] {
        try readNow { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM subscription_runs WHERE subscription_id = ? ORDER BY run_at"),
                arguments: [subscriptionID.rawValue]
            ).map(Self.run(from:))
        }
    }

    static func run(from row: Row) -> SubscriptionRun {
        SubscriptionRun(
            subscriptionID: .init(rawValue: row["subscription_id"]), runAt: Date(millis: row["run_at"]),
            orderID: .init(rawValue: row["order_id"]),
            status: SubscriptionRun.Status(rawValue: row["status"]) ?? .failed, note: row["note"])
    }

    static func subscription(id: Subscription.ID, in db: Database) throws -> Subscription? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT document FROM subscriptions WHERE id = ?"), arguments: [id.rawValue]
        )
        .map { try JSONColumn.decode(Subscription.self, from: $0) }
    }

    static func write(_ subscription: Subscription, in db: Database, insert: Bool) throws {
        let arguments: StatementArguments = [
            subscription.userID.rawValue, subscription.status.rawValue, subscription.nextRunAt?.millis,
            try JSONColumn.encode(subscription), subscription.id.rawValue,
        ]
        try db.execute(
            sql: insert
                ? "INSERT INTO subscriptions (user_id, status, next_run_at, document, id) VALUES (?, ?, ?, ?, ?)"
                : "UPDATE subscriptions SET user_id = ?, status = ?, next_run_at = ?, document = ? WHERE id = ?",
            arguments: arguments)
    }
}
