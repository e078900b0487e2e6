import Foundation
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import StatesLanguage

/// `POST /v1/checkout`.
struct CheckoutRequest: StrictDecodable {
    var paymentMethod: PaymentMethod
    var deliverySlot: String?
    var address: Address?
    enum CodingKeys: String, CodingKey, CaseIterable { case paymentMethod, deliverySlot, address }
}

/// One line of `POST /v1/orders`.
struct OrderItemRequest: StrictDecodable {
    var productId: Reference<Product>
    var quantity: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case productId, quantity }
}

/// `POST /v1/orders`.
struct PlaceOrderRequest: StrictDecodable {
    var items: [Strict<OrderItemRequest>]
    var paymentMethod: PaymentMethod
    var deliverySlot: String?
    var address: Address?
    enum CodingKeys: String, CodingKey, CaseIterable { case items, paymentMethod, deliverySlot, address }
}

/// `POST /v1/orders/{orderId}/cancel`.
struct CancelRequest: StrictDecodable {
    var reason: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case reason }
}

/// `POST /v1/admin/orders/{orderId}/refunds`.
struct RefundRequest: StrictDecodable {
    var amount: Money?
    var reason: String
    enum CodingKeys: String, CodingKey, CaseIterable { case amount, reason }
}

/// An order as the API shows it; absent values are `null`.
struct OrderBody: Encodable {
    let order: Order

    enum CodingKeys: String, CodingKey {
        case orderId, userId, items, total, status, paymentStatus, paymentMethod, deliverySlot, address, subscriptionId
        case executionId, failureReason, timeline, createdAt, updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(order.id, forKey: .orderId)
        try c.encode(order.userID, forKey: .userId)
        try c.encode(order.lines.map(LineBody.init), forKey: .items)
        try c.encode(order.total, forKey: .total)
        try c.encode(order.status, forKey: .status)
        try c.encode(order.paymentStatus, forKey: .paymentStatus)
        try c.encode(MethodBody(order.paymentMethod), forKey: .paymentMethod)
        try c.encode(order.deliverySlot, forKey: .deliverySlot)
        try c.encode(order.address, forKey: .address)
        try c.encode(order.subscriptionID, forKey: .subscriptionId)
        try c.encode(order.executionID, forKey: .executionId)
        try c.encode(order.failureReason, forKey: .failureReason)
        try c.encode(order.timeline.map(TimelineBody.init), forKey: .timeline)
        try c.encode(order.createdAt, forKey: .createdAt)
        try c.encode(order.updatedAt, forKey: .updatedAt)
    }
}

extension OrderBody {
    /// The same bytes ``JSONResponse`` encodes the body to (a test holds them equal), written by hand: a checkout is
    /// answered with one, and `JSONEncoder` took ten times as long.
    var json: Data {
        var writer = JSONWriter(escapesSlashes: false)
        writer.object { m in
            m.member("address") { writer in
                if let address = order.address { writer.address(address) } else { writer.null() }
            }
            m.member("createdAt") { $0.responseDate(order.createdAt) }
            m.member("deliverySlot", orNull: order.deliverySlot)
            m.member("executionId", orNull: order.executionID)
            m.member("failureReason", orNull: order.failureReason)
            m.member("items") {
                $0.array(order.lines) { writer, line in
                    writer.object { m in
                        m.member("lineTotal", line.lineTotal)
                        m.member("name", line.name)
                        m.member("productId", line.productID.rawValue)
                        m.member("quantity", line.quantity)
                        m.member("unitPrice", line.unitPrice)
                    }
                }
            }
            m.member("orderId", order.id.rawValue)
            m.member("paymentMethod") { writer in
                writer.object { m in
                    m.member("type", order.paymentMethod.type)
                    if case .upi(let vpa) = order.paymentMethod { m.member("vpa", vpa) }
                }
            }
            m.member("paymentStatus", order.paymentStatus.rawValue)
            m.member("status", order.status.rawValue)
            m.member("subscriptionId", orNull: order.subscriptionID)
            m.member("timeline") {
                $0.array(order.timeline) { writer, entry in
                    writer.object { m in
                        m.member("at") { $0.responseDate(entry.at) }
                        m.member("note", orNull: entry.note)
                        m.member("status", entry.status.rawValue)
                    }
                }
            }
            m.member("total", order.total)
            m.member("updatedAt") { $0.responseDate(order.updatedAt) }
            m.member("userId", order.userID.rawValue)
        }
        return Data(writer.bytes)
    }
}

extension JSONWriter {
    /// A date as ``JSONResponse`` writes it (`.iso8601`): `2026-12-05T20:53:20Z`, whole seconds in UTC.
    mutating func responseDate(_ date: Date) {
        guard (0..<253_402_300_800).contains(date.timeIntervalSince1970) else {
            return string(date.formatted(.iso8601))
        }
        string(Timestamp.format(date).prefix(19) + "Z")
    }
}

struct TimelineBody: Encodable {
    let entry: TimelineEntry
    init(_ entry: TimelineEntry) { self.entry = entry }
    enum CodingKeys: String, CodingKey { case status, at, note }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entry.status, forKey: .status)
        try c.encode(entry.at, forKey: .at)
        try c.encode(entry.note, forKey: .note)
    }
}

/// A payment method as shown back: the type, and the UPI address; card tokens are not echoed.
struct MethodBody: Encodable {
    var type: String
    var vpa: String?
    init(_ method: PaymentMethod) {
        type = method.type
        if case .upi(let vpa) = method { self.vpa = vpa }
    }
}

struct RefundBody: Encodable {
    var refundId: Refund.ID
    var orderId: Order.ID
    var amount: Money
    var reason: String
    var createdAt: Date
}

/// A payment as the API shows it.
struct PaymentBody: Encodable {
    let payment: Payment

    enum CodingKeys: String, CodingKey {
        case paymentId, orderId, amount, method, status, transactionId, refunds, createdAt, updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(payment.id, forKey: .paymentId)
        try c.encode(payment.orderID, forKey: .orderId)
        try c.encode(payment.amount, forKey: .amount)
        try c.encode(MethodBody(payment.method), forKey: .method)
        try c.encode(payment.status, forKey: .status)
        try c.encode(payment.transactionID, forKey: .transactionId)
        try c.encode(
            payment.refunds.map {
                RefundBody(
                    refundId: $0.id, orderId: payment.orderID, amount: $0.amount, reason: $0.reason,
                    createdAt: $0.createdAt)
            }, forKey: .refunds)
        try c.encode(payment.createdAt, forKey: .createdAt)
        try c.encode(payment.updatedAt, forKey: .updatedAt)
    }
}

struct NotificationBody: Encodable {
    var notificationId: UserNotification.ID
    var type: String
    var channel: String
    var subject: String
    var message: String
    var status: String
    var createdAt: Date

    init(_ n: UserNotification) {
        notificationId = n.id
        type = n.type
        channel = n.channel
        subject = n.subject
        message = n.message
        status = n.status
        createdAt = n.createdAt
    }
}
