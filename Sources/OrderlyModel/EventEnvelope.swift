import Foundation

/// A business fact in the EventBridge envelope: `{"id","source","detail-type","time","detail"}`.
///
/// Events are recorded in the same write as the state change that caused them (transactional outbox) and delivered
/// at least once; consumers are idempotent by ``id``.
public struct EventEnvelope: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<EventEnvelope>
    public static let idPrefix = "evt_"

    public var id: ID
    /// Which part of the system speaks: `orderly.users`, `orderly.catalog`, `orderly.orders`, ...
    public var source: String
    /// The event's name: `UserRegistered`, `ProductCreated`, ...
    public var detailType: String
    public var time: Date
    /// The id of the entity the event is about, used to keep per-aggregate order.
    public var aggregateID: String
    /// The detail object as compact JSON text with sorted keys.
    public var detail: String

    enum CodingKeys: String, CodingKey {
        case id, source, detailType = "detail-type", time, aggregateID = "aggregateId", detail
    }

    public init(id: ID, source: String, detailType: String, time: Date, aggregateID: String, detail: String) {
        self.id = id
        self.source = source
        self.detailType = detailType
        self.time = time
        self.aggregateID = aggregateID
        self.detail = detail
    }

    /// Makes an event, encoding `detail` to JSON with sorted keys and RFC 3339 dates.
    public init(
        id: ID, source: EventSource, detailType: EventName, time: Date, aggregateID: String, detail: some Encodable
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(detail)
        self.init(
            id: id, source: source.rawValue, detailType: detailType.rawValue, time: time, aggregateID: aggregateID,
            detail: String(decoding: data, as: UTF8.self))
    }
}

/// The `source` of an event: one per bounded context.
public struct EventSource: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let users = EventSource(rawValue: "orderly.users")
    public static let catalog = EventSource(rawValue: "orderly.catalog")
    public static let inventory = EventSource(rawValue: "orderly.inventory")
    public static let orders = EventSource(rawValue: "orderly.orders")
    public static let payments = EventSource(rawValue: "orderly.payments")
    public static let deliveries = EventSource(rawValue: "orderly.deliveries")
    public static let subscriptions = EventSource(rawValue: "orderly.subscriptions")
}

/// The `detail-type` of an event, as listed in the public API.
public struct EventName: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let userRegistered = EventName(rawValue: "UserRegistered")
    public static let productCreated = EventName(rawValue: "ProductCreated")
    public static let inventoryAdjusted = EventName(rawValue: "InventoryAdjusted")
    public static let orderCreated = EventName(rawValue: "OrderCreated")
    public static let inventoryReserved = EventName(rawValue: "InventoryReserved")
    public static let inventoryReleased = EventName(rawValue: "InventoryReleased")
    public static let inventoryCommitted = EventName(rawValue: "InventoryCommitted")
    public static let paymentSucceeded = EventName(rawValue: "PaymentSucceeded")
    public static let paymentFailed = EventName(rawValue: "PaymentFailed")
    public static let orderConfirmed = EventName(rawValue: "OrderConfirmed")
    public static let orderCompleted = EventName(rawValue: "OrderCompleted")
    public static let orderCancelled = EventName(rawValue: "OrderCancelled")
    public static let refundIssued = EventName(rawValue: "RefundIssued")
    public static let orderStatusChanged = EventName(rawValue: "OrderStatusChanged")
    public static let deliveryUpdated = EventName(rawValue: "DeliveryUpdated")
    public static let subscriptionCreated = EventName(rawValue: "SubscriptionCreated")
    public static let subscriptionPaused = EventName(rawValue: "SubscriptionPaused")
    public static let subscriptionResumed = EventName(rawValue: "SubscriptionResumed")
    public static let subscriptionCancelled = EventName(rawValue: "SubscriptionCancelled")
    public static let subscriptionRunFailed = EventName(rawValue: "SubscriptionRunFailed")
}
