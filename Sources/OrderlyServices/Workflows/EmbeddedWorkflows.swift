import Foundation
import Logging
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import WorkflowEngine

/// Runs the shipped workflows in this process: starts are durable (journaled before `start` returns), executions
/// run in the background, and unfinished ones are resumed by ``resumeUnfinished()`` after a restart.
public actor EmbeddedWorkflows: WorkflowLauncher {
    public let engine: WorkflowEngine
    private let definitions: [String: PreparedDefinition]
    private var running: [String: Task<Void, Never>] = [:]
    private let logger: Logger
    /// Told of every execution that ends (for metrics).
    private let onEnd: @Sendable (ExecutionResult) -> Void

    /// - Parameters:
    ///   - tasks: the handlers of every Task resource the definitions name.
    ///   - journal: where executions are recorded.
    ///   - clock: the engine's clock (for Wait states, retries and timeouts).
    ///   - onEnd: told of every execution that ends here, with its outcome and history.
    public init(
        tasks: any TaskResolver, journal: any ExecutionJournal, clock: any EngineClock, logger: Logger,
        onEnd: @escaping @Sendable (ExecutionResult) -> Void = { _ in }
    ) throws {
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
        do {
            _ = try await engine.begin(definition, name: name, input: .object(input.mapValues(JSON.string)))
        } catch let error as StatesError where error.error == "ExecutionAlreadyExists" {
            return id
        }
        launch(id)
        return id
    }

    public func waitForEnd(executionID: String, timeout: Duration) async -> Bool {
        guard let task = running[executionID] else {
            return (try? await engine.journal.unfinished().contains(executionID)) == false
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await task.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let ended = await group.next() ?? false
            group.cancelAll()
            return ended
        }
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

    /// An execution rebuilt from its journal, for the admin API.
    public func describe(executionID: String) async throws -> ExecutionSnapshot? {
        try await engine.describe(executionID: executionID)
    }

    private func launch(_ id: String) {
        let engine = self.engine
        let logger = self.logger
        let onEnd = self.onEnd
        running[id] = Task { [weak self] in
            do {
                let result = try await engine.resume(executionID: id)
                onEnd(result)
                logger.info(
                    "workflow execution ended",
                    metadata: ["execution_id": "\(id)", "status": "\(result.outcome.status.rawValue)"])
            } catch is CancellationError {
                logger.info("workflow execution paused for shutdown", metadata: ["execution_id": "\(id)"])
            } catch {
                logger.error("workflow execution could not run", metadata: ["execution_id": "\(id)", "error": "\(error)"])
            }
            await self?.finished(id)
        }
    }

    private func finished(_ id: String) {
        running[id] = nil
    }
}
