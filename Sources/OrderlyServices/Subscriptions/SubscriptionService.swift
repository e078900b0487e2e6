import Foundation
import Logging
import OrderlyModel
import OrderlyPorts

/// Recurring orders: created, paused, resumed and cancelled by their owner (or an admin).
public struct SubscriptionService: Sendable {
    let subscriptions: any SubscriptionStore
    let catalog: any CatalogStore
    let orders: any OrderStore
    let env: ServiceEnvironment

    public init(
        subscriptions: any SubscriptionStore, catalog: any CatalogStore, orders: any OrderStore, env: ServiceEnvironment
    ) {
        self.subscriptions = subscriptions
        self.catalog = catalog
        self.orders = orders
        self.env = env
    }

    /// What a customer asks for.
    public struct NewSubscription: Sendable {
        public var productID: Product.ID
        public var quantity: Int
        public var frequency: Subscription.Frequency
        public var startDate: String
        public var endDate: String?
        public var deliveryTime: String
        public var paymentMethod: PaymentMethod
        public var address: Address?

        public init(
            productID: Product.ID, quantity: Int, frequency: Subscription.Frequency, startDate: String,
            endDate: String?,
            deliveryTime: String, paymentMethod: PaymentMethod, address: Address?
        ) {
            self.productID = productID
            self.quantity = quantity
            self.frequency = frequency
            self.startDate = startDate
            self.endDate = endDate
            self.deliveryTime = deliveryTime
            self.paymentMethod = paymentMethod
            self.address = address
        }
    }

    /// Creates an active subscription whose first run is the first occurrence from now.
    /// - Throws: `validation_failed`; `not_found` for an unknown or inactive product.
    public func create(_ new: NewSubscription, for actor: Actor) async throws -> Subscription {
        guard actor.role == .customer else { throw OrderlyError.forbidden("Only customers subscribe.") }
        var issues =
            Validate.integer(new.quantity, field: "quantity", in: Cart.quantityRange) + new.paymentMethod.validate()
        let start = Schedule.day(new.startDate)
        if start == nil { issues.append(FieldIssue(field: "startDate", message: "must be a date like 2026-11-23")) }
        if Schedule.minutes(new.deliveryTime) == nil {
            issues.append(FieldIssue(field: "deliveryTime", message: "must be a time like 07:00 (UTC)"))
        }
        if let endDate = new.endDate {
            if let end = Schedule.day(endDate) {
                if let start, end < start {
                    issues.append(FieldIssue(field: "endDate", message: "must not be before startDate"))
                }
                if end < Schedule.day(Schedule.dayString(env.clock.now()))! {
                    issues.append(FieldIssue(field: "endDate", message: "must not be in the past"))
                }
            } else {
                issues.append(FieldIssue(field: "endDate", message: "must be a date like 2026-12-31"))
            }
        }
        if let address = new.address { issues += address.validate(field: "address") }
        try OrderlyError.throwIfAny(issues)
        guard let product = try await catalog.product(id: new.productID), product.active else {
            throw OrderlyError.notFound("product", field: "productId")
        }
        let now = env.clock.now()
        let subscription = Subscription(
            id: env.ids.next(Subscription.self), userID: actor.userID, productID: product.id, quantity: new.quantity,
            frequency: new.frequency, startDate: new.startDate, endDate: new.endDate, deliveryTime: new.deliveryTime,
            paymentMethod: new.paymentMethod, address: new.address, at: now)
        guard subscription.nextRunAt != nil else {
            throw OrderlyError.validation(field: "endDate", "leaves no run after now")
        }
        try await subscriptions.insertSubscription(
            subscription, events: [try env.envelope(SubscriptionCreated(subscription))])
        return subscription
    }

    /// The caller's subscriptions, newest first.
    public func list(for actor: Actor, page: PageRequest) async throws -> Page<Subscription> {
        try await subscriptions.subscriptions(userID: actor.userID, page: page)
    }

    /// A subscription and the orders it placed (oldest first), for its owner or an admin.
    public func subscription(_ id: Subscription.ID, for actor: Actor) async throws -> (Subscription, [Order]) {
        let subscription = try await owned(id, by: actor)
        var placed: [Order] = []
        for run in try await subscriptions.runs(subscriptionID: id) {
            if let order = try await orders.order(id: run.orderID) { placed.append(order) }
        }
        return (subscription, placed)
    }

    /// Pauses, resumes or cancels.
    /// - Throws: `invalid_transition` for a move the status machine does not allow.
    public func move(_ id: Subscription.ID, to status: Subscription.Status, by actor: Actor) async throws
        -> Subscription
    {
        _ = try await owned(id, by: actor)
        let now = env.clock.now()
        let env = self.env
        return try await subscriptions.updateSubscription(id: id) { subscription in
            try subscription.move(to: status, at: now)
            switch subscription.status {
            case .active: return [try env.envelope(SubscriptionResumed(subscription))]
            case .paused: return [try env.envelope(SubscriptionPaused(subscription))]
            case .cancelled: return [try env.envelope(SubscriptionCancelled(subscription))]
            }
        }
    }

    private func owned(_ id: Subscription.ID, by actor: Actor) async throws -> Subscription {
        guard let subscription = try await subscriptions.subscription(id: id),
            subscription.userID == actor.userID || actor.isAdmin
        else { throw OrderlyError.notFound("subscription") }
        return subscription
    }
}

/// Places each due run of every active subscription as an order, through the checkout workflow, exactly once per run:
/// a run is claimed (compare-and-set on its time, with the order id it will place) before the order is placed, so two
/// schedulers racing place it once, and a run claimed before a crash is placed (with the same order id) after it.
public struct SubscriptionScheduler: Sendable {
    let subscriptions: any SubscriptionStore
    let orders: OrderService
    let outbox: any EventOutbox
    let env: ServiceEnvironment
    let logger: Logger

    public init(
        subscriptions: any SubscriptionStore, orders: OrderService, outbox: any EventOutbox,
        env: ServiceEnvironment, logger: Logger
    ) {
        self.subscriptions = subscriptions
        self.orders = orders
        self.outbox = outbox
        self.env = env
        self.logger = logger
    }

    /// Places every run due now (missed runs too, each once). Returns how many runs this tick claimed or finished.
    @discardableResult
    public func tick() async throws -> Int {
        var handled = 0
        for run in try await subscriptions.unplacedRuns(limit: 100) {
            if let subscription = try await subscriptions.subscription(id: run.subscriptionID) {
                try await place(run, of: subscription)
                handled += 1
            }
        }
        while true {
            let due = try await subscriptions.dueSubscriptions(at: env.clock.now(), limit: 100)
            var claimed = 0
            for subscription in due {
                guard let runAt = subscription.nextRunAt else { continue }
                let orderID = env.ids.next(Order.self)
                let next = subscription.run(after: runAt)
                var events: [EventEnvelope] = []
                if next == nil {
                    var ended = subscription
                    ended.status = .cancelled
                    events.append(try env.envelope(SubscriptionCancelled(ended, reason: "ended")))
                }
                guard
                    try await subscriptions.claimRun(
                        subscriptionID: subscription.id, runAt: runAt, orderID: orderID, next: next,
                        at: env.clock.now(),
                        events: events)
                else { continue }
                claimed += 1
                try await place(
                    SubscriptionRun(
                        subscriptionID: subscription.id, runAt: runAt, orderID: orderID, status: .claimed, note: nil),
                    of: subscription)
            }
            handled += claimed
            if claimed == 0 { return handled }
        }
    }

    /// Places the order of a claimed run; a run that cannot be placed is recorded and the customer told.
    private func place(_ run: SubscriptionRun, of subscription: Subscription) async throws {
        do {
            _ = try await orders.place(
                .init(
                    items: [Cart.Line(productID: subscription.productID, quantity: subscription.quantity)],
                    paymentMethod: subscription.paymentMethod, deliverySlot: run.runAt.formatted(.iso8601),
                    address: subscription.address, subscriptionID: subscription.id.rawValue),
                for: Actor(userID: subscription.userID, role: .customer), orderID: run.orderID)
            try await subscriptions.markRun(
                subscriptionID: subscription.id, runAt: run.runAt, status: .placed, note: nil)
        } catch let error as OrderlyError where error.code != .internal {
            logger.warning(
                "a subscription run could not be placed",
                metadata: ["subscription_id": "\(subscription.id)", "error": "\(error)"])
            try await subscriptions.markRun(
                subscriptionID: subscription.id, runAt: run.runAt, status: .failed, note: error.message)
            try await outbox.publish(
                try env.envelope(SubscriptionRunFailed(subscription, runAt: run.runAt, reason: error.message)))
        }
    }

    /// Ticks until cancelled.
    public func run(interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await tick()
            } catch {
                logger.error("subscription scheduling failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
