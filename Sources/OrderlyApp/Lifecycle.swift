import Logging
import OrderlyServices
import ServiceLifecycle

/// Runs a loop as a lifecycle service: it starts with the application and is cancelled on graceful shutdown.
struct LoopService: Service {
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await body()
        }
    }
}

/// Resumes unfinished workflow executions at start; at shutdown stops driving them (they resume on next start).
struct WorkflowService: Service {
    let workflows: EmbeddedWorkflowRuntime
    let orders: OrderService
    let logger: Logger

    func run() async throws {
        do {
            try await workflows.resumeUnfinished()
            try await orders.startStrandedCheckouts()
        } catch {
            logger.error("could not resume workflows", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
        await workflows.stopAll()
    }
}
