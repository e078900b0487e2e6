import Foundation
import Hummingbird
import Logging
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import Prometheus

/// Everything the HTTP layer needs, built by the composition root.
public struct HTTPDependencies: Sendable {
    public var accounts: AccountService
    public var catalog: CatalogService
    public var carts: CartService
    public var orders: OrderService
    public var payments: PaymentService
    public var notifier: Notifier
    public var workflows: EmbeddedWorkflows
    public var deliveries: DeliveryService
    public var subscriptions: SubscriptionService
    public var reports: ReportService
    public var eventLog: any EventLogStore
    public var deadLetters: any ConsumerLedger
    public var dispatcher: EventDispatcher
    public var idempotency: IdempotencyService
    public var tokens: TokenAuthority
    public var health: any StorageHealth
    public var metrics: PrometheusCollectorRegistry
    public var webhookSecret: String
    public var clock: any WallClock

    public init(
        accounts: AccountService, catalog: CatalogService, carts: CartService, orders: OrderService,
        payments: PaymentService, notifier: Notifier, workflows: EmbeddedWorkflows, deliveries: DeliveryService,
        subscriptions: SubscriptionService, reports: ReportService, eventLog: any EventLogStore,
        deadLetters: any ConsumerLedger, dispatcher: EventDispatcher,
        idempotency: IdempotencyService, tokens: TokenAuthority, health: any StorageHealth,
        metrics: PrometheusCollectorRegistry, webhookSecret: String, clock: any WallClock
    ) {
        self.accounts = accounts
        self.catalog = catalog
        self.carts = carts
        self.orders = orders
        self.payments = payments
        self.notifier = notifier
        self.workflows = workflows
        self.deliveries = deliveries
        self.subscriptions = subscriptions
        self.reports = reports
        self.eventLog = eventLog
        self.deadLetters = deadLetters
        self.dispatcher = dispatcher
        self.idempotency = idempotency
        self.tokens = tokens
        self.health = health
        self.metrics = metrics
        self.webhookSecret = webhookSecret
        self.clock = clock
    }
}

/// The handlers of every route, over the services they call.
struct APIRoutes: Sendable {
    let dependencies: HTTPDependencies
    let table: RouteTable

    var accounts: AccountService { dependencies.accounts }
    var catalog: CatalogService { dependencies.catalog }
    var carts: CartService { dependencies.carts }
    var orders: OrderService { dependencies.orders }
    var payments: PaymentService { dependencies.payments }
    var notifier: Notifier { dependencies.notifier }
    var workflows: EmbeddedWorkflows { dependencies.workflows }
    var deliveries: DeliveryService { dependencies.deliveries }
    var subscriptions: SubscriptionService { dependencies.subscriptions }
    var reports: ReportService { dependencies.reports }
    var idempotency: IdempotencyService { dependencies.idempotency }
    var tokens: TokenAuthority { dependencies.tokens }
    var health: any StorageHealth { dependencies.health }
    var metrics: PrometheusCollectorRegistry { dependencies.metrics }
    var webhookSecret: String { dependencies.webhookSecret }
    var clock: any WallClock { dependencies.clock }
}

/// Builds the router of the whole API with its middleware: request ids, metrics, problem+json errors, bearer auth.
///
/// Kept apart from the application so tests drive it without a socket and a Lambda can reuse it.
public func buildRouter(_ dependencies: HTTPDependencies) throws -> Router<AppRequestContext> {
    let table = RouteTable()
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware(registry: dependencies.metrics))
    router.add(middleware: ProblemMiddleware(routes: table))
    router.add(middleware: AuthMiddleware(tokens: dependencies.tokens))

    let routes = APIRoutes(dependencies: dependencies, table: table)
    routes.addUserRoutes(to: router)
    routes.addCatalogRoutes(to: router)
    routes.addCartRoutes(to: router)
    routes.addOrderRoutes(to: router)
    routes.addPaymentRoutes(to: router)
    routes.addAdminWorkflowRoutes(to: router)
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
                try await health.checkReachable()
                return try JSONResponse.make(["status": "ready"])
            } catch {
                context.logger.warning("storage unreachable", metadata: ["error": "\(error)"])
                return try JSONResponse.make(["status": "unavailable"], status: .serviceUnavailable)
            }
        }

        router.add(
            RouteSpec(.get, "/metrics", "Prometheus metrics", access: .anyone, success: (200, nil)), in: table
        ) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
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
        document.data = try OpenAPIDocument.make(from: table.specs)
    }
}

/// Holds the OpenAPI bytes, written once while the router is built and only read after.
final class DocumentBox: @unchecked Sendable {
    var data = Data()
}
