import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: DeliveryStore {
    public func insertDelivery(_ delivery: Delivery, events: [EventEnvelope]) async throws {
        do {
            try await writer.write { db in
                try Self.write(delivery, in: db, insert: true)
                try Self.record(events, in: db)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw OrderlyError(.conflict, "This order already has a delivery under way.", underlying: error)
        }
    }

    public func delivery(id: Delivery.ID) async throws -> Delivery? {
        try readNow { db in
            try Self.delivery(sql: "SELECT document FROM deliveries WHERE id = ?", [id.rawValue], in: db)
        }
    }

    public func latestDelivery(orderID: Order.ID) async throws -> Delivery? {
        try readNow { db in
            try Self.delivery(
                sql: "SELECT document FROM deliveries WHERE order_id = ? ORDER BY id DESC LIMIT 1", [orderID.rawValue],
                in: db)
        }
    }

    public func deliveries(courierID: User.ID?, status: DeliveryStatus?, page: PageRequest) async throws -> Page<
        Delivery
    > {
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
        id: Delivery.ID,
        change: @escaping @Sendable (inout Delivery, inout Order, inout Payment?) throws -> [EventEnvelope]
    ) async throws -> Delivery {
        try await writeCached { db, writes in
            guard
                var delivery = try Self.delivery(
                    sql: "SELECT document FROM deliveries WHERE id = ?", [id.rawValue], in: db)
            else { throw OrderlyError.notFound("delivery") }
            guard var order = try Self.order(id: delivery.orderID, in: db) else { throw OrderlyError.notFound("order") }
            var payment = try Self.payment(orderID: order.id, in: db)
            let before = payment
            let events = try change(&delivery, &order, &payment)
            try Self.write(delivery, in: db, insert: false)
            try Self.write(order, in: db, writes: writes)
            if let payment, payment != before {
                try db.cachedStatement(sql: "UPDATE payments SET status = ?, document = ? WHERE id = ?").execute(
                    arguments: [payment.status.rawValue, try JSONColumn.encode(payment), payment.id.rawValue])
                writes.wrote(payment)
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
