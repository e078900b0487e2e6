import Foundation
import OrderlyModel
import OrderlyPorts

/// Deliveries: assigned by an admin, moved by the assigned courier or an admin; the order follows.
public struct DeliveryService: Sendable {
    let deliveries: any DeliveryStore
    let orders: any OrderStore
    let users: any UserStore
    let env: ServiceEnvironment

    public init(deliveries: any DeliveryStore, orders: any OrderStore, users: any UserStore, env: ServiceEnvironment) {
        self.deliveries = deliveries
        self.orders = orders
        self.users = users
        self.env = env
    }

    /// Assigns a delivery to a packed order (or to one whose last delivery failed), optionally to a courier.
    /// - Throws: `invalid_transition` for an order in another status; `conflict` when one is under way;
    ///   `validation_failed` for a courier id that is not a courier.
    public func assign(orderID: Order.ID, courierID: User.ID?, by actor: Actor) async throws -> Delivery {
        guard let order = try await orders.order(id: orderID) else {
            throw OrderlyError.notFound("order", field: "orderId")
        }
        guard order.status == .packed || order.status == .outForDelivery else {
            throw OrderlyError(
                .invalidTransition,
                "Only a PACKED order can be given a delivery; this one is \(order.status.rawValue).",
                fieldIssues: [
                    FieldIssue(field: "orderId", message: "the order is \(order.status.rawValue), not PACKED")
                ])
        }
        if let courierID {
            guard let courier = try await users.user(id: courierID), courier.role == .courier else {
                throw OrderlyError.validation(field: "courierId", "is not a courier")
            }
        }
        let delivery = Delivery(
            id: env.ids.next(Delivery.self), order: order, courierID: courierID, at: env.clock.now())
        try await deliveries.insertDelivery(
            delivery, events: [try env.envelope(DeliveryUpdated(delivery: delivery, note: nil))])
        return delivery
    }

    /// Moves a delivery; the order follows (`PICKED_UP` → `OUT_FOR_DELIVERY`, `DELIVERED` → `DELIVERED`), and a
    /// cash payment is captured on delivery.
    /// - Throws: `invalid_transition`; `not_found` for a delivery the caller may not see.
    public func move(_ id: Delivery.ID, to status: DeliveryStatus, note: String?, by actor: Actor) async throws
        -> Delivery
    {
        _ = try await visible(id, to: actor)
        if let note { try OrderlyError.throwIfAny(Validate.text(note, field: "note", length: 0...500)) }
        let now = env.clock.now()
        let env = self.env
        return try await deliveries.updateDelivery(id: id) { delivery, order, payment in
            try delivery.move(to: status, at: now, note: note)
            if let next = Delivery.orderStatus(following: status), order.status != next {
                try order.move(to: next, at: now, note: "delivery \(delivery.id.rawValue) \(status.rawValue)")
            }
            if status == .delivered, var cash = payment, cash.status == .pending, case .cash = cash.method {
                cash.status = .success
                cash.transactionID = "cash_\(delivery.id.rawValue)"
                cash.updatedAt = now
                payment = cash
                try order.setPaymentStatus(.success, at: now)
            }
            return [try env.envelope(DeliveryUpdated(delivery: delivery, note: note))]
        }
    }

    /// Deliveries an admin (all) or a courier (their own) may see.
    public func list(status: DeliveryStatus?, page: PageRequest, for actor: Actor) async throws -> Page<Delivery> {
        switch actor.role {
        case .admin: return try await deliveries.deliveries(courierID: nil, status: status, page: page)
        case .courier: return try await deliveries.deliveries(courierID: actor.userID, status: status, page: page)
        case .customer: throw OrderlyError.forbidden()
        }
    }

    /// The newest delivery of an order, for its owner, an admin or the assigned courier.
    public func delivery(ofOrder orderID: Order.ID, for actor: Actor) async throws -> Delivery {
        guard let delivery = try await deliveries.latestDelivery(orderID: orderID), canSee(delivery, actor) else {
            throw OrderlyError.notFound("delivery")
        }
        return delivery
    }

    private func visible(_ id: Delivery.ID, to actor: Actor) async throws -> Delivery {
        guard let delivery = try await deliveries.delivery(id: id), actor.isAdmin || delivery.courierID == actor.userID
        else { throw OrderlyError.notFound("delivery") }
        return delivery
    }

    private func canSee(_ delivery: Delivery, _ actor: Actor) -> Bool {
        actor.isAdmin || delivery.userID == actor.userID
            || (actor.role == .courier && delivery.courierID == actor.userID)
    }

    /// Cancels the delivery under way of an order that was cancelled, so no courier picks it up.
    /// - Returns: the cancelled delivery, or nil when none was under way.
    @discardableResult
    public func cancelActiveDelivery(ofOrder orderID: Order.ID) async throws -> Delivery? {
        guard let delivery = try await deliveries.latestDelivery(orderID: orderID), delivery.status.isActive else {
            return nil
        }
        let now = env.clock.now()
        let env = self.env
        return try await deliveries.updateDelivery(id: delivery.id) { delivery, _, _ in
            guard delivery.status.isActive else { return [] }
            try delivery.move(to: .cancelled, at: now, note: "order cancelled")
            return [try env.envelope(DeliveryUpdated(delivery: delivery, note: "order cancelled"))]
        }
    }
}
