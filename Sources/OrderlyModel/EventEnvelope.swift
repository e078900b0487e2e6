import Foundation

/// A business fact in the EventBridge envelope: `{"id","source","detail-type","time","detail"}`.
///
/// Events are recorded in the same write as the state change that caused them (transactional outbox) and delivered
/// at least once; consumers are idempotent by ``id``. The detail is one of the ``DomainEvent`` structs, encoded:
/// make an envelope with ``init(id:time:event:)`` and read it back with ``decode(_:)``.
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

    /// An envelope as it was stored or received, detail already encoded.
    public init(id: ID, source: String, detailType: String, time: Date, aggregateID: String, detail: String) {
        self.id = id
        self.source = source
        self.detailType = detailType
        self.time = time
        self.aggregateID = aggregateID
        self.detail = detail
    }

    /// Wraps a domain event: its name, source and aggregate come from the event, its detail is its JSON with sorted
    /// keys and RFC 3339 dates.
    public init<Event: DomainEvent>(id: ID, time: Date, event: Event) throws {
        let detail = try event.writtenDetail ?? String(decoding: Self.encoder.encode(event), as: UTF8.self)
        self.init(
            id: id, source: Event.source.rawValue, detailType: Event.detailType.rawValue, time: time,
            aggregateID: event.aggregateID, detail: detail)
    }

    /// The event's name as a typed value, for `switch`.
    public var name: EventName { EventName(rawValue: detailType) }

    /// Reads the detail as the event it names.
    /// - Throws: ``OrderlyError`` `internal` when this envelope is another event, or its detail does not decode
    ///   (a consumer then fails and the event ends in the dead letters; it is never read as zeros).
    public func decode<Event: DomainEvent>(_ type: Event.Type) throws -> Event {
        guard detailType == Event.detailType.rawValue else {
            throw OrderlyError(.internal, "Event \(id) is \(detailType), not \(Event.detailType.rawValue).")
        }
        do {
            return try Self.decoder.decode(Event.self, from: Data(detail.utf8))
        } catch {
            throw OrderlyError(
                .internal, "The detail of event \(id) (\(detailType)) does not decode: \(error)", underlying: error)
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// A business fact with a fixed name and source, whose stored properties are its `detail`.
///
/// One struct per event name (``OrderConfirmed``, ``RefundIssued``, ...): producers build the struct, consumers
/// decode it with ``EventEnvelope/decode(_:)``.
public protocol DomainEvent: Codable, Sendable, Hashable {
    /// The `detail-type`, e.g. `OrderConfirmed`.
    static var detailType: EventName { get }
    /// The part of the system that speaks, e.g. `orderly.orders`.
    static var source: EventSource { get }
    /// The id of the entity the event is about (events of one aggregate are delivered in order).
    var aggregateID: String { get }
    /// The detail written by hand (``JSONWriter``), the same text the envelope's encoder writes: for the events every
    /// checkout publishes. Nil (the default): the encoder writes it.
    var writtenDetail: String? { get }
}

extension DomainEvent {
    public var writtenDetail: String? { nil }
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
public struct EventName: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

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

    /// Every name above, in the order of the business's flow.
    public static let all: [EventName] = [
        .userRegistered, .productCreated, .inventoryAdjusted, .orderCreated, .inventoryReserved, .inventoryReleased,
        .inventoryCommitted, .paymentSucceeded, .paymentFailed, .orderConfirmed, .orderCompleted, .orderCancelled,
        .refundIssued, .orderStatusChanged, .deliveryUpdated, .subscriptionCreated, .subscriptionPaused,
        .subscriptionResumed, .subscriptionCancelled, .subscriptionRunFailed,
    ]
}
