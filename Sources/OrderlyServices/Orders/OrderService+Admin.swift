import Foundation
import OrderlyModel
import OrderlyPorts

extension OrderService {
    /// An admin's move of an order: `PACKED` and `RETURNED` directly, `CANCELLED` through cancellation (refund and
    /// restock). `OUT_FOR_DELIVERY` and `DELIVERED` follow the order's delivery and cannot be set by hand.
    public func adminMove(_ id: Order.ID, to status: OrderStatus, note: String?, by actor: Actor) async throws -> Order
    {
        switch status {
        case .cancelled:
            return try await cancel(id, reason: note, by: actor)
        case .packed, .returned:
            let now = env.clock.now()
            let env = self.env
            return try await orders.updateOrder(id: id) { order in
                try order.move(to: status, at: now, note: note)
                return [try env.envelope(OrderStatusChanged(order: order))]
            }
        default:
            throw OrderlyError(
                .invalidTransition, "An admin cannot set \(status.rawValue) by hand; deliveries and checkout do.",
                fieldIssues: [FieldIssue(field: "status", message: "must be PACKED, CANCELLED or RETURNED")])
        }
    }

    /// Every order, for admins, newest first.
    public func allOrders(userID: User.ID?, status: OrderStatus?, page: PageRequest) async throws -> Page<Order> {
        return try await orders.orders(matching: OrderQuery(userID: userID, status: status), page: page)
    }
}
