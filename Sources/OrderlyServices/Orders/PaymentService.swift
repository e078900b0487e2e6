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

    /// The payment of an order with its refunds, for the order's owner or an admin; `nil` before one is recorded.
    /// - Throws: `not_found` for an order the caller may not see.
    public func payment(ofOrder orderID: Order.ID, for actor: Actor) async throws -> Payment? {
        guard let order = try await orders.order(id: orderID), actor.isAdmin || order.userID == actor.userID else {
            throw OrderlyError.notFound("order")
        }
        return try await payments.payment(orderID: orderID)
    }

    /// Refunds part (or, without `amount`, all that is left) of an order's payment (an admin's decision).
    /// - Parameter idempotencyKey: the request's `Idempotency-Key`; the refund's id is derived from it, so a retry
    ///   of a request whose answer was lost finds the refund it made instead of making another.
    /// - Throws: `not_found`; `conflict` when nothing or less than asked is refundable.
    public func refund(
        orderID: Order.ID, amount: Money?, reason: String, by actor: Actor, idempotencyKey: String? = nil
    ) async throws -> Refund {
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
        let refundID =
            idempotencyKey.map {
                Refund.ID(rawValue: "ref_" + StableHash.hex("admin#\(actor.userID)#\($0)", length: 26))
            } ?? env.ids.next(Refund.self)
        if let earlier = try await payments.payment(orderID: orderID),
            earlier.refunds.contains(where: { $0.id == refundID })
        {
            let settled = try await complete(refundID, of: earlier, order: order)
            return settled.refunds.first { $0.id == refundID }!
        }
        guard let payment = try await payments.payment(orderID: orderID), payment.transactionID != nil,
            payment.refundable.amount > 0
        else {
            throw OrderlyError(.conflict, "This order has no captured payment left to refund.")
        }
        // Reserve first, conditional on what remains at that moment (two admins, or an admin and a cancellation,
        // can never reserve more than was captured); then ask the gateway under the refund's own id.
        let refund = Refund(
            id: refundID, amount: amount ?? payment.refundable, reason: reason, createdAt: env.clock.now())
        let reserved = try await payments.updatePayment(orderID: orderID, at: refund.createdAt) { payment in
            if payment.refunds.contains(where: { $0.id == refund.id }) { return [] }
            try payment.reserveRefund(refund)
            return []
        }
        let settled = try await complete(refund.id, of: reserved, order: order)
        guard let done = settled.refunds.first(where: { $0.id == refund.id }) else {
            throw OrderlyError(.internal, "The refund was not recorded.")
        }
        return done
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
        /// A payment never captured (cash not yet collected, a card charge that did not go through) was voided.
        case voided
        /// This much went back; the payment is now in `status`.
        case refunded(Money, PaymentStatus)
    }

    /// Refunds whatever is still refundable of an order's payment (a cancelled order, a checkout that failed after
    /// charging). A payment still `PENDING` is settled first: cash not collected is voided; a card charge whose
    /// answer was lost is looked up at the gateway and refunded if it was captured.
    /// - Parameter idempotencyKey: the same for every retry of one compensation step: the refund's id is derived
    ///   from it, so a retry finds the refund it reserved and the gateway refunds once.
    /// - Throws: ``GatewayError`` when the gateway cannot be reached (the refund stays reserved for the retry).
    public func refundRemaining(of order: Order, reason: String, idempotencyKey: String) async throws -> RemainingRefund
    {
        guard var payment = try await payments.payment(orderID: order.id) else { return .nothing }
        if payment.status == .pending {
            guard let voided = try await settlePending(payment, order: order) else { return .voided }
            payment = voided
        }
        let refundID = Refund.ID(rawValue: "ref_" + StableHash.hex("refund#" + idempotencyKey, length: 26))
        if !payment.refunds.contains(where: { $0.id == refundID }) {
            guard payment.refundable.amount > 0 else { return .nothing }
            let now = env.clock.now()
            payment = try await payments.updatePayment(orderID: order.id, at: now) { payment in
                guard !payment.refunds.contains(where: { $0.id == refundID }), payment.refundable.amount > 0 else {
                    return []
                }
                try payment.reserveRefund(
                    Refund(id: refundID, amount: payment.refundable, reason: reason, createdAt: now))
                return []
            }
        }
        guard let refund = payment.refunds.first(where: { $0.id == refundID }), refund.status != .failed else {
            return .nothing
        }
        let settled = try await complete(refundID, of: payment, order: order)
        return .refunded(refund.amount, settled.status)
    }

    /// Settles a payment still `PENDING` before it is refunded: voids cash not collected; asks the gateway what became
    /// of a card charge. - Returns: the payment, captured; `nil` when it was voided.
    private func settlePending(_ payment: Payment, order: Order) async throws -> Payment? {
        let now = env.clock.now()
        guard let key = payment.gatewayKey, let charge = try await gateway.lookupCharge(idempotencyKey: key) else {
            _ = try await payments.updatePayment(orderID: order.id, at: now) { payment in
                guard payment.status == .pending else { return [] }
                payment.status = .failed
                payment.failureCode = "voided"
                return []
            }
            return nil
        }
        return try await recordCapture(of: order, transactionID: charge.transactionID)
    }

    /// Settles a `PENDING` payment the gateway captured, with its `PaymentSucceeded` event; one settled already is
    /// answered as it is.
    public func recordCapture(of order: Order, transactionID: String) async throws -> Payment {
        let env = self.env
        return try await payments.updatePayment(orderID: order.id, at: env.clock.now()) { payment in
            guard payment.status == .pending else { return [] }
            payment.status = .success
            payment.transactionID = transactionID
            return [
                try env.envelope(PaymentSucceeded(order: order, paymentId: payment.id, transactionId: transactionID))
            ]
        }
    }

    /// Settles a `PENDING` payment the gateway declined, with its `PaymentFailed` event.
    public func recordDecline(of order: Order, code: String) async throws -> Payment {
        let env = self.env
        return try await payments.updatePayment(orderID: order.id, at: env.clock.now()) { payment in
            guard payment.status == .pending else { return [] }
            payment.status = .failed
            payment.failureCode = code
            return [try env.envelope(PaymentFailed(order: order, paymentId: payment.id, reason: code))]
        }
    }

    /// Asks the gateway for a reserved refund (keyed by the refund's id, so asking again refunds once) and settles
    /// it with its `RefundIssued` event; a refund the gateway refuses is released.
    /// - Throws: `conflict` when the gateway refused; ``GatewayError`` when it could not be reached (the refund stays
    ///   reserved: ``settlePendingRefunds(before:)`` or a retry completes it).
    func complete(_ refundID: Refund.ID, of payment: Payment, order: Order) async throws -> Payment {
        guard let refund = payment.refunds.first(where: { $0.id == refundID }) else {
            throw OrderlyError.notFound("refund")
        }
        if refund.status == .succeeded { return payment }
        guard let transactionID = payment.transactionID else {
            throw OrderlyError(.conflict, "The payment of \(order.id) was never captured.")
        }
        let env = self.env
        do {
            let gatewayRefundID = try await gateway.refund(
                transactionID: transactionID, amount: refund.amount, idempotencyKey: refund.id.rawValue)
            return try await payments.updatePayment(orderID: order.id, at: env.clock.now()) { payment in
                guard try payment.settleRefund(refundID, gatewayRefundID: gatewayRefundID, at: env.clock.now()) else {
                    return []
                }
                let settled = payment.refunds.first { $0.id == refundID }!
                return [try env.envelope(RefundIssued(order: order, refund: settled))]
            }
        } catch let error as GatewayError where error.kind == .declined {
            _ = try await payments.updatePayment(orderID: order.id, at: env.clock.now()) { payment in
                payment.failRefund(refundID, at: env.clock.now())
                return []
            }
            throw OrderlyError(
                .conflict, "The payment gateway refused the refund: \(error.message)", underlying: error)
        }
    }

    /// Completes refunds left reserved by a gateway that could not be reached (or a process that stopped), reserved
    /// before `time`. Returns how many were completed.
    @discardableResult
    public func settlePendingRefunds(before time: Date) async throws -> Int {
        var settled = 0
        for payment in try await payments.paymentsWithPendingRefunds(before: time, limit: 100) {
            guard let order = try await orders.order(id: payment.orderID) else { continue }
            for refund in payment.refunds where refund.status == .pending && refund.createdAt < time {
                do {
                    _ = try await complete(refund.id, of: payment, order: order)
                    settled += 1
                } catch is GatewayError {
                    continue
                } catch let error as OrderlyError where error.code == .conflict {
                    continue
                }
            }
        }
        return settled
    }

    /// Records a refund made at the gateway without Orderly asking (its webhook), once per gateway refund id.
    func recordRefund(order: Order, amount: Money, reason: String, gatewayRefundID: String) async throws -> Payment {
        let now = env.clock.now()
        let refund = Refund(
            id: env.ids.next(Refund.self), amount: amount, reason: reason, status: .succeeded,
            gatewayRefundID: gatewayRefundID, createdAt: now)
        let env = self.env
        return try await payments.updatePayment(orderID: order.id, at: now) { payment in
            if payment.refunds.contains(where: { $0.gatewayRefundID == gatewayRefundID }) { return [] }
            try payment.addRefund(refund)
            return [try env.envelope(RefundIssued(order: order, refund: refund))]
        }
    }
}
