import Foundation
import OrderlyPorts
import Testing

/// Bounded storage: what has served its purpose goes, what anyone can still ask for stays.
@Suite("Retention")
struct RetentionTests {
    @Test(
        "a delivered event leaves the outbox but stays in the event log; an execution past its retention goes, its order stays"
    )
    func retention() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let product = try await api.product(admin: admin)
            let (customer, _) = try await api.customer()
            let placed = try await api.order(product, token: customer)
            let order = try #require(placed.string("orderId"))
            let execution = try #require(placed.string("executionId"))
            try await api.dispatch()
            let store = try #require(api.composition.sqlite)
            #expect(try await store.pendingEvents(limit: 10).isEmpty)
            #expect(try await store.backlog().count == 0)
            let logged = try await api.call(.get, "/v1/admin/events?type=OrderConfirmed", token: admin)
            #expect((logged["items"] as? [[String: Any]])?.count == 1)

            // 89 days on, the execution is still there (the consumers' ledger, older than 30 days, is not); 91 days
            // on, the execution is gone and its order is not.
            let link = "/v1/admin/executions/\(execution.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            let first = try await store.prune(RetentionPolicy(), now: Date().addingTimeInterval(89 * 86_400))
            #expect(first.first { $0.what == "finished workflow executions" }?.removed == 0)
            #expect(first.first { $0.what == "consumer ledger entries" }?.removed ?? 0 > 0)
            #expect(try await api.call(.get, link, token: admin).status == 200)
            let second = try await store.prune(RetentionPolicy(), now: Date().addingTimeInterval(91 * 86_400))
            #expect(second.first { $0.what == "finished workflow executions" }?.removed == 1)
            #expect(try await api.call(.get, link, token: admin).status == 404)
            #expect(try await api.call(.get, "/v1/orders/\(order)", token: customer).string("status") == "CONFIRMED")
            #expect(
                (try await api.call(.get, "/v1/admin/events?type=OrderConfirmed", token: admin)["items"]
                    as? [[String: Any]])?.count == 1)
            // What the policy lets go is gone; the invariants of what is left still hold, and the file compacts.
            try await api.expectInvariants()
            _ = try await api.composition.vacuum()
        }
    }
}
