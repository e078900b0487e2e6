import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: DeliveryStore {
    public func insertDelivery(_ delivery: Delivery, events: [EventEnvelope]) async throws {
        do {
            try await pool.write { db in
                try Self.write(delivery, in: db, insert: true)
                try Self.record(events, in: db)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw OrderlyError(.conflict, "This order already has a delivery under way.", underlying: error)
        }
    }

    public func delivery(id: Delivery.ID) async throws -> Delivery? {
        try await pool.read { db in try Self.delivery(sql: "SELECT document FROM deliveries WHERE id = ?", [id.rawValue], in: db) }
    }

    public func latestDelivery(orderID: Order.ID) async throws -> Delivery? {
        try await pool.read { db in
            try Self.delivery(sql: "SELECT document FROM deliveries WHERE order_id = ? ORDER BY id DESC LIMIT 1", [orderID.rawValue], in: db)
        }
    }

    public func deliveries(courierID: User.ID?, status: DeliveryStatus?, page: PageRequest) async throws -> Page<Delivery> {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let courierID {
            conditions.append("courier_id = ?")
            arguments += [courierID.rawValue]
        }
        if let status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        return try await self.page(
            "SELECT document FROM deliveries", where: conditions, arguments: arguments, page: page,
            decode: Self.document(Delivery.self), key: \.id.rawValue)
    }

    public func updateDelivery(
        id: Delivery.ID, change: @escaping @Sendable (inout Delivery, inout Order, inout Payment?) throws -> [EventEnvelope]
    ) async throws -> Delivery {
        try await pool.write { db in
            guard var delivery = try Self.delivery(sql: "SELECT document FROM deliveries WHERE id = ?", [id.rawValue], in: db)
            else { throw OrderlyError.notFound("delivery") }
            guard var order = try Self.order(id: delivery.orderID, in: db) else { throw OrderlyError.notFound("order") }
            var payment = try Self.payment(orderID: order.id, in: db)
            let before = payment
            let events = try change(&delivery, &order, &payment)
            try Self.write(delivery, in: db, insert: false)
            try db.execute(
                sql: "UPDATE orders SET status = ?, document = ?, updated_at = ? WHERE id = ?",
                arguments: [order.status.rawValue, try JSONColumn.encode(order), order.updatedAt.millis, order.id.rawValue])
            if let payment, payment != before {
                try db.execute(
                    sql: "UPDATE payments SET status = ?, document = ? WHERE id = ?",
                    arguments: [payment.status.rawValue, try JSONColumn.encode(payment), payment.id.rawValue])
            }
            try Self.record(events, in: db)
            return delivery
        }
    }

    static func delivery(sql: String, _ arguments: StatementArguments, in db: Database) throws -> Delivery? {
        try String.fetchOne(db, sql: sql, arguments: arguments).map { try JSONColumn.decode(Delivery.self, from: $0) }
    }

    static func write(_ delivery: Delivery, in db: Database, insert: Bool) throws {
        let arguments: StatementArguments = [
            delivery.orderID.rawValue, delivery.courierID?.rawValue, delivery.status.rawValue, delivery.status.isActive,
            try JSONColumn.encode(delivery), delivery.id.rawValue,
        ]
        try db.execute(
            sql: insert
                ? "INSERT INTO deliveries (order_id, courier_id, status, active, document, id) VALUES (?, ?, ?, ?, ?, ?)"
                : "UPDATE deliveries SET order_id = ?, courier_id = ?, status = ?, active = ?, document = ? WHERE id = ?",
            arguments: arguments)
    }
}

extension SQLiteStore: SubscriptionStore {
    public func insertSubscription(_ subscription: Subscription, events: [EventEnvelope]) async throws {
        try await pool.write { db in
            try Self.write(subscription, in: db, insert: true)
            try Self.record(events, in: db)
        }
    }

    public func subscription(id: Subscription.ID) async throws -> Subscription? {
        try await pool.read { db in try Self.subscription(id: id, in: db) }
    }

    public func subscriptions(userID: User.ID, page: PageRequest) async throws -> Page<Subscription> {
        try await self.page(
            "SELECT document FROM subscriptions", where: ["user_id = ?"], arguments: [userID.rawValue], page: page,
            decode: Self.document(Subscription.self), key: \.id.rawValue)
    }

    public func updateSubscription(
        id: Subscription.ID, change: @escaping @Sendable (inout Subscription) throws -> [EventEnvelope]
    ) async throws -> Subscription {
        try await pool.write { db in
            guard var subscription = try Self.subscription(id: id, in: db) else { throw OrderlyError.notFound("subscription") }
            let events = try change(&subscription)
            try Self.write(subscription, in: db, insert: false)
            try Self.record(events, in: db)
            return subscription
        }
    }

    public func dueSubscriptions(at time: Date, limit: Int) async throws -> [Subscription] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT document FROM subscriptions WHERE status = 'ACTIVE' AND next_run_at <= ? ORDER BY next_run_at LIMIT ?",
                arguments: [time.millis, limit]
            ).map { try JSONColumn.decode(Subscription.self, from: $0) }
        }
    }

    public func claimRun(
        subscriptionID: Subscription.ID, runAt: Date, orderID: Order.ID, next: Date?, at time: Date,
        events: [EventEnvelope]
    ) async throws -> Bool {
        try await pool.write { db in
            guard var subscription = try Self.subscription(id: subscriptionID, in: db), subscription.status == .active,
                subscription.nextRunAt?.millis == runAt.millis
            else { return false }
            try db.execute(
                sql: """
                    INSERT INTO subscription_runs (subscription_id, run_at, order_id, status) VALUES (?, ?, ?, 'CLAIMED')
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [subscriptionID.rawValue, runAt.millis, orderID.rawValue])
            guard db.changesCount == 1 else { return false }
            subscription.nextRunAt = next
            if next == nil { subscription.status = .cancelled }
            subscription.updatedAt = time
            try Self.write(subscription, in: db, insert: false)
            try Self.record(events, in: db)
            return true
        }
    }

    public func markRun(subscriptionID: Subscription.ID, runAt: Date, status: String, note: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE subscription_runs SET status = ?, note = ? WHERE subscription_id = ? AND run_at = ?",
                arguments: [status, note, subscriptionID.rawValue, runAt.millis])
        }
    }

    public func unplacedRuns(limit: Int) async throws -> [SubscriptionRun] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM subscription_runs WHERE status = 'CLAIMED' ORDER BY run_at LIMIT ?", arguments: [limit]
            ).map(Self.run(from:))
        }
    }

    public func runs(subscriptionID: Subscription.ID) async throws -> [SubscriptionRun] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM subscription_runs WHERE subscription_id = ? ORDER BY run_at",
                arguments: [subscriptionID.rawValue]
            ).map(Self.run(from:))
        }
    }

    static func run(from row: Row) -> SubscriptionRun {
        SubscriptionRun(
            subscriptionID: .init(rawValue: row["subscription_id"]), runAt: Date(millis: row["run_at"]),
            orderID: .init(rawValue: row["order_id"]), status: row["status"], note: row["note"])
    }

    static func subscription(id: Subscription.ID, in db: Database) throws -> Subscription? {
        try String.fetchOne(db, sql: "SELECT document FROM subscriptions WHERE id = ?", arguments: [id.rawValue])
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

extension SQLiteStore: SalesStore {
    public func recordSaleFacts(eventID: EventEnvelope.ID, facts: [SaleFact]) async throws {
        try await pool.write { db in
            for (seq, fact) in facts.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO sale_facts (event_id, seq, kind, day, order_id, product_id, product_name, quantity, amount)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        eventID.rawValue, seq, fact.kind.rawValue, fact.day, fact.orderID, fact.productID, fact.productName,
                        fact.quantity, fact.amount,
                    ])
            }
        }
    }

    public func salesFigures(from: String, to: String) async throws -> SalesFigures {
        try await pool.read { db in
            let days = try Row.fetchAll(
                db,
                sql: """
                    SELECT day,
                        SUM(CASE WHEN kind = 'order' THEN 1 ELSE 0 END) AS orders,
                        SUM(CASE WHEN kind = 'order' THEN amount ELSE 0 END) AS revenue,
                        SUM(CASE WHEN kind = 'refund' THEN amount ELSE 0 END) AS refunded
                    FROM sale_facts WHERE day BETWEEN ? AND ? AND kind IN ('order', 'refund')
                    GROUP BY day ORDER BY day
                    """, arguments: [from, to]
            ).map { SalesFigures.Day(date: $0["day"], orders: $0["orders"], revenue: $0["revenue"], refunded: $0["refunded"]) }
            let products = try Row.fetchAll(
                db,
                sql: """
                    SELECT product_id, MAX(product_name) AS name, SUM(quantity) AS quantity, SUM(amount) AS revenue
                    FROM sale_facts WHERE day BETWEEN ? AND ? AND kind = 'line'
                    GROUP BY product_id ORDER BY revenue DESC, product_id LIMIT 10
                    """, arguments: [from, to]
            ).map {
                SalesFigures.ProductFigure(productID: $0["product_id"], name: $0["name"], quantity: $0["quantity"], revenue: $0["revenue"])
            }
            return SalesFigures(days: days, topProducts: products)
        }
    }
}
