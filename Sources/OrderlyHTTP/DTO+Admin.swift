import Foundation
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import StatesLanguage

struct AdminOrderPatchRequest: StrictDecodable {
    var status: OrderStatus
    var note: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case status, note }
}

/// `POST /v1/admin/executions/{id}/stop`: both optional, as in `StopExecution`.
struct StopExecutionRequest: StrictDecodable {
    var error: String?
    var cause: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case error, cause }
}

/// `POST /v1/admin/task-tokens/{success,failure,heartbeat}`: the fields of `SendTaskSuccess`, `SendTaskFailure`
/// and `SendTaskHeartbeat` (each route's schema lists those it takes).
struct TaskTokenRequest: StrictDecodable {
    var taskToken: String
    var output: String?
    var error: String?
    var cause: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case taskToken, output, error, cause }
}

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
            Day(
                date: $0.date, orders: $0.orders, revenue: Money(amount: $0.revenue, currency: currency),
                refunded: Money(amount: $0.refunded, currency: currency))
        }
        topProducts = report.topProducts.map {
            Product(
                productId: $0.productID, name: $0.name, quantity: $0.quantity,
                revenue: Money(amount: $0.revenue, currency: currency))
        }
    }
}
