import AWSAdapters
import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import StoreSQLite
import Testing

/// Users, carts, idempotency records and sign-in attempts.
extension StoreContractTests {
    @Test(
        "users: an email is unique whatever its case; a new password bumps the token generation",
        arguments: Kind.available)
    func users(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let ann = try await Self.user(store, email: "Ann@Example.com")
        await #expect(throws: OrderlyError.self) { _ = try await Self.user(store, email: "ann@example.COM") }
        #expect(try await store.user(email: try #require(EmailAddress("ANN@example.com")))?.id == ann.id)
        let updated = try await store.updateUser(
            id: ann.id, patch: UserPatch(name: "Ann B", passwordHash: "new"), at: Self.now, events: [])
        #expect(updated.tokenGeneration == 1)
        #expect(try await store.user(id: ann.id)?.name == "Ann B")
    }

    @Test(
        "staff: couriers and admins are listed by role, newest first, paged; customers never", arguments: Kind.available
    )
    func staff(kind: Kind) async throws {
        let store = try await Self.make(kind)
        _ = try await Self.user(store)
        let first = try await Self.user(store, role: .courier)
        let second = try await Self.user(store, role: .courier)
        let admin = try await Self.user(store, role: .admin)
        // A changed profile stays listed.
        _ = try await store.updateUser(id: first.id, patch: UserPatch(name: "Cole"), at: Self.now, events: [])
        let page = try await store.staff(role: .courier, page: PageRequest(limit: 1))
        #expect(page.items.map(\.id) == [second.id])
        let rest = try await store.staff(role: .courier, page: PageRequest(limit: 5, after: page.nextAfter))
        #expect(rest.items.map(\.id) == [first.id] && rest.items.first?.name == "Cole" && rest.nextAfter == nil)
        #expect(try await store.staff(role: .admin, page: PageRequest(limit: 5)).items.map(\.id) == [admin.id])
        #expect(try await store.staff(role: .customer, page: PageRequest(limit: 5)).items.isEmpty)
    }

    @Test("a cart changed by ten requests at once keeps every change", arguments: Kind.available)
    func carts(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        var products: [Product] = []
        for _ in 0..<10 { products.append(try await Self.product(store, stock: 5)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for product in products {
                group.addTask {
                    _ = try await store.updateCart(
                        userID: user.id, newID: .init(rawValue: "crt" + user.id.rawValue.dropFirst(3)), at: Self.now
                    ) {
                        cart in try cart.setQuantity(1, of: product.id, at: Self.now)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.cart(userID: user.id)?.lines.count == 10)
    }

    @Test(
        "idempotency records: claim, in progress, mismatch, replay, take-over after the lease, abandon",
        arguments: Kind.available)
    func idempotency(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let t = Self.now
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t, lease: 30) == .proceed)
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t + 1, lease: 30) == .inProgress)
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "g", at: t + 1, lease: 30) == .mismatch)
        #expect(try await store.begin(scope: "u2", key: "k", fingerprint: "g", at: t + 1, lease: 30) == .proceed)
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t + 31, lease: 30) == .proceed)
        let answer = StoredResponse(status: 201, contentType: "application/json", body: Data(#"{"a":1}"#.utf8))
        try await store.complete(scope: "u1", key: "k", response: answer, at: t + 32)
        #expect(
            try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t + 40, lease: 30) == .replay(answer))
        try await store.abandon(scope: "u1", key: "k")  // answered: stays
        #expect(
            try await store.begin(scope: "u1", key: "k", fingerprint: "f", at: t + 41, lease: 30) == .replay(answer))
        try await store.abandon(scope: "u2", key: "k")
        #expect(try await store.begin(scope: "u2", key: "k", fingerprint: "h", at: t + 42, lease: 30) == .proceed)
        // A day after its last claim the key is free again.
        #expect(try await store.begin(scope: "u1", key: "k", fingerprint: "z", at: t + 86_500, lease: 30) == .proceed)
    }

    @Test("sign-in attempts: the limit refuses, a success forgets its key's failures", arguments: Kind.available)
    func loginAttempts(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let limits = [
            LoginLimit(key: "email:ann", limit: 3, window: 60), LoginLimit(key: "all", limit: 100, window: 60),
        ]
        var allowed: [Int64] = []
        for second in 0..<3 {
            guard
                case .allowed(let id) = try await store.takeLoginAttempt(limits: limits, at: Self.now + Double(second))
            else { Issue.record("refused too early"); return }
            allowed.append(id)
        }
        #expect(try await store.takeLoginAttempt(limits: limits, at: Self.now + 5) == .refused(retryAt: Self.now + 60))
        #expect(
            try await store.takeLoginAttempt(limits: limits, at: Self.now + 61) != .refused(retryAt: Self.now + 121))
        try await store.forgetLoginAttempt(allowed[2], clearing: "email:ann")
        for second in 0..<3 {
            guard case .allowed = try await store.takeLoginAttempt(limits: limits, at: Self.now + 62 + Double(second))
            else { Issue.record("the failures were not forgotten"); return }
        }
    }
}
