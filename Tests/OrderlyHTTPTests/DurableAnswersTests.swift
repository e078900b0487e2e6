import Foundation
import Hummingbird
import HummingbirdTesting
import OrderlyModel
import OrderlyPorts
import StoreSQLite
import Testing

@testable import OrderlyApp
@testable import OrderlyHTTP

/// Storage that records when it was asked to make its writes durable, and may fail to.
private final class RecordingDurability: StorageDurability, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [String] = []
    let fails: Bool

    init(fails: Bool = false) { self.fails = fails }

    func note(_ entry: String) { lock.withLock { log.append(entry) } }
    var entries: [String] { lock.withLock { log } }

    func makeDurable() async throws {
        note("synced")
        if fails { throw CocoaError(.fileWriteUnknown) }
    }
}

@Suite("Answers held until durable")
struct DurableAnswersTests {
    private func router(_ storage: RecordingDurability) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ProblemMiddleware(routes: RouteTable()))
        router.add(middleware: DurableAnswersMiddleware(storage: storage))
        router.post("/write") { _, _ in
            storage.note("handled")
            return "ok"
        }
        router.post("/refuse") { _, _ -> String in
            storage.note("handled")
            throw OrderlyError(.conflict, "no")
        }
        return router
    }

    @Test("a success and an error each leave only after the storage synced what the handler wrote")
    func heldUntilSynced() async throws {
        let storage = RecordingDurability()
        try await Application(router: router(storage)).test(.router) { client in
            try await client.execute(uri: "/write", method: .post) { response in
                #expect(response.status == .ok)
                #expect(storage.entries == ["handled", "synced"])
            }
            try await client.execute(uri: "/refuse", method: .post) { response in
                #expect(response.status == .conflict)
                #expect(storage.entries == ["handled", "synced", "handled", "synced"])
            }
        }
    }

    @Test("when the sync fails the client is told of an internal error, never of the success")
    func failedSync() async throws {
        let storage = RecordingDurability(fails: true)
        try await Application(router: router(storage)).test(.router) { client in
            try await client.execute(uri: "/write", method: .post) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }
}

@Suite("Calls out held until durable")
struct DurableCallsTests {
    @Test("the gateway is asked to charge or refund, and mail is sent, only after a sync")
    func syncedFirst() async throws {
        let storage = RecordingDurability()
        let gateway = DurableBeforeCharging(gateway: try SimulatedPaymentGateway(), storage: storage)
        let charge = try await gateway.charge(
            amount: Money(amount: 500, currency: .usd), method: .card(token: "tok_visa"), idempotencyKey: "k1")
        #expect(storage.entries == ["synced"])
        _ = try await gateway.lookupCharge(idempotencyKey: "k1")
        #expect(storage.entries == ["synced"])
        _ = try await gateway.refund(
            transactionID: charge.transactionID, amount: Money(amount: 100, currency: .usd), idempotencyKey: "r1")
        #expect(storage.entries == ["synced", "synced"])

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("durable-mail-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let mailer = DurableBeforeSending(mailer: try FileMailer(folder: folder), storage: storage)
        try await mailer.send(to: "a@example.com", subject: "Hi", body: "Hello", messageID: "m1")
        #expect(storage.entries == ["synced", "synced", "synced"])
    }

    @Test("a failed sync charges nothing")
    func failedSync() async throws {
        let simulator = try SimulatedPaymentGateway()
        let gateway = DurableBeforeCharging(gateway: simulator, storage: RecordingDurability(fails: true))
        await #expect(throws: CocoaError.self) {
            _ = try await gateway.charge(
                amount: Money(amount: 500, currency: .usd), method: .card(token: "tok_visa"), idempotencyKey: "k2")
        }
        #expect(simulator.capturesMade.isEmpty)
    }
}

@Suite("A checkout's syncs")
struct CheckoutSyncTests {
    @Test("a checkout's dozen commits reach the disk by a few syncs, and its answer leaves with all of them synced")
    func fewSyncs() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let token = try await api.customer().token
            let store = try #require(api.composition.sqlite)
            let before = store.commitCounts
            #expect(try await api.order(milk, token: token).string("status") == "CONFIRMED")
            let after = store.commitCounts
            // Every commit made for this checkout is on the disk when its answer arrives.
            #expect(after.synced == after.committed)
            // The writes of the checkout (order, execution, reservation, payment, confirmation, notification,
            // receipt, events, the journal) against the syncs: before the charge, before the mail, before the answer.
            #expect(after.committed - before.committed >= 8)
            #expect(after.syncs - before.syncs <= 4)
        }
    }
}
