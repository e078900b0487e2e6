import Foundation
import Logging
import OrderlyApp
import OrderlyModel
import OrderlyPorts
import Testing
import WorkflowEngine

/// The embedded runtime tells whoever waits for an execution's end as soon as its outcome is decided, while the end
/// is still being written; what describes the execution waits for that write.
@Suite("Waiting for an execution's end")
struct RuntimeEndTests {
    /// A journal in memory whose `finish` waits until the test lets it through.
    final class HeldJournal: ExecutionJournal, @unchecked Sendable {
        let inner = InMemoryJournal()
        private let lock = NSLock()
        private var held: CheckedContinuation<Void, Never>?
        private var released = false
        private(set) var finishes = 0

        func release() {
            let waiting = lock.withLock {
                released = true
                defer { held = nil }
                return held
            }
            waiting?.resume()
        }

        func create(_ record: ExecutionRecord, started: EngineEvent) async throws {
            try await inner.create(record, started: started)
        }
        func append(_ event: EngineEvent, sequence: Int, executionID: String) async throws {
            try await inner.append(event, sequence: sequence, executionID: executionID)
        }
        func finish(executionID: String, outcome: ExecutionOutcome, history: [HistoryEvent]) async throws {
            await withCheckedContinuation { continuation in
                let go = lock.withLock {
                    if released { return true }
                    held = continuation
                    return false
                }
                if go { continuation.resume() }
            }
            try await inner.finish(executionID: executionID, outcome: outcome, history: history)
            lock.withLock { finishes += 1 }
        }
        func load(executionID: String) async throws -> (ExecutionRecord, [EngineEvent])? {
            try await inner.load(executionID: executionID)
        }
        func unfinished() async throws -> [String] { try await inner.unfinished() }
        func list(
            stateMachineName: String, status: ExecutionStatus?, after cursor: String?, limit: Int
        ) async throws -> (items: [ExecutionSummary], next: String?) {
            try await inner.list(stateMachineName: stateMachineName, status: status, after: cursor, limit: limit)
        }
    }

    /// Every task answers at once.
    struct Answering: TaskResolver {
        func handler(for resource: String) -> (any TaskHandler)? { ClosureTaskHandler { _ in [:] } }
    }

    @Test("a waiter goes on once the outcome is decided; a description then waits for the end to be written")
    func waiterBeforeTheWrite() async throws {
        let journal = HeldJournal()
        let runtime = try EmbeddedWorkflowRuntime(
            tasks: Answering(), journal: journal, clock: FastEngineClock(), logger: Logger(label: "test"))
        let id = try await runtime.start(.cancelOrder, name: "held", input: ["orderId": "ord_1", "reason": "test"])

        // Told it ended while its end is still held back from the journal.
        #expect(await runtime.waitForEnd(executionID: id, timeout: .seconds(10)))
        #expect(journal.finishes == 0)

        // A description asked now answers only once the end is written, and shows it.
        let described = Task { try await runtime.describe(executionID: id)?.status }
        let listed = Task { try await runtime.executions(of: .cancelOrder, status: nil, page: PageRequest(limit: 10)) }
        try await Task.sleep(for: .milliseconds(50))
        journal.release()
        #expect(try await described.value == .succeeded)
        #expect(try await listed.value.items.map(\.status) == [.succeeded])
        #expect(journal.finishes == 1)
    }
}
