import Foundation
import Logging
import OrderlyApp
import OrderlyPorts
import StatesLanguage
import StoreSQLite
import Testing
import WorkflowEngine

@Suite("The embedded workflow runtime")
struct WorkflowRuntimeTests {
    @Test("a wait that comes while its execution's start is being recorded waits for the execution's end")
    func waitWhileStarting() async throws {
        let folder = temporaryDataFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: folder.appendingPathComponent("orderly.sqlite").path)
        let journal = GatedJournal(store)
        let runtime = try EmbeddedWorkflowRuntime(
            tasks: AnswerEveryTask(), journal: journal, clock: FastEngineClock(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let name = "wait-while-starting"
        let start = Task {
            try await runtime.start(.cancelOrder, name: name, input: ["orderId": "ord_1", "reason": "test"])
        }
        try await waitUntil("the start recording") { journal.isHeld }
        let id = try runtime.executionID(of: .cancelOrder, name: name)
        let wait = Task { await runtime.waitForEnd(executionID: id, timeout: .seconds(10)) }
        // The start is not recorded yet: the wait must wait, not say "ended" of an execution that has not begun.
        try await waitUntil("the wait registered") { await runtime.waitingCount == 1 }
        journal.open()
        #expect(try await start.value == id)
        #expect(await wait.value)
        #expect(try await store.load(executionID: id) != nil)
        #expect(try await !store.unfinished().contains(id))

        // Started again under its name, which the journal refuses: a wait that came meanwhile is answered from the
        // journal (it ended) once that start is over, not left to its timeout (which answers false).
        journal.close()
        let again = Task {
            try await runtime.start(.cancelOrder, name: name, input: ["orderId": "ord_1", "reason": "test"])
        }
        try await waitUntil("the second start recording") { journal.isHeld }
        let secondWait = Task { await runtime.waitForEnd(executionID: id, timeout: .seconds(10)) }
        try await waitUntil("the second wait registered") { await runtime.waitingCount == 1 }
        journal.open()
        #expect(try await again.value == id)
        #expect(await secondWait.value)
    }
}

/// Every task answers an empty object at once.
private struct AnswerEveryTask: TaskResolver {
    func handler(for resource: String) -> (any TaskHandler)? { ClosureTaskHandler { _ in [:] } }
}

/// A journal whose starts wait until the test opens it.
private final class GatedJournal: ExecutionJournal, @unchecked Sendable {
    private let inner: any ExecutionJournal
    private let lock = NSLock()
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var opened = false

    init(_ inner: any ExecutionJournal) { self.inner = inner }

    /// Whether a start waits at the gate.
    var isHeld: Bool { lock.withLock { !waiting.isEmpty } }

    /// Holds the starts to come.
    func close() { lock.withLock { opened = false } }

    func open() {
        let released = lock.withLock {
            opened = true
            defer { waiting = [] }
            return waiting
        }
        for continuation in released { continuation.resume() }
    }

    func create(_ record: ExecutionRecord, started: EngineEvent) async throws {
        await withCheckedContinuation { continuation in
            let go = lock.withLock {
                if !opened { waiting.append(continuation) }
                return opened
            }
            if go { continuation.resume() }
        }
        try await inner.create(record, started: started)
    }

    func append(_ event: EngineEvent, sequence: Int, executionID: String) async throws {
        try await inner.append(event, sequence: sequence, executionID: executionID)
    }

    func finish(executionID: String, outcome: ExecutionOutcome, history: [HistoryEvent]) async throws {
        try await inner.finish(executionID: executionID, outcome: outcome, history: history)
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
