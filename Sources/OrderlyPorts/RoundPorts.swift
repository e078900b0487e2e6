import Foundation
import OrderlyModel

/// Where deliveries live.
public protocol DeliveryStore: Sendable {
    /// Stores a new delivery with its events, on the condition that its order has no delivery under way.
    /// - Throws: `conflict` when one is under way.
    func insertDelivery(_ delivery: Delivery, events: [EventEnvelope]) async throws

    func delivery(id: Delivery.ID) async throws -> Delivery?

    /// The newest delivery of an order.
    func latestDelivery(orderID: Order.ID) async throws -> Delivery?

    /// Deliveries, newest first, optionally of one courier and one status.
    func deliveries(courierID: User.ID?, status: DeliveryStatus?, page: PageRequest) async throws -> Page<Delivery>

    /// Reads the delivery, its order and the order's payment; applies `change` (which returns the events) and stores
    /// all of them, atomically.
    func updateDelivery(
        id: Delivery.ID, change: @escaping @Sendable (inout Delivery, inout Order, inout Payment?) throws -> [EventEnvelope]
    ) async throws -> Delivery
}

/// One scheduled run of a subscription.
public struct SubscriptionRun: Hashable, Sendable {
    public var subscriptionID: Subscription.ID
    public var runAt: Date
    /// The order this run places (its id is chosen when the run is claimed).
    public var orderID: Order.ID
    /// `CLAIMED` (the order is yet to be placed), `PLACED`, or `FAILED` (it could not be placed).
    public var status: String
    public var note: String?

    public init(subscriptionID: Subscription.ID, runAt: Date, orderID: Order.ID, status: String, note: String?) {
        self.subscriptionID = subscriptionID
        self.runAt = runAt
        self.orderID = orderID
        self.status = status
        self.note = note
    }
}

/// Where subscriptions and their runs live.
public protocol SubscriptionStore: Sendable {
    func insertSubscription(_ subscription: Subscription, events: [EventEnvelope]) async throws
    func subscription(id: Subscription.ID) async throws -> Subscription?
    /// A user's subscriptions, newest first.
    func subscriptions(userID: User.ID, page: PageRequest) async throws -> Page<Subscription>

    /// Reads, applies `change` (which returns the events) and stores both, atomically.
    func updateSubscription(
        id: Subscription.ID, change: @escaping @Sendable (inout Subscription) throws -> [EventEnvelope]
    ) async throws -> Subscription

    /// Active subscriptions whose next run is due.
    func dueSubscriptions(at time: Date, limit: Int) async throws -> [Subscription]

    /// Claims the run at `runAt` of a subscription, only if its next run is still `runAt` (so two schedulers racing
    /// claim it once): records the run with the order it will place, and moves the next run on to `next` (or ends
    /// the subscription when `next` is nil), with the events, atomically.
    /// - Returns: false when the run was claimed already.
    func claimRun(
        subscriptionID: Subscription.ID, runAt: Date, orderID: Order.ID, next: Date?, at time: Date,
        events: [EventEnvelope]
    ) async throws -> Bool

    /// Records what became of a claimed run.
    func markRun(subscriptionID: Subscription.ID, runAt: Date, status: String, note: String?) async throws

    /// Runs claimed but not yet placed (a crash between the two).
    func unplacedRuns(limit: Int) async throws -> [SubscriptionRun]

    /// Every run of a subscription, oldest first.
    func runs(subscriptionID: Subscription.ID) async throws -> [SubscriptionRun]
}

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

    public init(kind: Kind, day: String, orderID: String, productID: String? = nil, productName: String? = nil, quantity: Int = 0, amount: Int) {
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

/// The analytics store of sales figures, kept from events.
public protocol SalesStore: Sendable {
    /// Records the facts one event gives; an event recorded before is not recorded again.
    func recordSaleFacts(eventID: EventEnvelope.ID, facts: [SaleFact]) async throws

    /// Figures for the days `from`...`to` (inclusive, `YYYY-MM-DD`), with the ten best-selling products.
    func salesFigures(from: String, to: String) async throws -> SalesFigures
}
