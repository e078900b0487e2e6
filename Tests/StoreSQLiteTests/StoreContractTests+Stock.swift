import AWSAdapters
import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import StoreSQLite
import Testing

/// Stock, reservations and orders: conditional writes under concurrency, all-or-nothing transactions, cursors.
extension StoreContractTests {
    @Test("stock under concurrency: 20 buyers of one unit for 10 units, exactly 10 reserved", arguments: Kind.available)
    func stockRace(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let product = try await Self.product(store, stock: 10)
        var orders: [Order] = []
        for _ in 0..<20 { orders.append(try await Self.order(store, user: user, product: product)) }
        let placed = orders
        let reserved = try await Self.successes(of: placed.count, refusedWith: .insufficientStock) { index in
            let order = placed[index]
            _ = try await store.reserve(
                Reservation(
                    id: Reservation.id(for: order.id), orderID: order.id,
                    lines: [Cart.Line(productID: product.id, quantity: 1)], expiresAt: Self.now + 600, at: Self.now),
                events: [Self.event("InventoryReserved")])
        }
        #expect(reserved == 10)
        let ledger = try #require(try await store.stockLedger(productID: product.id))
        #expect(ledger == StockLedger(received: 10, available: 0, reserved: 10, sold: 0))
    }

    @Test(
        "a reservation is all lines or none, once per id; commit, release and expiry move the units",
        arguments: Kind.available)
    func reservations(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let plenty = try await Self.product(store, stock: 10)
        let scarce = try await Self.product(store, stock: 1)
        let order = try await Self.order(store, user: user, product: plenty)
        let short = Reservation(
            id: Reservation.id(for: order.id), orderID: order.id,
            lines: [Cart.Line(productID: plenty.id, quantity: 3), Cart.Line(productID: scarce.id, quantity: 2)],
            expiresAt: Self.now + 60, at: Self.now)
        // A product read before every change shows each change (a store may keep products it has read).
        #expect(try await store.product(id: plenty.id)?.stock == StockLevel(available: 10, reserved: 0))
        await #expect(throws: OrderlyError.self) { _ = try await store.reserve(short, events: []) }
        #expect(try await store.stockLedger(productID: plenty.id)?.available == 10)
        #expect(try await store.reservation(id: short.id) == nil)

        var held = short
        held.lines = [Cart.Line(productID: plenty.id, quantity: 3), Cart.Line(productID: scarce.id, quantity: 1)]
        _ = try await store.reserve(held, events: [Self.event()])
        #expect(try await store.reserve(held, events: [Self.event()]) == held)  // once per id
        #expect(try await store.product(id: plenty.id)?.stock == StockLevel(available: 7, reserved: 3))
        #expect(
            try await store.stockLedger(productID: plenty.id)
                == StockLedger(received: 10, available: 7, reserved: 3, sold: 0))
        #expect(try await store.expiredReservations(at: Self.now + 30, limit: 10).isEmpty)
        #expect(try await store.expiredReservations(at: Self.now + 61, limit: 10).map(\.id) == [held.id])
        // The sweeper's release leaves a hold that has not expired alone.
        #expect(
            try await store.releaseReservation(id: held.id, expired: true, at: Self.now + 30, events: [])?.status
                == .held)

        let committed = try await store.commitReservation(id: held.id, at: Self.now + 10, events: [Self.event()])
        #expect(committed.status == .committed)
        #expect(try await store.commitReservation(id: held.id, at: Self.now + 11, events: []).status == .committed)
        #expect(try await store.product(id: plenty.id)?.stock == StockLevel(available: 7, reserved: 0))
        #expect(
            try await store.stockLedger(productID: plenty.id)
                == StockLedger(received: 10, available: 7, reserved: 0, sold: 3))
        let returned = try await store.releaseReservation(id: held.id, expired: false, at: Self.now + 20, events: [])
        #expect(returned?.status == .returned)
        #expect(try await store.product(id: plenty.id)?.stock == StockLevel(available: 10, reserved: 0))
        _ = try await store.adjustInventory(id: plenty.id, delta: 5, at: Self.now + 22, events: [])
        _ = try await store.updateProduct(
            id: plenty.id, patch: ProductPatch(name: "Oat milk"), at: Self.now, events: [])
        #expect(try await store.product(id: plenty.id)?.stock.available == 15)
        #expect(try await store.product(id: plenty.id)?.name == "Oat milk")
        #expect(
            try await store.stockLedger(productID: scarce.id)
                == StockLedger(received: 1, available: 1, reserved: 0, sold: 0))
        await #expect(throws: OrderlyError.self) {
            _ = try await store.commitReservation(id: held.id, at: Self.now + 21, events: [])
        }
    }

    @Test(
        "orders: unique id and idempotency key, pages newest first by user and status, no lost update",
        arguments: Kind.available)
    func orders(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let ann = try await Self.user(store)
        let bob = try await Self.user(store)
        let product = try await Self.product(store, stock: 10)
        let first = try await Self.order(store, user: ann, product: product, key: "k1")
        await #expect(throws: OrderlyError.self) {
            _ = try await Self.order(store, user: ann, product: product, key: "k1")
        }
        #expect(try await store.order(userID: ann.id, idempotencyKey: "k1")?.id == first.id)
        #expect(try await store.order(userID: bob.id, idempotencyKey: "k1") == nil)
        var placed = [first.id]
        for _ in 0..<4 { placed.append(try await Self.order(store, user: ann, product: product).id) }
        _ = try await Self.order(store, user: bob, product: product)

        var seen: [Order.ID] = []
        var cursor: String?
        repeat {
            let page = try await store.orders(
                matching: OrderQuery(userID: ann.id), page: PageRequest(limit: 2, after: cursor))
            seen += page.items.map(\.id)
            cursor = page.nextAfter
        } while cursor != nil
        #expect(seen == placed.reversed())

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    _ = try await store.updateOrder(id: first.id) { order in
                        order.timeline.append(TimelineEntry(status: .created, at: Self.now, note: "note \(index)"))
                        return []
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.order(id: first.id)?.timeline.count == 9)

        _ = try await store.updateOrder(id: first.id) { order in
            try order.move(to: .cancelled, at: Self.now, note: nil)
            return [Self.event("OrderCancelled")]
        }
        let cancelled = try await store.orders(matching: OrderQuery(status: .cancelled), page: PageRequest())
        #expect(cancelled.items.map(\.id) == [first.id])
        let annCreated = try await store.orders(
            matching: OrderQuery(userID: ann.id, status: .created), page: PageRequest())
        #expect(annCreated.items.count == 4)
    }

    @Test(
        "categories: each with an active product once, whatever its case; a product moved or taken off sale counts",
        arguments: Kind.available)
    func categories(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let milk = try await Self.product(store, stock: 1, category: "Dairy")
        _ = try await Self.product(store, stock: 1, category: "dairy")
        let bread = try await Self.product(store, stock: 0, category: "bakery")
        #expect(try await store.categories().map { $0.lowercased() } == ["bakery", "dairy"])
        _ = try await store.updateProduct(
            id: bread.id, patch: ProductPatch(active: false), at: Self.now, events: [])
        _ = try await store.updateProduct(
            id: milk.id, patch: ProductPatch(category: "Cheese"), at: Self.now, events: [])
        // Each is listed in one of its spellings.
        #expect(try await store.categories().map { $0.lowercased() } == ["cheese", "dairy"])
        _ = try await store.updateProduct(
            id: bread.id, patch: ProductPatch(active: true), at: Self.now, events: [])
        #expect(try await store.categories().map { $0.lowercased() } == ["bakery", "cheese", "dairy"])
        #expect(try await store.categories().contains("Cheese"))
    }

    @Test("the unpaid-order limit is counted in the write that inserts", arguments: Kind.available)
    func unpaidLimit(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let product = try await Self.product(store, stock: 10)
        let placed = try await Self.successes(of: 6, refusedWith: .conflict) { _ in
            _ = try await Self.order(store, user: user, product: product, limit: 3)
        }
        #expect(placed == 3)
    }
}
