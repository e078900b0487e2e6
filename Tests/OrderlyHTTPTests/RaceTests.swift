import Foundation
import OrderlyApp
import OrderlyModel
import StoreSQLite
import Testing

/// Two things at once, over a real socket: each test ends by checking money at the gateway's own ledger and stock
/// to the unit.
@Suite("Races") struct RaceTests {
    /// The order, once its checkout (and any cancellation) has finished.
    func settled(_ api: TestAPI, _ id: String, token: String) async throws -> Reply {
        let order = try #require(try await api.composition.store.order(id: .init(rawValue: id)))
        _ = try await api.composition.services.orders.waitForCheckout(order)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let reply = try await api.call(.get, "/v1/orders/\(id)", token: token)
            let payment = try await api.composition.store.payment(orderID: .init(rawValue: id))
            let refundsInFlight = payment?.refunds.contains { $0.status == .pending } ?? false
            if reply.string("status") != "CREATED", !refundsInFlight { return reply }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("order \(id) did not settle")
        return try await api.call(.get, "/v1/orders/\(id)", token: token)
    }

    /// What the gateway holds net: every capture less every refund, in minor units.
    func gatewayNet(_ api: TestAPI) -> Int {
        api.composition.gateway.capturesMade.reduce(0) { $0 + $1.amount.amount }
            - api.composition.gateway.refundsMade.reduce(0) { $0 + $1.amount.amount }
    }

    @Test("a customer cancelling while checkout runs: cancelled orders keep no money, confirmed ones keep their stock")
    func cancelDuringCheckout() async throws {
        // Engine time at a twentieth of real time: a retried charge waits up to 50 ms, so cancels land mid-checkout.
        try await withAPI(live: true, engineFactor: 0.05) { api in
            // Given 12 orders of 2 units at 500 each, each cancelled by its customer as soon as it is placed
            let admin = try await api.adminToken()
            let milk = try await api.product(price: 250, stock: 100, admin: admin)
            let (token, _) = try await api.customer()
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        // A failing first charge keeps some checkouts in flight longer (retried after a pause).
                        let card = index % 2 == 0 ? "tok_visa" : "tok_processingError"
                        let placed = try await api.call(
                            .post, "/v1/orders",
                            json:
                                #"{"items":[{"productId":"\#(milk)","quantity":2}],"paymentMethod":{"type":"card","token":"\#(card)"}}"#,
                            token: token, headers: ["Idempotency-Key": "race-\(index)"])
                        let id = try #require(placed.string("orderId"), "\(placed.text)")
                        // Some land while it is CREATED, some after it was confirmed.
                        try await Task.sleep(for: .milliseconds(index * 8))
                        let cancel = try await api.call(.post, "/v1/orders/\(id)/cancel", json: "{}", token: token)
                        #expect([200, 409].contains(cancel.status), "\(cancel.text)")
                        return id
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            // Then every order ended cancelled and refunded, or confirmed and paid; the gateway holds exactly what
            // the confirmed orders owe, and the stock sold is exactly theirs
            var confirmed = 0
            var cancelledAfterConfirmation = 0
            for id in ids {
                let order = try await settled(api, id, token: token)
                let timeline = (order["timeline"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
                if timeline.contains("CONFIRMED") && order.string("status") == "CANCELLED" {
                    cancelledAfterConfirmation += 1
                }
                let payment = try await api.composition.store.payment(orderID: .init(rawValue: id))
                switch order.string("status") {
                case "CANCELLED":
                    #expect(["REFUNDED", "FAILED", "PENDING"].contains(order.string("paymentStatus")), "\(order.text)")
                    #expect(payment.map { $0.captured.amount - $0.refunded.amount } ?? 0 == 0, "\(order.text)")
                case "CONFIRMED":
                    confirmed += 1
                    #expect(order.string("paymentStatus") == "SUCCESS")
                default:
                    Issue.record("order \(id) ended \(order.text)")
                }
            }
            #expect(gatewayNet(api) == confirmed * 500)
            try await api.expectInvariants()
            let ledger = try await api.ledger(milk)
            #expect(ledger.sold == confirmed * 2 && ledger.reserved == 0 && ledger.available == 100 - confirmed * 2)
        }
    }

    @Test("a customer's cancel racing the courier's pickup: one wins, promptly; never delivered and refunded")
    func cancelVersusPickup() async throws {
        try await withAPI(live: true) { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(price: 300, stock: 50, admin: admin)
            _ = try await api.call(
                .post, "/v1/admin/users",
                json: #"{"email":"rider@example.com","password":"password-123","name":"Rider","role":"courier"}"#,
                token: admin)
            let courierToken = try await api.login("rider@example.com", "password-123")
            let courierID = try #require(try await api.call(.get, "/v1/users/me", token: courierToken).string("userId"))
            for round in 0..<6 {
                // Given a packed, paid order with a delivery assigned to the courier
                let (token, _) = try await api.customer()
                let id = try #require(try await api.order(milk, token: token).string("orderId"))
                _ = try await api.call(.patch, "/v1/admin/orders/\(id)", json: #"{"status":"PACKED"}"#, token: admin)
                let delivery = try #require(
                    try await api.call(
                        .post, "/v1/admin/deliveries", json: #"{"orderId":"\#(id)","courierId":"\#(courierID)"}"#,
                        token: admin
                    ).string("deliveryId"))

                // When the customer cancels as the courier picks it up
                async let cancel = api.call(.post, "/v1/orders/\(id)/cancel", json: "{}", token: token)
                async let pickup = api.call(
                    .patch, "/v1/deliveries/\(delivery)", json: #"{"status":"PICKED_UP"}"#, token: courierToken)
                let (cancelled, picked) = try await (cancel, pickup)

                // Then exactly one of them wins, and money follows the goods
                let order = try await settled(api, id, token: token)
                if cancelled.status == 200 {
                    #expect(picked.status == 409, "round \(round): \(picked.text)")
                    #expect(order.string("status") == "CANCELLED" && order.string("paymentStatus") == "REFUNDED")
                } else {
                    #expect(cancelled.status == 409 && picked.status == 200, "round \(round): \(cancelled.text)")
                    #expect(order.string("status") == "OUT_FOR_DELIVERY" && order.string("paymentStatus") == "SUCCESS")
                }
            }
            let orders = try await api.composition.store.orders(matching: .init(), page: .init(limit: 100)).items
            let owed = orders.filter { $0.status != .cancelled }.reduce(0) { $0 + $1.total.amount }
            #expect(gatewayNet(api) == owed)
            try await api.expectInvariants()
        }
    }

    @Test("two admins refunding at once never refund more than was captured, and never answer a refund not made")
    func concurrentRefunds() async throws {
        try await withAPI(live: true) { api in
            let admin = try await api.adminToken()
            let other = try await api.adminToken()
            let item = try await api.product(price: 1000, stock: 10, admin: admin)
            for (first, second) in [(700, 700), (700, 400), (600, 300)] {
                let (token, _) = try await api.customer()
                let id = try #require(try await api.order(item, token: token).string("orderId"))
                async let one = api.call(
                    .post, "/v1/admin/orders/\(id)/refunds",
                    json: #"{"amount":{"amount":\#(first),"currency":"USD"},"reason":"damaged"}"#, token: admin)
                async let two = api.call(
                    .post, "/v1/admin/orders/\(id)/refunds",
                    json: #"{"amount":{"amount":\#(second),"currency":"USD"},"reason":"late"}"#, token: other)
                let answers = try await [one, two]
                let made = answers.filter { $0.status == 201 }
                let refused = answers.filter { $0.status == 409 }
                #expect(made.count + refused.count == 2, "\(answers.map(\.text))")
                let payment = try #require(try await api.composition.store.payment(orderID: .init(rawValue: id)))
                // Every 201 describes a refund the ledger and the gateway hold; no 201 is a copy of another.
                let answered = made.compactMap { $0.string("refundId") }
                #expect(Set(answered).count == answered.count)
                #expect(Set(answered) == Set(payment.refunds.filter { $0.status == .succeeded }.map(\.id.rawValue)))
                #expect(payment.refunded.amount <= 1000)
                #expect(
                    payment.refunded.amount
                        == made.reduce(0) { $0 + (($1["amount"] as? [String: Any])?["amount"] as? Int ?? 0) })
                if first + second > 1000 { #expect(made.count == 1) } else { #expect(made.count == 2) }
            }
            let orders = try await api.composition.store.orders(matching: .init(), page: .init(limit: 100)).items
            var owed = 0
            for order in orders {
                owed +=
                    try await api.composition.store.payment(orderID: order.id).map {
                        $0.captured.amount - $0.refunded.amount
                    } ?? 0
            }
            #expect(gatewayNet(api) == owed)
            try await api.expectInvariants()
        }
    }

    @Test("the sweeper releasing expired holds while checkouts commit: every unit is sold once or back on sale")
    func sweeperVersusCommit() async throws {
        try await withAPI(configure: { $0.reservationTTLSeconds = 60 }, live: true, engineFactor: 0.05) { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(price: 100, stock: 40, admin: admin)
            let (token, _) = try await api.customer()
            // Given checkouts in flight while the clock passes their holds' expiry and the sweeper runs
            let ids = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        let card = index % 2 == 0 ? "tok_visa" : "tok_processingError"
                        let placed = try await api.call(
                            .post, "/v1/orders",
                            json:
                                #"{"items":[{"productId":"\#(milk)","quantity":3}],"paymentMethod":{"type":"card","token":"\#(card)"}}"#,
                            token: token, headers: ["Idempotency-Key": "sweep-\(index)"])
                        return placed.string("orderId")
                    }
                }
                group.addTask {
                    for _ in 0..<8 {
                        try await Task.sleep(for: .milliseconds(4))
                        api.clock.advance(seconds: 20)
                        try await api.composition.sweeper.sweep()
                    }
                    return nil
                }
                return try await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
            }
            // Then each order is confirmed with its units sold, or cancelled with them back and its money refunded
            var confirmed = 0
            for id in ids {
                let order = try await settled(api, id, token: token)
                if order.string("status") == "CONFIRMED" {
                    confirmed += 1
                } else {
                    #expect(order.string("status") == "CANCELLED", "\(order.text)")
                }
            }
            let ledger = try await api.ledger(milk)
            #expect(ledger.sold == confirmed * 3 && ledger.reserved == 0 && ledger.available == 40 - confirmed * 3)
            #expect(gatewayNet(api) == confirmed * 300)
            try await api.expectInvariants()
        }
    }
}

@Suite("Invariant checker")
struct InvariantCheckTests {
    @Test("the checker finds money kept on a cancelled order and a charge with no payment")
    func findsViolations() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(price: 400, stock: 10, admin: admin)
            let (token, _) = try await api.customer()
            let id = try #require(try await api.order(milk, quantity: 2, token: token).string("orderId"))
            try await api.expectInvariants()

            // Given an order cancelled behind the system's back (no refund, no restock) and a stray gateway charge
            _ = try await api.composition.store.updateOrder(id: .init(rawValue: id)) { order in
                try order.move(to: .cancelled, at: api.clock.now())
                return []
            }
            _ = try await api.composition.gateway.charge(
                amount: Money(amount: 999, currency: .usd), method: .card(token: "tok_visa"), idempotencyKey: "stray")

            // Then the checker names each
            let report = try await InvariantCheck.check(
                #require(api.composition.sqlite), against: api.composition.gateway)
            #expect(!report.holds)
            #expect(report.violations.contains { $0.contains("\(id) is CANCELLED but 800 is still captured") })
            #expect(report.violations.contains { $0.contains("captured 999") && $0.contains("for no payment") })
        }
    }
}
