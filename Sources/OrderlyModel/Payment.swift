import Foundation

/// A payment for an order: what was authorised and captured through the gateway, and what was refunded.
public struct Payment: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<Payment>
    public static let idPrefix = "pay_"

    public var id: ID
    public var orderID: Order.ID
    public var userID: User.ID
    public var amount: Money
    public var method: PaymentMethod
    public var status: PaymentStatus
    /// The gateway's id for the charge, once captured.
    public var transactionID: String?
    public var failureCode: String?
    public var refunds: [Refund]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID, orderID: Order.ID, userID: User.ID, amount: Money, method: PaymentMethod, status: PaymentStatus,
        transactionID: String?, failureCode: String? = nil, at time: Date
    ) {
        self.id = id
        self.orderID = orderID
        self.userID = userID
        self.amount = amount
        self.method = method
        self.status = status
        self.transactionID = transactionID
        self.failureCode = failureCode
        self.refunds = []
        self.createdAt = time
        self.updatedAt = time
    }

    /// What was captured: the amount once the payment succeeded, nothing before.
    public var captured: Money {
        [.success, .refunded, .partiallyRefunded].contains(status) ? amount : .zero(amount.currency)
    }

    /// What has been refunded so far.
    public var refunded: Money {
        Money(amount: refunds.reduce(0) { $0 + $1.amount.amount }, currency: amount.currency)
    }

    /// What can still be refunded.
    public var refundable: Money { Money(amount: captured.amount - refunded.amount, currency: amount.currency) }

    /// Records a refund, never more than what is left of the capture. Pure.
    /// - Throws: `validation_failed` for a non-positive amount, `conflict` past what was captured.
    public mutating func addRefund(_ refund: Refund) throws {
        guard refund.amount.amount > 0 else {
            throw OrderlyError.validation(field: "amount.amount", "must be greater than 0")
        }
        guard refund.amount.currency == amount.currency else {
            throw OrderlyError.validation(field: "amount.currency", "must be \(amount.currency)")
        }
        guard refund.amount.amount <= refundable.amount else {
            throw OrderlyError(
                .conflict, "Only \(refundable.formatted) of this payment can still be refunded.",
                fieldIssues: [FieldIssue(field: "amount", message: "exceeds the refundable \(refundable.formatted)")])
        }
        refunds.append(refund)
        status = refundable.amount == 0 ? .refunded : .partiallyRefunded
        updatedAt = refund.createdAt
    }
}

/// A refund of part or all of a payment.
public struct Refund: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<Refund>
    public static let idPrefix = "ref_"

    public var id: ID
    public var amount: Money
    public var reason: String
    /// The gateway's id for the refund.
    public var gatewayRefundID: String
    public var createdAt: Date

    public init(id: ID, amount: Money, reason: String, gatewayRefundID: String, createdAt: Date) {
        self.id = id
        self.amount = amount
        self.reason = reason
        self.gatewayRefundID = gatewayRefundID
        self.createdAt = createdAt
    }
}

/// Stock held for one checkout: every line at once, until it is committed, released or expires.
public struct Reservation: Hashable, Sendable, Codable {
    public var id: String
    public var orderID: Order.ID
    public var lines: [Cart.Line]
    public var status: Status
    public var expiresAt: Date
    public var createdAt: Date
    public var updatedAt: Date

    public enum Status: String, Hashable, Sendable, Codable {
        /// Units moved from available to reserved.
        case held = "HELD"
        /// Units moved from reserved to sold.
        case committed = "COMMITTED"
        /// Units moved back from reserved to available.
        case released = "RELEASED"
        /// Released by the sweeper because the checkout took too long.
        case expired = "EXPIRED"
        /// Sold units put back into available stock (an order cancelled after it was confirmed).
        case returned = "RETURNED"
    }

    public init(id: String, orderID: Order.ID, lines: [Cart.Line], expiresAt: Date, at time: Date) {
        self.id = id
        self.orderID = orderID
        self.lines = lines
        self.status = .held
        self.expiresAt = expiresAt
        self.createdAt = time
        self.updatedAt = time
    }

    /// The reservation id of an order: one reservation per order, so reserving twice is reserving once.
    public static func id(for orderID: Order.ID) -> String { "rsv_" + orderID.rawValue.dropFirst(Order.idPrefix.count) }
}
