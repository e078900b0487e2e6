import AWSAdapters
import Foundation

/// The AWS resources of one deployment (`ORDERLY_BACKEND=aws`), every name starting with `ORDERLY_AWS_PREFIX`:
/// the store's and the workflow journal's DynamoDB tables, the receipts bucket, the notifications topic.
public struct AWSBackend: Sendable {
    public let client: AWSClient
    public let prefix: String
    public let store: DynamoStore
    public let journal: DynamoDBJournal
    public let receipts: S3BlobStore

    /// - Throws: ``ConfigurationError`` when the `AWS_*` variables give no region or credentials, or a bad endpoint.
    public init(_ configuration: OrderlyConfiguration) throws {
        let aws: AWSConfiguration
        do {
            aws = try AWSConfiguration.fromEnvironment(configuration.awsEnvironment)
        } catch let error as AWSError {
            throw ConfigurationError(variable: "AWS_*", message: error.message)
        }
        client = AWSClient(configuration: aws)
        prefix = configuration.awsPrefix
        let dynamo = DynamoDB(client: client)
        store = DynamoStore(dynamo: dynamo, prefix: prefix)
        journal = DynamoDBJournal(dynamo: dynamo, prefix: prefix)
        receipts = S3BlobStore(client: client, bucket: "\(prefix)-receipts")
    }

    /// The notifications topic's name.
    public var topicName: String { "\(prefix)-notifications" }

    /// The notifications topic (`CreateTopic` answers the ARN of the existing one).
    public func notificationsTopic() async throws -> SNSTopic {
        try await SNSTopic.create(client: client, name: topicName)
    }

    /// Creates what `serve` needs, unless it exists: every table (with TTL where items expire), the bucket and the
    /// topic. Running it again changes nothing.
    /// - Returns: a line per resource, saying whether it was created now.
    public func provision() async throws -> [String] {
        var lines: [String] = []
        let created = Set(try await store.createTables())
        for table in DynamoStore.tableNames(prefix: prefix) {
            lines.append("table \(table): " + (created.contains(table) ? "created" : "exists"))
        }
        try await journal.createTables()
        lines.append("tables \(journal.executionsTable), \(journal.eventsTable): ready")
        try await receipts.createBucket()
        lines.append("bucket \(receipts.bucket): ready")
        lines.append("topic \(try await notificationsTopic().arn): ready")
        return lines
    }
}
