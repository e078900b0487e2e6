import Foundation
import Testing

/// Requests a hostile client sends: every one is a clear 4xx, never a crash or a 500, and nothing stored changes.
@Suite("Hostile input")
struct HostileInputTests {
    @Test("integers at the edges of Int are refused, not trapped on")
    func extremeIntegers() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 10, admin: admin)
            let (customer, _) = try await api.customer()
            for delta in [Int.min, Int.max, Int.min + 1, -1_000_000_001] {
                let reply = try await api.call(
                    .post, "/v1/products/\(milk)/inventory", json: #"{"delta":\#(delta),"reason":"x"}"#, token: admin)
                #expect(reply.status == 400 && reply.errorFields == ["delta"], "\(delta): \(reply.text)")
            }
            for price in [Int.max, Int.min] {
                let reply = try await api.call(
                    .patch, "/v1/products/\(milk)", json: #"{"price":{"amount":\#(price),"currency":"USD"}}"#,
                    token: admin)
                #expect(reply.status == 400, "\(reply.text)")
            }
            for quantity in [Int.max, Int.min, 0, 100] {
                let cart = try await api.call(
                    .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":\#(quantity)}"#, token: customer
                )
                #expect(cart.status == 400, "\(quantity): \(cart.text)")
                let order = try await api.call(
                    .post, "/v1/orders",
                    json:
                        #"{"items":[{"productId":"\#(milk)","quantity":\#(quantity)}],"paymentMethod":{"type":"cash"}}"#,
                    token: customer)
                #expect(order.status == 400, "\(quantity): \(order.text)")
            }
            let refund = try await api.call(
                .post, "/v1/admin/orders/ord_1/refunds",
                json: #"{"amount":{"amount":\#(Int.min),"currency":"USD"},"reason":"x"}"#, token: admin)
            #expect(refund.status == 400)
            #expect(try await api.ledger(milk).available == 10)
            #expect(try await api.call(.get, "/health").status == 200)
        }
    }

    @Test("an id that cannot exist is not found wherever it is named, as in a path")
    func sameAnswerForAnUnknownID() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let (customer, _) = try await api.customer()
            for bad in ["prd_no_such_thing", "prd_doesnotexist1", "ord_1", "x"] {
                #expect(try await api.call(.get, "/v1/products/\(bad)").status == 404)
                let cart = try await api.call(
                    .post, "/v1/cart/items", json: #"{"productId":"\#(bad)","quantity":1}"#, token: customer)
                #expect(cart.status == 404 && cart.errorFields == ["productId"], "\(bad): \(cart.text)")
                let order = try await api.call(
                    .post, "/v1/orders",
                    json: #"{"items":[{"productId":"\#(bad)","quantity":1}],"paymentMethod":{"type":"cash"}}"#,
                    token: customer)
                #expect(order.status == 404 && order.errorFields == ["items[0].productId"], "\(bad): \(order.text)")
                let delivery = try await api.call(
                    .post, "/v1/admin/deliveries", json: #"{"orderId":"\#(bad)"}"#, token: admin)
                #expect(delivery.status == 404 && delivery.errorFields == ["orderId"], "\(bad): \(delivery.text)")
            }
        }
    }
}

@Suite("Idempotency and unpaid orders")
struct IdempotencyLeaseTests {
    @Test("a key whose request died is taken over after its lease, and its retry finds the order already placed")
    func leaseAndLostAnswer() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 10, admin: admin)
            let (token, userID) = try await api.customer()
            let body =
                #"{"items":[{"productId":"\#(milk)","quantity":1}],"paymentMethod":{"type":"card","token":"tok_visa"}}"#

            // Given an order placed with a key whose answer was never stored (the write failed, the process died)
            let first = try await api.call(
                .post, "/v1/orders?wait=true", json: body, token: token, headers: ["Idempotency-Key": "k-1"])
            #expect(first.status == 200)
            try await #require(api.composition.sqlite).forgetIdempotentAnswer(scope: userID, key: "k-1")

            // Then a retry within the lease is told the request is still running
            let early = try await api.call(
                .post, "/v1/orders?wait=true", json: body, token: token, headers: ["Idempotency-Key": "k-1"])
            #expect(early.status == 409 && early.code == "idempotency_in_progress")

            // And after the lease it goes ahead, and answers the order the first request placed
            api.clock.advance(seconds: 61)
            let retry = try await api.call(
                .post, "/v1/orders?wait=true", json: body, token: token, headers: ["Idempotency-Key": "k-1"])
            #expect(retry.status == 200 && retry.string("orderId") == first.string("orderId"))
            let orders = try await api.call(.get, "/v1/orders", token: token)["items"] as? [Any] ?? []
            #expect(orders.count == 1)
            #expect(api.composition.gateway.capturesMade.count == 1)
            #expect(try await api.ledger(milk).sold == 1)
        }
    }

    @Test("cash on delivery is limited to a few open unpaid orders per customer")
    func unpaidCashLimit() async throws {
        try await withAPI(configure: { $0.maximumUnpaidOrders = 2 }) { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 10, admin: admin)
            let (token, _) = try await api.customer()
            let cash = #"{"type":"cash"}"#
            let first = try await api.order(milk, method: cash, token: token)
            _ = try await api.order(milk, method: cash, token: token)
            let third = try await api.order(milk, method: cash, token: token)
            #expect(third.status == 409 && third.errorFields == ["paymentMethod"], "\(third.text)")
            #expect(try await api.order(milk, token: token).status == 200)
            // Cancelling one frees a place.
            let id = try #require(first.string("orderId"))
            #expect(try await api.call(.post, "/v1/orders/\(id)/cancel", json: "{}", token: token).status == 200)
            #expect(try await api.order(milk, method: cash, token: token).string("status") == "CONFIRMED")
            #expect(try await api.ledger(milk).reserved == 0)
        }
    }
}
