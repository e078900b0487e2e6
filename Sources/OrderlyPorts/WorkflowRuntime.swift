import Foundation
import OrderlyModel

/// The workflows the system runs, by the name their definitions are listed under.
public struct WorkflowName: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Reserve, pay, commit, confirm, notify; compensate in reverse on failure.
    public static let checkout = WorkflowName(rawValue: "checkout")
    /// Refund and restock a confirmed order, then cancel it.
    public static let cancelOrder = WorkflowName(rawValue: "cancel-order")
}

/// Where workflow executions run: Orderly's embedded engine, or AWS Step Functions. Services and the HTTP layer
/// start, wait for, describe and list executions only through this port.
public protocol WorkflowRuntime: Sendable {
    /// Durably starts an execution named `name` (unique per workflow) with `input`. When an execution of that
    /// workflow with that name exists it is not started again: its id is answered, as Step Functions answers a
    /// repeated `StartExecution`. The work goes on after this returns.
    /// - Returns: the execution's id (an execution ARN).
    func start(_ workflow: WorkflowName, name: String, input: [String: String]) async throws -> String

    /// The id the execution named `name` of `workflow` has, or will have once started (an execution ARN is its state
    /// machine's with the name): known before the start, so that the record that starts it can hold it from its
    /// first write.
    func executionID(of workflow: WorkflowName, name: String) throws -> String

    /// Waits until the execution has ended, `timeout` at most. Answers whether it ended.
    func waitForEnd(executionID: String, timeout: Duration) async -> Bool

    /// An execution with its input, outcome and history so far; `nil` when there is none with that id.
    func describe(executionID: String) async throws -> WorkflowExecution?

    /// Executions of a workflow, newest first, optionally of one status (without their histories).
    func executions(
        of workflow: WorkflowName, status: WorkflowExecution.Status?, page: PageRequest
    ) async throws -> Page<WorkflowExecution>

    /// Ends a running execution as `ABORTED` (`StopExecution`): its tasks are cancelled and no Catch runs. Stopping
    /// an execution that has ended changes nothing.
    /// - Throws: `not_found` when there is no such execution.
    func stop(executionID: String, error: String?, cause: String?) async throws

    /// The answer to a `.waitForTaskToken` task, by the token it was given (`$$.Task.Token`): `SendTaskSuccess`
    /// with its output (JSON text), `SendTaskFailure` with an error and cause its Retry and Catch act on, or
    /// `SendTaskHeartbeat`, which starts its `HeartbeatSeconds` again.
    /// - Throws: `validation_failed` (field `taskToken`) for a token no task was given; `conflict` when that task has
    ///   ended (succeeded, failed, timed out, or its execution did).
    func sendTaskSuccess(taskToken: String, output: String) async throws
    func sendTaskFailure(taskToken: String, error: String?, cause: String?) async throws
    func sendTaskHeartbeat(taskToken: String) async throws
}

/// A workflow execution as an operator sees it (AWS's `DescribeExecution` and `GetExecutionHistory` in one).
public struct WorkflowExecution: Hashable, Sendable {
    /// The status of an execution, named as AWS names it.
    public enum Status: String, Hashable, Sendable, CaseIterable {
        case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", timedOut = "TIMED_OUT"
        case aborted = "ABORTED"
    }

    /// One entry of the history, as in AWS's `GetExecutionHistory`.
    public struct HistoryEntry: Hashable, Sendable {
        public var id: Int
        public var previousEventID: Int
        public var timestamp: Date
        /// `ExecutionStarted`, `TaskStateEntered`, `TaskScheduled`, `TaskSucceeded`, ...
        public var type: String
        /// The event's details object, as JSON text.
        public var details: String

        public init(id: Int, previousEventID: Int, timestamp: Date, type: String, details: String) {
            self.id = id
            self.previousEventID = previousEventID
            self.timestamp = timestamp
            self.type = type
            self.details = details
        }
    }

    /// The execution ARN.
    public var id: String
    public var name: String
    /// The name of the workflow (state machine) it runs.
    public var workflow: String
    public var status: Status
    public var startedAt: Date
    /// JSON text.
    public var input: String
    /// JSON text, once it succeeded.
    public var output: String?
    public var error: String?
    public var cause: String?
    /// Empty in listings.
    public var history: [HistoryEntry]

    public init(
        id: String, name: String, workflow: String, status: Status, startedAt: Date, input: String, output: String?,
        error: String?, cause: String?, history: [HistoryEntry]
    ) {
        self.id = id
        self.name = name
        self.workflow = workflow
        self.status = status
        self.startedAt = startedAt
        self.input = input
        self.output = output
        self.error = error
        self.cause = cause
        self.history = history
    }
}
