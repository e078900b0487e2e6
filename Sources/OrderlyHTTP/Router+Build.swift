import Foundation
import Hummingbird
import Logging
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import Prometheus

/// Everything the HTTP layer needs, built by the composition root: the use cases, and what only HTTP uses.
public struct HTTPDependencies: Sendable {
    public var services: UseCases
    public var tokens: TokenAuthority
    public var metrics: PrometheusCollectorRegistry
    /// The key the payment gateway signs webhooks with.
    public var webhookSecret: String
    public var clock: any WallClock
    /// The store currency (stated in the OpenAPI document).
    public var currency: Currency
    /// What every answer waits for: the writes before it on the disk.
    public var durability: any StorageDurability
    /// Brings the metrics counted elsewhere (the database's commits) into `metrics` before `/metrics` answers.
    public var refreshMetrics: @Sendable () -> Void = {}

    public init(
        services: UseCases, tokens: TokenAuthority, metrics: PrometheusCollectorRegistry, webhookSecret: String,
        clock: any WallClock, currency: Currency, durability: any StorageDurability
    ) {
        self.durability = durability
        self.currency = currency
        self.services = services
        self.tokens = tokens
        self.metrics = metrics
        self.webhookSecret = webhookSecret
        self.clock = clock
    }
}

/// The handlers of every route, over the use cases they call.
struct APIRoutes: Sendable {
    let services: UseCases
    let dependencies: HTTPDependencies
    let table: RouteTable
}

/// Builds the router of the whole API with its middleware: request ids, metrics, problem+json errors, answers held
/// until durable, bearer auth.
///
/// Kept apart from the application so tests drive it without a socket and a Lambda can reuse it.
/// - Parameter table: where the routes are recorded (a test walks it); a new one by default.
public func buildRouter(
    _ dependencies: HTTPDependencies, recordingInto table: RouteTable = RouteTable()
) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware(registry: dependencies.metrics))
    router.add(middleware: ProblemMiddleware(routes: table))
    router.add(middleware: DurableAnswersMiddleware(storage: dependencies.durability))
    router.add(middleware: AuthMiddleware(tokens: dependencies.tokens, accounts: dependencies.services.accounts))

    let routes = APIRoutes(services: dependencies.services, dependencies: dependencies, table: table)
    routes.addUserRoutes(to: router)
    routes.addCatalogRoutes(to: router)
    routes.addCartRoutes(to: router)
    routes.addOrderRoutes(to: router)
    routes.addPaymentRoutes(to: router)
    routes.addNotificationRoutes(to: router)
    routes.addWorkflowRoutes(to: router)
    routes.addDeliveryRoutes(to: router)
    routes.addSubscriptionRoutes(to: router)
    routes.addAdminRoutes(to: router)
    try routes.addOperationRoutes(to: router)
    return router
}

extension APIRoutes {
    func addOperationRoutes(to router: Router<AppRequestContext>) throws {
        router.add(
            RouteSpec(.get, "/health", "The process is up", access: .anyone, success: (200, "Health")), in: table
        ) { _, _ in
            try JSONResponse.make(["status": "ok"])
        }

        router.add(
            RouteSpec(.get, "/ready", "Storage is reachable", access: .anyone, success: (200, "Health"), errors: [503]),
            in: table
        ) { _, context in
            do {
                try await services.operations.checkStorage()
                return try JSONResponse.make(["status": "ready"])
            } catch {
                context.logger.warning("storage unreachable", metadata: ["error": "\(error)"])
                return try JSONResponse.make(["status": "unavailable"], status: .serviceUnavailable)
            }
        }

        router.add(
            RouteSpec(.get, "/metrics", "Prometheus metrics", access: .anyone, success: (200, nil)), in: table
        ) { _, _ in
            dependencies.refreshMetrics()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: dependencies.metrics.emitToBuffer())))
        }

        // The document lists itself, so register the route first and build the document from the full table.
        let document = DocumentBox()
        router.add(
            RouteSpec(.get, "/openapi.json", "This OpenAPI 3.1 document", access: .anyone, success: (200, "Document")),
            in: table
        ) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: document.data)))
        }
        document.data = try OpenAPIDocument.make(from: table.specs, currency: dependencies.currency)
    }
}

/// Holds the OpenAPI bytes, written once while the router is built and only read after.
final class DocumentBox: @unchecked Sendable {
    var data = Data()
}
