import AWSAdapters
import Foundation
import Hummingbird
import Logging
import OrderlyHTTP
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import OrderlyWeb
import Prometheus
import ServiceLifecycle
import StoreSQLite
import WorkflowEngine

/// Parts a test may replace; production leaves them alone.
public struct AppOverrides: Sendable {
    /// The clock every service and token check uses.
    public var clock: (any WallClock)?
    /// The bcrypt work factor; tests may lower it to save time, production always uses 10.
    public var bcryptCost: UInt8?
    /// The workflow engine's clock (Wait states, retry back-off, task timeouts).
    public var engineClock: (any EngineClock)?
    /// How the event dispatcher waits between retries of a failing consumer.
    public var dispatcherPause: (@Sendable (Duration) async throws -> Void)?
    /// Extra event consumers (tests add failing ones).
    public var extraConsumers: [any EventConsumer] = []

    public init(
        clock: (any WallClock)? = nil, bcryptCost: UInt8? = nil, engineClock: (any EngineClock)? = nil,
        dispatcherPause: (@Sendable (Duration) async throws -> Void)? = nil, extraConsumers: [any EventConsumer] = []
    ) {
        self.clock = clock
        self.bcryptCost = bcryptCost
        self.engineClock = engineClock
        self.dispatcherPause = dispatcherPause
        self.extraConsumers = extraConsumers
    }
}

/// Every storage port the services use; SQLite (`embedded`) and DynamoDB (`aws`) adapt them all.
public typealias StorePorts = UserStore & LoginAttemptStore & CatalogStore & InventoryStore & CartStore & OrderStore
    & PaymentStore & DeliveryStore & SubscriptionStore & SalesStore & EventOutbox & ConsumerLedger & EventLogStore
    & IdempotencyStore & NotificationStore & StorageHealth

/// The assembled system: adapters chosen, services built. The one place that sees both ports and adapters.
public struct Composition: Sendable {
    public let configuration: OrderlyConfiguration
    /// Where state lives: the SQLite database, or the DynamoDB tables with `ORDERLY_BACKEND=aws`.
    public let store: any StorePorts
    /// The embedded database; `nil` with the `aws` backend.
    public let sqlite: SQLiteStore?
    /// The AWS resources with the `aws` backend.
    public let aws: AWSBackend?
    public let clock: any WallClock
    /// Every use case, as the interfaces call them.
    public let services: UseCases
    /// The checkout workflows' task handlers.
    public let checkoutTasks: CheckoutTasks
    /// The payment gateway simulator, with its ledger of charges and refunds.
    public let gateway: SimulatedPaymentGateway
    /// Orderly's engine, when executions run in this process; `nil` with Step Functions.
    public let workflows: EmbeddedWorkflowRuntime?
    /// Where executions run, as the services see it: the embedded engine or Step Functions.
    public let runtime: any WorkflowRuntime
    public let scheduler: SubscriptionScheduler
    public let dispatcher: EventDispatcher
    /// On the aws backend, what puts the outbox on the event bus (consumers then read their queues).
    public let outboxRelay: OutboxRelay?
    /// On the embedded backend, what sends the mail of queued notifications.
    public let mailRelay: MailRelay?
    public let sweeper: ReservationSweeper
    public let tokens: TokenAuthority
    public let metrics: PrometheusCollectorRegistry
    /// The embedded database's commits, as metrics.
    let commitMetrics: CommitMetrics?
    public let webhookSecret: String
    public let dataDirectory: DataDirectory
    /// What an answer to the outside waits for: the embedded database's commits synced; DynamoDB's are already.
    public let durability: any StorageDurability
    let logger: Logger

    /// Opens the data folder and database (applying migrations) and builds every service.
    public init(
        _ configuration: OrderlyConfiguration, overrides: AppOverrides = AppOverrides(),
        logger: Logger = Logger(label: "orderly")
    ) async throws {
        try configuration.validate()
        let dataDirectory = try DataDirectory(path: configuration.dataDirectory)
        let store: any StorePorts
        let journal: any ExecutionJournal
        var leases: (any ExecutionLeases)?
        let mailer: any Mailer
        var mailRelay: MailRelay?
        let blobs: any BlobStore
        let durability: any StorageDurability
        let clock = overrides.clock ?? SystemClock()
        switch configuration.backend {
        case .embedded:
            let sqlite = try SQLiteStore(path: dataDirectory.databasePath)
            (store, journal, self.sqlite, aws, durability) = (sqlite, sqlite, sqlite, nil, sqlite)
            mailer = try FileMailer(folder: dataDirectory.url.appendingPathComponent("mail"), clock: clock)
            // Mail is recorded with its notification and sent by the relay once a sync covers it.
            mailRelay = MailRelay(
                store: sqlite, users: sqlite, mailer: mailer, durability: sqlite, logger: logger)
            blobs = BlobsWithEarlierFiles(
                store: sqlite, files: try FileBlobStore(folder: dataDirectory.url.appendingPathComponent("blobs")))
        case .aws:
            // Several processes share the tables: the workflow journal's leases decide who drives an execution.
            let backend = try AWSBackend(configuration)
            (store, journal, leases, self.sqlite, aws) = (backend.store, backend.journal, backend.journal, nil, backend)
            durability = AlreadyDurable()
            mailer = SNSMailer(topic: try await backend.notificationsTopic())
            blobs = backend.receipts
        }
        let env = ServiceEnvironment(
            clock: clock, ids: SortableIDGenerator(clock: clock), currency: configuration.currency)
        self.configuration = configuration
        self.dataDirectory = dataDirectory
        self.store = store
        self.clock = clock
        self.logger = logger
        tokens = try await TokenAuthority(
            secret: try dataDirectory.jwtSecret(configured: configuration.jwtSecret),
            lifetime: TimeInterval(configuration.tokenLifetimeSeconds), clock: clock)
        webhookSecret = try dataDirectory.secret(named: "webhook-secret", configured: configuration.webhookSecret)

        let gateway = try SimulatedPaymentGateway(
            ledgerFile: dataDirectory.url.appendingPathComponent("gateway/ledger.jsonl"))
        self.gateway = gateway
        self.durability = durability
        let charging = DurableBeforeCharging(gateway: gateway, storage: durability)
        let receipts = ReceiptService(blobs: blobs)
        self.mailRelay = mailRelay
        let notifier = Notifier(notifications: store, users: store, mailer: mailer, relay: mailRelay, env: env)
        let payments = PaymentService(payments: store, orders: store, gateway: charging, ledger: store, env: env)
        let deliveries = DeliveryService(deliveries: store, orders: store, users: store, env: env)
        let tasks = CheckoutTasks(
            orders: store, inventory: store, payments: store, gateway: charging, outbox: store,
            paymentService: payments,
            deliveries: deliveries, notifier: notifier, receipts: receipts, env: env,
            reservationTTL: TimeInterval(configuration.reservationTTLSeconds))
        checkoutTasks = tasks
        let metrics = PrometheusCollectorRegistry()
        self.metrics = metrics
        commitMetrics = sqlite.map { CommitMetrics(store: $0, registry: metrics) }
        switch (configuration.workflows, aws) {
        case (.stepfunctions, let backend?):
            workflows = nil
            runtime = StepFunctionsRuntime(
                client: backend.client,
                stateMachines: Dictionary(
                    uniqueKeysWithValues: configuration.stateMachineARNs.map {
                        (WorkflowName(rawValue: $0.key), $0.value)
                    }))
        default:
            let engine = try EmbeddedWorkflowRuntime(
                tasks: tasks.registry(), journal: journal, clock: overrides.engineClock ?? SystemEngineClock(),
                logger: logger, leases: leases,
                onEnd: { result in Self.recordWorkflowMetrics(result, into: metrics) })
            (workflows, runtime) = (engine, engine)
        }
        var orders = OrderService(
            orders: store, carts: store, catalog: store, users: store, workflows: runtime, payments: store,
            inventory: store, receipts: receipts, env: env)
        orders.unpaidCashLimit = configuration.maximumUnpaidOrders
        let subscriptions = SubscriptionService(subscriptions: store, catalog: store, orders: store, env: env)
        scheduler = SubscriptionScheduler(subscriptions: store, orders: orders, outbox: store, env: env, logger: logger)
        // The embedded database's event log is its outbox, so nothing need copy the events into it.
        let analytics: [any EventConsumer] = store.logsRecordedEvents ? [] : [AnalyticsConsumer(log: store)]
        let consumers: [any EventConsumer] =
            [CancellationConsumer(orders: orders), NotificationConsumer(notifier: notifier)] + analytics
            + [SalesConsumer(store: store)] + overrides.extraConsumers
        let dispatcher: EventDispatcher
        if let pause = overrides.dispatcherPause {
            dispatcher = EventDispatcher(
                outbox: store, ledger: store, consumers: consumers, clock: clock, logger: logger, pause: pause)
        } else {
            dispatcher = EventDispatcher(
                outbox: store, ledger: store, consumers: consumers, clock: clock, logger: logger)
        }
        self.dispatcher = dispatcher
        outboxRelay = aws.map {
            OutboxRelay(outbox: store, bus: EventBridgeBus(client: $0.client, name: $0.busName), clock: clock)
        }
        sweeper = ReservationSweeper(inventory: store, env: env)
        services = UseCases(
            accounts: AccountService(
                users: store, loginAttempts: store, hasher: BcryptPasswordHasher(cost: overrides.bcryptCost ?? 10),
                env: env),
            catalog: CatalogService(catalog: store, env: env),
            carts: CartService(carts: store, catalog: store, env: env),
            orders: orders, payments: payments, notifications: notifier, deliveries: deliveries,
            subscriptions: subscriptions, reports: ReportService(sales: store, env: env),
            operations: OperationsService(
                eventLog: store, ledger: store, dispatcher: dispatcher, workflows: runtime, health: store),
            idempotency: IdempotencyService(store: store, clock: clock))
    }

    /// Counts ended executions by workflow, status and error, and the state transitions they made.
    static func recordWorkflowMetrics(_ result: ExecutionResult, into metrics: PrometheusCollectorRegistry) {
        let workflow = result.info.stateMachineName
        metrics.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "workflow_executions_total", unitName: "",
                helpText: "Workflow executions that ended, by workflow, status and error"),
            labels: [
                ("workflow", workflow), ("status", result.outcome.status.rawValue),
                ("error", result.outcome.error ?? ""),
            ]
        ).increment()
        let transitions = result.history.count { $0.type.hasSuffix("StateEntered") }
        metrics.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "workflow_state_transitions_total", unitName: "",
                helpText: "States entered by the workflow executions that ended"),
            labels: [("workflow", workflow)]
        ).increment(by: Int64(transitions))
    }

    /// Creates the configured first admin (`ORDERLY_ADMIN_EMAIL` / `ORDERLY_ADMIN_PASSWORD`) unless it exists.
    public func ensureConfiguredAdmin(logger: Logger) async throws {
        guard let email = configuration.adminEmail, let password = configuration.adminPassword else { return }
        let (user, created) = try await services.accounts.ensureAdmin(
            email: email, password: password, name: "Administrator")
        if created { logger.notice("created the configured admin", metadata: ["user_id": "\(user.id)"]) }
    }

    /// The HTTP router over these services: the API, and the web storefront's pages.
    /// - Parameter table: where the API's routes are recorded, for a caller that walks them (a test).
    public func router(recordingInto table: RouteTable = RouteTable()) throws -> Router<AppRequestContext> {
        var dependencies = HTTPDependencies(
            services: services, tokens: tokens, metrics: metrics, webhookSecret: webhookSecret, clock: clock,
            currency: configuration.currency, durability: durability)
        if let commitMetrics { dependencies.refreshMetrics = commitMetrics.update }
        let router = try buildRouter(dependencies, recordingInto: table)
        try WebRoutes(services: services, tokens: tokens, clock: clock, currency: configuration.currency).add(
            to: router)
        return router
    }

    /// The background services: workflow resumption, event delivery, the mail relay, the subscription scheduler, and
    /// the sweep of expired reservations and unsettled refunds.
    func backgroundServices() -> [any Service] {
        let sweeper = self.sweeper
        let scheduler = self.scheduler
        let payments = services.payments
        let clock = self.clock
        let interval = Duration.seconds(configuration.schedulerIntervalSeconds)
        let logger = self.logger
        return [
            WorkflowService(workflows: workflows, orders: services.orders, logger: logger)
        ] + eventDeliveryServices() + mailServices() + [
            LoopService { await scheduler.run(interval: interval) },
            LoopService {
                while !Task.isCancelled {
                    do {
                        try await sweeper.sweep()
                        // Refunds reserved a while ago and still not settled (the gateway was unreachable, or the
                        // process stopped). Asking again is safe: the gateway refunds once per refund id.
                        try await payments.settlePendingRefunds(before: clock.now().addingTimeInterval(-10))
                    } catch {
                        logger.error("sweep failed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: interval)
                }
            },
        ] + retentionServices()
    }

    /// The mail relay's loop, on the embedded backend (SNS sends its own).
    func mailServices() -> [any Service] {
        guard let relay = mailRelay else { return [] }
        return [LoopService { await relay.run() }]
    }

    /// What the configuration keeps, and for how long.
    var retentionPolicy: RetentionPolicy {
        RetentionPolicy(executions: Double(configuration.executionRetentionDays) * 86_400)
    }

    /// `orderly vacuum`: the retention pass now, then the database file compacted to what it holds.
    /// - Returns: how many of each kind were removed.
    public func vacuum() async throws -> [(what: String, removed: Int)] {
        guard let store = sqlite else { throw OrderlyError(.internal, "vacuum is for the embedded database") }
        let removed = try await store.prune(retentionPolicy, now: clock.now())
        try await store.compact()
        return removed
    }

    /// The embedded database's retention pass, hourly: finished executions past their retention and what else the
    /// policy lets go (DynamoDB's items expire by their TTLs instead).
    func retentionServices() -> [any Service] {
        guard let store = sqlite else { return [] }
        let policy = retentionPolicy
        let clock = self.clock
        let logger = self.logger
        return [
            LoopService {
                while !Task.isCancelled {
                    do {
                        let removed = try await store.prune(policy, now: clock.now()).filter { $0.removed > 0 }
                        if !removed.isEmpty {
                            logger.notice(
                                "retention pass",
                                metadata: .init(uniqueKeysWithValues: removed.map { ($0.what, "\($0.removed)") }))
                        }
                    } catch {
                        logger.error("retention pass failed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: .seconds(3600))
                }
            }
        ]
    }
}

/// Builds the whole embedded application: storage, services, the configured admin, the HTTP server and the
/// background services.
///
/// SIGTERM and SIGINT shut it down gracefully: the server stops accepting, in-flight requests finish, workflow
/// executions pause where their journal stands (they resume on the next start), and the process exits.
public func buildApplication(
    _ configuration: OrderlyConfiguration, overrides: AppOverrides = AppOverrides(),
    logger: Logger = Logger(label: "orderly")
) async throws -> some ApplicationProtocol {
    let composition = try await Composition(configuration, overrides: overrides, logger: logger)
    try await composition.ensureConfiguredAdmin(logger: logger)
    return Application(
        router: try composition.router(),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "orderly"),
        services: composition.backgroundServices(),
        logger: logger)
}
