import Foundation
import OrderlyModel
import OrderlyPorts
import OrderlyServices

struct AssignDeliveryRequest: StrictDecodable {
    var orderId: Reference<Order>
    var courierId: Reference<User>?
    enum CodingKeys: String, CodingKey, CaseIterable { case orderId, courierId }
}

struct MoveDeliveryRequest: StrictDecodable {
    var status: DeliveryStatus
    var note: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case status, note }
}

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
