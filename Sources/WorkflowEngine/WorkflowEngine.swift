import Foundation
import StatesLanguage

/// An execution whose start is recorded and that has not run yet (see ``WorkflowEngine/start(_:name:input:)``).
public struct StartedExecution: Sendable {
    public let info: ExecutionInfo
    let machine: StateMachine
    let started: EngineEvent
}

/// A definition parsed and validated once, to start many executions of it.
public struct PreparedDefinition: Sendable {
    public let text: String
    public let substitutions: [String: String]
    /// The state machine's name, part of every execution id.
    public let name: String
    public let machine: StateMachine

    /// - Throws: ``DefinitionError`` for an invalid definition.
    public init(text: String, substitutions: [String: String] = [:], name: String) throws {
        self.text = text
        self.substitutions = substitutions
        self.name = name
        machine = try StatesDefinition.parse(text, substitutions: substitutions)
    }
}

/// An execution as it stands: what ``WorkflowEngine/describe(executionID:)`` answers.
public struct ExecutionSnapshot: Sendable {
    public var info: ExecutionInfo
    public var status: ExecutionStatus
    public var input: JSON
    public var startTime: Date
    public var outcome: ExecutionOutcome?
    public var history: [HistoryEvent]
}

/// The result of running an execution to its end.
public struct ExecutionResult: Sendable {
    public var info: ExecutionInfo
    public var outcome: ExecutionOutcome
    public var history: [HistoryEvent]
}

/// Runs executions of States Language machines: calls task handlers, waits on timers through the clock, and
/// journals every event before applying it, so an interrupted execution can be resumed where it stopped.
public struct WorkflowEngine: Sendable {
    public let tasks: any TaskResolver
    public let journal: any ExecutionJournal
    public let clock: any EngineClock
    /// The prefix of execution ids: `arn:aws:states:local:000000000000:execution`.
    public var executionARNPrefix = "arn:aws:states:local:000000000000:execution"

    /// Definitions read back from the journal, parsed once each.
    let definitions = DefinitionCache()
    /// The executions this engine drives now, for callbacks and stops to reach.
    let live = LiveExecutions()

    public init(tasks: any TaskResolver, journal: any ExecutionJournal, clock: any EngineClock) {
        self.tasks = tasks
        self.journal = journal
        self.clock = clock
    }

    /// Starts an execution and runs it to its end.
    /// - Parameters:
    ///   - definition: the ASL text; `substitutions` fill its `${Name}` placeholders.
    ///   - name: the execution name, unique per state machine (a new one when nil).
    /// - Throws: ``DefinitionError`` for an invalid definition; journal errors.
    public func run(
        definition: String, substitutions: [String: String] = [:], stateMachineName: String, name: String,
        input: JSON
    ) async throws -> ExecutionResult {
        try await run(
            PreparedDefinition(text: definition, substitutions: substitutions, name: stateMachineName), name: name,
            input: input)
    }

    /// Starts an execution of a definition parsed once (``PreparedDefinition``) and runs it to its end.
    public func run(_ definition: PreparedDefinition, name: String, input: JSON) async throws -> ExecutionResult {
        try await run(start(definition, name: name, input: input))
    }

    /// Records a new execution and its start durably, without running it: ``resume(executionID:)`` runs it (now, or
    /// after a restart). This is what an API that answers "accepted" before the work is done needs.
    /// - Throws: ``JournalError/executionAlreadyExists(_:)`` when the name was used for this state machine.
    public func begin(_ definition: PreparedDefinition, name: String, input: JSON) async throws -> ExecutionInfo {
        let info = executionInfo(definition, name: name)
        try await journal.create(
            ExecutionRecord(info: info, definition: definition.text, substitutions: definition.substitutions),
            started: .started(input: input, at: clock.now()))
        return info
    }

    /// Records a new execution and its start durably, like ``begin(_:name:input:)``, and answers it ready for
    /// ``run(_:)``, which drives it from the definition already parsed and the start just recorded: nothing is read
    /// back from the journal. A caller that runs it in a task of its own knows the start is recorded before that
    /// task runs, with no word to wait for from it.
    /// - Throws: ``JournalError/executionAlreadyExists(_:)`` when the name was used for this state machine.
    public func start(_ definition: PreparedDefinition, name: String, input: JSON) async throws -> StartedExecution {
        let info = executionInfo(definition, name: name)
        let event = EngineEvent.started(input: input, at: clock.now())
        try await journal.create(
            ExecutionRecord(info: info, definition: definition.text, substitutions: definition.substitutions),
            started: event)
        return StartedExecution(info: info, machine: definition.machine, started: event)
    }

    /// Runs an execution ``start(_:name:input:)`` recorded to its end (once: a second run of it would run it twice).
    public func run(_ execution: StartedExecution) async throws -> ExecutionResult {
        try await drive(ExecutionCore(machine: execution.machine, info: execution.info), replay: [execution.started])
    }

    /// The id an execution of `definition` named `name` has.
    public func executionInfo(_ definition: PreparedDefinition, name: String) -> ExecutionInfo {
        ExecutionInfo(
            id: "\(executionARNPrefix):\(definition.name):\(name)", name: name,
            stateMachineID: "arn:aws:states:local:000000000000:stateMachine:\(definition.name)",
            stateMachineName: definition.name)
    }

    /// The current state of an execution, rebuilt from its journal: status, input, output and history so far.
    public func describe(executionID: String) async throws -> ExecutionSnapshot? {
        guard let (record, events) = try await journal.load(executionID: executionID) else { return nil }
        let machine = try definitions.machine(record.definition, substitutions: record.substitutions)
        var core = ExecutionCore(machine: machine, info: record.info)
        for event in events { _ = core.handle(event) }
        return ExecutionSnapshot(
            info: record.info, status: core.status, input: core.input, startTime: core.startTime,
            outcome: core.outcome, history: core.history)
    }

    /// Rebuilds an unfinished execution from its journal and runs it to its end, re-running only the tasks whose
    /// results were never recorded.
    public func resume(executionID: String) async throws -> ExecutionResult {
        guard let (record, events) = try await journal.load(executionID: executionID) else {
            throw StatesError("ExecutionDoesNotExist", "Execution \(executionID) does not exist.")
        }
        guard !events.isEmpty else {
            // Recorded without its start by an older version (two writes, a crash between): there is no input to
            // run it from. It is ended, so nothing waits on it forever.
            let outcome = ExecutionOutcome(
                status: .aborted, error: "States.Runtime", cause: "The execution was recorded without its start.")
            try await journal.finish(executionID: executionID, outcome: outcome, history: [])
            return ExecutionResult(info: record.info, outcome: outcome, history: [])
        }
        let machine = try definitions.machine(record.definition, substitutions: record.substitutions)
        return try await drive(ExecutionCore(machine: machine, info: record.info), replay: events)
    }

    /// Resumes every unfinished execution in the journal, concurrently.
    public func resumeAll() async throws -> [ExecutionResult] {
        let ids = try await journal.unfinished()
        return try await withThrowingTaskGroup(of: ExecutionResult.self) { group in
            for id in ids { group.addTask { try await resume(executionID: id) } }
            var results: [ExecutionResult] = []
            for try await result in group { results.append(result) }
            return results
        }
    }

    /// Runs an execution from the events journaled so far (its start at least) to its end.
    private func drive(_ core: ExecutionCore, replay: [EngineEvent]) async throws -> ExecutionResult {
        var core = core
        for event in replay { _ = core.handle(event) }
        var sequence = replay.count
        let pending = core.status == .running ? core.outstandingActions : []
        // Fast path: an execution that never waits (Pass and Choice only) needs no tasks or timers.
        if core.status != .running {
            return try await finish(core)
        }
        let (stream, continuation) = AsyncStream<EngineEvent>.makeStream()
        live.register(core.info.id, continuation: continuation, openTokens: core.openCallbackTokens)
        defer { live.remove(core.info.id) }
        var running: [String: CancellationHandle] = [:]
        /// Starts what `actions` ask for, except a lone task when nothing else runs: that one is answered as the
        /// task to await in place (a task and a stream's hand-off each cost a thread wake-up, twice per step).
        func perform(_ actions: [EngineAction]) -> TaskInvocation? {
            if running.isEmpty, actions.count == 1, case .invokeTask(let invocation) = actions[0],
                !invocation.waitsForCallback
            {
                return invocation
            }
            // Tasks last: each begins on this thread and runs up to its first wait before `start` returns, so its
            // timeout (and any other timer) must be counting already (a timer begins as far as its clock's sleep).
            var invocations: [TaskInvocation] = []
            for action in actions {
                switch action {
                case .invokeTask(let invocation):
                    invocations.append(invocation)
                case .scheduleTimer(let id, let at):
                    running["timer:" + id] = startTimer(id, at: at, continuation: continuation)
                case .cancelTask(let token):
                    running.removeValue(forKey: token)?.cancel()
                case .cancelTimer(let id):
                    running.removeValue(forKey: "timer:" + id)?.cancel()
                case .finished:
                    break
                }
            }
            for invocation in invocations {
                running[invocation.token] = start(invocation, continuation: continuation)
            }
            return nil
        }
        var inPlace = perform(pending)
        var events = stream.makeAsyncIterator()
        while true {
            // A callback or a stop sent meanwhile waits in the stream: the next task then goes through it too.
            if let invocation = inPlace, live.takeInterruption(core.info.id) {
                running[invocation.token] = start(invocation, continuation: continuation)
                inPlace = nil
            }
            let event: EngineEvent
            if let invocation = inPlace {
                guard let answer = await outcome(of: invocation), !Task.isCancelled else { break }
                event = answer
            } else {
                guard let next = await events.next() else { break }
                event = next
            }
            switch event {
            case .taskSucceeded(let token, _, _), .taskFailed(let token, _, _, _), .taskSubmitted(let token, _, _):
                running[token] = nil
            case .timerFired(let id, _): running["timer:" + id] = nil
            default: break
            }
            try await journal.append(event, sequence: sequence, executionID: core.info.id)
            sequence += 1
            inPlace = perform(core.handle(event))
            live.update(core.info.id, openTokens: core.openCallbackTokens)
            if core.status != .running { break }
        }
        for handle in running.values { handle.cancel() }
        continuation.finish()
        // Stopped from outside (a shutdown) before the end: record nothing, so the execution resumes on next start.
        // Its task calls still under way end first (10 s at most: a call that ignores its cancellation does not
        // hold a shutdown): nothing this driver started acts after the stop, such as a charge made after another
        // process took the execution over, unseen by it.
        guard core.status != .running else {
            await CancellationHandle.waitForAll(Array(running.values), upTo: .seconds(10))
            throw CancellationError()
        }
        return try await finish(core)
    }

    private func finish(_ core: ExecutionCore) async throws -> ExecutionResult {
        let outcome = core.outcome ?? ExecutionOutcome(status: core.status)
        try await journal.finish(executionID: core.info.id, outcome: outcome, history: core.history)
        return ExecutionResult(info: core.info, outcome: outcome, history: core.history)
    }

    private func start(_ invocation: TaskInvocation, continuation: AsyncStream<EngineEvent>.Continuation)
        -> CancellationHandle
    {
        Self.immediately {
            guard let event = await outcome(of: invocation), !Task.isCancelled else { return }
            continuation.yield(event)
        }
    }

    /// Runs `operation` as a task begun on this thread, up to its first wait. Tasks started together (a Parallel's
    /// branches) that seldom wait, such as a lone checkout's mail and receipt, then cost no thread wake-ups, and the
    /// driver finds their results already in its stream; a timer begun before a task is counting by the time the
    /// task begins. One that waits goes on in the background as any task does.
    private static func immediately(_ operation: @escaping @Sendable () async -> Void) -> CancellationHandle {
        let task: Task<Void, Never>
        if #available(macOS 26, *) {
            task = Task.immediate(operation: operation)
        } else {
            task = Task(operation: operation)
        }
        return CancellationHandle(cancel: { task.cancel() }, ended: { await task.value })
    }

    /// Runs the task's handler and answers the event it ends in, or nil when it was cancelled. A task that waits for
    /// its token is only submitted when its call returns (the handler of the resource without `.waitForTaskToken`
    /// serves it when there is none of its own).
    private func outcome(of invocation: TaskInvocation) async -> EngineEvent? {
        let handler =
            tasks.handler(for: invocation.resource)
            ?? (invocation.waitsForCallback
                ? tasks.handler(for: String(invocation.resource.dropLast(CallbackToken.resourceSuffix.count))) : nil)
        guard let handler else {
            return .taskFailed(
                token: invocation.token, error: StatesError.taskFailed,
                cause: "No handler is registered for the resource '\(invocation.resource)'.", at: clock.now())
        }
        do {
            let output = try await handler.invoke(invocation)
            if invocation.waitsForCallback {
                return .taskSubmitted(token: invocation.token, output: output, at: clock.now())
            }
            return .taskSucceeded(token: invocation.token, output: output, at: clock.now())
        } catch let error as StatesError {
            return .taskFailed(token: invocation.token, error: error.error, cause: error.cause, at: clock.now())
        } catch is CancellationError {
            return nil
        } catch {
            return .taskFailed(
                token: invocation.token, error: String(describing: type(of: error)), cause: "\(error)",
                at: clock.now())
        }
    }

    private func startTimer(_ id: String, at deadline: Date, continuation: AsyncStream<EngineEvent>.Continuation)
        -> CancellationHandle
    {
        Self.immediately {
            do {
                try await clock.sleep(until: deadline)
            } catch {
                return
            }
            if !Task.isCancelled { continuation.yield(.timerFired(id: id, at: max(clock.now(), deadline))) }
        }
    }
}

/// Cancels a running task or timer, and waits for it to have ended.
struct CancellationHandle: Sendable {
    let cancel: @Sendable () -> Void
    let ended: @Sendable () async -> Void

    /// Returns once every one of `handles` has ended, or after `limit`.
    static func waitForAll(_ handles: [CancellationHandle], upTo limit: Duration) async {
        guard !handles.isEmpty else { return }
        let once = ResumeOnce()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            once.set(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                once.resume()
            }
            Task {
                for handle in handles { await handle.ended() }
                timer.cancel()
                once.resume()
            }
        }
    }
}

/// A continuation resumed by the first of several callers.
private final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?

    func set(_ continuation: CheckedContinuation<Void, Never>) { lock.withLock { self.continuation = continuation } }

    func resume() {
        let continuation = lock.withLock {
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume()
    }
}

/// State machines parsed from definition texts, each text (with its substitutions) parsed once: executions read back
/// from a journal mostly share a few definitions.
final class DefinitionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var machines: [String: StateMachine] = [:]
    /// Enough for every definition a deployment uses; past it the cache starts over.
    private let limit = 64

    func machine(_ text: String, substitutions: [String: String]) throws -> StateMachine {
        let key =
            substitutions.keys.sorted().map { "\($0)=\(substitutions[$0]!)" }.joined(separator: "\u{1}") + "\u{0}"
            + text
        if let machine = lock.withLock({ machines[key] }) { return machine }
        let machine = try StatesDefinition.parse(text, substitutions: substitutions)
        lock.withLock {
            if machines.count >= limit { machines.removeAll() }
            machines[key] = machine
        }
        return machine
    }
}
