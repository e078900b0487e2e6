import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import WorkflowEngine

extension CheckoutTasks {
    /// Charges the order's payment method once (cash stays `PENDING` until delivery). The payment is recorded as
    /// `PENDING`, with the gateway key, before the gateway is asked, so a charge whose answer is lost (a crash, a
    /// store that fails after the capture) is found again: a retry asks the gateway with the same key (it answers
    /// the same charge), and compensation looks the charge up and refunds it. A declined charge records a failed
    /// payment and fails with `PaymentDeclined`; a gateway outage or timeout fails with a retriable error.
    func processPayment(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        var payment = try await step { try await payments.payment(orderID: order.id) }
        switch payment?.status {
        case .failed?: throw StatesError("PaymentDeclined", payment?.failureCode ?? "declined")
        case .success?, .refunded?, .partiallyRefunded?: return Self.paymentResult(payment!)
        case .pending?, nil: break
        }
        if let pending = payment, pending.gatewayKey == nil { return Self.paymentResult(pending) }  // cash
        guard order.status == .created else {
            throw StatesError("InvalidOrder", "The order is \(order.status.rawValue); it is not charged.")
        }
        if payment == nil {
            let isCash = order.paymentMethod == .cash
            let intent = Payment(
                id: env.ids.next(Payment.self), orderID: order.id, userID: order.userID, amount: order.total,
                method: order.paymentMethod, status: .pending, transactionID: nil,
                gatewayKey: isCash ? nil : invocation.idempotencyKey, at: env.clock.now())
            payment = try await step { try await payments.insertPayment(intent, events: []) }
            if isCash { return Self.paymentResult(payment!) }
        }
        let key = payment!.gatewayKey ?? invocation.idempotencyKey
        do {
            let charge = try await gateway.charge(amount: order.total, method: order.paymentMethod, idempotencyKey: key)
            let settled = try await step {
                try await paymentService.recordCapture(of: order, transactionID: charge.transactionID)
            }
            return Self.paymentResult(settled)
        } catch let error as GatewayError {
            switch error.kind {
            case .declined:
                _ = try await step { try await paymentService.recordDecline(of: order, code: error.code) }
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
        let reason = invocation.input["reason"]?.stringValue ?? "order cancelled"
        let outcome = try await step {
            do {
                return try await paymentService.refundRemaining(
                    of: order, reason: reason, idempotencyKey: invocation.idempotencyKey)
            } catch let error as GatewayError {
                throw StatesError("PaymentGatewayUnavailable", error.message)
            }
        }
        switch outcome {
        case .nothing: return ["refunded": 0]
        case .voided: return ["refunded": 0, "voided": true]
        case .refunded(let amount, let status):
            return ["refunded": .int(amount.amount), "status": .string(status.rawValue)]
        }
    }

    /// Gives the order's stock back: a held reservation to available, a committed one (restock) too.
    func releaseInventory(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        let released = try await step {
            try await inventory.releaseReservation(
                id: Reservation.id(for: order.id), expired: false, at: env.clock.now(),
                events: [
                    try env.envelope(
                        InventoryReleased(
                            orderId: order.id, userId: order.userID, total: order.total,
                            reservationId: Reservation.id(for: order.id), reason: "released"))
                ])
        }
        return ["released": .bool(released != nil), "status": released.map { .string($0.status.rawValue) } ?? .null]
    }

    /// Cancels the order. With `"failure": true` (a checkout that failed) the reason becomes its `failureReason`.
    func cancelOrder(_ invocation: TaskInvocation) async throws -> JSON {
        let id = try orderID(invocation)
        let reason = invocation.input["reason"]?.stringValue ?? "cancelled"
        let isFailure = invocation.input["failure"] == .bool(true)
        let now = env.clock.now()
        let env = self.env
        let order = try await step {
            try await orders.updateOrder(id: id) { order in
                if order.status == .cancelled { return [] }
                if isFailure {
                    try order.cancelCheckout(reason: reason, at: now)
                } else {
                    try order.move(to: .cancelled, at: now, note: reason)
                }
                return [try env.envelope(OrderCancelled(order: order, reason: reason))]
            }
        }
        // A delivery still under way for a cancelled order is cancelled too, so no courier picks it up.
        _ = try await step { try await deliveries.cancelActiveDelivery(ofOrder: id) }
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
