import Foundation
import Testing

/// `Idempotency-Key` on placing an order: replays, refusals, and the order a key placed, past its kept answer.
@Suite("Checkout with an Idempotency-Key")
struct CheckoutIdempotencyTests {
    @Test(
        "Idempotency-Key: a repeat replays the first answer byte for byte; a different body is 422; keys are per user")
    func idempotency() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            let first = try await api.order(milk, token: token, key: "order-1")
            let second = try await api.order(milk, token: token, key: "order-1")
            #expect(first.status == 200 && second.status == 200)
            #expect(first.body == second.body)
            #expect(second.header("Idempotent-Replayed") == "true")
            #expect(first.header("Idempotent-Replayed") == nil)
            #expect(try await api.ledger(milk).sold == 1)

            let reused = try await api.order(milk, quantity: 2, token: token, key: "order-1")
            #expect(reused.status == 422)
            #expect(reused.code == "idempotency_key_reused")

            let (other, _) = try await api.customer()
            let theirs = try await api.order(milk, token: other, key: "order-1")
            #expect(theirs.header("Idempotent-Replayed") == nil)
            #expect(try await api.ledger(milk).sold == 2)

            // A request that failed validation keeps nothing: the corrected request may use the same key.
            let bad = try await api.call(
                .post, "/v1/orders", json: #"{"items":[]}"#, token: token, headers: ["Idempotency-Key": "k2"])
            #expect(bad.status == 400)
            #expect(try await api.order(milk, token: token, key: "k2").status == 200)
            #expect(
                try await api.call(
                    .post, "/v1/orders", json: "{}", token: token,
                    headers: ["Idempotency-Key": String(repeating: "k", count: 256)]
                ).errorFields == ["Idempotency-Key"])
        }
    }

    @Test("an order placed under a key stands after its kept answer expired, though its cart was emptied since")
    func idempotencyPastItsAnswer() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let email = "late@example.com"
            var token = try await api.customer(email).token
            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":2}"#, token: token)
            let checkout = #"{"paymentMethod":{"type":"card","token":"tok_visa"}}"#
            let first = try await api.call(
                .post, "/v1/checkout?wait=true", json: checkout, token: token, headers: ["Idempotency-Key": "late-1"])
            #expect(first.string("status") == "CONFIRMED")

            // Two days on, the answer kept for the key is gone; the order it placed is still the key's order.
            api.clock.advance(seconds: 2 * 86_400)
            token = try await api.login(email, "password-123")
            let again = try await api.call(
                .post, "/v1/checkout?wait=true", json: checkout, token: token, headers: ["Idempotency-Key": "late-1"])
            #expect(again.status == 200)
            #expect(again.header("Idempotent-Replayed") == nil)
            #expect(again.string("orderId") == first.string("orderId"))
            #expect(again.string("status") == "CONFIRMED")
            #expect(try await api.ledger(milk).sold == 2)

            // Without a key, the emptied cart is what it is.
            let plain = try await api.call(.post, "/v1/checkout?wait=true", json: checkout, token: token)
            #expect(plain.code == "cart_empty")
        }
    }
}
