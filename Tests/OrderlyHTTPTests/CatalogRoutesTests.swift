import Foundation
import Testing

@Suite("Catalog and inventory")
struct CatalogRoutesTests {
    @Test("an admin creates a product; anyone reads it; ProductCreated is recorded")
    func create() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let id = try await api.product(name: "Paneer 200g", price: 325, stock: 7, admin: admin)
            let reply = try await api.call(.get, "/v1/products/\(id)")
            #expect(reply.status == 200)
            #expect(reply.string("name") == "Paneer 200g")
            #expect((reply["price"] as? [String: Any])?["amount"] as? Int == 325)
            #expect((reply["stock"] as? [String: Any])?["available"] as? Int == 7)
            #expect((reply["stock"] as? [String: Any])?["reserved"] as? Int == 0)
            #expect(reply["active"] as? Bool == true)
            let events = try await api.composition.store.pendingEvents(limit: 100)
            #expect(events.contains { $0.detailType == "ProductCreated" && $0.aggregateID == id })
        }
    }

    @Test("customers and strangers cannot change the catalog")
    func adminOnly() async throws {
        try await withAPI { api in
            let (customer, _) = try await api.customer()
            let body = #"{"name":"X","price":{"amount":1,"currency":"USD"},"category":"dairy","stock":1}"#
            #expect(try await api.call(.post, "/v1/products", json: body, token: customer).status == 403)
            #expect(try await api.call(.post, "/v1/products", json: body).status == 401)
            let id = try await api.product(admin: try await api.adminToken())
            #expect(
                try await api.call(.patch, "/v1/products/\(id)", json: #"{"name":"Y"}"#, token: customer).status == 403)
            #expect(
                try await api.call(
                    .post, "/v1/products/\(id)/inventory", json: #"{"delta":5,"reason":"r"}"#, token: customer
                )
                .status == 403)
        }
    }

    @Test("prices must be whole minor units in the store currency")
    func priceValidation() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            func create(_ price: String) async throws -> Reply {
                try await api.call(
                    .post, "/v1/products", json: #"{"name":"X","price":\#(price),"category":"dairy","stock":1}"#,
                    token: admin)
            }
            #expect(try await create(#"{"amount":12.5,"currency":"USD"}"#).errorFields == ["price.amount"])
            #expect(try await create(#"{"amount":100,"currency":"EUR"}"#).errorFields == ["price.currency"])
            #expect(try await create(#"{"amount":-1,"currency":"USD"}"#).errorFields == ["price.amount"])
            #expect(try await create(#"{"amount":100,"currency":"usd"}"#).errorFields == ["price.currency"])
            #expect(try await create(#"{"amount":100}"#).errorFields == ["price.currency"])
            #expect(try await create(#"{"amount":1e30,"currency":"USD"}"#).status == 400)
            #expect(try await create(#"{"amount":100,"currency":"USD","fx":1}"#).errorFields == ["price.fx"])
        }
    }

    @Test("filters by category, text, price and stock, hiding inactive products")
    func filters() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(name: "Whole Milk", price: 129, category: "dairy", stock: 5, admin: admin)
            let curd = try await api.product(name: "Curd 500g", price: 250, category: "Dairy", stock: 0, admin: admin)
            let bread = try await api.product(name: "Bread", price: 300, category: "bakery", stock: 3, admin: admin)
            let hidden = try await api.product(name: "Old Milk", price: 100, category: "dairy", stock: 3, admin: admin)
            #expect(
                try await api.call(.patch, "/v1/products/\(hidden)", json: #"{"active":false}"#, token: admin).status
                    == 200)

            func ids(_ query: String, token: String? = nil) async throws -> [String] {
                let reply = try await api.call(.get, "/v1/products?\(query)", token: token)
                #expect(reply.status == 200, "\(query): \(reply.text)")
                return (reply["items"] as? [[String: Any]] ?? []).compactMap { $0["productId"] as? String }
            }
            #expect(try await ids("category=dairy") == [milk, curd])
            #expect(try await ids("q=milk") == [milk])
            #expect(try await ids("minPrice=200&maxPrice=300") == [curd, bread])
            #expect(try await ids("inStock=true") == [milk, bread])
            #expect(try await ids("q=%25") == [])
            #expect(try await ids("includeInactive=true&category=dairy", token: admin) == [milk, curd, hidden])

            #expect(try await api.call(.get, "/v1/products/\(hidden)").status == 404)
            #expect(try await api.call(.get, "/v1/products/\(hidden)", token: admin).status == 200)
            #expect(try await api.call(.get, "/v1/products?includeInactive=true").status == 401)
            #expect(try await api.call(.get, "/v1/products?minPrice=abc").errorFields == ["minPrice"])
            #expect(try await api.call(.get, "/v1/products?minPrice=5&maxPrice=1").errorFields == ["minPrice"])
            #expect(try await api.call(.get, "/v1/products?inStock=yes").errorFields == ["inStock"])
            #expect(try await api.call(.get, "/v1/products?limit=0").errorFields == ["limit"])
            #expect(try await api.call(.get, "/v1/products?limit=101").errorFields == ["limit"])
            #expect(try await api.call(.get, "/v1/products?cursor=bogus").errorFields == ["cursor"])
        }
    }

    @Test("cursor pagination returns every product exactly once, in a stable order")
    func pagination() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            var created: [String] = []
            for index in 0..<7 { created.append(try await api.product(name: "Item \(index)", admin: admin)) }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let reply = try await api.call(.get, "/v1/products?\(query)")
                seen += (reply["items"] as? [[String: Any]] ?? []).compactMap { $0["productId"] as? String }
                cursor = reply["nextCursor"] as? String
                #expect(reply.object.keys.contains("nextCursor"))
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == created)
            #expect(pages == 3)
        }
    }

    @Test("PATCH changes only the given fields and refuses bad ones")
    func patch() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let id = try await api.product(name: "Butter", price: 400, admin: admin)
            let reply = try await api.call(
                .patch, "/v1/products/\(id)", json: #"{"price":{"amount":450,"currency":"USD"},"category":"spreads"}"#,
                token: admin)
            #expect(reply.status == 200)
            #expect(reply.string("name") == "Butter")
            #expect(reply.string("category") == "spreads")
            #expect((reply["price"] as? [String: Any])?["amount"] as? Int == 450)
            #expect(
                try await api.call(.patch, "/v1/products/\(id)", json: #"{"stock":5}"#, token: admin).errorFields == [
                    "stock"
                ])
            #expect(
                try await api.call(.patch, "/v1/products/\(id)", json: #"{"name":""}"#, token: admin).errorFields == [
                    "name"
                ])
            #expect(
                try await api.call(.patch, "/v1/products/prd_missing", json: #"{"name":"Z"}"#, token: admin).status
                    == 404)
            #expect(
                try await api.call(.patch, "/v1/products/not-an-id", json: #"{"name":"Z"}"#, token: admin).status == 404
            )
        }
    }

    @Test("inventory adjustments restock and correct, but never take stock below zero")
    func inventory() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let id = try await api.product(stock: 5, admin: admin)
            let restock = try await api.call(
                .post, "/v1/products/\(id)/inventory", json: #"{"delta":10,"reason":"delivery from farm"}"#,
                token: admin)
            #expect(restock.status == 200)
            #expect(restock["available"] as? Int == 15)
            #expect(restock["reserved"] as? Int == 0)

            let tooMuch = try await api.call(
                .post, "/v1/products/\(id)/inventory", json: #"{"delta":-16,"reason":"spoiled"}"#, token: admin)
            #expect(tooMuch.status == 409)
            #expect(tooMuch.code == "insufficient_stock")
            let exact = try await api.call(
                .post, "/v1/products/\(id)/inventory", json: #"{"delta":-15,"reason":"spoiled"}"#, token: admin)
            #expect(exact["available"] as? Int == 0)

            #expect(
                try await api.call(
                    .post, "/v1/products/\(id)/inventory", json: #"{"delta":0,"reason":"x"}"#, token: admin
                )
                .errorFields == ["delta"])
            #expect(
                try await api.call(
                    .post, "/v1/products/\(id)/inventory", json: #"{"delta":1,"reason":""}"#, token: admin
                )
                .errorFields == ["reason"])
            #expect(
                try await api.call(
                    .post, "/v1/products/prd_nope/inventory", json: #"{"delta":1,"reason":"x"}"#, token: admin
                )
                .status == 404)
            let events = try await api.composition.store.pendingEvents(limit: 100)
            #expect(events.filter { $0.detailType == "InventoryAdjusted" && $0.aggregateID == id }.count == 2)
        }
    }
}
