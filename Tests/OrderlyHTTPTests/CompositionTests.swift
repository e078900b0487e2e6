import Foundation
import Logging
import OrderlyApp
import OrderlyModel
import OrderlyServices
import StoreSQLite
import Testing

@Suite("Composition and configuration")
struct CompositionTests {
    private func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("orderly-comp-\(UUID().uuidString)").path
    }

    @Test("the JWT secret is generated once, kept with mode 0600, and reused by the next start")
    func generatedSecret() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = OrderlyConfiguration()
        config.dataDirectory = folder
        let first = try await Composition(config, overrides: AppOverrides(bcryptCost: 4))
        let user = try await first.services.accounts.provision(
            .init(email: "a@b.co", password: "password-123", name: "A"))
        let (token, _) = try await first.tokens.issue(for: user)

        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/jwt-secret")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try await Composition(config, overrides: AppOverrides(bcryptCost: 4))
        #expect(try await second.tokens.verify(token).actor.userID == user.id)
    }

    @Test("the configured admin is created once, and production hashes use bcrypt cost 10")
    func configuredAdmin() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = OrderlyConfiguration()
        config.dataDirectory = folder
        config.adminEmail = "boss@example.com"
        config.adminPassword = "boss-password"
        for _ in 0..<2 {
            let composition = try await Composition(config)
            try await composition.ensureConfiguredAdmin(logger: Logger(label: "test"))
        }
        let composition = try await Composition(config)
        let admin = try await composition.services.accounts.authenticate(
            email: "boss@example.com", password: "boss-password")
        #expect(admin.role == .admin)
        #expect(admin.passwordHash.hasPrefix("$2b$10$"))
        #expect(try #require(composition.sqlite).appliedMigrations() == SQLiteStore.migrationNames)
        #expect(SQLiteStore.migrationNames.first == "2026-11-22-01-users")
    }

    @Test("environment variables are read, and bad values name their variable")
    func environment() throws {
        let config = try OrderlyConfiguration.fromEnvironment([
            "ORDERLY_PORT": "9090", "ORDERLY_CURRENCY": "inr", "ORDERLY_LOG_FORMAT": "text",
            "ORDERLY_DATA_DIR": "/tmp/x",
        ])
        #expect(config.port == 9090)
        #expect(config.currency.rawValue == "INR")
        #expect(config.logFormat == .text)
        #expect(config.dataDirectory == "/tmp/x")
        #expect(config.host == "127.0.0.1")

        #expect(throws: ConfigurationError.self) { try OrderlyConfiguration.fromEnvironment(["ORDERLY_PORT": "http"]) }
        #expect(throws: ConfigurationError.self) {
            try OrderlyConfiguration.fromEnvironment(["ORDERLY_ADMIN_EMAIL": "a@b.co"])
        }
        #expect(throws: ConfigurationError.self) {
            try OrderlyConfiguration.fromEnvironment(["ORDERLY_JWT_SECRET": "too-short"])
        }
    }

    @Test("the aws backend needs shared secrets and a prefix that makes valid resource names, and reads AWS_*")
    func awsBackend() throws {
        let secrets = [
            "ORDERLY_BACKEND": "aws", "ORDERLY_JWT_SECRET": String(repeating: "s", count: 32),
            "ORDERLY_WEBHOOK_SECRET": "webhook", "AWS_REGION": "eu-west-1", "HOME": "/root",
        ]
        let config = try OrderlyConfiguration.fromEnvironment(secrets)
        #expect(config.backend == .aws && config.awsPrefix == "orderly")
        #expect(config.awsEnvironment == ["AWS_REGION": "eu-west-1"])
        for missing in ["ORDERLY_JWT_SECRET", "ORDERLY_WEBHOOK_SECRET"] {
            #expect(throws: ConfigurationError.self) {
                try OrderlyConfiguration.fromEnvironment(secrets.filter { $0.key != missing })
            }
        }
        for prefix in ["Shop", "a_b", "ab", "9shop", "shop-", String(repeating: "a", count: 41)] {
            #expect(throws: ConfigurationError.self, "\(prefix)") {
                try OrderlyConfiguration.fromEnvironment(secrets.merging(["ORDERLY_AWS_PREFIX": prefix]) { $1 })
            }
        }
        #expect(
            try OrderlyConfiguration.fromEnvironment(secrets.merging(["ORDERLY_AWS_PREFIX": "shop-eu-1"]) { $1 })
                .awsPrefix == "shop-eu-1")
        // Without a region or credentials the composition says which variables to set.
        var noCredentials = config
        noCredentials.awsEnvironment = ["AWS_REGION": "eu-west-1"]
        #expect(throws: ConfigurationError.self) { try AWSBackend(noCredentials) }
    }
}

@Suite("Demo seed")
struct DemoSeedTests {
    @Test("the demo seed makes a shop in several states, and running it twice changes nothing")
    func seedTwice() async throws {
        let folder = temporaryDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = OrderlyConfiguration()
        config.dataDirectory = folder.path
        let composition = try await Composition(config, overrides: testOverrides(clock: TestClock()))
        func counts() async throws -> [String: Int] {
            let admin = try #require(try await composition.store.user(email: EmailAddress("admin@orderly.demo")!))
            let actor = Actor(userID: admin.id, role: .admin)
            let orders = try await composition.services.orders.allOrders(
                userID: nil, status: nil, page: .init(limit: 100)
            ).items
            let products = try await composition.services.catalog.products(
                matching: .init(), page: .init(limit: 100), for: actor
            ).items
            var result = ["orders": orders.count, "products": products.count]
            for status in OrderStatus.allCases { result[status.rawValue] = orders.filter { $0.status == status }.count }
            result["stock"] = products.reduce(0) { $0 + $1.stock.available }
            return result
        }
        try await DemoSeed(composition: composition, log: { _ in }).run()
        let first = try await counts()
        #expect(first["products"] == 7)
        #expect(first["DELIVERED"] == 1 && first["PACKED"] == 1 && first["CONFIRMED"] == 1 && first["CANCELLED"] == 1)
        try await DemoSeed(composition: composition, log: { _ in }).run()
        #expect(try await counts() == first)
        await composition.workflows?.stopAll()
    }
}
