import Foundation
import Hummingbird
import Logging
import OrderlyHTTP
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import Prometheus
import StoreSQLite

/// Parts a test may replace; production leaves them alone.
public struct AppOverrides: Sendable {
    /// The clock every service and token check uses.
    public var clock: (any WallClock)?
    /// The bcrypt work factor; tests may lower it to save time, production always uses 10.
    public var bcryptCost: UInt8?

    public init(clock: (any WallClock)? = nil, bcryptCost: UInt8? = nil) {
        self.clock = clock
        self.bcryptCost = bcryptCost
    }
}

/// The assembled system: adapters chosen, services built. The one place that sees both ports and adapters.
public struct Composition: Sendable {
    public let configuration: OrderlyConfiguration
    public let store: SQLiteStore
    public let clock: any WallClock
    public let accounts: AccountService
    public let catalog: CatalogService
    public let carts: CartService
    public let tokens: TokenAuthority
    public let metrics: PrometheusCollectorRegistry

    /// Opens the data folder and database (applying migrations) and builds every service.
    public init(_ configuration: OrderlyConfiguration, overrides: AppOverrides = AppOverrides()) async throws {
        try configuration.validate()
        let dataDirectory = try DataDirectory(path: configuration.dataDirectory)
        let store = try SQLiteStore(path: dataDirectory.databasePath)
        let clock = overrides.clock ?? SystemClock()
        let env = ServiceEnvironment(
            clock: clock, ids: SortableIDGenerator(clock: clock), currency: configuration.currency)
        self.configuration = configuration
        self.store = store
        self.clock = clock
        accounts = AccountService(
            users: store, loginAttempts: store, hasher: BcryptPasswordHasher(cost: overrides.bcryptCost ?? 10), env: env)
        catalog = CatalogService(catalog: store, env: env)
        carts = CartService(carts: store, catalog: store, env: env)
        tokens = try await TokenAuthority(
            secret: try dataDirectory.jwtSecret(configured: configuration.jwtSecret),
            lifetime: TimeInterval(configuration.tokenLifetimeSeconds), clock: clock)
        metrics = PrometheusCollectorRegistry()
    }

    /// Creates the configured first admin (`ORDERLY_ADMIN_EMAIL` / `ORDERLY_ADMIN_PASSWORD`) unless it exists.
    public func ensureConfiguredAdmin(logger: Logger) async throws {
        guard let email = configuration.adminEmail, let password = configuration.adminPassword else { return }
        let (user, created) = try await accounts.ensureAdmin(email: email, password: password, name: "Administrator")
        if created { logger.notice("created the configured admin", metadata: ["user_id": "\(user.id)"]) }
    }

    /// The HTTP router over these services.
    public func router() throws -> Router<AppRequestContext> {
        try buildRouter(
            HTTPDependencies(
                accounts: accounts, catalog: catalog, carts: carts, tokens: tokens, health: store, metrics: metrics))
    }
}

/// Builds the whole embedded application: storage, services, the configured admin and the HTTP server.
///
/// SIGTERM and SIGINT shut it down gracefully: the server stops accepting, finishes in-flight requests, then exits.
public func buildApplication(
    _ configuration: OrderlyConfiguration, overrides: AppOverrides = AppOverrides(),
    logger: Logger = Logger(label: "orderly")
) async throws -> some ApplicationProtocol {
    let composition = try await Composition(configuration, overrides: overrides)
    try await composition.ensureConfiguredAdmin(logger: logger)
    return Application(
        router: try composition.router(),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "orderly"),
        logger: logger)
}
