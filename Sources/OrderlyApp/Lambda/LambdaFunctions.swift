import AWSAdapters
import Foundation
import Logging
import OrderlyModel
import OrderlyServices
import StatesLanguage
import WorkflowEngine

/// The Lambda functions of the serverless deployment, one binary for all: `_HANDLER` says which one a function is.
///
/// | `_HANDLER` | event | does |
/// | --- | --- | --- |
/// | `api` | API Gateway HTTP API (2.0) | the HTTP API, through the server's router |
/// | `task.<Name>` | the task input Step Functions sends | one checkout task (`task.ReserveInventory`, ...) |
/// | `outbox` | a schedule | puts pending outbox events on the EventBridge bus |
/// | `consumer.<name>` | SQS records of EventBridge events | one event consumer (`consumer.notifications`, ...) |
/// | `scheduler` | a schedule | places due subscription runs, releases expired holds, settles pending refunds, starts stranded checkouts |
public struct LambdaFunctions: Sendable {
    public enum Handler: Hashable, Sendable {
        case api, outbox, scheduler
        case task(String)
        case consumer(String)

        /// - Throws: ``ConfigurationError`` for a name that is none of them.
        public init(_ name: String) throws {
            switch name {
            case "api": self = .api
            case "outbox": self = .outbox
            case "scheduler": self = .scheduler
            case let name where name.hasPrefix("task.") && name.count > 5: self = .task(String(name.dropFirst(5)))
            case let name where name.hasPrefix("consumer.") && name.count > 9:
                self = .consumer(String(name.dropFirst(9)))
            default:
                throw ConfigurationError(
                    variable: "_HANDLER",
                    message: "must be api, outbox, scheduler, task.<Name> or consumer.<name>; it is \(name)")
            }
        }
    }

    public let handler: Handler
    public let composition: Composition
    let api: APIGatewayBridge?

    /// Builds the system for one function (the `aws` backend, from the environment) and checks that the handler
    /// exists, so that a misconfigured function fails at init, not at its first event.
    public init(handler: Handler, configuration: OrderlyConfiguration, logger: Logger) async throws {
        guard configuration.backend == .aws else {
            throw ConfigurationError(variable: "ORDERLY_BACKEND", message: "must be aws in Lambda")
        }
        self.handler = handler
        composition = try await Composition(configuration, logger: logger)
        // The first admin (ORDERLY_ADMIN_EMAIL / ORDERLY_ADMIN_PASSWORD), as `serve` makes it.
        if handler == .api { try await composition.ensureConfiguredAdmin(logger: logger) }
        api =
            handler == .api
            ? APIGatewayBridge(responder: try composition.router().buildResponder(), logger: logger) : nil
        switch handler {
        case .task(let name) where composition.checkoutTasks.registry().handler(for: Self.resource(name)) == nil:
            throw ConfigurationError(variable: "_HANDLER", message: "no checkout task is named \(name)")
        case .consumer(let name) where !composition.dispatcher.consumerNames.contains(name):
            throw ConfigurationError(
                variable: "_HANDLER",
                message:
                    "no consumer is named \(name) (\(composition.dispatcher.consumerNames.joined(separator: ", ")))")
        default: break
        }
    }

    static func resource(_ task: String) -> String { WorkflowDefinitions.localResource(task) }

    /// Handles one event.
    /// - Throws: ``LambdaRuntime/FunctionError``: for a task, its `type` is the States error name (what the state
    ///   machine's Retry and Catch match).
    public func handle(_ event: Data, requestID: String) async throws -> Data {
        switch handler {
        case .api:
            guard let api else { throw ConfigurationError(variable: "_HANDLER", message: "api was not set up") }
            return try await api.handle(event)
        case .task(let name):
            return try await task(name, event: event)
        case .outbox:
            return Data(try await dispatchOutbox().serialized().utf8)
        case .consumer(let name):
            return Data(try await consume(name, event: event).serialized().utf8)
        case .scheduler:
            let placed = try await composition.scheduler.tick()
            let released = try await composition.sweeper.sweep()
            try await composition.services.payments.settlePendingRefunds(
                before: composition.clock.now().addingTimeInterval(-10))
            // Orders stored whose execution never started (the API stopped in between): started now, by name, so
            // one the API did start is not started twice.
            try await composition.services.orders.startStrandedCheckouts()
            return Data(JSON.object(["placed": .int(placed), "released": .int(released)]).serialized().utf8)
        }
    }

    /// One checkout task. Its idempotency key is the `step` Step Functions passes (execution and state), the same
    /// for every retry of the state.
    func task(_ name: String, event: Data) async throws -> Data {
        let input = try Self.parse(event)
        guard let handler = composition.checkoutTasks.registry().handler(for: Self.resource(name)) else {
            throw LambdaRuntime.FunctionError(type: "States.Runtime", message: "No task \(name).")
        }
        let orderID = input["orderId"]?.stringValue ?? ""
        let step = input["step"]?.stringValue ?? "\(name)/\(orderID)"
        let invocation = TaskInvocation(
            token: step, resource: Self.resource(name), input: input, stateName: name,
            executionID: String(step.split(separator: "/").first ?? ""), retryCount: 0, idempotencyKey: step,
            timeoutSeconds: nil)
        do {
            return Data(try await handler.invoke(invocation).serialized().utf8)
        } catch let error as StatesError {
            throw LambdaRuntime.FunctionError(type: error.error, message: error.cause)
        }
    }

    /// Puts pending outbox events on the bus, a batch at a time, marking each batch once the bus took it.
    func dispatchOutbox() async throws -> JSON {
        guard let relay = composition.outboxRelay else {
            throw ConfigurationError(variable: "ORDERLY_BACKEND", message: "must be aws")
        }
        return ["sent": .int(try await relay.relayPending())]
    }

    /// SQS records, each an EventBridge event, handed to one consumer. The records that fail are answered as
    /// `batchItemFailures` (the event source mapping's `ReportBatchItemFailures`): only they come back, until their
    /// last receive, when the event goes to the dead letters (replayable through the admin API) instead.
    func consume(_ name: String, event: Data) async throws -> JSON {
        var failures: [JSON] = []
        for record in try Self.parse(event)["Records"]?.arrayValue ?? [] {
            let id = record["messageId"]?.stringValue ?? ""
            do {
                let envelope = try SQSEventConsumerLoop.envelope(from: record["body"]?.stringValue ?? "")
                let receives = record["attributes"]?["ApproximateReceiveCount"]?.stringValue.flatMap { Int($0) } ?? 1
                try await composition.dispatcher.deliverOnce(
                    envelope, to: name, attempt: receives, lastAttempt: AWSBackend.maxReceiveCount)
            } catch {
                composition.logger.error(
                    "consumer failed", metadata: ["consumer": "\(name)", "message_id": "\(id)", "error": "\(error)"])
                failures.append(["itemIdentifier": .string(id)])
            }
        }
        return ["batchItemFailures": .array(failures)]
    }

    static func parse(_ event: Data) throws -> JSON {
        do {
            return try JSON(parsing: String(decoding: event, as: UTF8.self))
        } catch {
            throw LambdaRuntime.FunctionError(type: "InvalidEvent", message: "The event is not JSON: \(error)")
        }
    }

    /// What the Runtime API is told of an error.
    public static func describe(_ error: any Error) -> LambdaRuntime.FunctionError {
        switch error {
        case let error as LambdaRuntime.FunctionError: return error
        case let error as ConfigurationError: return .init(type: "Configuration", message: error.description)
        case let error as OrderlyError: return .init(type: error.code.rawValue, message: error.message)
        default: return .init(type: "Unhandled", message: "\(error)")
        }
    }
}
