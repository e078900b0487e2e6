import Foundation
import OrderlyModel

/// Where deliveries live.
public protocol DeliveryStore: Sendable {
    /// Stores a new delivery with its events, on the condition that its order has no delivery under way.
    /// - Throws: `conflict` when one is under way.
    func insertDelivery(_ delivery: Delivery, events: [EventEnvelope]) async throws

    func delivery(id: Delivery.ID) async throws -> Delivery?

    /// The newest delivery of an order.
    func latestDelivery(orderID: Order.ID) async throws -> Delivery?

    /// Deliveries, newest first, optionally of one courier and one status.
    func deliveries(courierID: User.ID?, status: DeliveryStatus?, page: PageRequest) async throws -> Page<Delivery>

    /// Reads the delivery, its order and the order's payment; applies `change` (which returns the events) and stores
    /// all of them, atomically.
    func updateDelivery(
        id: Delivery.ID,
        change: @escaping @Sendable (inout Delivery, inout Order, inout Payment?) throws -> [EventEnvelope]
    ) async throws -> Delivery
}
