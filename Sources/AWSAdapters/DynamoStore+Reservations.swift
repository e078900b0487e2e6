import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// A reservation is one transaction with the stock it moves: the reservation's item, conditional on the version
/// read, one `ADD` per product, and the events. A held reservation carries `heldShard` (the sparse GSI `held`,
/// sorted by `expiresAt`, is how the sweeper finds expired ones).
extension DynamoStore: InventoryStore {
    public func reserve(_ reservation: Reservation, events: [EventEnvelope]) async throws -> Reservation {
        if let existing = try await self.reservation(id: reservation.id) { return existing }
        let quantities = Self.quantities(reservation.lines)
        let stock = quantities.map { product, quantity in
            update(
                .products, ["id": Attribute.string(product.rawValue)], "ADD available :minus, reserved :quantity",
                condition: "attribute_exists(id) AND available >= :quantity",
                values: [":quantity": Attribute.number(quantity), ":minus": Attribute.number(-quantity)])
        }
        do {
            try await transact(
                stock + [
                    put(
                        .reservations, try Self.reservationItem(reservation, version: 1),
                        condition: "attribute_not_exists(id)")
                ] + outboxPuts(events))
        } catch let cancelled as TransactionCancelled {
            if let short = quantities.indices.first(where: cancelled.failed) {
                let productID = quantities[short].0
                guard let product = try await product(id: productID) else {
                    throw OrderlyError.notFound("product", field: "productId")
                }
                throw OrderlyError.insufficientStock(productID: productID.rawValue, available: product.stock.available)
            }
            if cancelled.failed(quantities.count), let existing = try await self.reservation(id: reservation.id) {
                return existing
            }
            throw cancelled.underlying
        }
        return reservation
    }

    public func commitReservation(id: String, at time: Date, events: [EventEnvelope]) async throws -> Reservation {
        try await retryingConflicts {
            guard let (reservation, version) = try await versionedReservation(id: id) else {
                throw OrderlyError.notFound("reservation")
            }
            guard let committed = try reservation.committed(at: time) else { return reservation }
            try await move(
                committed, version: version, from: Reservation.Holding.reserved.rawValue, to: "sold", events: events)
            return committed
        }
    }

    public func releaseReservation(id: String, expired: Bool, at time: Date, events: [EventEnvelope]) async throws
        -> Reservation?
    {
        try await retryingConflicts {
            guard let (reservation, version) = try await versionedReservation(id: id) else { return nil }
            // The sweeper's release is conditional: only a hold that is still held (the version says so) and expired.
            guard let (released, from) = reservation.released(expired: expired, at: time) else { return reservation }
            try await move(released, version: version, from: from.rawValue, to: "available", events: events)
            return released
        }
    }

    /// Stores the reservation as it now is (if still at `version`) and moves its units between two stock counts.
    func move(_ reservation: Reservation, version: Int, from: String, to: String, events: [EventEnvelope])
        async throws
    {
        let stock = Self.quantities(reservation.lines).map { product, quantity in
            update(
                .products, ["id": Attribute.string(product.rawValue)], "ADD #from :minus, #to :quantity",
                names: ["#from": from, "#to": to],
                values: [":quantity": Attribute.number(quantity), ":minus": Attribute.number(-quantity)])
        }
        let (condition, names, values) = Self.versionCondition(version, key: "id")
        do {
            try await transact(
                [
                    put(
                        .reservations, try Self.reservationItem(reservation, version: version + 1),
                        condition: condition, names: names, values: values)
                ] + stock + outboxPuts(events))
        } catch let cancelled as TransactionCancelled where cancelled.failed(0) || cancelled.conflicted {
            throw VersionConflict()
        }
    }

    public func reservation(id: String) async throws -> Reservation? {
        try await versionedReservation(id: id)?.0
    }

    func versionedReservation(id: String) async throws -> (Reservation, Int)? {
        guard let item = try await get(.reservations, ["id": Attribute.string(id)]) else { return nil }
        return (try Self.decode(Reservation.self, item), Self.version(item))
    }

    public func expiredReservations(at time: Date, limit: Int) async throws -> [Reservation] {
        try await all(
            .reservations, index: "held", condition: "heldShard = :held AND expiresAt <= :now", names: [:],
            values: [":held": Attribute.string("held"), ":now": Attribute.string(Self.sortableMillis(time))],
            limit: limit
        ).map { try Self.decode(Reservation.self, $0) }
    }

    public func stockLedger(productID: Product.ID) async throws -> StockLedger? {
        guard let item = try await get(.products, ["id": Attribute.string(productID.rawValue)]) else { return nil }
        return StockLedger(
            received: Attribute.number(item["received"]) ?? 0, available: Attribute.number(item["available"]) ?? 0,
            reserved: Attribute.number(item["reserved"]) ?? 0, sold: Attribute.number(item["sold"]) ?? 0)
    }

    /// How long an ended reservation is kept before DynamoDB's TTL removes it.
    static let endedReservationRetention: TimeInterval = 30 * 24 * 3600

    static func reservationItem(_ reservation: Reservation, version: Int) throws -> JSONObject {
        var item: JSONObject = [
            "id": Attribute.string(reservation.id), "doc": try doc(reservation), "version": Attribute.number(version),
            "expiresAt": Attribute.string(sortableMillis(reservation.expiresAt)),
        ]
        if reservation.status == .held {
            item["heldShard"] = Attribute.string("held")
        } else if reservation.status != .committed {
            let end = reservation.updatedAt.addingTimeInterval(endedReservationRetention)
            item["expireAt"] = Attribute.number(Int(end.timeIntervalSince1970))
        }
        return item
    }

    /// Each product's total quantity: one stock update per product (a transaction touches an item once).
    static func quantities(_ lines: [Cart.Line]) -> [(Product.ID, Int)] {
        var totals: [Product.ID: Int] = [:]
        var order: [Product.ID] = []
        for line in lines {
            if totals[line.productID] == nil { order.append(line.productID) }
            totals[line.productID, default: 0] += line.quantity
        }
        return order.map { ($0, totals[$0] ?? 0) }
    }
}
