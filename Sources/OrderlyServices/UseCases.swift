import OrderlyPorts

/// Every use case the interfaces call (the HTTP API now; web pages and Lambda handlers later): the one list of
/// services. The composition root builds it; adding a service means adding it here and building it there.
public struct UseCases: Sendable {
    public var accounts: AccountService
    public var catalog: CatalogService
    public var carts: CartService
    public var orders: OrderService
    public var payments: PaymentService
    public var notifications: Notifier
    public var deliveries: DeliveryService
    public var subscriptions: SubscriptionService
    public var reports: ReportService
    public var operations: OperationsService
    public var idempotency: IdempotencyService

    public init(
        accounts: AccountService, catalog: CatalogService, carts: CartService, orders: OrderService,
        payments: PaymentService, notifications: Notifier, deliveries: DeliveryService,
        subscriptions: SubscriptionService, reports: ReportService, operations: OperationsService,
        idempotency: IdempotencyService
    ) {
        self.accounts = accounts
        self.catalog = catalog
        self.carts = carts
        self.orders = orders
        self.payments = payments
        self.notifications = notifications
        self.deliveries = deliveries
        self.subscriptions = subscriptions
        self.reports = reports
        self.operations = operations
        self.idempotency = idempotency
    }
}
