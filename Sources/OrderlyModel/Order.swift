import Foundation

/// An order: priced lines, a total, a status with its timeline, and how it is paid for.
public struct Order: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<Order>
    public static let idPrefix = "ord_"

    public var id: ID
    public var userID: User.ID
    public var lines: [PricedLine]
    public var total: Money
    public var status: OrderStatus
    public var paymentStatus: PaymentStatus
    public var paymentMethod: PaymentMethod
    public var deliverySlot: String?
    public var address: Address?
    /// Set when a recurring order placed it.
    public var subscriptionID: String?
    /// The `Idempotency-Key` it was placed with (per user): a retry of the request finds this order again.
    public var idempotencyKey: String?
    /// The checkout workflow execution, once started.
    public var executionID: String?
    /// Why a checkout ended `CANCELLED`: `insufficient_stock`, `payment_declined`, ...
    public var failureReason: String?
    /// The cart the order came from, whose lines are removed when it is confirmed.
    public var fromCart: Bool
    public var timeline: [TimelineEntry]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID, userID: User.ID, lines: [PricedLine], total: Money, paymentMethod: PaymentMethod, deliverySlot: String?,
        address: Address?, subscriptionID: String? = nil, fromCart: Bool, at time: Date
    ) {
        self.id = id
        self.userID = userID
        self.lines = lines
        self.total = total
        self.status = .created
        self.paymentStatus = .pending
        self.paymentMethod = paymentMethod
        self.deliverySlot = deliverySlot
        self.address = address
        self.subscriptionID = subscriptionID
        self.fromCart = fromCart
        self.timeline = [TimelineEntry(status: .created, at: time, note: nil)]
        self.createdAt = time
        self.updatedAt = time
    }
}

/// One step of an order's life: `{"status","at","note"}`.
public struct TimelineEntry: Hashable, Sendable, Codable {
    public var status: OrderStatus
    public var at: Date
    public var note: String?

    public init(status: OrderStatus, at: Date, note: String?) {
        self.status = status
        self.at = at
        self.note = note
    }
}

/// Where an order is. The set is fixed by the public API.
public enum OrderStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case created = "CREATED", confirmed = "CONFIRMED", packed = "PACKED", outForDelivery = "OUT_FOR_DELIVERY"
    case delivered = "DELIVERED", cancelled = "CANCELLED", returned = "RETURNED"

    /// The moves the API allows from this status.
    public var allowedMoves: Set<OrderStatus> {
        switch self {
        case .created: return [.confirmed, .cancelled]
        case .confirmed: return [.packed, .cancelled]
        case .packed: return [.outForDelivery, .cancelled]
        case .outForDelivery: return [.delivered]
        case .delivered: return [.returned]
        case .cancelled, .returned: return []
        }
    }

    /// Whether a customer may still cancel: any status before `OUT_FOR_DELIVERY`.
    public var isCancellable: Bool { allowedMoves.contains(.cancelled) }
}

/// Where an order's payment is.
public enum PaymentStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case pending = "PENDING", success = "SUCCESS", failed = "FAILED", refunded = "REFUNDED"
    case partiallyRefunded = "PARTIALLY_REFUNDED"

    public var allowedMoves: Set<PaymentStatus> {
        switch self {
        case .pending: return [.success, .failed]
        case .success: return [.refunded, .partiallyRefunded]
        case .partiallyRefunded: return [.refunded, .partiallyRefunded]
        case .failed, .refunded: return []
        }
    }
}

/// How a customer pays: a card token, a UPI address, or cash on delivery.
public enum PaymentMethod: Hashable, Sendable {
    case card(token: String)
    case upi(vpa: String)
    case cash

    public var type: String {
        switch self {
        case .card: return "card"
        case .upi: return "upi"
        case .cash: return "cash"
        }
    }

    /// Checks a method as a client sent it.
    public func validate(field: String = "paymentMethod") -> [FieldIssue] {
        switch self {
        case .card(let token):
            let ok =
                token.hasPrefix("tok_") && (5...255).contains(token.count)
                && token.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") }
            return ok ? [] : [FieldIssue(field: "\(field).token", message: "must be a card token like tok_visa")]
        case .upi(let vpa):
            let parts = vpa.split(separator: "@", omittingEmptySubsequences: false)
            let ok =
                parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && vpa.count <= 100
                && vpa.utf8.allSatisfy { $0.isASCIIAlphanumeric || ".-_@".utf8.contains($0) }
            return ok ? [] : [FieldIssue(field: "\(field).vpa", message: "must be a UPI address like name@bank")]
        case .cash:
            return []
        }
    }
}

extension PaymentMethod: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case type, token, vpa }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "card": self = .card(token: try container.decode(String.self, forKey: .token))
        case "upi": self = .upi(vpa: try container.decode(String.self, forKey: .vpa))
        case "cash": self = .cash
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "must be card, upi or cash")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .card(let token): try container.encode(token, forKey: .token)
        case .upi(let vpa): try container.encode(vpa, forKey: .vpa)
        case .cash: break
        }
    }
}

/// Delivery slots: an RFC 3339 time or an interval `start/end`, at most 100 characters.
public enum DeliverySlot {
    public static func validate(_ slot: String, field: String = "deliverySlot") -> [FieldIssue] {
        let parts = slot.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let ok =
            slot.count <= 100 && (1...2).contains(parts.count) && parts.allSatisfy { RFC3339.parse($0) != nil }
            && (parts.count == 1 || RFC3339.parse(parts[0])! < RFC3339.parse(parts[1])!)
        return ok
            ? []
            : [
                FieldIssue(
                    field: field,
                    message: "must be an RFC 3339 time or interval like 2026-11-23T07:00:00Z/2026-11-23T09:00:00Z")
            ]
    }
}

/// RFC 3339 parsing for the model (seconds precision, `Z` or an offset), and writing (UTC, seconds).
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    public static func parse(_ text: String) -> Date? {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        if let date = try? style.parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
