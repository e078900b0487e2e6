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
/// When processes share the journal (leases), it also looks again every half lease for executions whose owner's
/// lease lapsed (a process that died) and takes them over. With Step Functions (no embedded engine) it only starts
/// the checkouts of orders that were stored but never started.
struct WorkflowService: Service {
    let workflows: EmbeddedWorkflowRuntime?
    let orders: OrderService
    let logger: Logger

    func run() async throws {
        do {
            try await workflows?.resumeUnfinished()
            try await orders.startStrandedCheckouts()
        } catch {
            logger.error("could not resume workflows", metadata: ["error": "\(error)"])
        }
        if let workflows, workflows.sharesJournal {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(workflows.leaseDuration / 2))
                    _ = try? await workflows.resumeUnfinished()
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        await workflows?.stopAll()
    }
}
