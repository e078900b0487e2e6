import AWSAdapters
import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import StoreSQLite
import Testing

/// Every storage port that the services use, as one store.
typealias Stores = UserStore & LoginAttemptStore & CatalogStore & InventoryStore & CartStore & OrderStore
    & PaymentStore & DeliveryStore & SubscriptionStore & SalesStore & EventOutbox & ConsumerLedger & EventLogStore
    & IdempotencyStore & NotificationStore

/// The same contract for both adapters of the store ports: SQLite, and DynamoDB in `moto_server` (when
/// `ORDERLY_TEST_AWS_ENDPOINT` names one). Races are real: concurrent tasks on one store.
@Suite("Store contract")
struct StoreContractTests {
    enum Kind: String, CaseIterable, Sendable {
        case sqlite, dynamodb

        static var available: [Kind] {
            TestStorage.hasDynamoDB ? allCases : [.sqlite]
        }
    }

    static func make(_ kind: Kind) async throws -> any Stores {
        switch kind {
        case .sqlite:
            return try SQLiteStore(path: try TestStorage.sqlitePath("stores"))
        case .dynamodb:
            let (dynamo, prefix) = try TestStorage.dynamoDB()
            let store = DynamoStore(dynamo: dynamo, prefix: prefix)
            try await store.createTables()
            return store
        }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let ids = Counter()

    /// Sortable ids, unique across the suite.
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
        func next(_ prefix: String) -> String {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return prefix + String(format: "%08d", value)
        }
    }

    static func event(_ type: String = "Test", aggregate: String = "agg") -> EventEnvelope {
        EventEnvelope(
            id: .init(rawValue: ids.next("evt_")), source: "orderly.test", detailType: type, time: now,
            aggregateID: aggregate, detail: "{}")
    }

    static func user(_ store: any Stores, email: String? = nil, role: Role = .customer) async throws -> User {
        let id = ids.next("usr_")
        let user = User(
            id: .init(rawValue: id), email: try #require(EmailAddress(email ?? "\(id)@example.com")), name: "Ann",
            role: role, passwordHash: "hash", createdAt: now, updatedAt: now)
        try await store.insertUser(user, events: [event("UserRegistered")])
        return user
    }

    static func product(_ store: any Stores, stock: Int, price: Int = 100, category: String = "dairy") async throws
        -> Product
    {
        let product = Product(
            id: .init(rawValue: ids.next("prd_")), name: "Milk", description: "Fresh",
            price: Money(amount: price, currency: .usd), category: category, active: true,
            stock: StockLevel(available: stock, reserved: 0), createdAt: now, updatedAt: now)
        try await store.insertProduct(product, events: [])
        return product
    }

    static func order(_ store: any Stores, user: User, product: Product, key: String? = nil, limit: Int? = nil)
        async throws -> Order
    {
        var order = Order(
            id: .init(rawValue: ids.next("ord_")), userID: user.id,
            lines: [try PricedLine(product: product, quantity: 1)],
            total: product.price, paymentMethod: .cash, deliverySlot: nil, address: nil, fromCart: false, at: now)
        order.idempotencyKey = key
        try await store.insertOrder(
            order, events: [event("OrderCreated", aggregate: order.id.rawValue)], unpaidLimit: limit)
        return order
    }

    /// Runs `attempt` `count` times at once (each told its index) and counts those that succeeded; an attempt refused
    /// with `refusal` lost the race, anything else thrown fails the test.
    static func successes(
        of count: Int, refusedWith refusal: OrderlyError.Code = .conflict,
        _ attempt: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<count {
                group.addTask {
                    do {
                        try await attempt(index)
                        return true
                    } catch let error as OrderlyError where error.code == refusal {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }
}
