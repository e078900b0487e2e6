import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: OrderStore {
    public func insertOrder(_ order: Order, events: [EventEnvelope], unpaidLimit: Int?) async throws {
        do {
            try await writeCached { db, writes in
                if let unpaidLimit {
                    let unpaid =
                        try Int.fetchOne(
                            db.cachedStatement(
                                sql: """
                                    SELECT count(*) FROM orders WHERE user_id = ?
                                    AND status IN ('CREATED', 'CONFIRMED', 'PACKED', 'OUT_FOR_DELIVERY')
                                    AND json_extract(document, '$.paymentStatus') = 'PENDING'
                                    """), arguments: [order.userID.rawValue]) ?? 0
                    guard unpaid < unpaidLimit else {
                        throw OrderlyError(
                            .conflict, "You have \(unpaid) orders awaiting payment; pay or cancel one first.",
                            fieldIssues: [
                                FieldIssue(
                                    field: "paymentMethod", message: "at most \(unpaidLimit) unpaid orders at once")
                            ])
                    }
                }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO orders (id, user_id, status, document, created_at, updated_at, idempotency_key)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    order.id.rawValue, order.userID.rawValue, order.status.rawValue, try JSONColumn.encode(order),
                    order.createdAt.millis, order.updatedAt.millis, order.idempotencyKey,
                ])
                writes.wrote(order)
                writes.createdWithoutPayment(order.id)
                try Self.record(events, in: db)
            }
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
            || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
        {
            throw OrderlyError(
                .conflict, "An order with the id \(order.id) or its Idempotency-Key exists already.", underlying: error)
        }
    }

    public func order(userID: User.ID, idempotencyKey: String) async throws -> Order? {
        try readOne { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT document FROM orders WHERE user_id = ? AND idempotency_key = ?"),
                arguments: [userID.rawValue, idempotencyKey]
            ).map { try JSONColumn.decode(Order.self, from: $0) }
        }
    }

    public func order(id: Order.ID) async throws -> Order? {
        try orderCache.record(id.rawValue) { try readOne { db in try Self.order(id: id, in: db) } }
    }

    public func orders(matching query: OrderQuery, page: PageRequest) async throws -> Page<Order> {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let userID = query.userID {
            conditions.append("user_id = ?")
            arguments += [userID.rawValue]
        }
        if let status = query.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        return try await self.page(
            "SELECT document FROM orders", where: conditions, arguments: arguments, page: page,
            decode: Self.document(Order.self), key: \.id.rawValue)
    }

    public func updateOrder(
        id: Order.ID, change: @escaping @Sendable (inout Order) throws -> [EventEnvelope]
    ) async throws -> Order {
        try await writeCached { db, writes in try Self.update(id: id, in: db, writes: writes, change: change) }
    }

    public func updateOrderClearingCart(
        id: Order.ID, at time: Date, change: @escaping @Sendable (inout Order) throws -> [EventEnvelope]
    ) async throws -> Order {
        try await writeCached { db, writes in
            let order = try Self.update(id: id, in: db, writes: writes, change: change)
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM carts WHERE user_id = ?"), arguments: [order.userID.rawValue]
                )
            else { return order }
            var cart = try Self.cart(from: row)
            for line in order.lines {
                let left = cart.quantity(of: line.productID) - line.quantity
                try cart.setQuantity(max(0, left), of: line.productID, at: time)
            }
            try db.cachedStatement(sql: "UPDATE carts SET lines = ?, updated_at = ? WHERE id = ?").execute(arguments: [
                try JSONColumn.encode(cart.lines), time.millis, cart.id.rawValue,
            ])
            return order
        }
    }

    static func order(id: Order.ID, in db: Database) throws -> Order? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT document FROM orders WHERE id = ?"), arguments: [id.rawValue]
        )
        .map { try JSONColumn.decode(Order.self, from: $0) }
    }

    static func update(
        id: Order.ID, in db: Database, writes: CachedWrites, change: (inout Order) throws -> [EventEnvelope]
    ) throws -> Order {
        guard var order = try order(id: id, in: db) else { throw OrderlyError.notFound("order") }
        let before = order
        let events = try change(&order)
        // A change that changed nothing (a payment's status the order has already) writes nothing.
        if order != before { try write(order, in: db, writes: writes) }
        try record(events, in: db)
        return order
    }

    /// Stores a changed order (kept in the cache once committed).
    static func write(_ order: Order, in db: Database, writes: CachedWrites) throws {
        try db.cachedStatement(sql: "UPDATE orders SET status = ?, document = ?, updated_at = ? WHERE id = ?").execute(
            arguments: [order.status.rawValue, try JSONColumn.encode(order), order.updatedAt.millis, order.id.rawValue])
        writes.wrote(order)
    }
}

extension SQLiteStore: PaymentStore {
    /// Durable at once: a payment is recorded to be charged next, and the charge waits for it to be on the disk.
    public func insertPayment(_ payment: Payment, events: [EventEnvelope]) async throws -> Payment {
        try await writeCached(durable: true) { db, writes in
            if let existing = try Self.payment(orderID: payment.orderID, in: db) { return existing }
            try db.cachedStatement(
                sql: """
                    INSERT INTO payments (id, order_id, user_id, status, document, pending_refunds)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                payment.id.rawValue, payment.orderID.rawValue, payment.userID.rawValue, payment.status.rawValue,
                try JSONColumn.encode(payment), payment.refunds.count { $0.status == .pending },
            ])
            writes.wrote(payment)
            _ = try Self.update(id: payment.orderID, in: db, writes: writes) { order in
                try order.setPaymentStatus(payment.status, at: payment.updatedAt)
                return []
            }
            try Self.record(events, in: db)
            return payment
        }
    }

    public func payment(orderID: Order.ID) async throws -> Payment? {
        try paymentCache.record(orderID.rawValue) { try readOne { db in try Self.payment(orderID: orderID, in: db) } }
    }

    public func payments(userID: User.ID, page: PageRequest) async throws -> Page<Payment> {
        try await self.page(
            "SELECT document FROM payments", where: ["user_id = ?"], arguments: [userID.rawValue], page: page,
            decode: Self.document(Payment.self), key: \.id.rawValue)
    }

    public func paymentsWithPendingRefunds(before time: Date, limit: Int) async throws -> [Payment] {
        try readNow { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT document FROM payments WHERE pending_refunds > 0 ORDER BY rowid LIMIT ?"),
                arguments: [limit * 4]
            ).map { try JSONColumn.decode(Payment.self, from: $0) }
                .filter { $0.refunds.contains { $0.status == .pending && $0.createdAt < time } }
                .prefix(limit).map { $0 }
        }
    }

    public func updatePayment(
        orderID: Order.ID, at time: Date, change: @escaping @Sendable (inout Payment) throws -> [EventEnvelope]
    ) async throws -> Payment {
        try await writeCached { db, writes in
            guard var payment = try Self.payment(orderID: orderID, in: db) else {
                throw OrderlyError.notFound("payment")
            }
            let before = payment
            let events = try change(&payment)
            guard payment != before || !events.isEmpty else { return payment }
            try db.cachedStatement(
                sql: "UPDATE payments SET status = ?, document = ?, pending_refunds = ? WHERE id = ?"
            ).execute(arguments: [
                payment.status.rawValue, try JSONColumn.encode(payment),
                payment.refunds.count { $0.status == .pending }, payment.id.rawValue,
            ])
            writes.wrote(payment)
            let status = payment.status
            _ = try Self.update(id: orderID, in: db, writes: writes) { order in
                try order.setPaymentStatus(status, at: time)
                return []
            }
            try Self.record(events, in: db)
            return payment
        }
    }

    static func payment(orderID: Order.ID, in db: Database) throws -> Payment? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT document FROM payments WHERE order_id = ?"), arguments: [orderID.rawValue]
        )
        .map { try JSONColumn.decode(Payment.self, from: $0) }
    }
}
