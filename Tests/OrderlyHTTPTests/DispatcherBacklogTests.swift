import Foundation
import Logging
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import StoreSQLite
import Testing

@Suite("Event dispatcher's backlog")
struct DispatcherBacklogTests {
    /// The store's outbox, counting how often the whole backlog is counted.
    final class CountingOutbox: EventOutbox, @unchecked Sendable {
        let store: SQLiteStore
        private let lock = NSLock()
        private var counted = 0
        var backlogQueries: Int { lock.withLock { counted } }

        init(_ store: SQLiteStore) { self.store = store }

        func pendingEvents(limit: Int) async throws -> [EventEnvelope] { try await store.pendingEvents(limit: limit) }
        func backlog() async throws -> (count: Int, oldest: Date?) {
            lock.withLock { counted += 1 }
            return try await store.backlog()
        }
        func markDispatched(_ ids: [EventEnvelope.ID], at time: Date) async throws {
            try await store.markDispatched(ids, at: time)
        }
        func publish(_ event: EventEnvelope) async throws { try await store.publish(event) }
    }

    @Test("reported before every pass: from the pass's own batch when it is not full, else from a count of them all")
    func reportsBeforeEveryPass() async throws {
        let folder = temporaryDataFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: folder.appendingPathComponent("orderly.sqlite").path)
        for index in 0..<5 {
            try await store.publish(
                EventEnvelope(
                    id: .init(rawValue: "evt_backlog\(index)"), source: "orderly.test", detailType: "Tested",
                    time: Date(), aggregateID: "a", detail: "{}"))
        }
        let outbox = CountingOutbox(store)
        var dispatcher = EventDispatcher(
            outbox: outbox, ledger: store, consumers: [], clock: SystemClock(), logger: Logger(label: "test"))
        dispatcher.batchLimit = 2
        let (counts, reported) = AsyncStream<Int>.makeStream()
        let run = Task { [dispatcher] in
            await dispatcher.run(interval: .milliseconds(5)) { count, _ in reported.yield(count) }
        }
        // The reports until the backlog is empty, or whatever came within the deadline.
        let deadline = Task {
            try await Task.sleep(for: .seconds(10))
            reported.finish()
        }
        var reports: [Int] = []
        for await count in counts {
            reports.append(count)
            if count == 0 { break }
        }
        deadline.cancel()
        run.cancel()
        await run.value
        // Two full batches (counted: 5, then 3), one that is not (1), then none.
        #expect(reports == [5, 3, 1, 0])
        #expect(outbox.backlogQueries == 2)
        #expect(try await store.backlog().count == 0)
    }
}
