import Foundation
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import StatesLanguage
import StoreSQLite
import Testing
import WorkflowEngine

@Suite("Checkout task handlers and idempotency")
struct TaskHandlerTests {
    @Test("each handler run twice for one step acts once")
    func handlersActOnce() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 10, admin: admin)
            let (token, _) = try await api.customer()
            // An order whose checkout has finished, so its steps can be replayed by hand.
            let placed = try await api.order(milk, quantity: 2, token: token)
            let orderID = try #require(placed.string("orderId"))
            let registry = api.composition.checkoutTasks.registry()
            func run(_ function: String, _ input: JSON = [:]) async throws -> JSON {
                var arguments = input.objectValue ?? [:]
                arguments["orderId"] = .string(orderID)
                let invocation = TaskInvocation(
                    token: "t", resource: WorkflowDefinitions.localResource(function), input: .object(arguments),
                    stateName: function, executionID: "exe", retryCount: 0, idempotencyKey: "exe/\(function)",
                    timeoutSeconds: nil)
                return try await #require(registry.handler(for: invocation.resource)).invoke(invocation)
            }
            for function in [
                "ReserveInventory", "ProcessPayment", "CommitInventory", "ConfirmOrder", "GenerateReceipt",
            ] {
                _ = try await run(function)
                _ = try await run(function)
            }
            let ledger = try await api.ledger(milk)
            #expect(ledger.holds && ledger.sold == 2 && ledger.reserved == 0 && ledger.available == 8)
            #expect((try await api.call(.get, "/v1/payments", token: token)["items"] as? [Any])?.count == 1)

            // Compensation twice: one refund, stock back once.
            for function in ["RefundPayment", "ReleaseInventory"] {
                _ = try await run(function, ["reason": "test"])
                _ = try await run(function, ["reason": "test"])
            }
            let payment = (try await api.call(.get, "/v1/payments", token: token)["items"] as? [[String: Any]])?.first
            #expect((payment?["refunds"] as? [Any])?.count == 1)
            #expect(try await api.ledger(milk).available == 10)
            await #expect(throws: StatesError.self) { _ = try await run("ValidateOrder") }
        }
    }

    @Test("the same Idempotency-Key while the first request still runs is 409 idempotency_in_progress")
    func inProgress() async throws {
        let folder = temporaryDataFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("orderly.sqlite").path)
        let clock = TestClock()
        let service = IdempotencyService(store: store, clock: clock)
        let (entered, enteredGate) = AsyncStream<Void>.makeStream()
        let (release, releaseGate) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await service.run(key: "k", scope: "usr_1", fingerprint: "f") {
                enteredGate.yield()
                for await _ in release { break }
                return StoredResponse(status: 201, contentType: "application/json", body: Data("{}".utf8))
            }
        }
        for await _ in entered { break }
        await #expect(throws: OrderlyError.self) {
            _ = try await service.run(key: "k", scope: "usr_1", fingerprint: "f") {
                StoredResponse(status: 201, contentType: "application/json", body: Data())
            }
        }
        do {
            _ = try await service.run(key: "k", scope: "usr_1", fingerprint: "f") {
                StoredResponse(status: 201, contentType: "", body: Data())
            }
        } catch let error as OrderlyError {
            #expect(error.code == .idempotencyInProgress)
        }
        releaseGate.yield()
        let (_, replayedFirst) = try await first.value
        #expect(!replayedFirst)
        let (stored, replayed) = try await service.run(key: "k", scope: "usr_1", fingerprint: "f") {
            StoredResponse(status: 500, contentType: "", body: Data())
        }
        #expect(replayed && stored.status == 201)
        // After 24 hours the key is free again.
        clock.advance(seconds: 24 * 3600 + 1)
        let (_, fresh) = try await service.run(key: "k", scope: "usr_1", fingerprint: "other") {
            StoredResponse(status: 200, contentType: "", body: Data())
        }
        #expect(!fresh)
    }

    @Test("admins see the workflow definitions in use")
    func workflows() async throws {
        try await withAPI { api in
            let reply = try await api.call(.get, "/v1/admin/workflows", token: try await api.adminToken())
            let items = reply["items"] as? [[String: Any]] ?? []
            #expect(Set(items.compactMap { $0["name"] as? String }) == ["checkout", "cancel-order"])
            let checkout = items.first { $0["name"] as? String == "checkout" }?["definition"] as? [String: Any]
            #expect(checkout?["StartAt"] as? String == "ValidateOrder")
            #expect(
                try await api.call(.get, "/v1/admin/workflows", token: try await api.customer().token).status == 403)
        }
    }

    @Test("the embedded definitions are the files in Workflows/")
    func embeddedMatchFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for (name, text) in WorkflowDefinitions.all {
            let file = try String(
                contentsOf: root.appendingPathComponent("Workflows/\(name).asl.json"), encoding: .utf8)
            #expect(
                try JSON(parsing: file) == JSON(parsing: text), "run `make workflows`: \(name) differs from its file")
        }
    }
}
