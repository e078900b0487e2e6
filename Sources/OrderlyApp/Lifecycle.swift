import AWSAdapters
import Foundation
import Logging
import OrderlyServices
import Prometheus
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

extension Composition {
    /// How events reach the consumers, with the outbox's backlog reported as metrics: embedded, the in-process
    /// dispatcher; on the aws backend, the outbox relayed to the event bus, whose rules feed each consumer's SQS
    /// queue, read here (so several servers share the work, and a failing event is retried by SQS and, on its last
    /// receive, kept in the dead letters).
    func eventDeliveryServices() -> [any Service] {
        let dispatcher = self.dispatcher
        let store = self.store
        let clock = self.clock
        let logger = self.logger
        let metrics = self.metrics
        // The gauges appear with the first report (the registry answers the same gauge for the same name): until
        // then the backlog is unknown, never a zero.
        let report: @Sendable (Int, TimeInterval) -> Void = { count, age in
            metrics.makeGauge(
                descriptor: MetricNameDescriptor(
                    metricName: "outbox_pending_events", unitName: "", helpText: "Events not yet delivered")
            ).set(Double(count))
            metrics.makeGauge(
                descriptor: MetricNameDescriptor(
                    metricName: "outbox_lag", unitName: "seconds", helpText: "Age of the oldest event not yet delivered"
                )
            ).set(age)
        }
        guard let relay = outboxRelay, let backend = aws else {
            return [LoopService { await dispatcher.run(interval: .milliseconds(100), report: report) }]
        }
        var services: [any Service] = [
            // Every read of the outbox is a request to DynamoDB: when there is nothing to relay, look less often
            // (up to once a second), and count the backlog once a second.
            LoopService {
                var idle = Duration.milliseconds(100)
                var counted = ContinuousClock.now - .seconds(60)
                while !Task.isCancelled {
                    do {
                        if ContinuousClock.now - counted >= .seconds(1) {
                            let (count, oldest) = try await store.backlog()
                            report(count, oldest.map { clock.now().timeIntervalSince($0) } ?? 0)
                            counted = ContinuousClock.now
                        }
                        if try await relay.relayPending() > 0 {
                            idle = .milliseconds(100)
                        } else {
                            try await Task.sleep(for: idle)
                            idle = min(idle * 2, .seconds(1))
                        }
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.error("relaying events failed", metadata: ["error": "\(error)"])
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
        ]
        for (consumer, _) in EventRoutes.all {
            services.append(
                LoopService {
                    var url: String?
                    while url == nil, !Task.isCancelled {
                        do {
                            url = try await backend.queueURL(consumer: consumer)
                        } catch {
                            logger.error(
                                "no queue for a consumer (run orderly aws provision)",
                                metadata: ["consumer": "\(consumer)", "error": "\(error)"])
                            try? await Task.sleep(for: .seconds(5))
                        }
                    }
                    guard let url else { return }
                    let loop = SQSEventConsumerLoop(queue: SQSQueue(client: backend.client, url: url)) {
                        event, receives in
                        try await dispatcher.deliverOnce(
                            event, to: consumer, attempt: receives, lastAttempt: AWSBackend.maxReceiveCount)
                    }
                    while !Task.isCancelled {
                        do {
                            try await loop.pass(wait: 5)
                        } catch is CancellationError {
                            return
                        } catch {
                            logger.error(
                                "receiving events failed", metadata: ["consumer": "\(consumer)", "error": "\(error)"])
                            try? await Task.sleep(for: .seconds(1))
                        }
                    }
                })
        }
        return services
    }
}
