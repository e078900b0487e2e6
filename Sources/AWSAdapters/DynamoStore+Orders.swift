import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// Orders are versioned items. Two things SQLite answers with a query are kept as items so that they can be part
/// of a transaction: the idempotency key of an order (`uniques` item `order-key#<user>#<key>`, written with
/// `attribute_not_exists`) and how many unpaid open orders a customer has (`uniques` item `unpaid#<user>`, moved by
/// every order write that changes it, and checked against the limit in the write that inserts an order).
extension DynamoStore: OrderStore {
    public func insertOrder(_ order: Order, events: [EventEnvelope], unpaidLimit: Int?) async throws {
        var items = try orderWrites(order, version: nil, before: nil, unpaidLimit: unpaidLimit)
        if let key = order.idempotencyKey {
            items.append(
                put(
                    .uniques,
                    [
                        "key": Attribute.string(Self.orderKey(user: order.userID, key: key)),
                        "orderId": Attribute.string(order.id.rawValue),
                    ], condition: "attribute_not_exists(#key)", names: ["#key": "key"]))
        }
        do {
            try await transact(items + outboxPuts(events))
        } catch let cancelled as TransactionCancelled {
            if let unpaidLimit, cancelled.failed(1) {
                throw OrderlyError(
                    .conflict, "You have \(unpaidLimit) or more orders awaiting payment; pay or cancel one first.",
                    fieldIssues: [
                        FieldIssue(field: "paymentMethod", message: "at most \(unpaidLimit) unpaid orders at once")
                    ])
            }
            throw OrderlyError(
                .conflict, "An order with the id \(order.id) or its Idempotency-Key exists already.",
                underlying: cancelled.underlying)
        }
    }

    public func order(userID: User.ID, idempotencyKey: String) async throws -> Order? {
        guard
            let unique = try await get(
                .uniques, ["key": Attribute.string(Self.orderKey(user: userID, key: idempotencyKey))]),
            let id = Attribute.string(unique["orderId"])
        else { return nil }
        return try await order(id: Order.ID(rawValue: id))
    }

    public func order(id: Order.ID) async throws -> Order? {
        try await versionedOrder(id: id)?.0
    }

    public func orders(matching query: OrderQuery, page: PageRequest) async throws -> Page<Order> {
        var filter: String?
        var names: [String: String] = [:]
        var values: JSONObject = [:]
        let index: String
        let hash: (name: String, value: JSON)
        if let userID = query.userID {
            (index, hash) = ("byUser", ("userId", Attribute.string(userID.rawValue)))
            if let status = query.status {
                filter = "#status = :status"
                names["#status"] = "status"
                values[":status"] = Attribute.string(status.rawValue)
            }
        } else if let status = query.status {
            (index, hash) = ("byStatus", ("status", Attribute.string(status.rawValue)))
        } else {
            (index, hash) = ("all", ("ordersShard", Attribute.string("orders")))
        }
        let (items, next) = try await self.page(
            .orders, index: index, hash: hash, sortKey: "id", newestFirst: true, page: page, filter: filter,
            names: names, values: values)
        return Page(items: try items.map { try Self.decode(Order.self, $0) }, nextAfter: next)
    }

    public func updateOrder(
        id: Order.ID, change: @escaping @Sendable (inout Order) throws -> [EventEnvelope]
    ) async throws -> Order {
        try await retryingConflicts {
            guard let (before, version) = try await versionedOrder(id: id) else { throw OrderlyError.notFound("order") }
            var order = before
            let events = try change(&order)
            try await transactVersioned(try orderWrites(order, version: version, before: before) + outboxPuts(events))
            return order
        }
    }

    public func updateOrderClearingCart(
        id: Order.ID, at time: Date, change: @escaping @Sendable (inout Order) throws -> [EventEnvelope]
    ) async throws -> Order {
        try await retryingConflicts {
            guard let (before, version) = try await versionedOrder(id: id) else { throw OrderlyError.notFound("order") }
            var order = before
            let events = try change(&order)
            var items = try orderWrites(order, version: version, before: before)
            let cartItem = try await get(.carts, ["userId": Attribute.string(order.userID.rawValue)])
            if let cartItem {
                var cart = try Self.decode(Cart.self, cartItem)
                for line in order.lines {
                    let left = cart.quantity(of: line.productID) - line.quantity
                    try cart.setQuantity(max(0, left), of: line.productID, at: time)
                }
                let (condition, names, values) = Self.versionCondition(Self.version(cartItem), key: "userId")
                items.append(
                    put(
                        .carts,
                        [
                            "userId": Attribute.string(order.userID.rawValue), "doc": try Self.doc(cart),
                            "version": Attribute.number(Self.version(cartItem) + 1),
                        ], condition: condition, names: names, values: values))
            }
            try await transactVersioned(items + outboxPuts(events))
            return order
        }
    }

    func versionedOrder(id: Order.ID) async throws -> (Order, Int)? {
        guard let item = try await get(.orders, ["id": Attribute.string(id.rawValue)]) else { return nil }
        return (try Self.decode(Order.self, item), Self.version(item))
    }

    /// The writes that store `order` (new when `version` is nil), conditional on `version`, with the customer's
    /// unpaid-order count moved when the order starts or stops counting. With `unpaidLimit`, the second write is
    /// the count's, conditional on being under the limit before it.
    func orderWrites(_ order: Order, version: Int?, before: Order?, unpaidLimit: Int? = nil) throws -> [JSON] {
        let (condition, names, values) = Self.versionCondition(version, key: "id")
        var items = [
            put(
                .orders,
                [
                    "id": Attribute.string(order.id.rawValue), "doc": try Self.doc(order),
                    "version": Attribute.number((version ?? 0) + 1), "userId": Attribute.string(order.userID.rawValue),
                    "status": Attribute.string(order.status.rawValue), "ordersShard": Attribute.string("orders"),
                ], condition: condition, names: names, values: values)
        ]
        let delta = Self.unpaid(order) - (before.map(Self.unpaid) ?? 0)
        let counter: JSONObject = ["key": Attribute.string("unpaid#" + order.userID.rawValue)]
        if let unpaidLimit {
            items.append(
                update(
                    .uniques, counter, "ADD #count :delta",
                    condition: "attribute_not_exists(#count) OR #count < :limit",
                    names: ["#count": "count"],
                    values: [":delta": Attribute.number(delta), ":limit": Attribute.number(unpaidLimit)]))
        } else if delta != 0 {
            items.append(
                update(
                    .uniques, counter, "ADD #count :delta", names: ["#count": "count"],
                    values: [":delta": Attribute.number(delta)]))
        }
        return items
    }

    /// 1 when the order is open and its payment pending (what the unpaid-order limit counts).
    static func unpaid(_ order: Order) -> Int {
        let open: Set<OrderStatus> = [.created, .confirmed, .packed, .outForDelivery]
        return open.contains(order.status) && order.paymentStatus == .pending ? 1 : 0
    }

    static func orderKey(user: User.ID, key: String) -> String { "order-key#\(user.rawValue)#\(key)" }

    /// Runs a transaction whose versioned writes may have lost a race: any failed condition is a ``VersionConflict``.
    func transactVersioned(_ items: [JSON]) async throws {
        do {
            try await transact(items)
        } catch is TransactionCancelled {
            throw VersionConflict()
        }
    }
}

/// A payment's item is keyed by its order. While it holds a refund not yet settled it carries `refundShard`, which
/// the sparse GSI `pendingRefunds` lists.
extension DynamoStore: PaymentStore {
    public func insertPayment(_ payment: Payment, events: [EventEnvelope]) async throws -> Payment {
        try await retryingConflicts {
            if let existing = try await self.payment(orderID: payment.orderID) { return existing }
            guard let (before, version) = try await versionedOrder(id: payment.orderID) else {
                throw OrderlyError.notFound("order")
            }
            var order = before
            try order.setPaymentStatus(payment.status, at: payment.updatedAt)
            let items =
                [try paymentWrite(payment, version: nil)] + (try orderWrites(order, version: version, before: before))
                + (try outboxPuts(events))
            try await transactVersioned(items)
            return payment
        }
    }

    public func payment(orderID: Order.ID) async throws -> Payment? {
        try await get(.payments, ["orderId": Attribute.string(orderID.rawValue)]).map {
            try Self.decode(Payment.self, $0)
        }
    }

    public func payments(userID: User.ID, page: PageRequest) async throws -> Page<Payment> {
        let (items, next) = try await self.page(
            .payments, index: "byUser", hash: ("userId", Attribute.string(userID.rawValue)), sortKey: "id",
            newestFirst: true, page: page)
        return Page(items: try items.map { try Self.decode(Payment.self, $0) }, nextAfter: next)
    }

    public func paymentsWithPendingRefunds(before time: Date, limit: Int) async throws -> [Payment] {
        try await all(
            .payments, index: "pendingRefunds", condition: "refundShard = :pending", names: [:],
            values: [":pending": Attribute.string("pending")]
        ).map { try Self.decode(Payment.self, $0) }
            .filter { $0.refunds.contains { $0.status == .pending && $0.createdAt < time } }
            .prefix(limit).map { $0 }
    }

    public func updatePayment(
        orderID: Order.ID, at time: Date, change: @escaping @Sendable (inout Payment) throws -> [EventEnvelope]
    ) async throws -> Payment {
        try await retryingConflicts {
            guard let item = try await get(.payments, ["orderId": Attribute.string(orderID.rawValue)]) else {
                throw OrderlyError.notFound("payment")
            }
            var payment = try Self.decode(Payment.self, item)
            let events = try change(&payment)
            guard let (before, orderVersion) = try await versionedOrder(id: orderID) else {
                throw OrderlyError.notFound("order")
            }
            var order = before
            try order.setPaymentStatus(payment.status, at: time)
            try await transactVersioned(
                [try paymentWrite(payment, version: Self.version(item))]
                    + (try orderWrites(order, version: orderVersion, before: before)) + (try outboxPuts(events)))
            return payment
        }
    }

    func paymentWrite(_ payment: Payment, version: Int?) throws -> JSON {
        var item: JSONObject = [
            "orderId": Attribute.string(payment.orderID.rawValue), "id": Attribute.string(payment.id.rawValue),
            "userId": Attribute.string(payment.userID.rawValue), "doc": try Self.doc(payment),
            "version": Attribute.number((version ?? 0) + 1),
        ]
        if payment.refunds.contains(where: { $0.status == .pending }) {
            item["refundShard"] = Attribute.string("pending")
        }
        let (condition, names, values) = Self.versionCondition(version, key: "orderId")
        return put(.payments, item, condition: condition, names: names, values: values)
    }
}
