import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import WorkflowEngine

extension CheckoutTasks {
    /// Charges the order's payment method once (cash stays `PENDING` until delivery). A declined charge records a
    /// failed payment and fails with `PaymentDeclined`; a gateway outage or timeout fails with a retriable error.
    func processPayment(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        if let existing = try await step({ try await payments.payment(orderID: order.id) }) {
            guard existing.status != .failed else {
                throw StatesError("PaymentDeclined", existing.failureCode ?? "declined")
            }
            return Self.paymentResult(existing)
        }
        guard order.status == .created else {
            throw StatesError("InvalidOrder", "The order is \(order.status.rawValue); it is not charged.")
        }
        let now = env.clock.now()
        let paymentID = env.ids.next(Payment.self)
        if case .cash = order.paymentMethod {
            let payment = Payment(
                id: paymentID, orderID: order.id, userID: order.userID, amount: order.total, method: .cash, status: .pending,
                transactionID: nil, at: now)
            return Self.paymentResult(try await step { try await payments.insertPayment(payment, events: []) })
        }
        do {
            let charge = try await gateway.charge(
                amount: order.total, method: order.paymentMethod, idempotencyKey: invocation.idempotencyKey)
            let payment = Payment(
                id: paymentID, orderID: order.id, userID: order.userID, amount: order.total, method: order.paymentMethod,
                status: .success, transactionID: charge.transactionID, at: env.clock.now())
            let event = try event(
                .paymentSucceeded, source: .payments, order: order,
                extra: ["paymentId": .string(paymentID.rawValue), "transactionId": .string(charge.transactionID)])
            return Self.paymentResult(try await step { try await payments.insertPayment(payment, events: [event]) })
        } catch let error as GatewayError {
            switch error.kind {
            case .declined:
                let payment = Payment(
                    id: paymentID, orderID: order.id, userID: order.userID, amount: order.total,
                    method: order.paymentMethod, status: .failed, transactionID: nil, failureCode: error.code,
                    at: env.clock.now())
                let event = try event(
                    .paymentFailed, source: .payments, order: order,
                    extra: ["paymentId": .string(paymentID.rawValue), "reason": .string(error.code)])
                _ = try await step { try await payments.insertPayment(payment, events: [event]) }
                throw StatesError("PaymentDeclined", error.code)
            case .unavailable:
                throw StatesError("PaymentGatewayUnavailable", error.message)
            case .timeout:
                throw StatesError("PaymentGatewayTimeout", error.message)
            }
        }
    }

    static func paymentResult(_ payment: Payment) -> JSON {
        [
            "paymentId": .string(payment.id.rawValue), "status": .string(payment.status.rawValue),
            "transactionId": payment.transactionID.map(JSON.string) ?? .null,
        ]
    }

    /// Refunds whatever is still refundable of the order's payment; voids a cash payment not yet collected.
    func refundPayment(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        guard let payment = try await step({ try await payments.payment(orderID: order.id) }) else {
            return ["refunded": 0]
        }
        let reason = invocation.input["reason"]?.stringValue ?? "order cancelled"
        switch payment.status {
        case .pending:
            _ = try await step {
                try await payments.updatePayment(orderID: order.id, at: env.clock.now()) { payment in
                    payment.status = .failed
                    payment.failureCode = "voided"
                    return []
                }
            }
            return ["refunded": 0, "voided": true]
        case .failed, .refunded:
            return ["refunded": 0]
        case .success, .partiallyRefunded:
            guard let transactionID = payment.transactionID, payment.refundable.amount > 0 else { return ["refunded": 0] }
            let amount = payment.refundable
            let gatewayRefund: String
            do {
                gatewayRefund = try await gateway.refund(
                    transactionID: transactionID, amount: amount, idempotencyKey: invocation.idempotencyKey)
            } catch let error as GatewayError {
                throw StatesError("PaymentGatewayUnavailable", error.message)
            }
            return try await recordRefund(
                order: order, amount: amount, reason: reason, gatewayRefundID: gatewayRefund)
        }
    }

    /// Records a refund the gateway made, once per gateway refund id.
    func recordRefund(order: Order, amount: Money, reason: String, gatewayRefundID: String) async throws -> JSON {
        let now = env.clock.now()
        let refundID = env.ids.next(Refund.self)
        let tasks = self
        let payment = try await step {
            try await payments.updatePayment(orderID: order.id, at: now) { payment in
                if payment.refunds.contains(where: { $0.gatewayRefundID == gatewayRefundID }) { return [] }
                try payment.addRefund(
                    Refund(id: refundID, amount: amount, reason: reason, gatewayRefundID: gatewayRefundID, createdAt: now))
                return [
                    try tasks.event(
                        .refundIssued, source: .payments, order: order,
                        extra: [
                            "refundId": .string(refundID.rawValue),
                            "amount": ["amount": .int(amount.amount), "currency": .string(amount.currency.rawValue)],
                            "reason": .string(reason),
                        ])
                ]
            }
        }
        return ["refunded": .int(amount.amount), "status": .string(payment.status.rawValue)]
    }

    /// Gives the order's stock back: a held reservation to available, a committed one (restock) too.
    func releaseInventory(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        let released = try await step {
            try await inventory.releaseReservation(
                id: Reservation.id(for: order.id), expired: false, at: env.clock.now(),
                events: [try event(.inventoryReleased, source: .inventory, order: order)])
        }
        return ["released": .bool(released != nil), "status": released.map { .string($0.status.rawValue) } ?? .null]
    }

    /// Cancels the order. With `"failure": true` (a checkout that failed) the reason becomes its `failureReason`.
    func cancelOrder(_ invocation: TaskInvocation) async throws -> JSON {
        let id = try orderID(invocation)
        let reason = invocation.input["reason"]?.stringValue ?? "cancelled"
        let isFailure = invocation.input["failure"] == .bool(true)
        let now = env.clock.now()
        let tasks = self
        let order = try await step {
            try await orders.updateOrder(id: id) { order in
                if order.status == .cancelled { return [] }
                if isFailure {
                    try order.cancelCheckout(reason: reason, at: now)
                } else {
                    try order.move(to: .cancelled, at: now, note: reason)
                }
                return [try tasks.event(.orderCancelled, source: .orders, order: order, extra: ["reason": .string(reason)])]
            }
        }
        // A delivery still under way for a cancelled order is cancelled too, so no courier picks it up.
        if let delivery = try await step({ try await deliveries.latestDelivery(orderID: id) }), delivery.status.isActive {
            let env = self.env
            _ = try await step {
                try await deliveries.updateDelivery(id: delivery.id) { delivery, _, _ in
                    guard delivery.status.isActive else { return [] }
                    try delivery.move(to: .cancelled, at: now, note: "order cancelled")
                    return [try DeliveryService.updatedEvent(delivery, note: "order cancelled", env: env)]
                }
            }
        }
        return ["status": .string(order.status.rawValue)]
    }
}
/// A deterministic hash for ids derived from keys (FNV-1a, two lanes), as lowercase hex.
enum StableHash {
    static func hex(_ text: String, length: Int) -> String {
        var lanes: [UInt64] = [0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4]
        var output = ""
        while output.count < length {
            for index in lanes.indices {
                for byte in text.utf8 {
                    lanes[index] ^= UInt64(byte)
                    lanes[index] = lanes[index] &* 0x100_0000_01b3
                }
                let piece = String(lanes[index], radix: 16)
                output += String(repeating: "0", count: 16 - piece.count) + piece
            }
        }
        return String(output.prefix(length))
    }
}
