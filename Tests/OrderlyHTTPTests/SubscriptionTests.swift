import Foundation
import Logging
import OrderlyApp
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import Testing

@Suite("Subscriptions and the scheduler")
struct SubscriptionTests {
    // The test clock starts at 2026-11-18T11:06:40Z.
    static let today = "2026-11-18"

    /// These tests move the clock by days; tokens must outlive that.
    static func longTokens(_ config: inout OrderlyConfiguration) { config.tokenLifetimeSeconds = 30 * 86_400 }

    private func subscribe(
        _ api: TestAPI, token: String, product: String, frequency: String = "DAILY", start: String = today,
        end: String? = nil, time: String = "12:00", method: String = #"{"type":"card","token":"tok_visa"}"#
    ) async throws -> Reply {
        let endField = end.map { #","endDate":"\#($0)""# } ?? ""
        return try await api.call(
            .post, "/v1/subscriptions",
            json:
                #"{"productId":"\#(product)","quantity":2,"frequency":"\#(frequency)","startDate":"\#(start)"\#(endField),"deliveryTime":"\#(time)","paymentMethod":\#(method)}"#,
            token: token)
    }

    /// Runs the scheduler and waits for the checkouts it started.
    private func tick(_ api: TestAPI) async throws -> Int {
        let count = try await api.composition.scheduler.tick()
        var page = PageRequest(limit: 100)
        repeat {
            let orders = try await api.composition.store.orders(matching: OrderQuery(status: .created), page: page)
            for order in orders.items { _ = try await api.composition.services.orders.waitForCheckout(order) }
            page.after = orders.nextAfter
        } while page.after != nil
        return count
    }

    private func orders(_ api: TestAPI, _ subscription: String, token: String) async throws -> [[String: Any]] {
        try await api.call(.get, "/v1/subscriptions/\(subscription)", token: token)["orders"] as? [[String: Any]] ?? []
    }

    @Test("daily runs are placed once each, at the delivery time, through checkout")
    func daily() async throws {
        try await withAPI(configure: Self.longTokens) { api in
            let milk = try await api.product(stock: 100, admin: try await api.adminToken())
            let (token, userID) = try await api.customer()
            let created = try await subscribe(api, token: token, product: milk)
            #expect(created.status == 201)
            #expect(created.string("status") == "ACTIVE")
            #expect(created.string("nextRunAt") == "2026-11-18T12:00:00Z")
            let id = try #require(created.string("subscriptionId"))

            #expect(try await tick(api) == 0)
            api.clock.advance(seconds: 3200)  // 12:00
            #expect(try await tick(api) == 1)
            #expect(try await tick(api) == 0)
            api.clock.advance(seconds: 86_400)
            #expect(try await tick(api) == 1)

            let placed = try await orders(api, id, token: token)
            #expect(placed.count == 2)
            #expect(
                placed.allSatisfy {
                    $0["status"] as? String == "CONFIRMED" && $0["subscriptionId"] as? String == id
                        && $0["userId"] as? String == userID
                })
            #expect(
                placed.compactMap { $0["deliverySlot"] as? String } == ["2026-11-18T12:00:00Z", "2026-11-19T12:00:00Z"])
            #expect(
                try await api.call(.get, "/v1/subscriptions/\(id)", token: token).string("nextRunAt")
                    == "2026-11-20T12:00:00Z")
            #expect(try await api.ledger(milk).sold == 4)
        }
    }

    @Test("weekly runs are a week apart; a long outage places each missed run once")
    func weeklyAndCatchUp() async throws {
        try await withAPI(configure: Self.longTokens) { api in
            let milk = try await api.product(stock: 100, admin: try await api.adminToken())
            let (token, _) = try await api.customer()
            let id = try #require(
                try await subscribe(
                    api, token: token, product: milk, frequency: "WEEKLY", start: "2026-11-19", time: "07:00"
                ).string("subscriptionId"))
            #expect(
                try await api.call(.get, "/v1/subscriptions/\(id)", token: token).string("nextRunAt")
                    == "2026-11-19T07:00:00Z")
            api.clock.advance(seconds: 21 * 86_400)  // to 2026-12-09: three weekly runs missed
            #expect(try await tick(api) == 3)
            #expect(
                try await orders(api, id, token: token).compactMap { $0["deliverySlot"] as? String } == [
                    "2026-11-19T07:00:00Z", "2026-11-26T07:00:00Z", "2026-12-03T07:00:00Z",
                ])
        }
    }

    @Test("paused subscriptions skip runs; resumed ones go on from the next run; the end date ends them")
    func pauseResumeEnd() async throws {
        try await withAPI(configure: Self.longTokens) { api in
            let milk = try await api.product(stock: 100, admin: try await api.adminToken())
            let (token, _) = try await api.customer()
            let id = try #require(
                try await subscribe(api, token: token, product: milk, end: "2026-11-21").string("subscriptionId"))
            let paused = try await api.call(.post, "/v1/subscriptions/\(id)/pause", token: token)
            #expect(paused.string("status") == "PAUSED")
            #expect(paused["nextRunAt"] is NSNull)
            #expect(
                try await api.call(.post, "/v1/subscriptions/\(id)/pause", token: token).code == "invalid_transition")
            api.clock.advance(seconds: 86_400 + 3200)  // 2026-11-19 12:00
            #expect(try await tick(api) == 0)
            let resumed = try await api.call(.post, "/v1/subscriptions/\(id)/resume", token: token)
            #expect(resumed.string("status") == "ACTIVE")
            #expect(resumed.string("nextRunAt") == "2026-11-19T12:00:00Z")
            #expect(try await tick(api) == 1)
            api.clock.advance(seconds: 5 * 86_400)
            #expect(try await tick(api) == 2)  // the 20th and the 21st, then the end date
            let ended = try await api.call(.get, "/v1/subscriptions/\(id)", token: token)
            #expect(ended.string("status") == "CANCELLED")
            #expect(ended["nextRunAt"] is NSNull)
            #expect((ended["orders"] as? [Any])?.count == 3)
            #expect(try await api.call(.post, "/v1/subscriptions/\(id)/resume", token: token).status == 409)
            try await api.dispatch()
            let types = (try await api.call(.get, "/v1/notifications", token: token)["items"] as? [[String: Any]] ?? [])
                .compactMap { $0["type"] as? String }
            #expect(
                types.contains("SUBSCRIPTION_PAUSED") && types.contains("SUBSCRIPTION_CANCELLED")
                    && types.contains("SUBSCRIPTION_ACTIVE"))
        }
    }

    @Test(
        "two schedulers racing on one database place each run once; a run claimed before a crash is placed once after")
    func exactlyOnce() async throws {
        try await withAPI(configure: Self.longTokens) { api in
            let milk = try await api.product(stock: 100, admin: try await api.adminToken())
            let (token, _) = try await api.customer()
            var ids: [String] = []
            for _ in 0..<4 {
                ids.append(try #require(try await subscribe(api, token: token, product: milk).string("subscriptionId")))
            }
            let other = try await Composition(
                api.composition.configuration, overrides: testOverrides(clock: api.clock))
            api.clock.advance(seconds: 3200)
            async let first = api.composition.scheduler.tick()
            async let second = other.scheduler.tick()
            let handled = try await first + second
            // Each run is claimed once; one scheduler's recovery of claimed-but-unplaced runs may also finish a run
            // its claimer is placing (placing is idempotent by the order id chosen at the claim), so it may count
            // twice here. What must hold is below: one order per run.
            #expect(handled >= 4)
            #expect(try await api.composition.store.unplacedRuns(limit: 10).isEmpty)
            _ = try await tick(api)
            for id in ids { #expect(try await orders(api, id, token: token).count == 1) }

            // A scheduler that claimed the next run and died before placing it:
            api.clock.advance(seconds: 86_400)
            let sub = try #require(try await api.composition.store.subscription(id: .init(rawValue: ids[0])))
            let runAt = try #require(sub.nextRunAt)
            let orderID = Order.ID(rawValue: "ord_claimedbeforecrash")
            #expect(
                try await api.composition.store.claimRun(
                    subscriptionID: sub.id, runAt: runAt, orderID: orderID, next: sub.run(after: runAt),
                    at: api.clock.now(), events: []))
            #expect(try await tick(api) == 4)  // the unplaced run, and the day's run of the other three
            #expect(try await tick(api) == 0)
            let placed = try await orders(api, ids[0], token: token)
            #expect(placed.count == 2)
            #expect(placed.last?["orderId"] as? String == "ord_claimedbeforecrash")
            await other.workflows?.stopAll()
        }
    }

    @Test("a run that fails is recorded and the subscription carries on")
    func failingRuns() async throws {
        try await withAPI(configure: Self.longTokens) { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 100, admin: admin)
            let curd = try await api.product(name: "Curd", stock: 100, admin: admin)
            let (token, _) = try await api.customer()
            let declined = try #require(
                try await subscribe(
                    api, token: token, product: milk, method: #"{"type":"card","token":"tok_chargeDeclined"}"#
                ).string("subscriptionId"))
            let gone = try #require(try await subscribe(api, token: token, product: curd).string("subscriptionId"))
            _ = try await api.call(.patch, "/v1/products/\(curd)", json: #"{"active":false}"#, token: admin)
            api.clock.advance(seconds: 3200)
            _ = try await tick(api)
            let declinedOrders = try await orders(api, declined, token: token)
            #expect(declinedOrders.first?["failureReason"] as? String == "payment_declined")
            #expect(
                try await api.call(.get, "/v1/subscriptions/\(declined)", token: token).string("status") == "ACTIVE")
            let runs = try await api.composition.store.runs(subscriptionID: .init(rawValue: gone))
            #expect(runs.map(\.status.rawValue) == ["FAILED"])
            #expect(
                try await api.call(.get, "/v1/subscriptions/\(gone)", token: token).string("nextRunAt")
                    == "2026-11-19T12:00:00Z")
            try await api.dispatch()
            let subjects =
                (try await api.call(.get, "/v1/notifications", token: token)["items"] as? [[String: Any]] ?? [])
                .compactMap { $0["subject"] as? String }
            #expect(subjects.contains("Your scheduled order was not placed"))
        }
    }

    @Test("bad subscriptions are refused, and another's is not found")
    func validation() async throws {
        try await withAPI(configure: Self.longTokens) { api in
            let milk = try await api.product(stock: 10, admin: try await api.adminToken())
            let (token, _) = try await api.customer()
            #expect(
                try await subscribe(api, token: token, product: milk, frequency: "HOURLY").errorFields == ["frequency"])
            #expect(
                try await subscribe(api, token: token, product: milk, start: "2026-02-30").errorFields == ["startDate"])
            #expect(
                try await subscribe(api, token: token, product: milk, time: "25:00").errorFields == ["deliveryTime"])
            #expect(
                try await subscribe(api, token: token, product: milk, end: "2026-11-01").errorFields.contains("endDate")
            )
            #expect(try await subscribe(api, token: token, product: "prd_nothing").status == 404)
            let id = try #require(try await subscribe(api, token: token, product: milk).string("subscriptionId"))
            let (other, _) = try await api.customer()
            #expect(try await api.call(.get, "/v1/subscriptions/\(id)", token: other).status == 404)
            #expect(try await api.call(.post, "/v1/subscriptions/\(id)/cancel", token: other).status == 404)
            #expect((try await api.call(.get, "/v1/subscriptions", token: token)["items"] as? [Any])?.count == 1)
            #expect(
                try await api.call(.post, "/v1/subscriptions/\(id)/cancel", token: token).string("status")
                    == "CANCELLED")
        }
    }
}

@Suite("Sales report and administration")
struct ReportTests {
    @Test("report figures equal a recomputation from the orders and refunds, to the cent")
    func salesReport() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(name: "Milk", price: 129, stock: 50, admin: admin)
            let ghee = try await api.product(name: "Ghee", price: 1099, stock: 50, admin: admin)
            let (token, _) = try await api.customer()
            var confirmed: [String] = []
            for (product, quantity) in [(milk, 3), (ghee, 1), (milk, 1), (ghee, 2)] {
                let order = try await api.order(product, quantity: quantity, token: token)
                confirmed.append(try #require(order.string("orderId")))
            }
            _ = try await api.order(milk, method: #"{"type":"card","token":"tok_chargeDeclined"}"#, token: token)
            _ = try await api.call(
                .post, "/v1/admin/orders/\(confirmed[1])/refunds",
                json: #"{"amount":{"amount":99,"currency":"USD"},"reason":"dented"}"#, token: admin)
            _ = try await api.call(.post, "/v1/orders/\(confirmed[2])/cancel", token: token)
            try await api.dispatch()
            try await api.dispatch()

            let report = try await api.call(
                .get, "/v1/admin/reports/sales?from=2026-11-17&to=2026-11-18&granularity=day", token: admin)
            #expect(report.status == 200)
            // Recompute from the orders and payments themselves.
            let orders =
                try await api.call(.get, "/v1/admin/orders?limit=100", token: admin)["items"] as? [[String: Any]] ?? []
            let everConfirmed = orders.filter {
                ($0["timeline"] as? [[String: Any]])?.contains { $0["status"] as? String == "CONFIRMED" } == true
            }
            let revenue = everConfirmed.compactMap { ($0["total"] as? [String: Any])?["amount"] as? Int }.reduce(0, +)
            let payments =
                try await api.call(.get, "/v1/payments?limit=100", token: token)["items"] as? [[String: Any]] ?? []
            let refunded = payments.flatMap { $0["refunds"] as? [[String: Any]] ?? [] }
                .compactMap { ($0["amount"] as? [String: Any])?["amount"] as? Int }.reduce(0, +)
            #expect(report["orders"] as? Int == everConfirmed.count && everConfirmed.count == 4)
            #expect((report["revenue"] as? [String: Any])?["amount"] as? Int == revenue)
            #expect(revenue == 3 * 129 + 1099 + 129 + 2 * 1099)
            #expect((report["refunded"] as? [String: Any])?["amount"] as? Int == refunded)
            #expect(refunded == 99 + 129)
            let days = report["byDay"] as? [[String: Any]] ?? []
            #expect(days.compactMap { $0["date"] as? String } == ["2026-11-17", "2026-11-18"])
            #expect(days.first?["orders"] as? Int == 0)
            let top = report["topProducts"] as? [[String: Any]] ?? []
            #expect(top.first?["productId"] as? String == ghee)
            #expect(top.first?["quantity"] as? Int == 3)
            #expect(top.last?["quantity"] as? Int == 4)

            #expect(
                try await api.call(.get, "/v1/admin/reports/sales?from=2026-11-18&to=2026-11-01", token: admin)
                    .errorFields == ["from"])
            #expect(
                try await api.call(.get, "/v1/admin/reports/sales?from=yesterday", token: admin).errorFields == ["from"]
            )
            #expect(
                try await api.call(.get, "/v1/admin/reports/sales?granularity=hour", token: admin).errorFields == [
                    "granularity"
                ])
            #expect(try await api.call(.get, "/v1/admin/reports/sales", token: token).status == 403)
        }
    }

    @Test("admins list the event log and dead letters, and replay a dead letter")
    func eventsAndDeadLetters() async throws {
        try await withAPI(extraConsumers: [EventConsumerTests.Broken()]) { api in
            let admin = try await api.adminToken()
            _ = try await api.customer()
            try await api.dispatch()
            let events = try await api.call(.get, "/v1/admin/events?limit=1", token: admin)
            #expect((events["items"] as? [Any])?.count == 1)
            #expect(events["nextCursor"] as? String != nil)
            let registered = try await api.call(.get, "/v1/admin/events?type=UserRegistered", token: admin)
            #expect(
                (registered["items"] as? [[String: Any]])?.allSatisfy {
                    $0["detail-type"] as? String == "UserRegistered"
                } == true)
            let letters =
                try await api.call(.get, "/v1/admin/dead-letters", token: admin)["items"] as? [[String: Any]] ?? []
            #expect(letters.count == 2)
            let id = try #require(letters.first?["deadLetterId"] as? String)
            let replayed = try await api.call(.post, "/v1/admin/dead-letters/\(id)/replay", token: admin)
            #expect(replayed.status == 200)
            // The consumer is still broken: the letter stays, under its id, with one more attempt.
            let after =
                try await api.call(.get, "/v1/admin/dead-letters", token: admin)["items"] as? [[String: Any]] ?? []
            #expect(after.count == 2)
            let again = try #require(after.first { $0["deadLetterId"] as? String == id })
            #expect(again["attempts"] as? Int == (letters.first?["attempts"] as? Int ?? 0) + 1)
            #expect(try await api.call(.post, "/v1/admin/dead-letters/dlq_999999/replay", token: admin).status == 404)
            #expect(
                try await api.call(.get, "/v1/admin/dead-letters", token: try await api.customer().token).status == 403)
        }
    }
}
