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

    /// Throws when storage cannot answer a trivial query.
    public func checkStorage() async throws {
        try await health.checkReachable()
    }
}
