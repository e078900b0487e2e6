import Foundation

/// A payment for an order: what was authorised and captured through the gateway, and what was refunded.
///
/// Refunds are ledger-first: a refund is reserved here (``reserveRefund(_:)``, conditional on what remains) before
/// the gateway is asked, then settled (``settleRefund(_:gatewayRefundID:at:)``) or released
/// (``failRefund(_:at:)``); so no interleaving of refunds can ask the gateway for more than was captured.
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
    /// The idempotency key the charge is asked with; recorded before the gateway is called, so the outcome of a
    /// charge whose answer was lost can be asked for again.
    public var gatewayKey: String?
    public var failureCode: String?
    public var refunds: [Refund]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID, orderID: Order.ID, userID: User.ID, amount: Money, method: PaymentMethod, status: PaymentStatus,
        transactionID: String?, gatewayKey: String? = nil, failureCode: String? = nil, at time: Date
    ) {
        self.id = id
        self.orderID = orderID
        self.userID = userID
        self.amount = amount
        self.method = method
        self.status = status
        self.transactionID = transactionID
        self.gatewayKey = gatewayKey
        self.failureCode = failureCode
        self.refunds = []
        self.createdAt = time
        self.updatedAt = time
    }

    /// What was captured: the amount once the payment succeeded, nothing before.
    public var captured: Money {
        [.success, .refunded, .partiallyRefunded].contains(status) ? amount : .zero(amount.currency)
    }

    /// What has been refunded so far (settled refunds).
    public var refunded: Money { total(of: .succeeded) }

    /// What refunds in flight hold: reserved, not yet settled by the gateway.
    public var refundsHeld: Money { total(of: .pending) }

    /// What can still be refunded: the capture less what was refunded and what refunds in flight hold.
    public var refundable: Money {
        Money(amount: captured.amount - refunded.amount - refundsHeld.amount, currency: amount.currency)
    }

    private func total(of status: Refund.Status) -> Money {
        Money(
            amount: refunds.filter { $0.status == status }.reduce(0) { $0 + $1.amount.amount },
            currency: amount.currency)
    }

    /// Reserves a refund (status `PENDING`) before the gateway is asked; never more than what is refundable. Pure.
    /// - Throws: `validation_failed` for a non-positive amount or another currency, `conflict` past the refundable.
    public mutating func reserveRefund(_ refund: Refund) throws {
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
        var pending = refund
        pending.status = .pending
        pending.gatewayRefundID = nil
        refunds.append(pending)
        updatedAt = refund.createdAt
    }

    /// Settles a reserved refund the gateway made. Settling one already settled changes nothing.
    /// - Returns: whether it was settled now (so its `RefundIssued` is recorded once).
    /// - Throws: `not_found` for a refund this payment does not hold; `conflict` for one that failed.
    @discardableResult
    public mutating func settleRefund(_ id: Refund.ID, gatewayRefundID: String, at time: Date) throws -> Bool {
        guard let index = refunds.firstIndex(where: { $0.id == id }) else { throw OrderlyError.notFound("refund") }
        switch refunds[index].status {
        case .succeeded: return false
        case .failed: throw OrderlyError(.conflict, "Refund \(id) failed and cannot be settled.")
        case .pending: break
        }
        refunds[index].status = .succeeded
        refunds[index].gatewayRefundID = gatewayRefundID
        status = refunded.amount >= captured.amount ? .refunded : .partiallyRefunded
        updatedAt = time
        return true
    }

    /// Releases a reserved refund the gateway refused: its amount is refundable again.
    public mutating func failRefund(_ id: Refund.ID, at time: Date) {
        guard let index = refunds.firstIndex(where: { $0.id == id }), refunds[index].status == .pending else { return }
        refunds[index].status = .failed
        updatedAt = time
    }

    /// Records a refund made at the gateway without Orderly asking (reported by its webhook). Pure.
    /// - Throws: as ``reserveRefund(_:)``.
    public mutating func addRefund(_ refund: Refund) throws {
        try reserveRefund(refund)
        try settleRefund(refund.id, gatewayRefundID: refund.gatewayRefundID ?? refund.id.rawValue, at: refund.createdAt)
    }
}

/// A refund of part or all of a payment.
public struct Refund: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<Refund>
    public static let idPrefix = "ref_"

    /// Where a refund is: reserved in the ledger and asked of the gateway, done, or refused by the gateway.
    public enum Status: String, Hashable, Sendable, Codable {
        case pending = "PENDING", succeeded = "SUCCEEDED", failed = "FAILED"
    }

    public var id: ID
    public var amount: Money
    public var reason: String
    public var status: Status
    /// The gateway's id for the refund, once it made it.
    public var gatewayRefundID: String?
    public var createdAt: Date

    public init(
        id: ID, amount: Money, reason: String, status: Status = .pending, gatewayRefundID: String? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.amount = amount
        self.reason = reason
        self.status = status
        self.gatewayRefundID = gatewayRefundID
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey { case id, amount, reason, status, gatewayRefundID, createdAt }

    /// Refunds stored before refunds had a status were all settled.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ID.self, forKey: .id)
        amount = try container.decode(Money.self, forKey: .amount)
        reason = try container.decode(String.self, forKey: .reason)
        status = try container.decodeIfPresent(Status.self, forKey: .status) ?? .succeeded
        gatewayRefundID = try container.decodeIfPresent(String.self, forKey: .gatewayRefundID)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
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

    /// Where a reservation's units are counted while it holds them.
    public enum Holding: String, Sendable {
        /// Held by a checkout in flight (`reserved`).
        case reserved
        /// Sold (`sold`).
        case sold
    }

    /// The reservation committed at `time` (its units move from reserved to sold), or `nil` when it is committed
    /// already: committing twice is committing once. Pure; the stores apply it.
    /// - Throws: `conflict` when it was released, expired or returned, or is a hold past its `expiresAt` (an expired
    ///   hold is the sweeper's to release, never sold: commit and release exclude each other).
    public func committed(at time: Date) throws -> Reservation? {
        switch status {
        case .committed: return nil
        case .released, .expired, .returned:
            throw OrderlyError(.conflict, "The reservation \(id) was \(status.rawValue.lowercased()).")
        case .held:
            guard expiresAt > time else {
                throw OrderlyError(.conflict, "The reservation \(id) expired before it was committed.")
            }
        }
        var committed = self
        committed.status = .committed
        committed.updatedAt = time
        return committed
    }

    /// The reservation released at `time`, and where its units come back from (to available): a hold's from
    /// reserved (to `RELEASED`, or `EXPIRED` for the sweeper), a sale's from sold (to `RETURNED`). `nil` when there
    /// is nothing to do: released already, or, for the sweeper (`expired`), anything but a hold past its expiry.
    /// Pure; the stores apply it.
    public func released(expired: Bool, at time: Date) -> (reservation: Reservation, from: Holding)? {
        if expired, status != .held || expiresAt > time { return nil }
        var released = self
        released.updatedAt = time
        switch status {
        case .released, .expired, .returned: return nil
        case .held:
            released.status = expired ? .expired : .released
            return (released, .reserved)
        case .committed:
            released.status = .returned
            return (released, .sold)
        }
    }
}
