import AWSAdapters
import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import StoreSQLite
import Testing

/// Every storage port that the services use, as one store.
typealias Stores = UserStore & LoginAttemptStore & CatalogStore & InventoryStore & CartStore & OrderStore
    & PaymentStore & DeliveryStore & SubscriptionStore & SalesStore & EventOutbox & ConsumerLedger & EventLogStore
    & IdempotencyStore & NotificationStore

/// The same contract for both adapters of the store ports: SQLite, and DynamoDB in `moto_server` (when
/// `ORDERLY_TEST_AWS_ENDPOINT` names one). Races are real: concurrent tasks on one store.
@Suite("Store contract")
struct StoreContractTests {
    enum Kind: String, CaseIterable, Sendable {
        case sqlite, dynamodb

        static var available: [Kind] {
            TestStorage.hasDynamoDB ? allCases : [.sqlite]
        }
    }

    static func make(_ kind: Kind) async throws -> any Stores {
        switch kind {
        case .sqlite:
            return try SQLiteStore(path: try TestStorage.sqlitePath("stores"))
        case .dynamodb:
            let (dynamo, prefix) = try TestStorage.dynamoDB()
            let store = DynamoStore(dynamo: dynamo, prefix: prefix)
            try await store.createTables()
            return store
        }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let ids = Counter()

    /// Sortable ids, unique across the suite.
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
        func next(_ prefix: String) -> String {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return prefix + String(format: "%08d", value)
        }
    }

    static func event(_ type: String = "Test", aggregate: String = "agg") -> EventEnvelope {
        EventEnvelope(
            id: .init(rawValue: ids.next("evt_")), source: "orderly.test", detailType: type, time: now,
            aggregateID: aggregate, detail: "{}")
    }

    static func user(_ store: any Stores, email: String? = nil) async throws -> User {
        let id = ids.next("usr_")
        let user = User(
            id: .init(rawValue: id), email: try #require(EmailAddress(email ?? "\(id)@example.com")), name: "Ann",
            role: .customer, passwordHash: "hash", createdAt: now, updatedAt: now)
        try await store.insertUser(user, events: [event("UserRegistered")])
        return user
    }

    static func product(_ store: any Stores, stock: Int, price: Int = 100, category: String = "dairy") async throws
        -> Product
    {
        let product = Product(
            id: .init(rawValue: ids.next("prd_")), name: "Milk", description: "Fresh",
            price: Money(amount: price, currency: .usd), category: category, active: true,
            stock: StockLevel(available: stock, reserved: 0), createdAt: now, updatedAt: now)
        try await store.insertProduct(product, events: [])
        return product
    }

    static func order(_ store: any Stores, user: User, product: Product, key: String? = nil, limit: Int? = nil)
        async throws -> Order
    {
        var order = Order(
            id: .init(rawValue: ids.next("ord_")), userID: user.id,
            lines: [try PricedLine(product: product, quantity: 1)],
            total: product.price, paymentMethod: .cash, deliverySlot: nil, address: nil, fromCart: false, at: now)
        order.idempotencyKey = key
        try await store.insertOrder(
            order, events: [event("OrderCreated", aggregate: order.id.rawValue)], unpaidLimit: limit)
        return order
    }

    @Test("stock under concurrency: 20 buyers of one unit for 10 units, exactly 10 reserved", arguments: Kind.available)
    func stockRace(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let product = try await Self.product(store, stock: 10)
        var orders: [Order] = []
        for _ in 0..<20 { orders.append(try await Self.order(store, user: user, product: product)) }
        let reserved = try await withThrowingTaskGroup(of: Bool.self) { group in
            for order in orders {
                group.addTask {
                    let reservation = Reservation(
                        id: Reservation.id(for: order.id), orderID: order.id,
                        lines: [Cart.Line(productID: product.id, quantity: 1)], expiresAt: Self.now + 600, at: Self.now)
                    do {
                        _ = try await store.reserve(reservation, events: [Self.event("InventoryReserved")])
                        return true
                    } catch let error as OrderlyError where error.code == .insufficientStock {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(reserved == 10)
        let ledger = try #require(try await store.stockLedger(productID: product.id))
        #expect(ledger == StockLedger(received: 10, available: 0, reserved: 10, sold: 0))
    }

    @Test(
        "a reservation is all lines or none, once per id; commit, release and expiry move the units",
        arguments: Kind.available)
    func reservations(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let plenty = try await Self.product(store, stock: 10)
        let scarce = try await Self.product(store, stock: 1)
        let order = try await Self.order(store, user: user, product: plenty)
        let short = Reservation(
            id: Reservation.id(for: order.id), orderID: order.id,
            lines: [Cart.Line(productID: plenty.id, quantity: 3), Cart.Line(productID: scarce.id, quantity: 2)],
            expiresAt: Self.now + 60, at: Self.now)
        await #expect(throws: OrderlyError.self) { _ = try await store.reserve(short, events: []) }
        #expect(try await store.stockLedger(productID: plenty.id)?.available == 10)
        #expect(try await store.reservation(id: short.id) == nil)

        var held = short
        held.lines = [Cart.Line(productID: plenty.id, quantity: 3), Cart.Line(productID: scarce.id, quantity: 1)]
        _ = try await store.reserve(held, events: [Self.event()])
        #expect(try await store.reserve(held, events: [Self.event()]) == held)  // once per id
        #expect(
            try await store.stockLedger(productID: plenty.id)
                == StockLedger(received: 10, available: 7, reserved: 3, sold: 0))
        #expect(try await store.expiredReservations(at: Self.now + 30, limit: 10).isEmpty)
        #expect(try await store.expiredReservations(at: Self.now + 61, limit: 10).map(\.id) == [held.id])
        // The sweeper's release leaves a hold that has not expired alone.
        #expect(
            try await store.releaseReservation(id: held.id, expired: true, at: Self.now + 30, events: [])?.status
                == .held)

        let committed = try await store.commitReservation(id: held.id, at: Self.now + 10, events: [Self.event()])
        #expect(committed.status == .committed)
        #expect(try await store.commitReservation(id: held.id, at: Self.now + 11, events: []).status == .committed)
        #expect(
            try await store.stockLedger(productID: plenty.id)
                == StockLedger(received: 10, available: 7, reserved: 0, sold: 3))
        let returned = try await store.releaseReservation(id: held.id, expired: false, at: Self.now + 20, events: [])
        #expect(returned?.status == .returned)
        #expect(
            try await store.stockLedger(productID: scarce.id)
                == StockLedger(received: 1, available: 1, reserved: 0, sold: 0))
        await #expect(throws: OrderlyError.self) {
            _ = try await store.commitReservation(id: held.id, at: Self.now + 21, events: [])
        }
    }

    @Test(
        "orders: unique id and idempotency key, pages newest first by user and status, no lost update",
        arguments: Kind.available)
    func orders(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let ann = try await Self.user(store)
        let bob = try await Self.user(store)
        let product = try await Self.product(store, stock: 10)
        let first = try await Self.order(store, user: ann, product: product, key: "k1")
        await #expect(throws: OrderlyError.self) {
            _ = try await Self.order(store, user: ann, product: product, key: "k1")
        }
        #expect(try await store.order(userID: ann.id, idempotencyKey: "k1")?.id == first.id)
        #expect(try await store.order(userID: bob.id, idempotencyKey: "k1") == nil)
        var placed = [first.id]
        for _ in 0..<4 { placed.append(try await Self.order(store, user: ann, product: product).id) }
        _ = try await Self.order(store, user: bob, product: product)

        var seen: [Order.ID] = []
        var cursor: String?
        repeat {
            let page = try await store.orders(
                matching: OrderQuery(userID: ann.id), page: PageRequest(limit: 2, after: cursor))
            seen += page.items.map(\.id)
            cursor = page.nextAfter
        } while cursor != nil
        #expect(seen == placed.reversed())

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    _ = try await store.updateOrder(id: first.id) { order in
                        order.timeline.append(TimelineEntry(status: .created, at: Self.now, note: "note \(index)"))
                        return []
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.order(id: first.id)?.timeline.count == 9)

        _ = try await store.updateOrder(id: first.id) { order in
            try order.move(to: .cancelled, at: Self.now, note: nil)
            return [Self.event("OrderCancelled")]
        }
        let cancelled = try await store.orders(matching: OrderQuery(status: .cancelled), page: PageRequest())
        #expect(cancelled.items.map(\.id) == [first.id])
        let annCreated = try await store.orders(
            matching: OrderQuery(userID: ann.id, status: .created), page: PageRequest())
        #expect(annCreated.items.count == 4)
    }

    @Test("the unpaid-order limit is counted in the write that inserts", arguments: Kind.available)
    func unpaidLimit(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let product = try await Self.product(store, stock: 10)
        let placed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    do {
                        _ = try await Self.order(store, user: user, product: product, limit: 3)
                        return true
                    } catch let error as OrderlyError where error.code == .conflict {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(placed == 3)
    }

    @Test(
        "users: an email is unique whatever its case; a new password bumps the token generation",
        arguments: Kind.available)
    func users(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let ann = try await Self.user(store, email: "Ann@Example.com")
        await #expect(throws: OrderlyError.self) { _ = try await Self.user(store, email: "ann@example.COM") }
        #expect(try await store.user(email: try #require(EmailAddress("ANN@example.com")))?.id == ann.id)
        let updated = try await store.updateUser(
            id: ann.id, patch: UserPatch(name: "Ann B", passwordHash: "new"), at: Self.now, events: [])
        #expect(updated.tokenGeneration == 1)
        #expect(try await store.user(id: ann.id)?.name == "Ann B")
    }

    @Test("a cart changed by ten requests at once keeps every change", arguments: Kind.available)
    func carts(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        var products: [Product] = []
        for _ in 0..<10 { products.append(try await Self.product(store, stock: 5)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for product in products {
                group.addTask {
                    _ = try await store.updateCart(
                        userID: user.id, newID: .init(rawValue: "crt" + user.id.rawValue.dropFirst(3)), at: Self.now
                    ) {
                        cart in try cart.setQuantity(1, of: product.id, at: Self.now)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.cart(userID: user.id)?.lines.count == 10)
    }

    @Test(
        "idempotency records: claim, in progress, mismatch, replay, take-over after the lease, abandon",
        arguments: Kind.available)
    func idempotency(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let t = Self.now
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t, lease: 30) == .proceed)
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t + 1, lease: 30) == .inProgress)
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "g", at: t + 1, lease: 30) == .mismatch)
        #expect(try await store.begin(scope: "u2", key: "k", fingerprint: "g", at: t + 1, lease: 30) == .proceed)
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t + 31, lease: 30) == .proceed)
        let answer = StoredResponse(status: 201, contentType: "application/json", body: Data(#"{"a":1}"#.utf8))
        try await store.complete(scope: "u1", key: "k", response: answer, at: t + 32)
        #expect(
            try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t + 40, lease: 30) == .replay(answer))
        try await store.abandon(scope: "u1", key: "k")  // answered: stays
        #expect(
            try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t + 41, lease: 30) == .replay(answer))
        try await store.abandon(scope: "u2", key: "k")
        #expect(try await store.begin(scope: "u2", key: "k", fingerprint: "h", at: t + 42, lease: 30) == .proceed)
        // A day after its last claim the key is free again.
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "z", at: t + 86_500, lease: 30) == .proceed)
    }

    @Test(
        "outbox, ledger and dead letters: pending in order, delivered once, replay bookkeeping",
        arguments: Kind.available)
    func events(kind: Kind) async throws {
        let store = try await Self.make(kind)
        _ = try await Self.user(store)
        _ = try await Self.product(store, stock: 1)  // no events
        let published = Self.event("Published")
        try await store.publish(published)
        try await store.publish(published)
        let pending = try await store.pendingEvents(limit: 10)
        #expect(pending.map(\.detailType) == ["UserRegistered", "Published"])
        #expect(try await store.backlog().count == 2)
        try await store.markDispatched(pending.map(\.id), at: Self.now)
        #expect(try await store.pendingEvents(limit: 10).isEmpty)
        try await store.publish(published)
        #expect(try await store.pendingEvents(limit: 10).isEmpty)

        #expect(try await !store.isProcessed(consumer: "c", eventID: published.id))
        try await store.markProcessed(consumer: "c", eventID: published.id, at: Self.now)
        #expect(try await store.isProcessed(consumer: "c", eventID: published.id))

        for index in 0..<3 {
            try await store.deadLetter(
                consumer: "c\(index)", event: published, error: "boom", attempts: 4, at: Self.now + Double(index))
        }
        let first = try await store.deadLetters(page: PageRequest(limit: 2))
        #expect(first.items.map(\.consumer) == ["c2", "c1"])
        let second = try await store.deadLetters(page: PageRequest(limit: 2, after: first.nextAfter))
        #expect(second.items.map(\.consumer) == ["c0"] && second.nextAfter == nil)
        let letter = try #require(second.items.first)
        try await store.recordReplayFailure(id: letter.id, error: "again", at: Self.now)
        #expect(try await store.deadLetter(id: letter.id)?.attempts == 5)
        #expect(try await store.removeDeadLetter(id: letter.id)?.error == "again")
        #expect(try await store.deadLetter(id: letter.id) == nil)

        try await store.log(published)
        try await store.log(published)
        #expect(try await store.loggedEvents(type: "Published", page: PageRequest()).items.count == 1)
    }

    @Test("two schedulers claim a subscription run once", arguments: Kind.available)
    func subscriptionRuns(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let product = try await Self.product(store, stock: 5)
        let subscription = Subscription(
            id: .init(rawValue: Self.ids.next("sub_")), userID: user.id, productID: product.id, quantity: 1,
            frequency: .daily, startDate: "2027-01-15", endDate: nil, deliveryTime: "07:00", paymentMethod: .cash,
            address: nil, at: Self.now)
        try await store.insertSubscription(subscription, events: [])
        let runAt = try #require(subscription.nextRunAt)
        #expect(try await store.dueSubscriptions(at: runAt - 1, limit: 10).isEmpty)
        #expect(try await store.dueSubscriptions(at: runAt, limit: 10).map(\.id) == [subscription.id])
        let claims = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await store.claimRun(
                        subscriptionID: subscription.id, runAt: runAt, orderID: .init(rawValue: Self.ids.next("ord_")),
                        next: runAt + 86_400, at: runAt, events: [])
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(claims == 1)
        #expect(try await store.unplacedRuns(limit: 10).map(\.subscriptionID) == [subscription.id])
        try await store.markRun(subscriptionID: subscription.id, runAt: runAt, status: .placed, note: nil)
        #expect(try await store.unplacedRuns(limit: 10).isEmpty)
        #expect(try await store.runs(subscriptionID: subscription.id).map(\.status) == [.placed])
        #expect(try await store.subscription(id: subscription.id)?.nextRunAt == runAt + 86_400)
    }

    @Test("sign-in attempts: the limit refuses, a success forgets its key's failures", arguments: Kind.available)
    func loginAttempts(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let limits = [
            LoginLimit(key: "email:ann", limit: 3, window: 60), LoginLimit(key: "all", limit: 100, window: 60),
        ]
        var allowed: [Int64] = []
        for second in 0..<3 {
            guard
                case .allowed(let id) = try await store.takeLoginAttempt(limits: limits, at: Self.now + Double(second))
            else { Issue.record("refused too early"); return }
            allowed.append(id)
        }
        #expect(try await store.takeLoginAttempt(limits: limits, at: Self.now + 5) == .refused(retryAt: Self.now + 60))
        #expect(
            try await store.takeLoginAttempt(limits: limits, at: Self.now + 61) != .refused(retryAt: Self.now + 121))
        try await store.forgetLoginAttempt(allowed[2], clearing: "email:ann")
        for second in 0..<3 {
            guard case .allowed = try await store.takeLoginAttempt(limits: limits, at: Self.now + 62 + Double(second))
            else { Issue.record("the failures were not forgotten"); return }
        }
    }

    @Test(
        "payments mirror onto the order; refunds in flight are found; sales facts count once", arguments: Kind.available
    )
    func paymentsAndSales(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let product = try await Self.product(store, stock: 5)
        let order = try await Self.order(store, user: user, product: product)
        let payment = Payment(
            id: .init(rawValue: Self.ids.next("pay_")), orderID: order.id, userID: user.id, amount: order.total,
            method: .cash, status: .success, transactionID: "tx", at: Self.now)
        #expect(try await store.insertPayment(payment, events: []) == payment)
        #expect(try await store.order(id: order.id)?.paymentStatus == .success)
        #expect(try await store.insertPayment(payment, events: []) == payment)
        _ = try await store.updatePayment(orderID: order.id, at: Self.now) { payment in
            payment.refunds.append(
                Refund(
                    id: .init(rawValue: Self.ids.next("ref_")), amount: Money(amount: 50, currency: .usd), reason: "r",
                    status: .pending, createdAt: Self.now))
            return []
        }
        #expect(
            try await store.paymentsWithPendingRefunds(before: Self.now + 1, limit: 10).map(\.orderID) == [order.id])
        #expect(try await store.paymentsWithPendingRefunds(before: Self.now, limit: 10).isEmpty)
        #expect(try await store.payments(userID: user.id, page: PageRequest()).items.count == 1)

        let facts = [
            SaleFact(kind: .order, day: "2027-01-15", orderID: order.id.rawValue, amount: 300),
            SaleFact(
                kind: .line, day: "2027-01-15", orderID: order.id.rawValue, productID: product.id.rawValue,
                productName: "Milk", quantity: 3, amount: 300),
        ]
        let eventID = Self.event().id
        try await store.recordSaleFacts(eventID: eventID, facts: facts)
        try await store.recordSaleFacts(eventID: eventID, facts: facts)
        try await store.recordSaleFacts(
            eventID: Self.event().id,
            facts: [
                SaleFact(kind: .refund, day: "2027-01-16", orderID: order.id.rawValue, amount: 50)
            ])
        let figures = try await store.salesFigures(from: "2027-01-15", to: "2027-01-16")
        #expect(
            figures.days == [
                .init(date: "2027-01-15", orders: 1, revenue: 300, refunded: 0),
                .init(date: "2027-01-16", orders: 0, revenue: 0, refunded: 50),
            ])
        #expect(figures.topProducts == [.init(productID: product.id.rawValue, name: "Milk", quantity: 3, revenue: 300)])
    }
}

/// `orderly check` on the aws backend: the tables at rest against the stores' rules, and DynamoDB's own.
@Suite("DynamoDB invariant check", .enabled(if: TestStorage.hasDynamoDB))
struct DynamoCheckTests {
    @Test("a consistent store holds; a stock count or an unpaid count changed behind its back is named")
    func check() async throws {
        let (dynamo, prefix) = try TestStorage.dynamoDB()
        let store = DynamoStore(dynamo: dynamo, prefix: prefix)
        try await store.createTables()
        let user = try await StoreContractTests.user(store)
        let product = try await StoreContractTests.product(store, stock: 5)
        let order = try await StoreContractTests.order(store, user: user, product: product, limit: 3)
        _ = try await store.reserve(
            Reservation(
                id: Reservation.id(for: order.id), orderID: order.id,
                lines: [Cart.Line(productID: product.id, quantity: 1)], expiresAt: StoreContractTests.now + 60,
                at: StoreContractTests.now), events: [])
        try await store.markDispatched(try await store.pendingEvents(limit: 100).map(\.id), at: StoreContractTests.now)
        #expect(try await store.checkInvariants(journal: nil).violations == [])

        for (table, key, change) in [
            ("products", ["id": Attribute.string(product.id.rawValue)], "ADD sold :one"),
            ("uniques", ["key": Attribute.string("unpaid#" + user.id.rawValue)], "ADD #count :one"),
        ] {
            var request: [String: JSON] = [
                "TableName": .string("\(prefix)-\(table)"), "Key": .object(key), "UpdateExpression": .string(change),
                "ExpressionAttributeValues": [":one": Attribute.number(1)],
            ]
            if change.contains("#count") { request["ExpressionAttributeNames"] = ["#count": "count"] }
            _ = try await dynamo.call("UpdateItem", .object(request))
        }
        let violations = try await store.checkInvariants(journal: nil).violations
        #expect(violations.contains { $0.contains("\(product.id): received 5") })
        #expect(violations.contains { $0.contains("\(product.id): 1 sold, but committed reservations hold 0") })
        #expect(violations.contains { $0.contains("\(user.id) has 1 unpaid open orders, but the count says 2") })
    }
}
