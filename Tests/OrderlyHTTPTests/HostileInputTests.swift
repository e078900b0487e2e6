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
