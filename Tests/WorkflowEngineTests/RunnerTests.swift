import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

@Suite("Runner behaviour")
struct RunnerTests {
    /// A task that never answers.
    struct Hang: TaskResolver, TaskHandler {
        func handler(for resource: String) -> (any TaskHandler)? { self }
        func invoke(_ invocation: TaskInvocation) async throws -> JSON {
            try await Task.sleep(nanoseconds: 3_600_000_000_000)
            return .null
        }
    }

    @Test("a task that does not answer in TimeoutSeconds fails with States.Timeout, which Catch can handle")
    func taskTimeout() async throws {
        let definition = #"""
            {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "arn:charge", "TimeoutSeconds": 30,
              "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Wrong"}, {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Done"}],
              "End": true}, "Wrong": {"Type": "Fail"}, "Done": {"Type": "Succeed"}}}
            """#
        let result = try await WorkflowEngine(tasks: Hang(), journal: InMemoryJournal(), clock: VirtualClock())
            .run(definition: definition, stateMachineName: "t", name: "t", input: [:])
        #expect(result.outcome.status == .succeeded)
        #expect(result.outcome.output?["error"]?["Error"] == "States.Timeout")
        #expect(result.history.contains { $0.type == "TaskTimedOut" })
    }

    /// A clock whose timers fire at once.
    struct InstantClock: EngineClock {
        func now() -> Date { Date(timeIntervalSince1970: 1_795_000_000) }
        func sleep(until deadline: Date) async throws {}
    }

    /// A task that answers at once, without waiting.
    struct Prompt: TaskResolver, TaskHandler {
        func handler(for resource: String) -> (any TaskHandler)? { self }
        func invoke(_ invocation: TaskInvocation) async throws -> JSON { ["late": true] }
    }

    @Test("a task's timeout counts from before the task begins, even when the task never waits")
    func timeoutBeforeTask() async throws {
        // The engine begins a task on the driver's thread, up to its first wait, so a task that never waits has
        // answered by the time `start` returns: its timer must have been started (as far as its clock's sleep)
        // first, or a task holding its thread past its timeout would answer before the timeout was even set. Here
        // the timer fires at once: it is the first event the driver reads.
        let definition = #"""
            {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "arn:charge", "TimeoutSeconds": 30,
              "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Done"}],
              "End": true}, "Done": {"Type": "Succeed"}}}
            """#
        let result = try await WorkflowEngine(tasks: Prompt(), journal: InMemoryJournal(), clock: InstantClock())
            .run(definition: definition, stateMachineName: "t", name: "t", input: [:])
        #expect(result.outcome.output?["error"]?["Error"] == "States.Timeout")
        #expect(result.outcome.output?["late"] == nil)
    }

    @Test("an execution id is unique in a journal")
    func uniqueIDs() async throws {
        let engine = WorkflowEngine(tasks: TaskRegistry(), journal: InMemoryJournal(), clock: VirtualClock())
        let definition = #"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#
        _ = try await engine.run(definition: definition, stateMachineName: "m", name: "same", input: [:])
        await #expect(throws: JournalError.executionAlreadyExists("arn:aws:states:local:000000000000:execution:m:same"))
        {
            _ = try await engine.run(definition: definition, stateMachineName: "m", name: "same", input: [:])
        }
    }

    @Test("the mock configuration answers per state and invocation, in Step Functions Local's format")
    func mockConfiguration() async throws {
        let config = try JSON(
            parsing: """
                {"StateMachines": {"m": {"TestCases": {"Happy": {"Charge": "Flaky"}}}},
                 "MockedResponses": {"Flaky": {"0-1": {"Throw": {"Error": "Busy", "Cause": "later"}}, "2": {"Return": {"ok": true}}}}}
                """)
        let definition = #"""
            {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "arn:x",
              "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 2, "IntervalSeconds": 1}], "End": true}}}
            """#
        let tasks = try MockConfiguration(json: config, testCase: "Happy").resolver()
        let result = try await WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: VirtualClock())
            .run(definition: definition, stateMachineName: "m", name: "x", input: [:])
        #expect(result.outcome.output == ["ok": true])
        #expect(throws: StatesError.self) { try MockConfiguration(json: config, testCase: "Missing") }
    }
}
