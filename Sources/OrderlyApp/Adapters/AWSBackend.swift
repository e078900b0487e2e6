import AWSAdapters
import Foundation
import OrderlyServices
import StatesLanguage

/// The AWS resources of one deployment (`ORDERLY_BACKEND=aws`), every name starting with `ORDERLY_AWS_PREFIX`:
/// the store's and the workflow journal's DynamoDB tables, the receipts bucket, the notifications topic.
public struct AWSBackend: Sendable {
    public let client: AWSClient
    public let prefix: String
    public let store: DynamoStore
    public let journal: DynamoDBJournal
    public let receipts: S3BlobStore
    let topicARN: String?

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
        topicARN = configuration.notificationsTopicARN
    }

    /// The notifications topic's name.
    public var topicName: String { "\(prefix)-notifications" }
    /// The event bus the outbox is delivered to in the serverless deployment.
    public var busName: String { "\(prefix)-events" }
    /// A consumer's queue (its dead-letter queue is `<queue>-dlq`).
    public func queueName(consumer: String) -> String { "\(prefix)-\(consumer)" }
    /// How many times a consumer's queue hands a message out before it moves to the dead-letter queue.
    public static let maxReceiveCount = 5

    /// The notifications topic: the one `ORDERLY_NOTIFICATIONS_TOPIC_ARN` names (a deployment knows it), else the
    /// one named by the prefix (`CreateTopic` answers the ARN of the existing one).
    public func notificationsTopic() async throws -> SNSTopic {
        if let topicARN { return SNSTopic(client: client, arn: topicARN) }
        return try await SNSTopic.create(client: client, name: topicName)
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
        lines += try await provisionEvents()
        lines += try await store.fillWhatAnUpgradeAdds()
        return lines
    }

    /// The bus, and for each consumer a queue with its dead-letter queue and the rule that routes its events there.
    func provisionEvents() async throws -> [String] {
        let events11 = "application/x-amz-json-1.1"
        do {
            _ = try await client.json(
                .eventBridge, target: "AWSEvents.CreateEventBus", payload: ["Name": .string(busName)],
                contentType: events11)
        } catch let error as AWSError where error.code == "ResourceAlreadyExistsException" {}
        var lines = ["bus \(busName): ready"]
        for (consumer, pattern) in EventRoutes.all {
            let (_, deadARN) = try await queue(queueName(consumer: consumer) + "-dlq", attributes: [:])
            let redrive: JSON = [
                "deadLetterTargetArn": .string(deadARN), "maxReceiveCount": .string(String(Self.maxReceiveCount)),
            ]
            let (_, arn) = try await queue(
                queueName(consumer: consumer), attributes: ["RedrivePolicy": redrive.serialized()])
            let rule = queueName(consumer: consumer)
            _ = try await client.json(
                .eventBridge, target: "AWSEvents.PutRule",
                payload: [
                    "Name": .string(rule), "EventBusName": .string(busName),
                    "EventPattern": .string(pattern.eventBridgeJSON.serialized()),
                ], contentType: events11)
            _ = try await client.json(
                .eventBridge, target: "AWSEvents.PutTargets",
                payload: [
                    "Rule": .string(rule), "EventBusName": .string(busName),
                    "Targets": [["Id": "queue", "Arn": .string(arn)]],
                ], contentType: events11)
            lines.append("queue \(rule) (dead letters \(rule)-dlq) and its rule: ready")
        }
        return lines
    }

    /// The URL of a consumer's queue.
    public func queueURL(consumer: String) async throws -> String {
        let answer = try await client.json(
            .sqs, target: "AmazonSQS.GetQueueUrl", payload: ["QueueName": .string(queueName(consumer: consumer))])
        guard let url = answer["QueueUrl"]?.stringValue else {
            throw AWSError(code: "UnexpectedAnswer", message: "GetQueueUrl answered no QueueUrl.", status: 0)
        }
        return url
    }

    /// Creates a queue (or finds it: `CreateQueue` with the same attributes answers the existing one).
    /// - Returns: its URL and ARN.
    func queue(_ name: String, attributes: [String: String]) async throws -> (String, String) {
        var payload: JSONObject = ["QueueName": .string(name)]
        if !attributes.isEmpty { payload["Attributes"] = .object(JSONObject(attributes.mapValues(JSON.string))) }
        let created = try await client.json(.sqs, target: "AmazonSQS.CreateQueue", payload: .object(payload))
        guard let url = created["QueueUrl"]?.stringValue else {
            throw AWSError(code: "UnexpectedAnswer", message: "CreateQueue answered no QueueUrl.", status: 0)
        }
        let answer = try await client.json(
            .sqs, target: "AmazonSQS.GetQueueAttributes",
            payload: ["QueueUrl": .string(url), "AttributeNames": ["QueueArn"]])
        return (url, answer["Attributes"]?["QueueArn"]?.stringValue ?? "")
    }
}
