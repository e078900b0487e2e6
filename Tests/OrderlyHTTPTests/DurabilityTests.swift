import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OrderlyApp
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import Testing

@Suite("Checkout under concurrency and restarts")
struct DurabilityTests {
    @Test("many buyers race for little stock: exactly the stock is sold and the ledger always holds")
    func race() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            var tokens: [String] = []
            for index in 0..<12 { tokens.append(try await api.customer("buyer\(index)@example.com").token) }
            let statuses = try await withThrowingTaskGroup(of: String?.self) { group in
                for token in tokens {
                    group.addTask { try await api.order(milk, quantity: 1, token: token).string("status") }
                }
                var statuses: [String?] = []
                for try await status in group {
                    statuses.append(status)
                    // At every moment: never more sold than there was, every unit accounted for.
                    let ledger = try await api.ledger(milk)
                    #expect(ledger.sold <= 5 && ledger.available + ledger.reserved + ledger.sold == 5)
                }
                return statuses
            }
            #expect(statuses.filter { $0 == "CONFIRMED" }.count == 5)
            #expect(statuses.filter { $0 == "CANCELLED" }.count == 7)
            let ledger = try await api.ledger(milk)
            #expect(ledger.sold == 5 && ledger.available == 0 && ledger.reserved == 0 && ledger.received == 5)
            #expect(api.composition.gateway.capturesMade.count == 5)
            try await api.expectInvariants()
        }
    }

    @Test("stopped in the middle of many checkouts, a new process on the same data finishes every one, charging once")
    func restart() async throws {
        let folder = temporaryDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = testConfiguration(folder: folder)
        let clock = TestClock()
        // Given a first process that accepts 12 orders and is stopped while their checkouts run.
        // Its engine time stands still: a checkout whose payment fails once waits for its retry until the stop.
        let frozen = ManualEngineClock()
        let first = try await Composition(config, overrides: testOverrides(clock: clock, engineClock: frozen))
        try await first.ensureConfiguredAdmin(logger: Logger(label: "test"))
        let admin = try await first.services.accounts.authenticate(
            email: TestAPI.adminEmail, password: TestAPI.adminPassword)
        let adminActor = Actor(userID: admin.id, role: .admin)
        let product = try await first.services.catalog.createProduct(
            .init(
                name: "Milk", description: "", price: Money(amount: 129, currency: .usd), category: "dairy", stock: 8),
            by: adminActor)
        var orderIDs: [Order.ID] = []
        for index in 0..<12 {
            let user = try await first.services.accounts.register(
                .init(email: "r\(index)@example.com", password: "password-123", name: "R"))
            let token = index % 3 == 0 ? "tok_processingError" : "tok_visa"
            let order = try await first.services.orders.place(
                .init(items: [Cart.Line(productID: product.id, quantity: 1)], paymentMethod: .card(token: token)),
                for: Actor(userID: user.id, role: .customer))
            orderIDs.append(order.id)
        }
        // Stop once every checkout that needs no retry has finished (waited for as the API waits, bounded).
        for (index, id) in orderIDs.enumerated() where index % 3 != 0 {
            _ = try await first.services.orders.waitForCheckout(#require(try await first.store.order(id: id)))
        }
        await first.workflows?.stopAll()
        let unfinished = try await #require(first.sqlite).unfinished().count
        #expect(unfinished > 0, "the stop should catch checkouts in flight")

        // when a second process starts on the same folder,
        let second = try await Composition(config, overrides: testOverrides(clock: clock, engineFactor: 0.01))
        let resumed = try await second.workflows?.resumeUnfinished()
        try await second.services.orders.startStrandedCheckouts()
        #expect(resumed == unfinished)

        // then every checkout finishes, exactly the stock is sold, and nobody is charged twice.
        var finals: [Order] = []
        for id in orderIDs {
            let order = try #require(try await second.store.order(id: id))
            finals.append(try await second.services.orders.waitForCheckout(order))
        }
        #expect(finals.allSatisfy { $0.status == .confirmed || $0.status == .cancelled })
        #expect(finals.filter { $0.status == .confirmed }.count == 8)
        #expect(finals.filter { $0.status == .cancelled }.allSatisfy { $0.failureReason == "insufficient_stock" })
        for order in finals {
            let payment = try await second.store.payment(orderID: order.id)
            if order.status == .confirmed {
                #expect(payment?.status == .success && payment?.transactionID != nil)
            } else {
                #expect(payment == nil)
            }
        }
        let ledger = try #require(try await second.store.stockLedger(productID: product.id))
        #expect(ledger.sold == 8 && ledger.reserved == 0 && ledger.available == ledger.received - 8)
        // Charged once each, at the gateway itself (its ledger outlived the first process).
        #expect(second.gateway.capturesMade.count == 8)
        #expect(try await #require(second.sqlite).unfinished().isEmpty)
        await second.workflows?.stopAll()
    }
}

extension DurabilityTests {
    @Test(
        "an order stored with its checkout's id but stopped before the checkout started is checked out at the next start, once"
    )
    func strandedOrder() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 3, admin: admin)
            let (_, userID) = try await api.customer()
            let product = try #require(try await api.composition.store.product(id: .init(rawValue: milk)))
            // What `place` writes, its checkout's id included, with the process gone before the start.
            var order = Order(
                id: .init(rawValue: "ord_stranded"), userID: .init(rawValue: userID),
                lines: [try PricedLine(product: product, quantity: 1)], total: product.price,
                paymentMethod: .card(token: "tok_visa"), deliverySlot: nil, address: nil, fromCart: false,
                at: api.clock.now())
            let workflows = api.composition.runtime
            order.executionID = try workflows.executionID(of: .checkout, name: order.id.rawValue)
            try await api.composition.store.insertOrder(order, events: [], unpaidLimit: nil)
            #expect(try await workflows.describe(executionID: #require(order.executionID)) == nil)

            // Looked at twice (a start, then a scheduler's minute): started once, by name.
            try await api.composition.services.orders.startStrandedCheckouts()
            try await api.composition.services.orders.startStrandedCheckouts()
            let done = try await api.composition.services.orders.waitForCheckout(order)
            #expect(done.status == .confirmed && done.executionID == order.executionID)
            let runs = try await workflows.executions(of: .checkout, status: nil, page: .init(limit: 10)).items
            #expect(runs.filter { $0.name == order.id.rawValue }.count == 1)
            #expect(api.composition.gateway.capturesMade.count == 1)
            try await api.expectInvariants()
        }
    }
}

@Suite("Events and consumers")
struct EventConsumerTests {
    /// A consumer that always fails, counting its attempts.
    final class Broken: EventConsumer, @unchecked Sendable {
        let name = "broken"
        let pattern = EventPattern(["detail-type": ["UserRegistered"]])
        let lock = NSLock()
        var attempts = 0
        func handle(_ event: EventEnvelope) async throws {
            lock.withLock { attempts += 1 }
            throw OrderlyError(.internal, "this consumer is broken")
        }
    }

    @Test("an event delivered twice acts once; a failing consumer ends in the dead-letter table, not in a loop")
    func deliveryGuarantees() async throws {
        let broken = Broken()
        try await withAPI(extraConsumers: [broken]) { api in
            let (token, userID) = try await api.customer()
            try await api.dispatch()
            try await api.dispatch()
            let welcome =
                (try await api.call(.get, "/v1/notifications", token: token)["items"] as? [[String: Any]] ?? [])
                .filter { $0["type"] as? String == "WELCOME_EMAIL" }
            #expect(welcome.count == 1)
            // Delivering the same event again (at least once) does not notify twice.
            let event = try #require(
                try await api.composition.store.loggedEvents(type: "UserRegistered", page: .init(limit: 10)).items
                    .first { $0.aggregateID == userID })
            try await NotificationConsumer(notifier: api.composition.services.notifications).handle(event)
            #expect((try await api.call(.get, "/v1/notifications", token: token)["items"] as? [Any])?.count == 1)

            #expect(broken.attempts == 2 * 4)
            let letters = try await api.composition.store.deadLetters(page: .init(limit: 10)).items
            #expect(letters.count == 2)
            #expect(letters.allSatisfy { $0.consumer == "broken" && $0.attempts == 4 })
            #expect(try await api.composition.store.pendingEvents(limit: 100).isEmpty)

            let replayed = try await api.composition.dispatcher.replay(deadLetterID: letters[0].id)
            #expect(replayed?.event.id == letters[0].event.id)
            #expect(try await api.composition.store.deadLetters(page: .init(limit: 10)).items.count == 2)
        }
    }

    @Test("from a transport that redelivers (SQS): a failure is thrown until the last receive, then dead-lettered once")
    func deliverOnce() async throws {
        let broken = Broken()
        try await withAPI(extraConsumers: [broken]) { api in
            let event = try EventEnvelope(
                id: .init(rawValue: "evt_sqs1"), time: Date(),
                event: UserRegistered(userId: .init(rawValue: "usr_sqs1"), email: "a@b.co", name: "A", role: .customer))
            let dispatcher = api.composition.dispatcher
            for receive in 1...4 {
                await #expect(throws: OrderlyError.self) {
                    try await dispatcher.deliverOnce(event, to: "broken", attempt: receive, lastAttempt: 5)
                }
            }
            #expect(try await dispatcher.deliverOnce(event, to: "broken", attempt: 5, lastAttempt: 5))
            let letters = try await api.composition.store.deadLetters(page: .init(limit: 10)).items
            #expect(letters.map(\.event.id) == [event.id] && letters.first?.attempts == 5)
            // Handled (as dead-lettered): a sixth receive, or a duplicate, does nothing.
            #expect(try await dispatcher.deliverOnce(event, to: "broken", attempt: 6, lastAttempt: 5))
            #expect(broken.attempts == 5)
            #expect(try await !dispatcher.deliverOnce(event, to: "nobody"))
        }
    }

    @Test("an event whose detail does not decode is dead-lettered by the consumers that read it, never counted as zero")
    func undecodableDetail() async throws {
        try await withAPI { api in
            // Given an OrderConfirmed whose total is not money, published as a workflow would publish it
            let bad = EventEnvelope(
                id: .init(rawValue: "evt_badtotal"), source: "orderly.orders", detailType: "OrderConfirmed",
                time: api.clock.now(), aggregateID: "ord_1",
                detail: #"{"orderId":"ord_1","userId":"usr_1","totals":{"amount":700,"currency":"USD"},"lines":[]}"#)
            try await api.composition.store.publish(bad)

            // When it is delivered
            try await api.dispatch()

            // Then the sales figures refuse it (dead letter) and no order or revenue is counted
            let letters = try await api.composition.store.deadLetters(page: .init(limit: 10)).items
            #expect(letters.map(\.consumer) == ["sales-figures"])
            #expect(letters.first?.error.contains("does not decode") == true)
            let admin = try await api.adminToken()
            let report = try await api.call(.get, "/v1/admin/reports/sales", token: admin)
            #expect(report["orders"] as? Int == 0)
            #expect((report["revenue"] as? [String: Any])?["amount"] as? Int == 0)
        }
    }

    @Test("event patterns: exact values, prefix, anything-but, exists, numeric, nested detail")
    func patterns() throws {
        let event = EventEnvelope(
            id: .init(rawValue: "evt_1"), source: "orderly.orders", detailType: "OrderConfirmed",
            time: Date(timeIntervalSince1970: 0), aggregateID: "ord_1",
            detail: #"{"orderId":"ord_1","total":{"amount":387,"currency":"USD"},"tags":["milk","curd"]}"#)
        func matches(_ text: String) throws -> Bool { try EventPattern(parsing: text).matches(event) }
        #expect(try matches("{}"))
        #expect(try matches(#"{"source":["orderly.orders"],"detail-type":["OrderConfirmed","OrderCancelled"]}"#))
        #expect(try !matches(#"{"source":["orderly.users"]}"#))
        #expect(try matches(#"{"detail":{"orderId":[{"prefix":"ord_"}]}}"#))
        #expect(try matches(#"{"detail":{"total":{"amount":[{"numeric":[">",100,"<=",387]}]}}}"#))
        #expect(try !matches(#"{"detail":{"total":{"amount":[{"numeric":[">",387]}]}}}"#))
        #expect(try matches(#"{"detail-type":[{"anything-but":["OrderCancelled"]}]}"#))
        #expect(try matches(#"{"detail":{"missing":[{"exists":false}],"orderId":[{"exists":true}]}}"#))
        #expect(try matches(#"{"detail":{"tags":["curd"]}}"#))
    }

    @Test("the sweeper releases reservations whose time ran out")
    func sweeper() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let store = api.composition.store
            let now = api.clock.now()
            let orderID = Order.ID(rawValue: "ord_sweeptest")
            _ = try await store.reserve(
                Reservation(
                    id: "rsv_sweeptest", orderID: orderID,
                    lines: [.init(productID: .init(rawValue: milk), quantity: 3)],
                    expiresAt: now.addingTimeInterval(900), at: now), events: [])
            #expect(try await api.ledger(milk).reserved == 3)
            #expect(try await api.composition.sweeper.sweep() == 0)
            api.clock.advance(seconds: 901)
            #expect(try await api.composition.sweeper.sweep() == 1)
            let ledger = try await api.ledger(milk)
            #expect(ledger.available == 5 && ledger.reserved == 0 && ledger.holds)
            #expect(try await store.reservation(id: "rsv_sweeptest")?.status == .expired)
            await #expect(throws: OrderlyError.self) {
                _ = try await store.commitReservation(id: "rsv_sweeptest", at: now, events: [])
            }
        }
    }
}
