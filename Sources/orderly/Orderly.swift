import AWSAdapters
import ArgumentParser
import Foundation
import Logging
import OrderlyApp
import OrderlyModel

/// The one executable: the server, its administration, and the workflow tools.
@main
struct Orderly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orderly",
        abstract: "Orderly, a commerce backend: users, catalog, carts, orders, payments, deliveries, subscriptions.",
        subcommands: [
            Serve.self, Migrate.self, Vacuum.self, Admin.self, Demo.self, Check.self, States.self, Bench.self, AWS.self,
            Lambda.self,
        ])

    /// Run as `bootstrap` (the name a `provided.al2023` Lambda runtime starts), it is `orderly lambda`.
    static func main() async {
        let invokedAs = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent }
        if invokedAs == "bootstrap", CommandLine.arguments.count == 1 {
            await main(["lambda"])
        } else {
            await main(nil)
        }
    }
}

/// Flags shared by every command that opens the data folder; each falls back to its `ORDERLY_*` variable.
struct CommonOptions: ParsableArguments {
    @Option(help: "Folder for the database, receipts, mail and secrets (ORDERLY_DATA_DIR, default ./.orderly).")
    var dataDir: String?

    /// The configuration from the environment with these flags on top.
    func configuration() throws -> OrderlyConfiguration {
        var config = try OrderlyConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        if let dataDir { config.dataDirectory = dataDir }
        return config
    }
}

/// Sets up logging once for the process, as the configuration asks.
func bootstrapLogging(_ config: OrderlyConfiguration) -> Logger {
    LoggingSystem.bootstrap { label in
        switch config.logFormat {
        case .json: return JSONLogHandler(label: label, level: config.logLevel)
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = config.logLevel
            return handler
        }
    }
    return Logger(label: "orderly")
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check the invariants of a data folder (or, with ORDERLY_BACKEND=aws, the tables) at rest: stock, money against the gateway, executions, events.",
        discussion: "Run it while no server writes to the folder. Exit 1, with every broken rule listed, if one fails.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let report = try await InvariantCheck.run(try common.configuration())
        for (what, count) in report.checked { print("checked \(count) \(what)") }
        if report.holds {
            print("every invariant holds")
        } else {
            for violation in report.violations { print("VIOLATION \(violation)") }
            print("\(report.violations.count) violations")
            throw ExitCode(1)
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the whole system, embedded, in one process.")

    @Option(help: "Address to listen on (ORDERLY_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (ORDERLY_PORT, default 8080).") var port: Int?
    @OptionGroup var common: CommonOptions

    func run() async throws {
        var config = try common.configuration()
        if let host { config.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            config.port = port
        }
        let logger = bootstrapLogging(config)
        logger.info(
            "starting",
            metadata: ["host": "\(config.host)", "port": "\(config.port)", "data_dir": "\(config.dataDirectory)"])
        let app = try await buildApplication(config, logger: logger)
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and list them.")
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.configuration()
        guard configuration.backend == .embedded else {
            throw ValidationError(
                "migrate is for the embedded database; with ORDERLY_BACKEND=aws run orderly aws provision")
        }
        let composition = try await Composition(configuration)
        for name in try composition.sqlite?.appliedMigrations() ?? [] { print(name) }
    }
}

struct Vacuum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove what the retention lets go and give its space back to the disk.",
        discussion: """
            Removes finished workflow executions past ORDERLY_EXECUTION_RETENTION_DAYS (default 90), consumer-ledger \
            entries older than 30 days and expired idempotency keys. The server removes them itself every hour; \
            this does it now, then compacts the file (VACUUM), \
            which needs room for a copy of the database. Orders, payments, deliveries, notifications, the event log \
            and unhandled dead letters are never removed.
            """)
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.configuration()
        guard configuration.backend == .embedded else {
            throw ValidationError("vacuum is for the embedded database; DynamoDB's items expire by their TTLs")
        }
        let composition = try await Composition(configuration)
        for (what, count) in try await composition.vacuum() { print("removed \(count) \(what)") }
        print("compacted \(configuration.dataDirectory)")
    }
}

struct Lambda: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run as an AWS Lambda function (custom runtime): the Runtime API loop for the handler _HANDLER names.",
        discussion: """
            _HANDLER is api, outbox, scheduler, task.<Name> (a checkout task) or consumer.<name> (an event consumer). \
            AWS_LAMBDA_RUNTIME_API says where the Runtime API is; the configuration is the aws backend's, from the \
            environment. An error while starting is posted as an init error.
            """)

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let api = environment["AWS_LAMBDA_RUNTIME_API"], !api.isEmpty else {
            throw ValidationError("AWS_LAMBDA_RUNTIME_API is not set: this runs inside AWS Lambda")
        }
        let runtime = LambdaRuntime(api: api)
        try await runtime.run(
            initialize: {
                let configuration = try OrderlyConfiguration.fromEnvironment(environment)
                let logger = bootstrapLogging(configuration)
                return try await LambdaFunctions(
                    handler: try LambdaFunctions.Handler(environment["_HANDLER"] ?? ""), configuration: configuration,
                    logger: logger)
            },
            handle: { functions, invocation in
                try await functions.handle(invocation.event, requestID: invocation.requestID)
            }, error: LambdaFunctions.describe)
    }
}

struct AWS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws", abstract: "The AWS backend's resources.", subcommands: [Provision.self, Template.self])

    struct Template: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the AWS SAM template of the serverless deployment (deploy/aws/template.yaml).")

        func run() async throws { print(SAMTemplate.text, terminator: "") }
    }

    struct Provision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create what `ORDERLY_BACKEND=aws orderly serve` needs: tables, bucket, topic.",
            discussion: """
                Names start with ORDERLY_AWS_PREFIX (default orderly); AWS_REGION, the AWS credentials and \
                AWS_ENDPOINT_URL (moto, LocalStack) say where. Running it again changes nothing.
                """)

        func run() async throws {
            var configuration = try OrderlyConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
            configuration.backend = .aws
            try configuration.validateAWSPrefix()
            for line in try await AWSBackend(configuration).provision() { print(line) }
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A demo shop.", subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seed a demo dairy: products, an admin, a courier, customers, orders and a subscription.",
            discussion: "Running it again changes nothing. Every account's password is orderly-demo.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let composition = try await Composition(try common.configuration())
            try await DemoSeed(composition: composition) { print($0) }.run()
            await composition.workflows?.stopAll()
            // The seed's mail (its orders' confirmations), as a running server's relay would send it.
            try await composition.mailRelay?.sendQueued()
            try await composition.durability.makeDurable()
        }
    }
}

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administration from the command line.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an admin (or courier) account.")
        @Option(help: "Email address.") var email: String
        @Option(help: "Password, 8–128 characters.") var password: String
        @Option(help: "Display name.") var name: String
        @Option(help: "admin or courier.") var role: String = "admin"
        @OptionGroup var common: CommonOptions

        func run() async throws {
            guard let role = Role(rawValue: role), role != .customer else {
                throw ValidationError("--role must be admin or courier")
            }
            let composition = try await Composition(try common.configuration())
            do {
                let user = try await composition.services.accounts.provision(
                    .init(email: email, password: password, name: name, role: role))
                try await composition.durability.makeDurable()
                print("created \(user.role.rawValue) \(user.email) (\(user.id))")
            } catch let error as OrderlyError {
                let fields = error.fieldIssues.map { "  \($0.field): \($0.message)" }.joined(separator: "\n")
                throw ValidationError(error.message + (fields.isEmpty ? "" : "\n" + fields))
            }
        }
    }
}
