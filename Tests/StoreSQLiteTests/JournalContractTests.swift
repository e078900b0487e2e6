import AWSAdapters
import Foundation
import OrderlyApp
import StatesLanguage
import StoreSQLite
import Testing
import WorkflowEngine

/// The same contract for every journal: the in-memory one, the durable SQLite one, and DynamoDB's (in `moto_server`,
/// when `ORDERLY_TEST_AWS_ENDPOINT` names one).
@Suite("Execution journal contract")
struct JournalContractTests {
    enum Kind: String, CaseIterable, Sendable {
        case memory, sqlite, dynamodb

        /// The kinds this machine can test: DynamoDB only with an emulator to talk to.
        static var available: [Kind] {
            TestStorage.hasDynamoDB ? allCases : [.memory, .sqlite]
        }
    }

    /// A fresh journal of the kind, and a way to open it again (as a restarted process would).
    static func make(_ kind: Kind) async throws -> (
        journal: any ExecutionJournal, reopen: () throws -> any ExecutionJournal
    ) {
        switch kind {
        case .memory:
            let journal = InMemoryJournal()
            return (journal, { journal })
        case .sqlite:
            let path = try TestStorage.sqlitePath("journal")
            return (try SQLiteStore(path: path), { try SQLiteStore(path: path) })
        case .dynamodb:
            let (dynamo, prefix) = try TestStorage.dynamoDB()
            let journal = DynamoDBJournal(dynamo: dynamo, prefix: prefix)
            try await journal.createTables()
            return (journal, { DynamoDBJournal(dynamo: dynamo, prefix: prefix) })
        }
    }

    static let definition = """
        {"StartAt": "Reserve", "States": {
          "Reserve": {"Type": "Task", "Resource": "arn:reserve", "ResultPath": "$.reservation", "Next": "Pause"},
          "Pause": {"Type": "Wait", "Seconds": 0, "Next": "Charge"},
          "Charge": {"Type": "Task", "Resource": "arn:charge", "ResultPath": "$.payment", "End": true}}}
        """

    /// Answers every task with its state name, counting calls.
    final class Counting: TaskResolver, TaskHandler, @unchecked Sendable {
        let lock = NSLock()
        var calls: [String] = []
        let blockOn: String?
        /// Yields when the blocking state has started.
        let (blocked, blockedSignal) = AsyncStream<Void>.makeStream()
        init(blockOn: String? = nil) { self.blockOn = blockOn }
        func handler(for resource: String) -> (any TaskHandler)? { self }
        func invoke(_ invocation: TaskInvocation) async throws -> JSON {
            lock.withLock { calls.append(invocation.stateName) }
            if invocation.stateName == blockOn {
                blockedSignal.yield()
                // Never answers: the process "dies" while this task runs.
                try await Task.sleep(nanoseconds: 60_000_000_000)
            }
            return .string("done \(invocation.stateName)")
        }
    }

    @Test("begin records the start durably; resume from a reopened journal finishes it", arguments: Kind.available)
    func beginAndResume(kind: Kind) async throws {
        let (journal, reopen) = try await Self.make(kind)
        let prepared = try PreparedDefinition(text: Self.definition, name: "checkout")
        let info = try await WorkflowEngine(tasks: Counting(), journal: journal, clock: SystemEngineClock()).begin(
            prepared, name: "o1", input: ["id": 1])
        #expect(try await journal.unfinished() == [info.id])

        let tasks = Counting()
        let result = try await WorkflowEngine(tasks: tasks, journal: try reopen(), clock: SystemEngineClock()).resume(
            executionID: info.id)
        #expect(result.outcome.status == .succeeded)
        #expect(result.outcome.output == ["id": 1, "reservation": "done Reserve", "payment": "done Charge"])
        #expect(tasks.calls == ["Reserve", "Charge"])
        #expect(try await reopen().unfinished().isEmpty)
        await #expect(throws: JournalError.self) {
            _ = try await WorkflowEngine(tasks: tasks, journal: journal, clock: SystemEngineClock()).begin(
                prepared, name: "o1", input: [:])
        }
    }

    @Test(
        "an execution stopped while a task runs resumes without re-running the tasks already done",
        arguments: Kind.available)
    func stopAndResume(kind: Kind) async throws {
        let (journal, reopen) = try await Self.make(kind)
        let prepared = try PreparedDefinition(text: Self.definition, name: "checkout")
        let first = Counting(blockOn: "Charge")
        let engine = WorkflowEngine(tasks: first, journal: journal, clock: SystemEngineClock())
        let info = try await engine.begin(prepared, name: "o2", input: [:])
        // Given a process that dies while Charge is running,
        let running = Task { try await engine.resume(executionID: info.id) }
        for await _ in first.blocked { break }
        running.cancel()
        _ = try? await running.value

        // when another process resumes it,
        let second = Counting()
        let result = try await WorkflowEngine(tasks: second, journal: try reopen(), clock: SystemEngineClock()).resume(
            executionID: info.id)

        // then Reserve is not run again, Charge (whose result was never recorded) is, and the history is whole.
        #expect(first.calls == ["Reserve", "Charge"])
        #expect(second.calls == ["Charge"])
        #expect(result.outcome.status == .succeeded)
        #expect(result.history.filter { $0.type == "TaskSucceeded" }.count == 2)
        let snapshot = try #require(
            try await WorkflowEngine(tasks: second, journal: try reopen(), clock: SystemEngineClock()).describe(
                executionID: info.id))
        #expect(snapshot.status == .succeeded)
        #expect(snapshot.history.map(\.type) == result.history.map(\.type))
    }

    @Test("a finished execution reads back as it ran, in this process and in the next", arguments: Kind.available)
    func finishedReadsBack(kind: Kind) async throws {
        let (journal, reopen) = try await Self.make(kind)
        let engine = WorkflowEngine(tasks: Counting(), journal: journal, clock: SystemEngineClock())
        let prepared = try PreparedDefinition(text: Self.definition, name: "checkout")
        let result = try await engine.run(prepared, name: "o9", input: ["n": 9])
        for journal in [journal, try reopen()] {
            let snapshot = try #require(
                try await WorkflowEngine(tasks: Counting(), journal: journal, clock: SystemEngineClock()).describe(
                    executionID: result.info.id))
            #expect(snapshot.status == .succeeded && snapshot.outcome == result.outcome)
            // (Times are kept to the millisecond.)
            let replayed = snapshot.history.map { "\($0.id) \($0.type) \($0.details.serialized())" }
            #expect(replayed == result.history.map { "\($0.id) \($0.type) \($0.details.serialized())" })
            #expect(
                snapshot.history.map { Int64(($0.timestamp.timeIntervalSince1970 * 1000).rounded()) }
                    == result.history.map { Int64(($0.timestamp.timeIntervalSince1970 * 1000).rounded()) })
            let (_, events) = try #require(try await journal.load(executionID: result.info.id))
            #expect(events.count == 4)
        }
    }

    @Test("events are appended in order, once each", arguments: Kind.available)
    func appendOrder(kind: Kind) async throws {
        let (journal, _) = try await Self.make(kind)
        let info = ExecutionInfo(id: "exe-\(kind)", name: "x", stateMachineID: "sm", stateMachineName: "m")
        let start = EngineEvent.started(input: ["a": [1, 2.5]], at: Date(timeIntervalSince1970: 1_000))
        try await journal.create(
            ExecutionRecord(info: info, definition: Self.definition, substitutions: ["A": "b"]), started: start)
        // Refused at once, or (where appends are not waited for, as in SQLite) by the execution's next call.
        await #expect(throws: JournalError.eventConflict(info.id, sequence: 0)) {
            try await journal.append(start, sequence: 0, executionID: info.id)
            try await journal.finish(executionID: info.id, outcome: ExecutionOutcome(status: .succeeded), history: [])
        }
        let (record, events) = try #require(try await journal.load(executionID: info.id))
        #expect(record.substitutions == ["A": "b"])
        #expect(events == [start])
    }

    @Test(
        "executions are listed newest first, by state machine and status, a page at a time", arguments: Kind.available)
    func listing(kind: Kind) async throws {
        // Given three executions of one machine (the first finished) and one of another
        let (journal, _) = try await Self.make(kind)
        let engine = WorkflowEngine(tasks: Counting(), journal: journal, clock: SystemEngineClock())
        let checkout = try PreparedDefinition(text: Self.definition, name: "checkout")
        let other = try PreparedDefinition(text: Self.definition, name: "other")
        let finished = try await engine.run(checkout, name: "o1", input: ["n": 1])
        let second = try await engine.begin(checkout, name: "o2", input: ["n": 2])
        _ = try await engine.begin(other, name: "x1", input: [:])
        let third = try await engine.begin(checkout, name: "o3", input: ["n": 3])

        // When they are listed two at a time
        let first = try await journal.list(stateMachineName: "checkout", status: nil, after: nil, limit: 2)
        let rest = try await journal.list(stateMachineName: "checkout", status: nil, after: first.next, limit: 2)

        // Then the newest come first, with their input and outcome, and the cursor leads to the rest
        #expect(first.items.map(\.info.id) == [third.id, second.id])
        #expect(first.items.map(\.input) == [["n": 3], ["n": 2]])
        #expect(first.items.allSatisfy { $0.status == .running && $0.outcome == nil })
        #expect(rest.items.map(\.info.id) == [finished.info.id])
        #expect(rest.items.first?.outcome?.status == .succeeded && rest.next == nil)
        let running = try await journal.list(stateMachineName: "checkout", status: .running, after: nil, limit: 10)
        #expect(running.items.map(\.info.id) == [third.id, second.id] && running.next == nil)
    }
}
