import Foundation
import Testing

@Suite("Cart")
struct CartRoutesTests {
    private func items(_ reply: Reply) -> [[String: Any]] { reply["items"] as? [[String: Any]] ?? [] }
    private func total(_ reply: Reply) -> Int? { (reply["total"] as? [String: Any])?["amount"] as? Int }

    @Test("adding adds to what is there, priced from the catalog")
    func add() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(name: "Milk", price: 129, stock: 10, admin: admin)
            let butter = try await api.product(name: "Butter", price: 450, stock: 10, admin: admin)
            let (token, userID) = try await api.customer()

            let empty = try await api.call(.get, "/v1/cart", token: token)
            #expect(empty.status == 200)
            #expect(items(empty).isEmpty)
            #expect(empty.string("userId") == userID)
            #expect(total(empty) == 0)

            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":2}"#, token: token)
            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(butter)","quantity":1}"#, token: token)
            let cart = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":3}"#, token: token)
            #expect(cart.status == 200)
            #expect(items(cart).map { $0["quantity"] as? Int } == [5, 1])
            #expect(((items(cart).first?["lineTotal"]) as? [String: Any])?["amount"] as? Int == 645)
            #expect(total(cart) == 645 + 450)
            #expect(cart.string("cartId") == empty.string("cartId"))

            // The cart follows the catalog's current price.
            _ = try await api.call(
                .patch, "/v1/products/\(butter)", json: #"{"price":{"amount":500,"currency":"USD"}}"#, token: admin)
            #expect(total(try await api.call(.get, "/v1/cart", token: token)) == 645 + 500)
        }
    }

    @Test("quantities are 1–99 per line and never more than is available")
    func limits() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let scarce = try await api.product(stock: 3, admin: admin)
            let plenty = try await api.product(stock: 1000, admin: admin)
            let (token, _) = try await api.customer()
            let over = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(scarce)","quantity":4}"#, token: token)
            #expect(over.status == 409)
            #expect(over.code == "insufficient_stock")
            #expect(
                try await api.call(
                    .post, "/v1/cart/items", json: #"{"productId":"\#(plenty)","quantity":0}"#, token: token
                ).errorFields == ["quantity"])
            #expect(
                try await api.call(
                    .post, "/v1/cart/items", json: #"{"productId":"\#(plenty)","quantity":100}"#, token: token
                ).errorFields == ["quantity"])
            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(plenty)","quantity":90}"#, token: token)
            #expect(
                try await api.call(
                    .post, "/v1/cart/items", json: #"{"productId":"\#(plenty)","quantity":10}"#, token: token
                ).errorFields == ["quantity"])
            #expect(
                try await api.call(
                    .post, "/v1/cart/items", json: #"{"productId":"prd_unknown","quantity":1}"#, token: token
                ).status == 404)
            #expect(
                try await api.call(
                    .post, "/v1/cart/items", json: #"{"productId":"usr_wrongkind","quantity":1}"#, token: token
                ).errorFields == ["productId"])
        }
    }

    @Test("a cart holds at most 50 lines")
    func lineLimit() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let (token, _) = try await api.customer()
            for index in 0..<50 {
                let id = try await api.product(name: "P\(index)", admin: admin)
                #expect(
                    try await api.call(
                        .post, "/v1/cart/items", json: #"{"productId":"\#(id)","quantity":1}"#, token: token
                    ).status == 200)
            }
            let extra = try await api.product(name: "P50", admin: admin)
            let reply = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(extra)","quantity":1}"#, token: token)
            // A full cart is the state of the data, not a malformed request: 409, naming the field.
            #expect(reply.status == 409 && reply.code == "conflict")
            #expect(reply.errorFields == ["productId"])
        }
    }

    @Test("PATCH sets a quantity, 0 and DELETE remove the line, inactive products cannot be added")
    func changeAndRemove() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 10, admin: admin)
            let (token, _) = try await api.customer()
            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":2}"#, token: token)
            let set = try await api.call(.patch, "/v1/cart/items/\(milk)", json: #"{"quantity":7}"#, token: token)
            #expect(items(set).first?["quantity"] as? Int == 7)
            #expect(
                try await api.call(.patch, "/v1/cart/items/\(milk)", json: #"{"quantity":11}"#, token: token).code
                    == "insufficient_stock")
            let zero = try await api.call(.patch, "/v1/cart/items/\(milk)", json: #"{"quantity":0}"#, token: token)
            #expect(items(zero).isEmpty)
            #expect(try await api.call(.delete, "/v1/cart/items/\(milk)", token: token).status == 404)

            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":1}"#, token: token)
            #expect(items(try await api.call(.delete, "/v1/cart/items/\(milk)", token: token)).isEmpty)

            _ = try await api.call(.patch, "/v1/products/\(milk)", json: #"{"active":false}"#, token: admin)
            #expect(
                try await api.call(
                    .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":1}"#, token: token
                ).status == 404)
        }
    }

    @Test("each customer sees only their own cart; couriers and admins have none")
    func isolation() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 10, admin: admin)
            let (alice, _) = try await api.customer()
            let (bob, _) = try await api.customer()
            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":2}"#, token: alice)
            #expect(items(try await api.call(.get, "/v1/cart", token: bob)).isEmpty)
            #expect(try await api.call(.delete, "/v1/cart/items/\(milk)", token: bob).status == 404)
            #expect(items(try await api.call(.get, "/v1/cart", token: alice)).count == 1)
            #expect(try await api.call(.get, "/v1/cart", token: admin).status == 403)
            #expect(try await api.call(.get, "/v1/cart").status == 401)
        }
    }

    @Test("concurrent adds to one cart are never lost")
    func concurrentAdds() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 1000, admin: admin)
            let (token, _) = try await api.customer()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await api.call(
                            .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":3}"#, token: token
                        ).status
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(items(try await api.call(.get, "/v1/cart", token: token)).first?["quantity"] as? Int == 60)
        }
    }
}
