import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

/// Real time, for a stop while a Wait state sleeps.
private struct WallClock: EngineClock {
    func now() -> Date { Date() }
    func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
    }
}

/// Time that moves only when the test moves it; a sleep ends once the clock has passed its deadline.
private final class ManualClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)
    private var deadlines: [Int: Date] = [:]
    private var next = 0

    func now() -> Date { lock.withLock { current } }

    func advance(seconds: TimeInterval) { lock.withLock { current += seconds } }

    /// Waits until something sleeps until `deadline` (a timer the engine has scheduled).
    func waitForSleeper(until deadline: Date) async throws {
        try await waitUntil("a sleeper until \(deadline)") { lock.withLock { deadlines.values.contains(deadline) } }
    }

    func sleep(until deadline: Date) async throws {
        let id = lock.withLock { () -> Int in
            next += 1
            deadlines[next] = deadline
            return next
        }
        defer { lock.withLock { _ = deadlines.removeValue(forKey: id) } }
        while lock.withLock({ current < deadline }) {
            try await Task.sleep(nanoseconds: 1_000_000)
        }
    }
}

/// A task that hands out the token it was given (as its input's `token`) and returns at once.
private final class TokenDrop: TaskResolver, TaskHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String] = []
    private(set) var calls = 0

    func handler(for resource: String) -> (any TaskHandler)? {
        resource == "arn:aws:states:::sqs:sendMessage" ? self : nil
    }

    func invoke(_ invocation: TaskInvocation) async throws -> JSON {
        lock.withLock {
            calls += 1
            if let token = invocation.input["token"]?.stringValue { tokens.append(token) }
        }
        return ["MessageId": "m-1"]
    }

    /// The next token handed out, waiting for it.
    func token(_ number: Int = 1) async throws -> String {
        try await waitUntil("token \(number)") { lock.withLock { tokens.count >= number } }
        return lock.withLock { tokens[number - 1] }
    }
}

@Suite("Callbacks, heartbeats and stops")
struct CallbackTests {
    static func machine(heartbeat: String = "", timeout: String = "") -> String {
        #"""
        {"StartAt": "Approve", "States": {
          "Approve": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "token.$": "$$.Task.Token"}\#(heartbeat)\#(timeout),
            "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "Rejected"}],
            "ResultPath": "$.approval", "End": true},
          "Rejected": {"Type": "Pass", "End": true}}}
        """#
    }

    @Test("a .waitForTaskToken task waits for SendTaskSuccess, whose output is its result; a token ends once")
    func success() async throws {
        let tasks = TokenDrop()
        let engine = WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: VirtualClock())
        async let run = engine.run(definition: Self.machine(), stateMachineName: "m", name: "ok", input: ["n": 1])
        let token = try await tasks.token()
        try engine.sendTaskSuccess(taskToken: token, output: ["approvedBy": "ann"])
        let result = try await run
        #expect(result.outcome.status == .succeeded)
        #expect(result.outcome.output == ["n": 1, "approval": ["approvedBy": "ann"]])
        let types = result.history.map(\.type)
        #expect(types.contains("TaskSubmitted") && types.contains("TaskSucceeded"))
        #expect(types.firstIndex(of: "TaskSubmitted")! < types.firstIndex(of: "TaskSucceeded")!)
        #expect(result.history.first { $0.type == "TaskSubmitted" }?.details["output"] == ["MessageId": "m-1"])
        // The task has ended: its token is refused, as AWS refuses it.
        #expect(throws: EngineCallError.self) { try engine.sendTaskSuccess(taskToken: token, output: [:]) }
        do {
            try engine.sendTaskHeartbeat(taskToken: token)
            Issue.record("a heartbeat for an ended task was accepted")
        } catch let error as EngineCallError {
            #expect(error.code == .taskTimedOut)
        }
        do {
            try engine.sendTaskSuccess(taskToken: "not a token", output: [:])
            Issue.record("a made-up token was accepted")
        } catch let error as EngineCallError {
            #expect(error.code == .invalidToken)
        }
    }

    @Test("SendTaskFailure fails the task with its error and cause, which Catch handles")
    func failure() async throws {
        let tasks = TokenDrop()
        let engine = WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: VirtualClock())
        async let run = engine.run(definition: Self.machine(), stateMachineName: "m", name: "no", input: [:])
        try engine.sendTaskFailure(taskToken: try await tasks.token(), error: "Rejected", cause: "too dear")
        let result = try await run
        #expect(result.outcome.status == .succeeded)
        #expect(result.outcome.output?["rejection"] == ["Error": "Rejected", "Cause": "too dear"])
        #expect(result.history.contains { $0.type == "TaskFailed" && $0.details["error"] == "Rejected" })
    }

    @Test("with HeartbeatSeconds and no heartbeat the task fails with States.HeartbeatTimeout")
    func heartbeatTimeout() async throws {
        let tasks = TokenDrop()
        let engine = WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: VirtualClock())
        let result = try await engine.run(
            definition: Self.machine(heartbeat: #", "HeartbeatSeconds": 5"#, timeout: #", "TimeoutSeconds": 60"#),
            stateMachineName: "m", name: "quiet", input: [:])
        #expect(result.outcome.status == .failed)
        #expect(result.outcome.error == "States.HeartbeatTimeout")
        #expect(
            result.history.contains { $0.type == "TaskTimedOut" && $0.details["error"] == "States.HeartbeatTimeout" })
    }

    @Test("heartbeats keep a task alive past its HeartbeatSeconds until it succeeds")
    func heartbeats() async throws {
        let tasks = TokenDrop()
        let clock = ManualClock()
        let engine = WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: clock)
        let start = clock.now()
        async let run = engine.run(
            definition: Self.machine(heartbeat: #", "HeartbeatSeconds": 5"#), stateMachineName: "m", name: "alive",
            input: [:])
        let token = try await tasks.token()
        try await clock.waitForSleeper(until: start + 5)
        // Three heartbeats 4 s apart: 12 s in all, more than twice the 5 s allowed between two.
        for beat in 1...3 {
            clock.advance(seconds: 4)
            try engine.sendTaskHeartbeat(taskToken: token)
            try await clock.waitForSleeper(until: start + Double(4 * beat) + 5)
        }
        try engine.sendTaskSuccess(taskToken: token, output: "done")
        let result = try await run
        #expect(result.outcome.status == .succeeded)
        #expect(result.outcome.output?["approval"] == "done")
    }

    @Test("a task waiting for its token is waited for again after a restart, without its call being made again")
    func resumed() async throws {
        let journal = InMemoryJournal()
        let tasks = TokenDrop()
        let first = WorkflowEngine(tasks: tasks, journal: journal, clock: VirtualClock())
        let running = Task {
            try await first.run(definition: Self.machine(), stateMachineName: "m", name: "r", input: [:])
        }
        let token = try await tasks.token()
        // Stopped (a shutdown) once the call has returned: the submission is in the journal.
        let id = "arn:aws:states:local:000000000000:execution:m:r"
        try await waitUntil("the submission") {
            try await first.describe(executionID: id)?.history.contains { $0.type == "TaskSubmitted" } == true
        }
        running.cancel()
        _ = try? await running.value
        let second = WorkflowEngine(tasks: tasks, journal: journal, clock: VirtualClock())
        async let resumed = second.resume(executionID: id)
        // Accepted once the resumed driver waits for the token again.
        try await waitUntil("the resumed task to take its token") {
            (try? second.sendTaskSuccess(taskToken: token, output: ["late": true])) != nil
        }
        let result = try await resumed
        #expect(result.outcome.output?["approval"] == ["late": true])
        #expect(tasks.calls == 1)
    }

    @Test("a driver stopped by a shutdown returns once the task call it started has ended, so nothing acts after it")
    func stoppedDriverWaitsForItsCall() async throws {
        // A call that ignores its cancellation, run as a task of its own (a timeout runs beside it).
        final class Slow: TaskResolver, TaskHandler, @unchecked Sendable {
            let lock = NSLock()
            var log: [String] = []
            var started = false
            func handler(for resource: String) -> (any TaskHandler)? { self }
            func invoke(_ invocation: TaskInvocation) async throws -> JSON {
                lock.withLock { started = true }
                // The call's own work, 0.2 s, which the task's cancellation does not reach.
                await Task.detached { try? await Task.sleep(for: .milliseconds(200)) }.value
                lock.withLock { log.append("call ended") }
                return [:]
            }
        }
        let tasks = Slow()
        let engine = WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: WallClock())
        let definition =
            #"{"StartAt": "Pay", "States": {"Pay": {"Type": "Task", "Resource": "arn:pay", "TimeoutSeconds": 60, "End": true}}}"#
        let run = Task { try await engine.run(definition: definition, stateMachineName: "m", name: "p", input: [:]) }
        try await waitUntil("the call") { tasks.lock.withLock { tasks.started } }
        run.cancel()
        _ = try? await run.value
        tasks.lock.withLock { tasks.log.append("driver returned") }
        #expect(tasks.lock.withLock { tasks.log } == ["call ended", "driver returned"])
    }

    @Test("StopExecution aborts a running execution; stopping it again changes nothing; an unknown one is refused")
    func stop() async throws {
        let engine = WorkflowEngine(tasks: TokenDrop(), journal: InMemoryJournal(), clock: WallClock())
        let definition = #"{"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}}"#
        let run = Task { try await engine.run(definition: definition, stateMachineName: "m", name: "s", input: [:]) }
        let id = "arn:aws:states:local:000000000000:execution:m:s"
        try await waitUntil("the Wait state") {
            try await engine.describe(executionID: id)?.history.contains { $0.type == "WaitStateEntered" } == true
        }
        #expect(try await engine.stop(executionID: id, error: "Operator", cause: "not needed") == .aborted)
        let result = try await run.value
        #expect(result.outcome.status == .aborted)
        #expect(result.outcome.error == "Operator" && result.outcome.cause == "not needed")
        #expect(result.history.last?.type == "ExecutionAborted")
        #expect(try await engine.describe(executionID: id)?.status == .aborted)
        #expect(try await engine.stop(executionID: id, error: nil, cause: nil) == .aborted)
        do {
            try await engine.stop(executionID: id + "-missing", error: nil, cause: nil)
            Issue.record("an unknown execution was stopped")
        } catch let error as EngineCallError {
            #expect(error.code == .executionDoesNotExist)
        }
    }

    /// A task that takes a moment and counts its calls.
    private final class Slow: TaskResolver, TaskHandler, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var calls = 0
        func handler(for resource: String) -> (any TaskHandler)? { self }
        func invoke(_ invocation: TaskInvocation) async throws -> JSON {
            lock.withLock { calls += 1 }
            try await Task.sleep(nanoseconds: 10_000_000)
            return ["n": .int((invocation.input["n"]?.intValue ?? 0) + 1)]
        }
    }

    @Test("a stop reaches an execution that only runs task after task, at the next task")
    func stopBetweenTasks() async throws {
        let tasks = Slow()
        let engine = WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: WallClock())
        let definition = #"""
            {"StartAt": "Step", "States": {
              "Step": {"Type": "Task", "Resource": "arn:step", "Next": "More?"},
              "More?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 500, "Next": "Step"}], "Default": "Done"},
              "Done": {"Type": "Succeed"}}}
            """#
        let run = Task {
            try await engine.run(definition: definition, stateMachineName: "m", name: "loop", input: ["n": 0])
        }
        try await waitUntil("three calls") { tasks.calls >= 3 }
        let id = "arn:aws:states:local:000000000000:execution:m:loop"
        #expect(try await engine.stop(executionID: id, error: nil, cause: nil) == .aborted)
        let result = try await run.value
        #expect(result.outcome.status == .aborted)
        #expect(tasks.calls < 20)
    }
}
