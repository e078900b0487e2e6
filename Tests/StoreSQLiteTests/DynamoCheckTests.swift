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
