import Foundation
import Logging
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import StatesLanguage
import WorkflowEngine

/// The ``WorkflowRuntime`` of the embedded engine: runs the shipped workflows in this process. Starts are durable
/// (journaled before `start` returns), executions run in the background, and unfinished ones are resumed by
/// ``resumeUnfinished()`` after a restart.
public actor EmbeddedWorkflowRuntime: WorkflowRuntime {
    public let engine: WorkflowEngine
    private let definitions: [String: PreparedDefinition]
    private var running: [String: Task<Void, Never>] = [:]
    /// Starts being recorded (awaiting the journal), by execution: how many.
    private var starting: [String: Int] = [:]
    /// Callers waiting for an execution to end, by execution and waiter: each is resumed once, with whether it
    /// ended (false when its time ran out or it was cancelled).
    private var waiters: [String: [Int: Waiter]] = [:]
    private var nextWaiter = 0
    /// Times the waiters out while there are any: one timer for them all, where a timer per wait (armed and
    /// cancelled at every checkout answered with `wait`) woke the timer thread twice a checkout.
    private var sweeper: Task<Void, Never>?

    private struct Waiter {
        let continuation: CheckedContinuation<Bool, Never>
        let deadline: ContinuousClock.Instant
    }
    private let logger: Logger
    /// Told of every execution that ends (for metrics).
    private let onEnd: @Sendable (ExecutionResult) -> Void
    /// When several processes share the journal: whose lease an execution must hold to be driven here.
    private let leases: (any ExecutionLeases)?
    /// This process, as a lease owner.
    public nonisolated let owner = "process-\(UUID().uuidString)"
    /// How long a lease lasts; it is renewed at a third of that while the execution runs.
    public nonisolated let leaseDuration: TimeInterval = 30
    /// Whether other processes may drive this journal's executions (and leases decide who does).
    public nonisolated var sharesJournal: Bool { leases != nil }

    /// - Parameters:
    ///   - tasks: the handlers of every Task resource the definitions name.
    ///   - journal: where executions are recorded.
    ///   - clock: the engine's clock (for Wait states, retries and timeouts).
    ///   - onEnd: told of every execution that ends here, with its outcome and history.
    ///   - leases: given when several processes share the journal; an execution is then driven only under its lease.
    public init(
        tasks: any TaskResolver, journal: any ExecutionJournal, clock: any EngineClock, logger: Logger,
        leases: (any ExecutionLeases)? = nil, onEnd: @escaping @Sendable (ExecutionResult) -> Void = { _ in }
    ) throws {
        self.leases = leases
        engine = WorkflowEngine(tasks: tasks, journal: journal, clock: clock)
        var definitions: [String: PreparedDefinition] = [:]
        for (name, text) in WorkflowDefinitions.all {
            definitions[name] = try PreparedDefinition(
                text: text, substitutions: WorkflowDefinitions.localSubstitutions, name: name)
        }
        self.definitions = definitions
        self.logger = logger
        self.onEnd = onEnd
    }

    public func start(_ workflow: WorkflowName, name: String, input: [String: String]) async throws -> String {
        guard let definition = definitions[workflow.rawValue] else {
            throw OrderlyError(.internal, "No workflow is named \(workflow).")
        }
        let id = engine.executionInfo(definition, name: name).id
        guard running[id] == nil else { return id }
        let input = JSON.object(JSONObject(input.mapValues(JSON.string)))
        // While the start is being recorded, a wait for the execution waits for it (see `waitForEnd`).
        starting[id, default: 0] += 1
        let drive: (@Sendable () async throws -> ExecutionResult)?
        do {
            drive = try await record(definition, id: id, name: name, input: input)
        } catch {
            await doneStarting(id)
            throw error
        }
        // A start of this name made while this one was recording found it recorded and returned: only this one runs it.
        if let drive { launch(id, run: drive) }
        await doneStarting(id)
        return id
    }

    /// Records the start of an execution, and answers how to drive it here (nil: it was recorded before).
    private func record(
        _ definition: PreparedDefinition, id: String, name: String, input: JSON
    ) async throws -> (@Sendable () async throws -> ExecutionResult)? {
        let engine = self.engine
        do {
            // Where several processes share the journal the execution runs under a lease, picked up like a resumed
            // one; here it runs at once from the definition in hand, read back from nothing.
            if leases != nil {
                _ = try await engine.begin(definition, name: name, input: input)
                return { try await engine.resume(executionID: id) }
            }
            let started = try await engine.start(definition, name: name, input: input)
            return { try await engine.run(started) }
        } catch let error as JournalError where error.code == .executionAlreadyExists {
            return nil
        }
    }

    /// A start of `id` is over. When no other is under way and none drives it here, the waits that came meanwhile
    /// are answered as a wait for an execution driven elsewhere (or not at all) is.
    private func doneStarting(_ id: String) async {
        let left = (starting[id] ?? 1) - 1
        starting[id] = left > 0 ? left : nil
        guard left == 0, running[id] == nil, let waiting = waiters.removeValue(forKey: id) else { return }
        let ended = await hasEnded(id)
        for found in waiting.values { found.continuation.resume(returning: ended) }
    }

    /// Whether the journal holds `id` as not running (ended, or never recorded).
    private func hasEnded(_ id: String) async -> Bool {
        (try? await engine.journal.unfinished().contains(id)) == false
    }

    public nonisolated func executionID(of workflow: WorkflowName, name: String) throws -> String {
        guard let definition = definitions[workflow.rawValue] else {
            throw OrderlyError(.internal, "No workflow is named \(workflow).")
        }
        return engine.executionInfo(definition, name: name).id
    }

    /// Waits for an execution driven here, or whose start is being recorded here, to end; one driven elsewhere (or
    /// unknown) is answered at once by the journal: whether it is not running.
    public func waitForEnd(executionID: String, timeout: Duration) async -> Bool {
        guard running[executionID] != nil || starting[executionID] != nil else { return await hasEnded(executionID) }
        let waiter = nextWaiter
        nextWaiter += 1
        let deadline = ContinuousClock.now + timeout
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[executionID, default: [:]][waiter] = Waiter(continuation: continuation, deadline: deadline)
                sweepWhileWaited()
            }
        } onCancel: {
            Task { [weak self] in await self?.resume(waiter, of: executionID, ended: false) }
        }
    }

    /// Resumes one waiter, if it still waits.
    private func resume(_ waiter: Int, of executionID: String, ended: Bool) {
        guard let found = waiters[executionID]?.removeValue(forKey: waiter) else { return }
        if waiters[executionID]?.isEmpty == true { waiters[executionID] = nil }
        found.continuation.resume(returning: ended)
    }

    /// Looks for waiters out of time every tenth of a second, until none waits.
    private func sweepWhileWaited() {
        guard sweeper == nil else { return }
        sweeper = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                guard let self, await self.sweep() else { return }
            }
        }
    }

    /// Times out the waiters whose deadline passed. Answers whether any still waits (else the sweeper ends).
    private func sweep() -> Bool {
        let now = ContinuousClock.now
        for (executionID, waiting) in waiters {
            for (waiter, found) in waiting where found.deadline <= now {
                resume(waiter, of: executionID, ended: false)
            }
        }
        if waiters.isEmpty { sweeper = nil }
        return sweeper != nil
    }

    /// Resumes every execution the journal holds as unfinished (after a restart).
    /// - Returns: how many were resumed.
    @discardableResult
    public func resumeUnfinished() async throws -> Int {
        let ids = try await engine.journal.unfinished().filter { running[$0] == nil }
        for id in ids { launch(id) }
        if !ids.isEmpty { logger.notice("resumed unfinished workflow executions", metadata: ["count": "\(ids.count)"]) }
        return ids.count
    }

    /// Stops driving every execution (a shutdown). What was journaled stays; the next start resumes them.
    public func stopAll() async {
        let tasks = Array(running.values)
        running = [:]
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// How many executions are being driven now.
    public var runningCount: Int { running.count }

    /// How many callers wait for an execution to end.
    public var waitingCount: Int { waiters.values.reduce(0) { $0 + $1.count } }

    public func describe(executionID: String) async throws -> WorkflowExecution? {
        guard let snapshot = try await engine.describe(executionID: executionID) else { return nil }
        return WorkflowExecution(
            id: snapshot.info.id, name: snapshot.info.name, workflow: snapshot.info.stateMachineName,
            status: Self.status(snapshot.status), startedAt: snapshot.startTime, input: snapshot.input.serialized(),
            output: snapshot.outcome?.output?.serialized(), error: snapshot.outcome?.error,
            cause: snapshot.outcome?.cause,
            history: snapshot.history.map {
                WorkflowExecution.HistoryEntry(
                    id: $0.id, previousEventID: $0.previousEventID, timestamp: $0.timestamp, type: $0.type,
                    details: $0.details.serialized())
            })
    }

    public func executions(
        of workflow: WorkflowName, status: WorkflowExecution.Status?, page: PageRequest
    ) async throws -> Page<WorkflowExecution> {
        let (items, next) = try await engine.journal.list(
            stateMachineName: workflow.rawValue, status: status.flatMap { ExecutionStatus(rawValue: $0.rawValue) },
            after: page.after, limit: page.limit)
        return Page(
            items: items.map { summary in
                WorkflowExecution(
                    id: summary.info.id, name: summary.info.name, workflow: summary.info.stateMachineName,
                    status: Self.status(summary.status), startedAt: summary.startTime,
                    input: summary.input.serialized(), output: summary.outcome?.output?.serialized(),
                    error: summary.outcome?.error, cause: summary.outcome?.cause, history: [])
            }, nextAfter: next)
    }

    public nonisolated func stop(executionID: String, error: String?, cause: String?) async throws {
        _ = try await Self.translating { try await engine.stop(executionID: executionID, error: error, cause: cause) }
    }

    public nonisolated func sendTaskSuccess(taskToken: String, output: String) async throws {
        let value: JSON
        do {
            value = try JSON(parsing: output)
        } catch {
            throw OrderlyError.validation(field: "output", "must be JSON text")
        }
        try await Self.translating { try engine.sendTaskSuccess(taskToken: taskToken, output: value) }
    }

    public nonisolated func sendTaskFailure(taskToken: String, error: String?, cause: String?) async throws {
        try await Self.translating {
            try engine.sendTaskFailure(taskToken: taskToken, error: error ?? "", cause: cause ?? "")
        }
    }

    public nonisolated func sendTaskHeartbeat(taskToken: String) async throws {
        try await Self.translating { try engine.sendTaskHeartbeat(taskToken: taskToken) }
    }

    /// The engine's refusals as the port states them.
    private static func translating<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as EngineCallError {
            switch error.code {
            case .invalidToken: throw OrderlyError.validation(field: "taskToken", "is not a token a task was given")
            case .executionDoesNotExist: throw OrderlyError.notFound("execution")
            case .taskTimedOut:
                throw OrderlyError(.conflict, "The task of this token has ended (TaskTimedOut).")
            default: throw OrderlyError(.conflict, error.message)
            }
        } catch let error as JournalError where error.code == .eventConflict {
            throw OrderlyError(.conflict, "The execution moved on meanwhile; try again.")
        }
    }

    /// An execution as the engine sees it, with its history as JSON (for tests and tools).
    public func snapshot(executionID: String) async throws -> ExecutionSnapshot? {
        try await engine.describe(executionID: executionID)
    }

    static func status(_ status: ExecutionStatus) -> WorkflowExecution.Status {
        switch status {
        case .running: return .running
        case .succeeded: return .succeeded
        case .failed: return .failed
        case .timedOut: return .timedOut
        case .aborted: return .aborted
        }
    }

    private func launch(_ id: String) {
        let engine = self.engine
        launch(id) { try await engine.resume(executionID: id) }
    }

    /// Drives an execution in the background with `run` (a resume, or a start).
    private func launch(_ id: String, run: @escaping @Sendable () async throws -> ExecutionResult) {
        let logger = self.logger
        let onEnd = self.onEnd
        let leases = self.leases
        let owner = self.owner
        let duration = leaseDuration
        running[id] = Task { [weak self] in
            // Another process may own it: drive it only under its lease, renewed while it runs.
            var renewal: Task<Void, Never>?
            if let leases {
                let now = Date()
                guard
                    (try? await leases.acquire(executionID: id, owner: owner, until: now + duration, now: now)) == true
                else {
                    await self?.finished(id)
                    return
                }
                renewal = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(duration / 3))
                        let now = Date()
                        _ = try? await leases.acquire(executionID: id, owner: owner, until: now + duration, now: now)
                    }
                }
            }
            defer { renewal?.cancel() }
            do {
                let result = try await run()
                try? await leases?.release(executionID: id, owner: owner)
                onEnd(result)
                logger.info(
                    "workflow execution ended",
                    metadata: ["execution_id": "\(id)", "status": "\(result.outcome.status.rawValue)"])
            } catch let error as JournalError where error.code == .executionAlreadyExists {
                // Started before (by an earlier request, or before a restart, which resumes it): nothing to do here.
            } catch is CancellationError {
                logger.info("workflow execution paused for shutdown", metadata: ["execution_id": "\(id)"])
            } catch {
                logger.error(
                    "workflow execution could not run", metadata: ["execution_id": "\(id)", "error": "\(error)"])
            }
            await self?.finished(id)
        }
    }

    private func finished(_ id: String) {
        running[id] = nil
        guard let waiting = waiters.removeValue(forKey: id) else { return }
        for found in waiting.values { found.continuation.resume(returning: true) }
    }
}
