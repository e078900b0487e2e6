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
    let tasks: CheckoutTasks
    let env: ServiceEnvironment

    public init(
        payments: any PaymentStore, orders: any OrderStore, gateway: any PaymentGateway, ledger: any ConsumerLedger,
        tasks: CheckoutTasks, env: ServiceEnvironment
    ) {
        self.payments = payments
        self.orders = orders
        self.gateway = gateway
        self.ledger = ledger
        self.tasks = tasks
        self.env = env
    }

    /// The caller's payments, newest first.
    public func payments(for actor: Actor, page: PageRequest) async throws -> Page<Payment> {
        try await payments.payments(userID: actor.userID, page: page)
    }

    /// Refunds part (or, without `amount`, all that is left) of an order's payment. Admins only.
    /// - Throws: `not_found`; `conflict` when nothing or less than asked is refundable.
    public func refund(orderID: Order.ID, amount: Money?, reason: String, by actor: Actor) async throws -> Refund {
        guard actor.isAdmin else { throw OrderlyError.forbidden() }
        var issues = Validate.text(reason, field: "reason", length: 1...200)
        if let amount {
            if amount.currency != env.currency {
                issues.append(FieldIssue(field: "amount.currency", message: "must be the store currency \(env.currency)"))
            }
            if amount.amount <= 0 { issues.append(FieldIssue(field: "amount.amount", message: "must be greater than 0")) }
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
                fieldIssues: [FieldIssue(field: "amount", message: "exceeds the refundable \(payment.refundable.formatted)")])
        }
        let key = "refund:\(orderID.rawValue):\(payment.refunds.count + 1)"
        let gatewayRefund: String
        do {
            gatewayRefund = try await gateway.refund(transactionID: transactionID, amount: asked, idempotencyKey: key)
        } catch let error as GatewayError {
            throw OrderlyError(.internal, "The payment gateway refused the refund: \(error.message)", underlying: error)
        }
        _ = try await tasks.recordRefund(order: order, amount: asked, reason: reason, gatewayRefundID: gatewayRefund)
        guard let refund = try await payments.payment(orderID: orderID)?.refunds.first(where: { $0.gatewayRefundID == gatewayRefund })
        else { throw OrderlyError(.internal, "The refund was not recorded.") }
        return refund
    }

    /// Applies a verified gateway event once: `charge.refunded` records a refund made at the gateway,
    /// `charge.succeeded` / `charge.failed` settle a pending payment. Unknown types are accepted and ignored.
    /// - Returns: whether the event was new.
    public func handleWebhook(_ event: JSON) async throws -> Bool {
        guard let id = event["id"]?.stringValue, (1...200).contains(id.count), let type = event["type"]?.stringValue else {
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
                guard let amount = data["amount"]?.intValue, amount > 0, let refundID = data["refundId"]?.stringValue else {
                    throw OrderlyError.validation(field: "data", "charge.refunded needs amount and refundId")
                }
                _ = try await tasks.recordRefund(
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
}

/// Releases reservations whose checkout took longer than the reservation time.
public struct ReservationSweeper: Sendable {
    let inventory: any InventoryStore
    let env: ServiceEnvironment

    public init(inventory: any InventoryStore, env: ServiceEnvironment) {
        self.inventory = inventory
        self.env = env
    }

    /// Releases every expired held reservation. Returns how many.
    @discardableResult
    public func sweep() async throws -> Int {
        var released = 0
        while true {
            let expired = try await inventory.expiredReservations(at: env.clock.now(), limit: 100)
            for reservation in expired {
                let event = try env.event(
                    .inventoryReleased, source: .inventory, aggregateID: reservation.orderID.rawValue,
                    detail: ["orderId": reservation.orderID.rawValue, "reservationId": reservation.id, "reason": "expired"])
                _ = try await inventory.releaseReservation(
                    id: reservation.id, expired: true, at: env.clock.now(), events: [event])
                released += 1
            }
            if expired.count < 100 { return released }
        }
    }
}
