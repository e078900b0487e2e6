import Foundation
import OrderlyModel
import OrderlyPorts
import Testing

@testable import StoreSQLite

/// The records the SQLite store keeps in memory as the last commit left them: orders, payments and products are
/// written through by the writes that change them, so a read never answers an older state than a write that has
/// returned.
@Suite("Record cache")
struct RecordCacheTests {
    /// A loader that counts its calls.
    final class Loads: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var count = 0
        let value: String?
        init(_ value: String?) { self.value = value }
        func load() -> String? {
            lock.withLock { count += 1 }
            return value
        }
    }

    @Test("a record being written reads as its last commit until its write settles, which keeps what it wrote")
    func writeThrough() {
        let cache = RecordCache<String>()
        let old = Loads("v1")
        #expect(cache.record("a", load: old.load) == "v1")
        #expect(cache.record("a", load: old.load) == "v1" && old.count == 1)
        cache.beginWrite("a")
        // Under way: the last commit's record, without asking the database.
        #expect(cache.record("a", load: old.load) == "v1" && old.count == 1)
        cache.endWrite("a", committed: true, record: "v2")
        let after = Loads("never asked")
        #expect(cache.record("a", load: after.load) == "v2" && after.count == 0)
    }

    @Test("a record not cached is read from the database while it is being written, and what that answers is not kept")
    func uncachedDuringWrite() {
        let cache = RecordCache<String>()
        cache.beginWrite("a")
        // The database may answer the write's state, committed but not yet settled: asked each time, kept never.
        let during = Loads("v2")
        #expect(cache.record("a", load: during.load) == "v2")
        #expect(cache.record("a", load: during.load) == "v2" && during.count == 2)
        cache.endWrite("a", committed: true, record: "v2")
        #expect(cache.record("a") { "never asked" } == "v2")
    }

    @Test("a write that failed leaves the last commit's record; one that committed an unknown record drops it")
    func failedWrite() {
        let cache = RecordCache<String>()
        _ = cache.record("a") { "v1" }
        cache.beginWrite("a")
        cache.endWrite("a", committed: false, record: "never stored")
        #expect(cache.record("a") { "never asked" } == "v1")
        cache.beginWrite("a")
        cache.endWrite("a", committed: true, record: nil)
        let reload = Loads("v3")
        #expect(cache.record("a", load: reload.load) == "v3" && reload.count == 1)
    }

    @Test("of two writes under way, each keeps what it committed as it settles, in commit order")
    func overlappingWrites() {
        let cache = RecordCache<String>()
        _ = cache.record("a") { "v1" }
        cache.beginWrite("a")
        cache.beginWrite("a")
        cache.endWrite("a", committed: true, record: "v2")
        #expect(cache.record("a") { "never asked" } == "v2")
        cache.endWrite("a", committed: true, record: "v3")
        #expect(cache.record("a") { "never asked" } == "v3")
    }

    @Test("a read that looked before a write began cannot keep what it read")
    func staleFill() {
        let cache = RecordCache<String>()
        // The read looks at the database (the old state), and the write begins and settles before it keeps it.
        let read = cache.record("a") { () -> String? in
            cache.beginWrite("a")
            cache.endWrite("a", committed: true, record: "v2")
            return "v1"
        }
        #expect(read == "v1")
        #expect(cache.record("a") { "never asked" } == "v2")
    }

    @Test("absence is kept only where the cache is told to keep it")
    func absence() {
        let keeping = RecordCache<String>()
        _ = keeping.record("a") { nil }
        #expect(keeping.record("a") { "created elsewhere" } == nil)
        let notKeeping = RecordCache<String>(keepsAbsence: false)
        _ = notKeeping.record("a") { nil }
        #expect(notKeeping.record("a") { "created" } == "created")
    }

    @Test("a write that commits a record's absence keeps it, even in a cache that does not keep absences it reads")
    func absenceWrittenThrough() {
        let cache = RecordCache<String>(keepsAbsence: false)
        cache.beginWrite("ord_1")
        cache.endWrite("ord_1", committed: true, record: nil, absent: true)
        #expect(cache.record("ord_1") { "loaded" } == nil)
        // Failed (not committed): nothing kept, the next read loads.
        cache.beginWrite("ord_2")
        cache.endWrite("ord_2", committed: false, record: nil, absent: true)
        #expect(cache.record("ord_2") { "loaded" } == "loaded")
        // A later write of the record replaces its absence.
        cache.beginWrite("ord_1")
        cache.endWrite("ord_1", committed: true, record: "paid")
        #expect(cache.record("ord_1") { "loaded" } == "paid")
    }

    // MARK: the store

    @Test("orders, payments and stock read after a write show it; a write that failed leaves the stored state")
    func storeReads() async throws {
        let path = try TestStorage.sqlitePath("record-cache")
        let store = try SQLiteStore(path: path)
        let user = try await StoreContractTests.user(store)
        let product = try await StoreContractTests.product(store, stock: 5)
        let order = try await StoreContractTests.order(store, user: user, product: product)
        #expect(try await store.order(id: order.id) == order)
        #expect(try await store.payment(orderID: order.id) == nil)

        let updated = try await store.updateOrder(id: order.id) { order in
            order.failureReason = "first"
            return []
        }
        #expect(try await store.order(id: order.id) == updated)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await store.updateOrder(id: order.id) { order in
                order.failureReason = "never stored"
                throw Refused()
            }
        }
        #expect(try await store.order(id: order.id)?.failureReason == "first")

        let payment = Payment(
            id: .init(rawValue: "pay_cache1"), orderID: order.id, userID: user.id, amount: order.total,
            method: .cash, status: .pending, transactionID: nil, gatewayKey: nil, at: StoreContractTests.now)
        _ = try await store.insertPayment(payment, events: [])
        #expect(try await store.payment(orderID: order.id)?.id == payment.id)
        #expect(try await store.order(id: order.id)?.paymentStatus == .pending)

        #expect(try await store.product(id: product.id)?.stock == StockLevel(available: 5, reserved: 0))
        let reservation = Reservation(
            id: Reservation.id(for: order.id), orderID: order.id,
            lines: [Cart.Line(productID: product.id, quantity: 2)],
            expiresAt: StoreContractTests.now.addingTimeInterval(600), at: StoreContractTests.now)
        _ = try await store.reserve(reservation, events: [])
        #expect(try await store.product(id: product.id)?.stock == StockLevel(available: 3, reserved: 2))
        #expect(try await store.products(ids: [product.id]).first?.stock == StockLevel(available: 3, reserved: 2))

        // What the cache answers is what the database holds (a second store on the file has no cache yet).
        let fresh = try SQLiteStore(path: path)
        #expect(try await fresh.order(id: order.id) == store.order(id: order.id))
        #expect(try await fresh.payment(orderID: order.id) == store.payment(orderID: order.id))
        #expect(try await fresh.product(id: product.id) == store.product(id: product.id))
    }

    @Test("writers and readers of one order at once: no read goes back in time, and the last write is what stays")
    func concurrentWritersAndReaders() async throws {
        let store = try SQLiteStore(path: try TestStorage.sqlitePath("record-cache-race"))
        let user = try await StoreContractTests.user(store)
        let product = try await StoreContractTests.product(store, stock: 5)
        let order = try await StoreContractTests.order(store, user: user, product: product)
        let writes = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writes {
                group.addTask {
                    _ = try await store.updateOrder(id: order.id) { order in
                        order.failureReason = String(Int(order.failureReason ?? "0")! + 1)
                        return []
                    }
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    var last = 0
                    for _ in 0..<200 {
                        let seen = Int(try await store.order(id: order.id)?.failureReason ?? "0")!
                        #expect(seen >= last)
                        last = seen
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.order(id: order.id)?.failureReason == String(writes))
    }
}
