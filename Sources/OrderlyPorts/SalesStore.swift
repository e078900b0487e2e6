import Foundation
import OrderlyModel

/// One fact of the sales figures: an order line sold, an order's total, or a refund, on a day.
public struct SaleFact: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case order, line, refund }
    public var kind: Kind
    /// `YYYY-MM-DD` (UTC).
    public var day: String
    public var orderID: String
    public var productID: String?
    public var productName: String?
    public var quantity: Int
    public var amount: Int

    public init(
        kind: Kind, day: String, orderID: String, productID: String? = nil, productName: String? = nil,
        quantity: Int = 0, amount: Int
    ) {
        self.kind = kind
        self.day = day
        self.orderID = orderID
        self.productID = productID
        self.productName = productName
        self.quantity = quantity
        self.amount = amount
    }
}

/// The figures of a range of days.
public struct SalesFigures: Hashable, Sendable {
    public struct Day: Hashable, Sendable {
        public var date: String
        public var orders: Int
        public var revenue: Int
        public var refunded: Int
        public init(date: String, orders: Int, revenue: Int, refunded: Int) {
            self.date = date
            self.orders = orders
            self.revenue = revenue
            self.refunded = refunded
        }
    }

    public struct ProductFigure: Hashable, Sendable {
        public var productID: String
        public var name: String
        public var quantity: Int
        public var revenue: Int
        public init(productID: String, name: String, quantity: Int, revenue: Int) {
            self.productID = productID
            self.name = name
            self.quantity = quantity
            self.revenue = revenue
        }
    }

    public var days: [Day]
    public var topProducts: [ProductFigure]

    public init(days: [Day], topProducts: [ProductFigure]) {
        self.days = days
        self.topProducts = topProducts
    }
}

extension SalesStore {
    /// One event after the other.
    public func recordSaleFacts(_ events: [(eventID: EventEnvelope.ID, facts: [SaleFact])]) async throws {
        for event in events { try await recordSaleFacts(eventID: event.eventID, facts: event.facts) }
    }
}

/// The analytics store of sales figures, kept from events.
public protocol SalesStore: Sendable {
    /// Records the facts one event gives; an event recorded before is not recorded again.
    func recordSaleFacts(eventID: EventEnvelope.ID, facts: [SaleFact]) async throws

    /// Records the facts of many events, in one write where the store can; each event counts once, as above.
    func recordSaleFacts(_ events: [(eventID: EventEnvelope.ID, facts: [SaleFact])]) async throws

    /// Figures for the days `from`...`to` (inclusive, `YYYY-MM-DD`), with the ten best-selling products.
    func salesFigures(from: String, to: String) async throws -> SalesFigures
}
