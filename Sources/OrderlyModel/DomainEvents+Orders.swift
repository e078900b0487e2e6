import Foundation

// The events of orders and their payments (see DomainEvents.swift for the rules every event follows).

// MARK: orders

/// An order was stored as `CREATED`; its checkout starts.
public struct OrderCreated: DomainEvent {
    public static let detailType = EventName.orderCreated
    public static let source = EventSource.orders
    public var orderId: Order.ID
    public var userId: User.ID
    public var total: Money
    /// `card`, `upi` or `cash`.
    public var paymentMethod: String
    public var subscriptionId: String?
    public var aggregateID: String { orderId.rawValue }

    public init(order: Order) {
        orderId = order.id
        userId = order.userID
        total = order.total
        paymentMethod = order.paymentMethod.type
        subscriptionId = order.subscriptionID
    }
}

/// An order was paid (or is cash on delivery) and its stock sold: it counts as a sale.
public struct OrderConfirmed: DomainEvent {
    public static let detailType = EventName.orderConfirmed
    public static let source = EventSource.orders
    public var orderId: Order.ID
    public var userId: User.ID
    public var total: Money
    public var lines: [Line]
    public var aggregateID: String { orderId.rawValue }

    /// One line sold; `lineTotal` in minor units of the order's currency.
    public struct Line: Codable, Sendable, Hashable {
        public var productId: Product.ID
        public var name: String
        public var quantity: Int
        public var lineTotal: Int
    }

    public init(order: Order) {
        orderId = order.id
        userId = order.userID
        total = order.total
        lines = order.lines.map {
            Line(productId: $0.productID, name: $0.name, quantity: $0.quantity, lineTotal: $0.lineTotal.amount)
        }
    }
}

/// The checkout workflow finished every step (published by its `PublishOrderCompleted` state).
public struct OrderCompleted: DomainEvent {
    public static let detailType = EventName.orderCompleted
    public static let source = EventSource.orders
    public var orderId: Order.ID
    public var aggregateID: String { orderId.rawValue }

    public init(orderId: Order.ID) { self.orderId = orderId }
}

/// An order was cancelled: by its customer or an admin, or because its checkout failed.
public struct OrderCancelled: DomainEvent {
    public static let detailType = EventName.orderCancelled
    public static let source = EventSource.orders
    public var orderId: Order.ID
    public var userId: User.ID
    public var total: Money
    public var reason: String
    /// The status it was cancelled from, when known: a `CONFIRMED` or `PACKED` order is owed its refund and restock.
    public var from: OrderStatus?
    public var aggregateID: String { orderId.rawValue }

    public init(order: Order, reason: String, from: OrderStatus? = nil) {
        orderId = order.id
        userId = order.userID
        total = order.total
        self.reason = reason
        self.from = from
    }
}

/// An admin moved an order by hand (`PACKED`, `RETURNED`).
public struct OrderStatusChanged: DomainEvent {
    public static let detailType = EventName.orderStatusChanged
    public static let source = EventSource.orders
    public var orderId: Order.ID
    public var userId: User.ID
    public var status: OrderStatus
    public var aggregateID: String { orderId.rawValue }

    public init(order: Order) {
        orderId = order.id
        userId = order.userID
        status = order.status
    }
}

// MARK: payments

/// The gateway captured an order's payment.
public struct PaymentSucceeded: DomainEvent {
    public static let detailType = EventName.paymentSucceeded
    public static let source = EventSource.payments
    public var orderId: Order.ID
    public var userId: User.ID
    public var total: Money
    public var paymentId: Payment.ID
    public var transactionId: String
    public var aggregateID: String { orderId.rawValue }

    public init(order: Order, paymentId: Payment.ID, transactionId: String) {
        orderId = order.id
        userId = order.userID
        total = order.total
        self.paymentId = paymentId
        self.transactionId = transactionId
    }
}

/// The gateway declined an order's payment.
public struct PaymentFailed: DomainEvent {
    public static let detailType = EventName.paymentFailed
    public static let source = EventSource.payments
    public var orderId: Order.ID
    public var userId: User.ID
    public var total: Money
    public var paymentId: Payment.ID
    /// The gateway's decline code, e.g. `card_declined`.
    public var reason: String
    public var aggregateID: String { orderId.rawValue }

    public init(order: Order, paymentId: Payment.ID, reason: String) {
        orderId = order.id
        userId = order.userID
        total = order.total
        self.paymentId = paymentId
        self.reason = reason
    }
}

/// Money went back to the customer.
public struct RefundIssued: DomainEvent {
    public static let detailType = EventName.refundIssued
    public static let source = EventSource.payments
    public var orderId: Order.ID
    public var userId: User.ID
    /// The order's total (not the refund).
    public var total: Money
    public var refundId: Refund.ID
    /// What was refunded.
    public var amount: Money
    public var reason: String
    public var aggregateID: String { orderId.rawValue }

    public init(order: Order, refund: Refund) {
        orderId = order.id
        userId = order.userID
        total = order.total
        refundId = refund.id
        amount = refund.amount
        reason = refund.reason
    }
}

// MARK: details written by hand

// The events of every checkout, written as the envelope's encoder writes them (sorted keys, slashes as they are, nil
// optionals left out); a test holds them equal.

extension OrderCreated {
    public var writtenDetail: String? {
        var writer = JSONWriter(escapesSlashes: false)
        writer.object { m in
            m.member("orderId", orderId.rawValue)
            m.member("paymentMethod", paymentMethod)
            m.member("subscriptionId", subscriptionId)
            m.member("total", total)
            m.member("userId", userId.rawValue)
        }
        return writer.text
    }
}

extension OrderConfirmed {
    public var writtenDetail: String? {
        var writer = JSONWriter(escapesSlashes: false)
        writer.object { m in
            m.member("lines") {
                $0.array(lines) { writer, line in
                    writer.object { m in
                        m.member("lineTotal", line.lineTotal)
                        m.member("name", line.name)
                        m.member("productId", line.productId.rawValue)
                        m.member("quantity", line.quantity)
                    }
                }
            }
            m.member("orderId", orderId.rawValue)
            m.member("total", total)
            m.member("userId", userId.rawValue)
        }
        return writer.text
    }
}

extension PaymentSucceeded {
    public var writtenDetail: String? {
        var writer = JSONWriter(escapesSlashes: false)
        writer.object { m in
            m.member("orderId", orderId.rawValue)
            m.member("paymentId", paymentId.rawValue)
            m.member("total", total)
            m.member("transactionId", transactionId)
            m.member("userId", userId.rawValue)
        }
        return writer.text
    }
}

extension InventoryReserved {
    public var writtenDetail: String? {
        var writer = JSONWriter(escapesSlashes: false)
        writer.object { m in
            m.member("orderId", orderId.rawValue)
            m.member("reservationId", reservationId)
            m.member("total", total)
            m.member("userId", userId.rawValue)
        }
        return writer.text
    }
}

extension InventoryCommitted {
    public var writtenDetail: String? {
        var writer = JSONWriter(escapesSlashes: false)
        writer.object { m in
            m.member("orderId", orderId.rawValue)
            m.member("total", total)
            m.member("userId", userId.rawValue)
        }
        return writer.text
    }
}
