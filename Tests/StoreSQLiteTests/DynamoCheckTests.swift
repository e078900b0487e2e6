import AWSAdapters
import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import StoreSQLite
import Testing

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

        for (table, key, change): (String, JSONObject, String) in [
            ("products", ["id": Attribute.string(product.id.rawValue)], "ADD sold :one"),
            ("uniques", ["key": Attribute.string("unpaid#" + user.id.rawValue)], "ADD #count :one"),
        ] {
            var request: JSONObject = [
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

    @Test(
        "tables an earlier version filled get the staff index and the category counts; running it again changes nothing"
    )
    func upgrade() async throws {
        let (dynamo, prefix) = try TestStorage.dynamoDB()
        let store = DynamoStore(dynamo: dynamo, prefix: prefix)
        try await store.createTables()
        let courier = try await StoreContractTests.user(store, role: .courier)
        _ = try await StoreContractTests.user(store)
        let milk = try await StoreContractTests.product(store, stock: 5, category: "Dairy")
        // As an earlier version wrote them: no staffRole on the courier, no category count.
        _ = try await dynamo.call(
            "UpdateItem",
            [
                "TableName": .string("\(prefix)-users"), "Key": ["id": Attribute.string(courier.id.rawValue)],
                "UpdateExpression": "REMOVE staffRole",
            ])
        _ = try await dynamo.call(
            "DeleteItem",
            ["TableName": .string("\(prefix)-uniques"), "Key": ["key": Attribute.string("category#dairy")]])
        #expect(try await store.staff(role: .courier, page: PageRequest()).items.isEmpty)
        #expect(try await store.categories().isEmpty)

        let lines = try await store.fillWhatAnUpgradeAdds()
        #expect(lines.count == 2)
        #expect(try await store.staff(role: .courier, page: PageRequest()).items.map(\.id) == [courier.id])
        #expect(try await store.categories() == ["Dairy"])
        #expect(try await store.fillWhatAnUpgradeAdds().isEmpty)
        _ = try await store.updateProduct(
            id: milk.id, patch: ProductPatch(active: false), at: StoreContractTests.now, events: [])
        #expect(try await store.categories().isEmpty)
        try await store.markDispatched(try await store.pendingEvents(limit: 100).map(\.id), at: StoreContractTests.now)
        #expect(try await store.checkInvariants(journal: nil).violations == [])
    }
}
