import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OrderlyModel
import OrderlyPorts
import OrderlyServices
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

/// A mailer that notes each message in a durability's log (so the order of syncs and sends shows).
private struct RecordingMailer: Mailer {
    let log: RecordingDurability
    /// Fails every message after this many (none when nil).
    var failingAfter: Int?

    func send(to address: String, subject: String, body: String, messageID: String) async throws {
        if let failingAfter, log.entries.count(where: { $0.hasPrefix("sent") }) >= failingAfter {
            throw CocoaError(.fileWriteOutOfSpace)
        }
        log.note("sent \(subject) \(body)")
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
    /// A new customer's token, after `orders` confirmed checkouts of theirs.
    private func customerWithOrders(_ api: TestAPI, _ orders: Int) async throws -> String {
        let milk = try await api.product(stock: 5, admin: try await api.adminToken())
        let token = try await api.customer().token
        for _ in 0..<orders { #expect(try await api.order(milk, token: token).string("status") == "CONFIRMED") }
        return token
    }

    /// The statuses of the caller's notifications, in order.
    private func notificationStatuses(_ api: TestAPI, token: String) async throws -> [String] {
        (try await api.call(.get, "/v1/notifications", token: token)["items"] as? [[String: Any]] ?? [])
            .compactMap { $0["status"] as? String }.sorted()
    }

    /// A relay over the test's store, syncing through `storage` and sending through a recording mailer.
    private func relay(_ api: TestAPI, _ storage: RecordingDurability, failingAfter: Int? = nil) throws -> MailRelay {
        let store = try #require(api.composition.sqlite)
        return MailRelay(
            store: store, users: store, mailer: RecordingMailer(log: storage, failingAfter: failingAfter),
            durability: storage, logger: Logger(label: "test"))
    }

    @Test("the gateway is asked to charge or refund only after a sync")
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
    }

    @Test("a checkout's mail is queued with its notification, then sent after a sync and marked sent")
    func mailAfterSync() async throws {
        try await withAPI { api in
            let token = try await customerWithOrders(api, 1)
            #expect(try await notificationStatuses(api, token: token) == ["QUEUED"])

            let storage = RecordingDurability()
            let relay = try relay(api, storage)
            #expect(try await relay.sendQueued() == 1)
            #expect(storage.entries.count == 2 && storage.entries[0] == "synced")
            #expect(storage.entries[1].hasPrefix("sent Your order") && storage.entries[1].contains("Hello Customer,"))
            #expect(try await notificationStatuses(api, token: token) == ["SENT"])
            // Nothing is sent twice.
            #expect(try await relay.sendQueued() == 0)
            #expect(storage.entries.count == 2)
        }
    }

    @Test("a pass whose mailer fails marks what it sent and leaves the rest queued for the next")
    func failedPass() async throws {
        try await withAPI { api in
            let token = try await customerWithOrders(api, 2)
            let storage = RecordingDurability()
            await #expect(throws: CocoaError.self) { try await relay(api, storage, failingAfter: 1).sendQueued() }
            #expect(try await notificationStatuses(api, token: token) == ["QUEUED", "SENT"])
            #expect(try await relay(api, storage).sendQueued() == 1)
            #expect(try await notificationStatuses(api, token: token) == ["SENT", "SENT"])
            #expect(storage.entries.count { $0.hasPrefix("sent") } == 2)
        }
    }

    @Test("the composition's relay, running, mails what was queued before it started and after")
    func mailbox() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let token = try await api.customer("mailbox@example.com").token
            #expect(try await api.order(milk, token: token).string("status") == "CONFIRMED")
            let folder = api.composition.dataDirectory.url.appendingPathComponent("mail")
            let mailbox = {
                let boxes = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                return boxes.filter { $0.hasSuffix(".mbox") }.compactMap {
                    try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
                }.joined()
            }
            let sent = { mailbox().components(separatedBy: "To: mailbox@example.com").count - 1 }
            #expect(sent() == 0)
            let relay = try #require(api.composition.mailRelay)
            let running = Task { await relay.run() }
            defer { running.cancel() }
            try await waitUntil("the mail queued before the start is sent") { sent() == 1 }
            #expect(mailbox().contains("Message-ID: <ntf_"))
            #expect(try await api.order(milk, token: token).string("status") == "CONFIRMED")
            try await waitUntil("the mail queued after the start is sent") { sent() == 2 }
        }
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
            // receipt, events, the journal) against the syncs: before the charge and before the answer (the mail
            // waits for the relay, whose pass syncs once for its batch when no answer has).
            #expect(after.committed - before.committed >= 8)
            #expect(after.syncs - before.syncs <= 2)
        }
    }
}
