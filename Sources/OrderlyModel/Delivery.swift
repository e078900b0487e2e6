import Foundation

/// Taking a packed order to its customer.
public struct Delivery: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<Delivery>
    public static let idPrefix = "dlv_"

    public var id: ID
    public var orderID: Order.ID
    public var userID: User.ID
    public var courierID: User.ID?
    public var deliverySlot: String?
    public var status: DeliveryStatus
    public var history: [DeliveryEvent]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: ID, order: Order, courierID: User.ID?, at time: Date) {
        self.id = id
        self.orderID = order.id
        self.userID = order.userID
        self.courierID = courierID
        self.deliverySlot = order.deliverySlot
        self.status = .assigned
        self.history = [DeliveryEvent(status: .assigned, at: time, note: nil)]
        self.createdAt = time
        self.updatedAt = time
    }

    /// Where the customer can follow it.
    public var trackingPath: String { "/v1/orders/\(orderID.rawValue)/delivery" }

    /// Moves the delivery, keeping its history. Pure.
    /// - Throws: `invalid_transition` for a move the status machine does not allow.
    public mutating func move(to status: DeliveryStatus, at time: Date, note: String?) throws {
        guard self.status.allowedMoves.contains(status) else {
            throw OrderlyError(
                .invalidTransition, "A delivery that is \(self.status.rawValue) cannot become \(status.rawValue).",
                fieldIssues: [
                    FieldIssue(
                        field: "status", message: "cannot move from \(self.status.rawValue) to \(status.rawValue)")
                ])
        }
        self.status = status
        history.append(DeliveryEvent(status: status, at: time, note: note))
        updatedAt = time
    }

    /// What the order must become when the delivery reaches `status`, if anything.
    public static func orderStatus(following status: DeliveryStatus) -> OrderStatus? {
        switch status {
        case .pickedUp: return .outForDelivery
        case .delivered: return .delivered
        default: return nil
        }
    }
}

/// `{"status","at","note"}` in a delivery's history.
public struct DeliveryEvent: Hashable, Sendable, Codable {
    public var status: DeliveryStatus
    public var at: Date
    public var note: String?

    public init(status: DeliveryStatus, at: Date, note: String?) {
        self.status = status
        self.at = at
        self.note = note
    }
}

/// Where a delivery is. The set is fixed by the public API.
public enum DeliveryStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case assigned = "ASSIGNED", pickedUp = "PICKED_UP", inTransit = "IN_TRANSIT", delivered = "DELIVERED"
    case failed = "FAILED", cancelled = "CANCELLED"

    public var allowedMoves: Set<DeliveryStatus> {
        switch self {
        case .assigned: return [.pickedUp, .failed, .cancelled]
        case .pickedUp: return [.inTransit, .failed, .cancelled]
        case .inTransit: return [.delivered, .failed, .cancelled]
        case .delivered, .failed, .cancelled: return []
        }
    }

    /// Whether the delivery is still under way.
    public var isActive: Bool { !allowedMoves.isEmpty }
}
