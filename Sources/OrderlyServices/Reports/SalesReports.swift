import Foundation
import OrderlyModel
import OrderlyPorts

/// Keeps the sales figures from events: an order counts on the day it is confirmed (its total and lines), a refund
/// on the day it is issued. Facts are keyed by event, so an event delivered twice counts once (which is also why the
/// dispatcher keeps no ledger for it), and a batch of events is recorded in one write.
public struct SalesConsumer: BatchEventConsumer {
    public static let name = "sales-figures"
    public var name: String { Self.name }
    public var pattern: EventPattern { Self.pattern }
    public static let pattern = EventPattern(detailTypes: [OrderConfirmed.self, RefundIssued.self])
    let store: any SalesStore

    public init(store: any SalesStore) {
        self.store = store
    }

    public func handle(_ event: EventEnvelope) async throws {
        try await store.recordSaleFacts(eventID: event.id, facts: try Self.facts(of: event))
    }

    /// A batch in one write. An event whose detail does not decode fails the batch, which the dispatcher then
    /// delivers one by one (that event alone ends in the dead letters).
    public func handle(batch events: [EventEnvelope]) async throws {
        try await store.recordSaleFacts(try events.map { (eventID: $0.id, facts: try Self.facts(of: $0)) })
    }

    public var keepsItsOwnRecord: Bool { true }

    /// The facts an event gives.
    /// - Throws: when the detail does not decode as the event it names (the event then goes to the dead letters).
    static func facts(of event: EventEnvelope) throws -> [SaleFact] {
        let day = Schedule.dayString(event.time)
        switch event.name {
        case .orderConfirmed:
            let order = try event.decode(OrderConfirmed.self)
            let total = SaleFact(kind: .order, day: day, orderID: order.orderId.rawValue, amount: order.total.amount)
            return [total]
                + order.lines.map { line in
                    SaleFact(
                        kind: .line, day: day, orderID: order.orderId.rawValue, productID: line.productId.rawValue,
                        productName: line.name, quantity: line.quantity, amount: line.lineTotal)
                }
        case .refundIssued:
            let refund = try event.decode(RefundIssued.self)
            return [SaleFact(kind: .refund, day: day, orderID: refund.orderId.rawValue, amount: refund.amount.amount)]
        default:
            return []
        }
    }
}

/// The sales report of a range of days.
public struct SalesReport: Sendable {
    public var from: String
    public var to: String
    public var orders: Int
    public var revenue: Money
    public var refunded: Money
    public var days: [SalesFigures.Day]
    public var topProducts: [SalesFigures.ProductFigure]
}

/// Reports for admins.
public struct ReportService: Sendable {
    let sales: any SalesStore
    let env: ServiceEnvironment

    public init(sales: any SalesStore, env: ServiceEnvironment) {
        self.sales = sales
        self.env = env
    }

    /// Orders, revenue and refunds per day for `from`...`to` (`YYYY-MM-DD`, inclusive, at most 366 days; both
    /// default to today), with the best-selling products. Every day of the range is listed, zeros included.
    public func sales(from: String?, to: String?, granularity: String?) async throws -> SalesReport {
        let today = Schedule.dayString(env.clock.now())
        let from = from ?? to ?? today
        let to = to ?? today
        var issues: [FieldIssue] = []
        let start = Schedule.day(from)
        let end = Schedule.day(to)
        if start == nil { issues.append(FieldIssue(field: "from", message: "must be a date like 2026-11-21")) }
        if end == nil { issues.append(FieldIssue(field: "to", message: "must be a date like 2026-11-21")) }
        if let granularity, granularity != "day" {
            issues.append(FieldIssue(field: "granularity", message: "must be day"))
        }
        if let start, let end {
            if start > end { issues.append(FieldIssue(field: "from", message: "must not be after to")) }
            if end.timeIntervalSince(start) > 366 * 86_400 {
                issues.append(FieldIssue(field: "to", message: "the range may span at most 366 days"))
            }
        }
        try OrderlyError.throwIfAny(issues)
        let figures = try await sales.salesFigures(from: from, to: to)
        let byDate = Dictionary(uniqueKeysWithValues: figures.days.map { ($0.date, $0) })
        var days: [SalesFigures.Day] = []
        var day = start!
        while day <= end! {
            let text = Schedule.dayString(day)
            days.append(byDate[text] ?? SalesFigures.Day(date: text, orders: 0, revenue: 0, refunded: 0))
            day = day.addingTimeInterval(86_400)
        }
        return SalesReport(
            from: from, to: to, orders: days.reduce(0) { $0 + $1.orders },
            revenue: Money(amount: days.reduce(0) { $0 + $1.revenue }, currency: env.currency),
            refunded: Money(amount: days.reduce(0) { $0 + $1.refunded }, currency: env.currency), days: days,
            topProducts: figures.topProducts)
    }
}
