import Foundation
import OrderlyModel

/// The JSON text of the documents a checkout writes on every step (orders, payments, reservations), written by hand
/// (``JSONWriter``): the same text Foundation's `JSONEncoder` writes with sorted keys (a test holds them equal), at a
/// fraction of the cost. Encoding the order with `JSONEncoder` inside the writer's transaction was a quarter of each
/// commit.
enum DocumentWriter {}

extension JSONWriter {
    /// A date as `Date`'s own `Encodable` gives it: seconds since 2001-01-01, a whole number without a fraction.
    mutating func storedDate(_ value: Date) {
        var text = value.timeIntervalSinceReferenceDate.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        raw(text)
    }
}

extension JSONWriter.Members {
    mutating func member(_ key: StaticString, _ value: Date) { member(key) { $0.storedDate(value) } }
}

extension DocumentWriter {
    static func text(of order: Order) -> String {
        var writer = JSONWriter()
        writer.object { m in
            if let address = order.address { m.member("address") { $0.address(address) } }
            m.member("createdAt", order.createdAt)
            m.member("deliverySlot", order.deliverySlot)
            m.member("executionID", order.executionID)
            m.member("failureReason", order.failureReason)
            m.member("fromCart", order.fromCart)
            m.member("id", order.id.rawValue)
            m.member("idempotencyKey", order.idempotencyKey)
            m.member("lines") { $0.array(order.lines) { $0.pricedLine($1) } }
            m.member("paymentMethod") { $0.paymentMethod(order.paymentMethod) }
            m.member("paymentStatus", order.paymentStatus.rawValue)
            m.member("status", order.status.rawValue)
            m.member("subscriptionID", order.subscriptionID)
            m.member("timeline") {
                $0.array(order.timeline) { writer, entry in
                    writer.object { m in
                        m.member("at", entry.at)
                        m.member("note", entry.note)
                        m.member("status", entry.status.rawValue)
                    }
                }
            }
            m.member("total", order.total)
            m.member("updatedAt", order.updatedAt)
            m.member("userID", order.userID.rawValue)
        }
        return writer.text
    }

    static func text(of payment: Payment) -> String {
        var writer = JSONWriter()
        writer.object { m in
            m.member("amount", payment.amount)
            m.member("createdAt", payment.createdAt)
            m.member("failureCode", payment.failureCode)
            m.member("gatewayKey", payment.gatewayKey)
            m.member("id", payment.id.rawValue)
            m.member("method") { $0.paymentMethod(payment.method) }
            m.member("orderID", payment.orderID.rawValue)
            m.member("refunds") {
                $0.array(payment.refunds) { writer, refund in
                    writer.object { m in
                        m.member("amount", refund.amount)
                        m.member("createdAt", refund.createdAt)
                        m.member("gatewayRefundID", refund.gatewayRefundID)
                        m.member("id", refund.id.rawValue)
                        m.member("reason", refund.reason)
                        m.member("status", refund.status.rawValue)
                    }
                }
            }
            m.member("status", payment.status.rawValue)
            m.member("transactionID", payment.transactionID)
            m.member("updatedAt", payment.updatedAt)
            m.member("userID", payment.userID.rawValue)
        }
        return writer.text
    }

    static func text(of reservation: Reservation) -> String {
        var writer = JSONWriter()
        writer.object { m in
            m.member("createdAt", reservation.createdAt)
            m.member("expiresAt", reservation.expiresAt)
            m.member("id", reservation.id)
            m.member("lines") {
                $0.array(reservation.lines) { writer, line in
                    writer.object { m in
                        m.member("productID", line.productID.rawValue)
                        m.member("quantity", line.quantity)
                    }
                }
            }
            m.member("orderID", reservation.orderID.rawValue)
            m.member("status", reservation.status.rawValue)
            m.member("updatedAt", reservation.updatedAt)
        }
        return writer.text
    }
}

extension JSONWriter {
    fileprivate mutating func paymentMethod(_ method: PaymentMethod) {
        object { m in
            switch method {
            case .card(let token): m.member("token", token)
            case .upi, .cash: break
            }
            m.member("type", method.type)
            if case .upi(let vpa) = method { m.member("vpa", vpa) }
        }
    }

    fileprivate mutating func pricedLine(_ line: PricedLine) {
        object { m in
            m.member("lineTotal", line.lineTotal)
            m.member("name", line.name)
            m.member("productID", line.productID.rawValue)
            m.member("quantity", line.quantity)
            m.member("unitPrice", line.unitPrice)
        }
    }
}
