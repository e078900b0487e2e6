import Foundation
import Logging
import OrderlyModel
import OrderlyServices

/// How Orderly is set up: from flags, else `ORDERLY_*` environment variables, else defaults that work when nothing is
/// set (see the configuration table in the README).
public struct OrderlyConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = "./.orderly"
    public var adminEmail: String?
    public var adminPassword: String?
    public var jwtSecret: String?
    /// The key the payment gateway signs webhooks with (generated in the data folder when not set).
    public var webhookSecret: String?
    public var tokenLifetimeSeconds = 3600
    public var currency = Currency.usd
    public var reservationTTLSeconds = 900
    public var schedulerIntervalSeconds = 60
    /// How many open orders awaiting payment a customer may have before another cash order is refused.
    public var maximumUnpaidOrders = 3
    /// How long a finished workflow execution and its history are kept (embedded; Step Functions keeps 90 days).
    public var executionRetentionDays = 90
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.json
    public var backend = Backend.embedded
    /// The start of every AWS resource name (`aws` backend), so that deployments and test runs do not collide.
    public var awsPrefix = "orderly"
    /// The `AWS_*` variables (region, credentials, endpoints) the `aws` backend reads.
    public var awsEnvironment: [String: String] = [:]
    /// Where workflow executions run: Orderly's engine in this process, or the deployed Step Functions state
    /// machines (`aws` backend only).
    public var workflows = Workflows.embedded
    /// The state machine of each workflow (by name, such as `checkout`), with `workflows` `stepfunctions`.
    public var stateMachineARNs: [String: String] = [:]
    /// The notifications topic (`aws` backend); found by the prefix's name when not given.
    public var notificationsTopicARN: String?

    /// `embedded` or `stepfunctions`.
    public enum Workflows: String, Sendable, CaseIterable { case embedded, stepfunctions }

    /// `json` (one object a line) or `text`.
    public enum LogFormat: String, Sendable, CaseIterable { case json, text }
    /// Where state lives: `embedded` (SQLite) or `aws`.
    public enum Backend: String, Sendable, CaseIterable { case embedded, aws }

    public init() {}

    /// Reads the `ORDERLY_*` variables of `environment` over the defaults.
    /// - Throws: ``ConfigurationError`` naming the variable whose value cannot be used.
    public static func fromEnvironment(_ environment: [String: String]) throws -> OrderlyConfiguration {
        var config = OrderlyConfiguration()
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw ConfigurationError(variable: name, message: "must be a whole number in \(range)")
            }
            return number
        }
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T?
        where T.RawValue == String {
            guard let text = value(name) else { return nil }
            guard let choice = T(rawValue: text.lowercased()) else {
                throw ConfigurationError(
                    variable: name, message: "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return choice
        }
        if let host = value("ORDERLY_HOST") { config.host = host }
        if let port = try integer("ORDERLY_PORT", in: 0...65535) { config.port = port }
        if let dir = value("ORDERLY_DATA_DIR") { config.dataDirectory = dir }
        config.adminEmail = value("ORDERLY_ADMIN_EMAIL")
        config.adminPassword = value("ORDERLY_ADMIN_PASSWORD")
        config.jwtSecret = value("ORDERLY_JWT_SECRET")
        config.webhookSecret = value("ORDERLY_WEBHOOK_SECRET")
        if let ttl = try integer("ORDERLY_TOKEN_TTL_SECONDS", in: 60...2_592_000) { config.tokenLifetimeSeconds = ttl }
        if let text = value("ORDERLY_CURRENCY") {
            guard let currency = Currency(rawValue: text.uppercased()) else {
                throw ConfigurationError(variable: "ORDERLY_CURRENCY", message: "must be an ISO 4217 code like USD")
            }
            config.currency = currency
        }
        if let ttl = try integer("ORDERLY_RESERVATION_TTL_SECONDS", in: 10...86_400) {
            config.reservationTTLSeconds = ttl
        }
        if let interval = try integer("ORDERLY_SCHEDULER_INTERVAL_SECONDS", in: 1...86_400) {
            config.schedulerIntervalSeconds = interval
        }
        if let limit = try integer("ORDERLY_MAX_UNPAID_ORDERS", in: 0...1000) { config.maximumUnpaidOrders = limit }
        if let days = try integer("ORDERLY_EXECUTION_RETENTION_DAYS", in: 1...36_500) {
            config.executionRetentionDays = days
        }
        if let level = value("ORDERLY_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(
                    variable: "ORDERLY_LOG_LEVEL",
                    message: "must be trace, debug, info, notice, warning, error or critical")
            }
            config.logLevel = parsed
        }
        if let format = try choice("ORDERLY_LOG_FORMAT", LogFormat.self) { config.logFormat = format }
        if let backend = try choice("ORDERLY_BACKEND", Backend.self) { config.backend = backend }
        if let prefix = value("ORDERLY_AWS_PREFIX") { config.awsPrefix = prefix }
        config.awsEnvironment = environment.filter { $0.key.hasPrefix("AWS_") }
        if let workflows = try choice("ORDERLY_WORKFLOWS", Workflows.self) { config.workflows = workflows }
        config.notificationsTopicARN = value("ORDERLY_NOTIFICATIONS_TOPIC_ARN")
        for name in WorkflowDefinitions.all.map(\.name) {
            let variable = "ORDERLY_STATE_MACHINE_ARN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
            if let arn = value(variable) { config.stateMachineARNs[name] = arn }
        }
        try config.validate()
        return config
    }

    /// Checks combinations the single values cannot: an admin needs both email and password, a given secret must be
    /// long enough.
    public func validate() throws {
        if (adminEmail == nil) != (adminPassword == nil) {
            throw ConfigurationError(
                variable: "ORDERLY_ADMIN_EMAIL", message: "ORDERLY_ADMIN_EMAIL and ORDERLY_ADMIN_PASSWORD go together")
        }
        if let secret = jwtSecret, secret.utf8.count < 32 {
            throw ConfigurationError(variable: "ORDERLY_JWT_SECRET", message: "must be at least 32 bytes long")
        }
        if backend == .aws {
            try validateAWSPrefix()
            // Several processes share the state: each must sign and verify with the same keys, given to all.
            if jwtSecret == nil {
                throw ConfigurationError(
                    variable: "ORDERLY_JWT_SECRET", message: "must be set with ORDERLY_BACKEND=aws")
            }
            if webhookSecret == nil {
                throw ConfigurationError(
                    variable: "ORDERLY_WEBHOOK_SECRET", message: "must be set with ORDERLY_BACKEND=aws")
            }
        }
        if workflows == .stepfunctions {
            guard backend == .aws else {
                throw ConfigurationError(
                    variable: "ORDERLY_WORKFLOWS", message: "stepfunctions needs ORDERLY_BACKEND=aws")
            }
            for name in WorkflowDefinitions.all.map(\.name) where stateMachineARNs[name] == nil {
                let variable = "ORDERLY_STATE_MACHINE_ARN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
                throw ConfigurationError(variable: variable, message: "must name the \(name) state machine")
            }
        }
    }
}

extension OrderlyConfiguration {
    /// Checks that the prefix makes valid resource names: DynamoDB tables, the S3 bucket (lowercase, at most 63
    /// characters with `-receipts`), the topic.
    public func validateAWSPrefix() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard (3...40).contains(awsPrefix.count), awsPrefix.allSatisfy(allowed.contains),
            awsPrefix.first?.isLetter == true, awsPrefix.last != "-"
        else {
            throw ConfigurationError(
                variable: "ORDERLY_AWS_PREFIX",
                message: "must be 3 to 40 lowercase letters, digits and hyphens, starting with a letter")
        }
    }
}

/// A configuration value that cannot be used, with the variable or flag that holds it.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var variable: String
    public var message: String

    public var description: String { "\(variable) \(message)" }
}
