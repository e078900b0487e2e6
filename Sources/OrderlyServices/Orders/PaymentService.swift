import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// Payments as customers and admins see them: listing, refunds, and the gateway's webhook.
public struct PaymentService: Sendable {
    let payments: any PaymentStore
    let orders: any OrderStore
    let gateway: any PaymentGateway
    let ledger: any ConsumerLedger
    let env: ServiceEnvironment

    public init(
        payments: any PaymentStore, orders: any OrderStore, gateway: any PaymentGateway, ledger: any ConsumerLedger,
        env: ServiceEnvironment
    ) {
        self.payments = payments
        self.orders = orders
        self.gateway = gateway
        self.ledger = ledger
        self.env = env
    }

    /// The caller's payments, newest first.
    public func payments(for actor: Actor, page: PageRequest) async throws -> Page<Payment> {
        try await payments.payments(userID: actor.userID, page: page)
    }

    /// Refunds part (or, without `amount`, all that is left) of an order's payment (an admin's decision).
    /// - Throws: `not_found`; `conflict` when nothing or less than asked is refundable.
    public func refund(orderID: Order.ID, amount: Money?, reason: String, by actor: Actor) async throws -> Refund {
        var issues = Validate.text(reason, field: "reason", length: 1...200)
        if let amount {
            if amount.currency != env.currency {
                issues.append(
                    FieldIssue(field: "amount.currency", message: "must be the store currency \(env.currency)"))
            }
            if amount.amount <= 0 {
                issues.append(FieldIssue(field: "amount.amount", message: "must be greater than 0"))
            }
        }
        try OrderlyError.throwIfAny(issues)
        guard let order = try await orders.order(id: orderID) else { throw OrderlyError.notFound("order") }
        guard let payment = try await payments.payment(orderID: orderID), let transactionID = payment.transactionID,
            payment.refundable.amount > 0
        else {
            throw OrderlyError(.conflict, "This order has no captured payment left to refund.")
        }
        let asked = amount ?? payment.refundable
        guard asked.amount <= payment.refundable.amount else {
            throw OrderlyError(
                .conflict, "Only \(payment.refundable.formatted) can still be refunded.",
                fieldIssues: [
                    FieldIssue(field: "amount", message: "exceeds the refundable \(payment.refundable.formatted)")
                ])
        }
        let key = "refund:\(orderID.rawValue):\(payment.refunds.count + 1)"
        let gatewayRefund: String
        do {
            gatewayRefund = try await gateway.refund(transactionID: transactionID, amount: asked, idempotencyKey: key)
        } catch let error as GatewayError {
            throw OrderlyError(.internal, "The payment gateway refused the refund: \(error.message)", underlying: error)
        }
        _ = try await recordRefund(order: order, amount: asked, reason: reason, gatewayRefundID: gatewayRefund)
        guard
            let refund = try await payments.payment(orderID: orderID)?.refunds.first(where: {
                $0.gatewayRefundID == gatewayRefund
            })
        else { throw OrderlyError(.internal, "The refund was not recorded.") }
        return refund
    }

    /// Applies a verified gateway event once: `charge.refunded` records a refund made at the gateway,
    /// `charge.succeeded` / `charge.failed` settle a pending payment. Unknown types are accepted and ignored.
    /// - Returns: whether the event was new.
    public func handleWebhook(_ event: JSON) async throws -> Bool {
        guard let id = event["id"]?.stringValue, (1...200).contains(id.count), let type = event["type"]?.stringValue
        else {
            throw OrderlyError.validation(field: "id", "a gateway event needs an id and a type")
        }
        let eventID = EventEnvelope.ID(rawValue: "webhook:\(id)")
        if try await ledger.isProcessed(consumer: "payment-webhook", eventID: eventID) { return false }
        let data = event["data"] ?? [:]
        if let orderText = data["orderId"]?.stringValue, let orderID = Order.ID(validating: orderText),
            let order = try await orders.order(id: orderID)
        {
            switch type {
            case "charge.refunded":
                guard let amount = data["amount"]?.intValue, amount > 0, let refundID = data["refundId"]?.stringValue
                else {
                    throw OrderlyError.validation(field: "data", "charge.refunded needs amount and refundId")
                }
                _ = try await recordRefund(
                    order: order, amount: Money(amount: amount, currency: order.total.currency),
                    reason: data["reason"]?.stringValue ?? "refunded at the gateway", gatewayRefundID: refundID)
            case "charge.succeeded", "charge.failed":
                let succeeded = type == "charge.succeeded"
                _ = try await payments.updatePayment(orderID: orderID, at: env.clock.now()) { payment in
                    guard payment.status == .pending else { return [] }
                    payment.status = succeeded ? .success : .failed
                    payment.transactionID = data["transactionId"]?.stringValue ?? payment.transactionID
                    return []
                }
            default:
                break
            }
        }
        try await ledger.markProcessed(consumer: "payment-webhook", eventID: eventID, at: env.clock.now())
        return true
    }

    /// What ``refundRemaining(of:reason:idempotencyKey:)`` did.
    public enum RemainingRefund: Sendable, Hashable {
        /// There was no payment, or nothing left to refund.
        case nothing
        /// A cash payment not yet collected was voided.
        case voided
        /// This much went back; the payment is now in `status`.
        case refunded(Money, PaymentStatus)
    }

    /// Refunds whatever is still refundable of an order's payment (a cancelled order, a checkout that failed after
    /// charging); voids a cash payment not yet collected.
    /// - Parameter idempotencyKey: the gateway's key: asked again with it, the gateway refunds once.
    /// - Throws: ``GatewayError`` when the gateway cannot be reached.
    public func refundRemaining(of order: Order, reason: String, idempotencyKey: String) async throws -> RemainingRefund
    {
        guard let payment = try await payments.payment(orderID: order.id) else { return .nothing }
        switch payment.status {
        case .pending:
            _ = try await payments.updatePayment(orderID: order.id, at: env.clock.now()) { payment in
                payment.status = .failed
                payment.failureCode = "voided"
                return []
            }
            return .voided
        case .failed, .refunded:
            return .nothing
        case .success, .partiallyRefunded:
            guard let transactionID = payment.transactionID, payment.refundable.amount > 0 else { return .nothing }
            let amount = payment.refundable
            let gatewayRefund = try await gateway.refund(
                transactionID: transactionID, amount: amount, idempotencyKey: idempotencyKey)
            let refunded = try await recordRefund(
                order: order, amount: amount, reason: reason, gatewayRefundID: gatewayRefund)
            return .refunded(amount, refunded.status)
        }
    }

    /// Records a refund the gateway made, once per gateway refund id, with its `RefundIssued` event.
    func recordRefund(order: Order, amount: Money, reason: String, gatewayRefundID: String) async throws -> Payment {
        let now = env.clock.now()
        let refund = Refund(
            id: env.ids.next(Refund.self), amount: amount, reason: reason, gatewayRefundID: gatewayRefundID,
            createdAt: now)
        let env = self.env
        return try await payments.updatePayment(orderID: order.id, at: now) { payment in
            if payment.refunds.contains(where: { $0.gatewayRefundID == gatewayRefundID }) { return [] }
            try payment.addRefund(refund)
            return [try env.envelope(RefundIssued(order: order, refund: refund))]
        }
    }
}
