import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// An order has at most one delivery under way: the `uniques` item `delivery#<order>` exists while one is active,
/// written (with `attribute_not_exists`) and deleted in the transactions that start and end it.
extension DynamoStore: DeliveryStore {
    public func insertDelivery(_ delivery: Delivery, events: [EventEnvelope]) async throws {
        var items = [try deliveryWrite(delivery, version: nil)]
        if delivery.status.isActive { items.append(activeDelivery(delivery.orderID, active: true)) }
        do {
            try await transact(items + outboxPuts(events))
        } catch let cancelled as TransactionCancelled where cancelled.failed(0) || cancelled.failed(1) {
            throw OrderlyError(
                .conflict, "This order already has a delivery under way.", underlying: cancelled.underlying)
        }
    }

    public func delivery(id: Delivery.ID) async throws -> Delivery? {
        try await get(.deliveries, ["id": Attribute.string(id.rawValue)]).map { try Self.decode(Delivery.self, $0) }
    }

    public func latestDelivery(orderID: Order.ID) async throws -> Delivery? {
        try await self.page(
            .deliveries, index: "byOrder", hash: ("orderId", Attribute.string(orderID.rawValue)), sortKey: "id",
            newestFirst: true, page: PageRequest(limit: 1)
        ).items.first.map { try Self.decode(Delivery.self, $0) }
    }

    public func deliveries(courierID: User.ID?, status: DeliveryStatus?, page: PageRequest) async throws -> Page<
        Delivery
    > {
        let hash =
            courierID.map { (name: "courierId", value: Attribute.string($0.rawValue)) }
            ?? (name: "deliveriesShard", value: Attribute.string("deliveries"))
        let (items, next) = try await self.page(
            .deliveries, index: courierID == nil ? "all" : "byCourier", hash: hash, sortKey: "id", newestFirst: true,
            page: page, filter: status == nil ? nil : "#status = :status",
            names: status == nil ? [:] : ["#status": "status"],
            values: status.map { [":status": Attribute.string($0.rawValue)] } ?? [:])
        return Page(items: try items.map { try Self.decode(Delivery.self, $0) }, nextAfter: next)
    }

    public func updateDelivery(
        id: Delivery.ID,
        change: @escaping @Sendable (inout Delivery, inout Order, inout Payment?) throws -> [EventEnvelope]
    ) async throws -> Delivery {
        try await retryingConflicts {
            guard let deliveryItem = try await get(.deliveries, ["id": Attribute.string(id.rawValue)]) else {
                throw OrderlyError.notFound("delivery")
            }
            var delivery = try Self.decode(Delivery.self, deliveryItem)
            let wasActive = delivery.status.isActive
            guard let (orderBefore, orderVersion) = try await versionedOrder(id: delivery.orderID) else {
                throw OrderlyError.notFound("order")
            }
            let paymentItem = try await get(.payments, ["orderId": Attribute.string(delivery.orderID.rawValue)])
            let paymentBefore = try paymentItem.map { try Self.decode(Payment.self, $0) }
            var order = orderBefore
            var payment = paymentBefore
            let events = try change(&delivery, &order, &payment)
            var items = [try deliveryWrite(delivery, version: Self.version(deliveryItem))]
            items += try orderWrites(order, version: orderVersion, before: orderBefore)
            if let payment, payment != paymentBefore {
                items.append(try paymentWrite(payment, version: paymentItem.map(Self.version)))
            }
            if wasActive != delivery.status.isActive {
                items.append(activeDelivery(delivery.orderID, active: delivery.status.isActive))
            }
            try await transactVersioned(items + outboxPuts(events))
            return delivery
        }
    }

    func deliveryWrite(_ delivery: Delivery, version: Int?) throws -> JSON {
        var item: JSONObject = [
            "id": Attribute.string(delivery.id.rawValue), "doc": try Self.doc(delivery),
            "version": Attribute.number((version ?? 0) + 1), "orderId": Attribute.string(delivery.orderID.rawValue),
            "status": Attribute.string(delivery.status.rawValue), "deliveriesShard": Attribute.string("deliveries"),
        ]
        if let courier = delivery.courierID { item["courierId"] = Attribute.string(courier.rawValue) }
        let (condition, names, values) = Self.versionCondition(version, key: "id")
        return put(.deliveries, item, condition: condition, names: names, values: values)
    }

    /// Starts (`attribute_not_exists`) or ends the order's one active delivery.
    func activeDelivery(_ orderID: Order.ID, active: Bool) -> JSON {
        let key: JSONObject = ["key": Attribute.string("delivery#" + orderID.rawValue)]
        if active { return put(.uniques, key, condition: "attribute_not_exists(#key)", names: ["#key": "key"]) }
        return ["Delete": ["TableName": .string(name(.uniques)), "Key": .object(key)]]
    }
}

/// An active subscription with a next run carries `dueShard` and `nextRunAt`: the sparse GSI `due` is the
/// scheduler's list. A run is claimed in one transaction: the subscription moved on (conditional on the version
/// read, which says the next run is still this one) and the run's item written (`attribute_not_exists`).
extension DynamoStore: SubscriptionStore {
    public func insertSubscription(_ subscription: Subscription, events: [EventEnvelope]) async throws {
        try await transact([try subscriptionWrite(subscription, version: nil)] + outboxPuts(events))
    }

    public func subscription(id: Subscription.ID) async throws -> Subscription? {
        try await get(.subscriptions, ["id": Attribute.string(id.rawValue)]).map {
            try Self.decode(Subscription.self, $0)
        }
    }

    public func subscriptions(userID: User.ID, page: PageRequest) async throws -> Page<Subscription> {
        let (items, next) = try await self.page(
            .subscriptions, index: "byUser", hash: ("userId", Attribute.string(userID.rawValue)), sortKey: "id",
            newestFirst: true, page: page)
        return Page(items: try items.map { try Self.decode(Subscription.self, $0) }, nextAfter: next)
    }

    public func updateSubscription(
        id: Subscription.ID, change: @escaping @Sendable (inout Subscription) throws -> [EventEnvelope]
    ) async throws -> Subscription {
        try await retryingConflicts {
            guard let item = try await get(.subscriptions, ["id": Attribute.string(id.rawValue)]) else {
                throw OrderlyError.notFound("subscription")
            }
            var subscription = try Self.decode(Subscription.self, item)
            let events = try change(&subscription)
            try await transactVersioned(
                [try subscriptionWrite(subscription, version: Self.version(item))] + outboxPuts(events))
            return subscription
        }
    }

    public func dueSubscriptions(at time: Date, limit: Int) async throws -> [Subscription] {
        try await all(
            .subscriptions, index: "due", condition: "dueShard = :due AND nextRunAt <= :now", names: [:],
            values: [":due": Attribute.string("due"), ":now": Attribute.string(Self.sortableMillis(time))], limit: limit
        ).map { try Self.decode(Subscription.self, $0) }
    }

    public func claimRun(
        subscriptionID: Subscription.ID, runAt: Date, orderID: Order.ID, next: Date?, at time: Date,
        events: [EventEnvelope]
    ) async throws -> Bool {
        try await retryingConflicts {
            guard let item = try await get(.subscriptions, ["id": Attribute.string(subscriptionID.rawValue)]) else {
                return false
            }
            var subscription = try Self.decode(Subscription.self, item)
            guard subscription.status == .active, let nextRunAt = subscription.nextRunAt,
                Self.millis(nextRunAt) == Self.millis(runAt)
            else { return false }
            subscription.nextRunAt = next
            if next == nil { subscription.status = .cancelled }
            subscription.updatedAt = time
            let run = SubscriptionRun(
                subscriptionID: subscriptionID, runAt: runAt, orderID: orderID, status: .claimed, note: nil)
            do {
                try await transact(
                    [
                        try subscriptionWrite(subscription, version: Self.version(item)),
                        put(.subscriptionRuns, Self.runItem(run), condition: "attribute_not_exists(runAt)"),
                    ] + outboxPuts(events))
            } catch let cancelled as TransactionCancelled {
                if cancelled.failed(1) { return false }
                throw VersionConflict()
            }
            return true
        }
    }

    public func markRun(subscriptionID: Subscription.ID, runAt: Date, status: SubscriptionRun.Status, note: String?)
        async throws
    {
        var values: JSONObject = [":status": Attribute.string(status.rawValue)]
        var sets = ["#status = :status"]
        var removes: [String] = []
        if let note {
            sets.append("note = :note")
            values[":note"] = Attribute.string(note)
        } else {
            removes.append("note")
        }
        if status != .claimed { removes.append("claimedShard") }
        let expression =
            "SET " + sets.joined(separator: ", ")
            + (removes.isEmpty ? "" : " REMOVE " + removes.joined(separator: ", "))
        do {
            _ = try await dynamo.call(
                "UpdateItem",
                [
                    "TableName": .string(name(.subscriptionRuns)),
                    "Key": [
                        "subscriptionId": Attribute.string(subscriptionID.rawValue),
                        "runAt": Attribute.string(Self.sortableMillis(runAt)),
                    ], "UpdateExpression": .string(expression), "ConditionExpression": "attribute_exists(runAt)",
                    "ExpressionAttributeNames": ["#status": "status"], "ExpressionAttributeValues": .object(values),
                ])
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            return  // no such run: nothing to record, as in SQLite
        }
    }

    public func unplacedRuns(limit: Int) async throws -> [SubscriptionRun] {
        try await all(
            .subscriptionRuns, index: "claimed", condition: "claimedShard = :claimed", names: [:],
            values: [":claimed": Attribute.string("claimed")], limit: limit
        ).map(Self.run(from:))
    }

    public func runs(subscriptionID: Subscription.ID) async throws -> [SubscriptionRun] {
        try await all(
            .subscriptionRuns, index: nil, condition: "subscriptionId = :id", names: [:],
            values: [":id": Attribute.string(subscriptionID.rawValue)]
        ).map(Self.run(from:))
    }

    func subscriptionWrite(_ subscription: Subscription, version: Int?) throws -> JSON {
        var item: JSONObject = [
            "id": Attribute.string(subscription.id.rawValue), "doc": try Self.doc(subscription),
            "version": Attribute.number((version ?? 0) + 1), "userId": Attribute.string(subscription.userID.rawValue),
        ]
        if subscription.status == .active, let next = subscription.nextRunAt {
            item["dueShard"] = Attribute.string("due")
            item["nextRunAt"] = Attribute.string(Self.sortableMillis(next))
        }
        let (condition, names, values) = Self.versionCondition(version, key: "id")
        return put(.subscriptions, item, condition: condition, names: names, values: values)
    }

    static func runItem(_ run: SubscriptionRun) -> JSONObject {
        var item: JSONObject = [
            "subscriptionId": Attribute.string(run.subscriptionID.rawValue),
            "runAt": Attribute.string(sortableMillis(run.runAt)), "orderId": Attribute.string(run.orderID.rawValue),
            "status": Attribute.string(run.status.rawValue),
        ]
        if run.status == .claimed { item["claimedShard"] = Attribute.string("claimed") }
        if let note = run.note { item["note"] = Attribute.string(note) }
        return item
    }

    static func run(from item: JSON) -> SubscriptionRun {
        let millis = Int(Attribute.string(item["runAt"]) ?? "") ?? 0
        return SubscriptionRun(
            subscriptionID: .init(rawValue: Attribute.string(item["subscriptionId"]) ?? ""),
            runAt: Date(timeIntervalSince1970: Double(millis) / 1000),
            orderID: .init(rawValue: Attribute.string(item["orderId"]) ?? ""),
            status: SubscriptionRun.Status(rawValue: Attribute.string(item["status"]) ?? "") ?? .failed,
            note: Attribute.string(item["note"]))
    }
}
