import Foundation
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import StatesLanguage

struct AssignDeliveryRequest: StrictDecodable {
    var orderId: Order.ID
    var courierId: User.ID?
    enum CodingKeys: String, CodingKey, CaseIterable { case orderId, courierId }
}

struct MoveDeliveryRequest: StrictDecodable {
    var status: DeliveryStatus
    var note: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case status, note }
}

struct AdminOrderPatchRequest: StrictDecodable {
    var status: OrderStatus
    var note: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case status, note }
}

struct CreateSubscriptionRequest: StrictDecodable {
    var productId: Product.ID
    var quantity: Int
    var frequency: Subscription.Frequency
    var startDate: String
    var endDate: String?
    var deliveryTime: String
    var paymentMethod: PaymentMethod
    var address: Address?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case productId, quantity, frequency, startDate, endDate, deliveryTime, paymentMethod, address
    }
}

/// A delivery as the API shows it.
struct DeliveryBody: Encodable {
    let delivery: Delivery

    enum CodingKeys: String, CodingKey {
        case deliveryId, orderId, userId, courierId, deliverySlot, status, trackingUrl, history, createdAt, updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(delivery.id, forKey: .deliveryId)
        try c.encode(delivery.orderID, forKey: .orderId)
        try c.encode(delivery.userID, forKey: .userId)
        try c.encode(delivery.courierID, forKey: .courierId)
        try c.encode(delivery.deliverySlot, forKey: .deliverySlot)
        try c.encode(delivery.status, forKey: .status)
        try c.encode(delivery.trackingPath, forKey: .trackingUrl)
        try c.encode(delivery.history.map(HistoryBody.init), forKey: .history)
        try c.encode(delivery.createdAt, forKey: .createdAt)
        try c.encode(delivery.updatedAt, forKey: .updatedAt)
    }

    struct HistoryBody: Encodable {
        let event: DeliveryEvent
        init(_ event: DeliveryEvent) { self.event = event }
        enum CodingKeys: String, CodingKey { case status, at, note }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(event.status, forKey: .status)
            try c.encode(event.at, forKey: .at)
            try c.encode(event.note, forKey: .note)
        }
    }
}

/// A subscription as the API shows it, with the orders it placed when asked for one.
struct SubscriptionBody: Encodable {
    let subscription: Subscription
    var orders: [Order]?

    enum CodingKeys: String, CodingKey {
        case subscriptionId, userId, productId, quantity, frequency, startDate, endDate, deliveryTime, paymentMethod
        case address, status, nextRunAt, createdAt, updatedAt, orders
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(subscription.id, forKey: .subscriptionId)
        try c.encode(subscription.userID, forKey: .userId)
        try c.encode(subscription.productID, forKey: .productId)
        try c.encode(subscription.quantity, forKey: .quantity)
        try c.encode(subscription.frequency, forKey: .frequency)
        try c.encode(subscription.startDate, forKey: .startDate)
        try c.encode(subscription.endDate, forKey: .endDate)
        try c.encode(subscription.deliveryTime, forKey: .deliveryTime)
        try c.encode(MethodBody(subscription.paymentMethod), forKey: .paymentMethod)
        try c.encode(subscription.address, forKey: .address)
        try c.encode(subscription.status, forKey: .status)
        try c.encode(subscription.nextRunAt, forKey: .nextRunAt)
        try c.encode(subscription.createdAt, forKey: .createdAt)
        try c.encode(subscription.updatedAt, forKey: .updatedAt)
        if let orders { try c.encode(orders.map(OrderBody.init), forKey: .orders) }
    }
}

/// An event as the event log shows it: the EventBridge envelope.
struct EventBody: Encodable {
    let event: EventEnvelope

    enum CodingKeys: String, CodingKey { case id, source, detailType = "detail-type", time, detail }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(event.id, forKey: .id)
        try c.encode(event.source, forKey: .source)
        try c.encode(event.detailType, forKey: .detailType)
        try c.encode(event.time, forKey: .time)
        try c.encode((try? JSON(parsing: event.detail)) ?? .object([:]), forKey: .detail)
    }
}

struct DeadLetterBody: Encodable {
    var deadLetterId: String
    var consumer: String
    var event: EventBody
    var error: String
    var attempts: Int
    var createdAt: Date

    init(_ letter: DeadLetter) {
        deadLetterId = letter.id
        consumer = letter.consumer
        event = EventBody(event: letter.event)
        error = letter.error
        attempts = letter.attempts
        createdAt = letter.createdAt
    }
}

struct SalesReportBody: Encodable {
    var from: String
    var to: String
    var orders: Int
    var revenue: Money
    var refunded: Money
    var byDay: [Day]
    var topProducts: [Product]

    struct Day: Encodable {
        var date: String
        var orders: Int
        var revenue: Money
        var refunded: Money
    }

    struct Product: Encodable {
        var productId: String
        var name: String
        var quantity: Int
        var revenue: Money
    }

    init(_ report: SalesReport) {
        let currency = report.revenue.currency
        from = report.from
        to = report.to
        orders = report.orders
        revenue = report.revenue
        refunded = report.refunded
        byDay = report.days.map {
            Day(date: $0.date, orders: $0.orders, revenue: Money(amount: $0.revenue, currency: currency),
                refunded: Money(amount: $0.refunded, currency: currency))
        }
        topProducts = report.topProducts.map {
            Product(productId: $0.productID, name: $0.name, quantity: $0.quantity, revenue: Money(amount: $0.revenue, currency: currency))
        }
    }
}
