import Foundation
import OrderlyModel
import OrderlyPorts

/// What operators look at and act on: the event log, the dead letters and their replay, workflow executions, and
/// whether storage answers.
public struct OperationsService: Sendable {
    let eventLog: any EventLogStore
    let ledger: any ConsumerLedger
    let dispatcher: EventDispatcher
    let workflows: any WorkflowRuntime
    let health: any StorageHealth

    public init(
        eventLog: any EventLogStore, ledger: any ConsumerLedger, dispatcher: EventDispatcher,
        workflows: any WorkflowRuntime, health: any StorageHealth
    ) {
        self.eventLog = eventLog
        self.ledger = ledger
        self.dispatcher = dispatcher
        self.workflows = workflows
        self.health = health
    }

    /// The event log, newest first, optionally of one `detail-type`.
    public func events(type: String?, page: PageRequest) async throws -> Page<EventEnvelope> {
        try await eventLog.loggedEvents(type: type, page: page)
    }

    /// Events a consumer could not handle, newest first.
    public func deadLetters(page: PageRequest) async throws -> Page<DeadLetter> {
        try await ledger.deadLetters(page: page)
    }

    /// Delivers a dead letter to its consumer again.
    /// - Throws: `not_found` when there is no such dead letter.
    public func replay(deadLetterID: String) async throws -> DeadLetter {
        guard let letter = try await dispatcher.replay(deadLetterID: deadLetterID) else {
            throw OrderlyError.notFound("dead letter")
        }
        return letter
    }

    /// A workflow execution with its history.
    /// - Throws: `not_found` when there is none with that id.
    public func execution(_ id: String) async throws -> WorkflowExecution {
        guard id.count <= 512, let execution = try await workflows.describe(executionID: id) else {
            throw OrderlyError.notFound("execution")
        }
        return execution
    }

    /// Executions of a workflow, newest first.
    /// - Throws: `validation_failed` for a workflow Orderly does not ship.
    public func executions(
        of workflow: WorkflowName, status: WorkflowExecution.Status?, page: PageRequest
    ) async throws -> Page<WorkflowExecution> {
        guard WorkflowDefinitions.text(of: workflow) != nil else {
            throw OrderlyError.validation(
                field: "workflow", "must be one of \(WorkflowDefinitions.all.map(\.name).joined(separator: ", "))")
        }
        return try await workflows.executions(of: workflow, status: status, page: page)
    }

    /// Stops a running execution (`ABORTED`; no compensation runs, as on Step Functions) and answers it as it is then.
    /// - Throws: `not_found`; `validation_failed` for an error or cause longer than AWS allows.
    public func stop(executionID id: String, error: String?, cause: String?) async throws -> WorkflowExecution {
        try OrderlyError.throwIfAny(Self.failureIssues(error: error, cause: cause))
        _ = try await execution(id)
        try await workflows.stop(executionID: id, error: error, cause: cause)
        return try await execution(id)
    }

    /// Answers a task that waits for its token: success with `output` (JSON text), failure with `error` and
    /// `cause`, or a heartbeat when neither is given.
    public func answerTask(_ answer: TaskAnswer) async throws {
        var issues = Validate.text(answer.taskToken, field: "taskToken", length: 1...1024)
        switch answer.kind {
        case .success(let output) where output.utf8.count > 262_144:
            issues.append(FieldIssue(field: "output", message: "must be at most 256 KiB"))
        case .failure(let error, let cause): issues += Self.failureIssues(error: error, cause: cause)
        default: break
        }
        try OrderlyError.throwIfAny(issues)
        switch answer.kind {
        case .success(let output): try await workflows.sendTaskSuccess(taskToken: answer.taskToken, output: output)
        case .failure(let error, let cause):
            try await workflows.sendTaskFailure(taskToken: answer.taskToken, error: error, cause: cause)
        case .heartbeat: try await workflows.sendTaskHeartbeat(taskToken: answer.taskToken)
        }
    }

    /// An error name and cause within AWS's limits (256 and 32,768 characters); the cause may span lines.
    static func failureIssues(error: String?, cause: String?) -> [FieldIssue] {
        (error.map { Validate.text($0, field: "error", length: 0...256) } ?? [])
            + (cause.map { Validate.text($0, field: "cause", length: 0...32768, allowNewlines: true) } ?? [])
    }

    /// Throws when storage cannot answer a trivial query.
    public func checkStorage() async throws {
        try await health.checkReachable()
    }
}

/// What is sent back for a task that waits for its token.
public struct TaskAnswer: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `SendTaskSuccess`, with the task's output as JSON text.
        case success(output: String)
        /// `SendTaskFailure`.
        case failure(error: String?, cause: String?)
        /// `SendTaskHeartbeat`.
        case heartbeat
    }

    public var taskToken: String
    public var kind: Kind

    public init(taskToken: String, kind: Kind) {
        self.taskToken = taskToken
        self.kind = kind
    }
}
