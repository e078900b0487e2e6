import Foundation
import OrderlyModel
import OrderlyPorts
import OrderlyServices

struct CreateSubscriptionRequest: StrictDecodable {
    var productId: Reference<Product>
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
