import Foundation
import StatesLanguage

/// Why a callback or a stop was refused, in the words of AWS's errors.
public struct EngineCallError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; more cases may come.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// The token is not one a task was given.
        public static let invalidToken = Code(name: "InvalidToken")
        /// The task has ended already (succeeded, failed, timed out) or its execution has.
        public static let taskTimedOut = Code(name: "TaskTimedOut")
        /// No execution has this id.
        public static let executionDoesNotExist = Code(name: "ExecutionDoesNotExist")
        /// The output is not JSON.
        public static let invalidOutput = Code(name: "InvalidOutput")
        public var description: String { name }
    }

    public let code: Code
    public let message: String
    public var description: String { "\(code.name): \(message)" }
}

extension WorkflowEngine {
    /// `SendTaskSuccess`: the task waiting for `taskToken` succeeds with `output`.
    /// - Throws: ``EngineCallError`` `InvalidToken`, or `TaskTimedOut` when that task is no longer waiting.
    public func sendTaskSuccess(taskToken: String, output: JSON) throws {
        let (executionID, token) = try open(taskToken)
        try live.deliver(.taskSucceeded(token: token, output: output, at: clock.now()), to: executionID, for: taskToken)
    }

    /// `SendTaskFailure`: the task waiting for `taskToken` fails with `error` and `cause`, which its Retry and
    /// Catch then act on.
    public func sendTaskFailure(taskToken: String, error: String, cause: String) throws {
        let (executionID, token) = try open(taskToken)
        try live.deliver(
            .taskFailed(token: token, error: error, cause: cause, at: clock.now()), to: executionID, for: taskToken)
    }

    /// `SendTaskHeartbeat`: the task waiting for `taskToken` is alive; its `HeartbeatSeconds` start again.
    public func sendTaskHeartbeat(taskToken: String) throws {
        let (executionID, token) = try open(taskToken)
        try live.deliver(.taskHeartbeat(token: token, at: clock.now()), to: executionID, for: taskToken)
    }

    /// `StopExecution`: ends a running execution as `ABORTED` (`ExecutionAborted` in its history), cancelling its
    /// tasks and timers. Stopping an execution that has ended changes nothing. A driver busy with a lone task call
    /// (nothing else in flight) takes the stop when that call returns: the answer waits for it up to ten seconds.
    /// - Returns: the execution's status after the call (`RUNNING` while such a call has not returned).
    /// - Throws: ``EngineCallError`` `ExecutionDoesNotExist`.
    @discardableResult
    public func stop(executionID: String, error: String?, cause: String?) async throws -> ExecutionStatus {
        let event = EngineEvent.aborted(error: error ?? "", cause: cause ?? "", at: clock.now())
        if live.deliverStop(event, to: executionID) {
            return await live.waitUntilGone(executionID, for: .seconds(10)) ? .aborted : .running
        }
        // Not driven here (stopped between a start and its run, or a journal another process wrote): end it in the
        // journal itself.
        guard let (record, events) = try await journal.load(executionID: executionID) else {
            throw EngineCallError(code: .executionDoesNotExist, message: "Execution \(executionID) does not exist.")
        }
        let machine = try definitions.machine(record.definition, substitutions: record.substitutions)
        var core = ExecutionCore(machine: machine, info: record.info)
        for recorded in events { _ = core.handle(recorded) }
        guard core.status == .running else { return core.status }
        try await journal.append(event, sequence: events.count, executionID: executionID)
        _ = core.handle(event)
        try await journal.finish(
            executionID: executionID, outcome: core.outcome ?? ExecutionOutcome(status: .aborted),
            history: core.history)
        return .aborted
    }

    private func open(_ taskToken: String) throws -> (executionID: String, token: String) {
        guard let parsed = CallbackToken.parse(taskToken) else {
            throw EngineCallError(code: .invalidToken, message: "Invalid Token: '\(taskToken)'")
        }
        return parsed
    }
}

/// The executions an engine drives now: the stream each one's driver reads, and the callback tokens it waits for.
final class LiveExecutions: @unchecked Sendable {
    private struct Live {
        let continuation: AsyncStream<EngineEvent>.Continuation
        var openTokens: Set<String>
        /// Whether something was sent from outside since the driver last looked.
        var interrupted = false
    }

    private let lock = NSLock()
    private var executions: [String: Live] = [:]

    func register(_ id: String, continuation: AsyncStream<EngineEvent>.Continuation, openTokens: Set<String>) {
        lock.withLock { executions[id] = Live(continuation: continuation, openTokens: openTokens) }
    }

    func update(_ id: String, openTokens: Set<String>) {
        lock.withLock { executions[id]?.openTokens = openTokens }
    }

    func remove(_ id: String) {
        lock.withLock { _ = executions.removeValue(forKey: id) }
    }

    /// Hands a callback's event to the driver of its execution, if its task still waits for that token. A token
    /// taken is taken at once, so that two callbacks for one task cannot both be accepted.
    func deliver(_ event: EngineEvent, to id: String, for taskToken: String) throws {
        try lock.withLock {
            guard let execution = executions[id], execution.openTokens.contains(taskToken) else {
                throw EngineCallError(
                    code: .taskTimedOut, message: "Task Timed Out: the task for this token has ended or never ran here."
                )
            }
            if case .taskHeartbeat = event {} else { executions[id]!.openTokens.remove(taskToken) }
            executions[id]!.interrupted = true
            execution.continuation.yield(event)
        }
    }

    /// Hands a stop to the execution's driver; false when no driver here runs it.
    func deliverStop(_ event: EngineEvent, to id: String) -> Bool {
        lock.withLock {
            guard let execution = executions[id] else { return false }
            executions[id]!.interrupted = true
            execution.continuation.yield(event)
            return true
        }
    }

    /// Whether something was sent from outside since the last call (and forgets it).
    func takeInterruption(_ id: String) -> Bool {
        lock.withLock {
            guard executions[id]?.interrupted == true else { return false }
            executions[id]!.interrupted = false
            return true
        }
    }

    /// Waits until the execution's driver has ended, `limit` at most; answers whether it did.
    func waitUntilGone(_ id: String, for limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while lock.withLock({ executions[id] != nil }) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}
