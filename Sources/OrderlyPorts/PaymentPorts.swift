import Foundation
import OrderlyModel

/// Where payments and their refunds live.
public protocol PaymentStore: Sendable {
    /// Stores the payment of an order with its events. An order has one payment: when it exists already, that one
    /// is returned and nothing is written.
    func insertPayment(_ payment: Payment, events: [EventEnvelope]) async throws -> Payment

    func payment(orderID: Order.ID) async throws -> Payment?

    /// A user's payments, newest first.
    func payments(userID: User.ID, page: PageRequest) async throws -> Page<Payment>

    /// Payments holding a refund reserved before `time` and not yet settled, oldest first.
    func paymentsWithPendingRefunds(before time: Date, limit: Int) async throws -> [Payment]

    /// Reads the payment, applies `change` (which returns the events), stores both, and mirrors the payment status
    /// onto the order, atomically.
    func updatePayment(
        orderID: Order.ID, at time: Date, change: @escaping @Sendable (inout Payment) throws -> [EventEnvelope]
    ) async throws -> Payment
}

/// A charge as the gateway reports it.
public struct GatewayCharge: Hashable, Sendable {
    public var transactionID: String
    public init(transactionID: String) { self.transactionID = transactionID }
}

/// Why a gateway call did not succeed.
public struct GatewayError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The charge was refused (card declined, insufficient funds): retrying will not help.
        case declined
        /// The gateway failed for now: a retry may succeed.
        case unavailable
        /// The gateway did not answer in time.
        case timeout
    }

    public var kind: Kind
    /// The gateway's reason code, such as `card_declined` or `insufficient_funds`.
    public var code: String
    public var message: String

    public init(_ kind: Kind, code: String, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(kind.rawValue) \(code): \(message)" }
}

/// A payment gateway: authorise-and-capture, and refunds. Both are idempotent by the key given.
public protocol PaymentGateway: Sendable {
    /// Authorises and captures `amount` from `method`. The same `idempotencyKey` never charges twice: it answers
    /// the first outcome again.
    /// - Throws: ``GatewayError``.
    func charge(amount: Money, method: PaymentMethod, idempotencyKey: String) async throws -> GatewayCharge

    /// The charge asked with `idempotencyKey`, if the gateway captured one (like retrieving a payment intent): how
    /// a checkout whose charge answer was lost learns whether money moved. `nil` when nothing was captured.
    /// - Throws: ``GatewayError`` when the gateway cannot tell now.
    func lookupCharge(idempotencyKey: String) async throws -> GatewayCharge?

    /// Refunds part of a captured charge. The same `idempotencyKey` refunds once.
    /// - Returns: the gateway's refund id.
    /// - Throws: ``GatewayError``; `declined` when the refunds would exceed the capture.
    func refund(transactionID: String, amount: Money, idempotencyKey: String) async throws -> String
}
