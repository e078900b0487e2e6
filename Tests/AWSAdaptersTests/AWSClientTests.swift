import AWSAdapters
import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

@Suite("AWS client")
struct AWSClientTests {
    @Test("configuration from the standard variables, with endpoint overrides per service")
    func configuration() throws {
        let base = ["AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]
        let plain = try AWSConfiguration.fromEnvironment(base)
        #expect(plain.baseURL(for: .dynamoDB).absoluteString == "https://dynamodb.eu-west-1.amazonaws.com")
        #expect(plain.credentials.sessionToken == nil)
        var local = base
        local["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5000"
        local["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000"
        local["AWS_SESSION_TOKEN"] = "token"
        let emulated = try AWSConfiguration.fromEnvironment(local)
        #expect(emulated.baseURL(for: .sqs).absoluteString == "http://127.0.0.1:5000")
        #expect(emulated.baseURL(for: .s3).absoluteString == "http://127.0.0.1:9000")
        #expect(emulated.credentials.sessionToken == "token")
        #expect(throws: AWSError.self) { try AWSConfiguration.fromEnvironment(["AWS_REGION": "eu-west-1"]) }
        #expect(throws: AWSError.self) {
            try AWSConfiguration.fromEnvironment(base.merging(["AWS_ENDPOINT_URL": "ftp://x"]) { $1 })
        }
    }

    @Test("throttling, 5xx and lost answers are retried after a jittered, growing, capped pause; the rest are not")
    func retries() {
        let policy = AWSRetryPolicy()
        #expect(policy.isRetriable(AWSError(code: "ThrottlingException", message: "", status: 400)))
        #expect(policy.isRetriable(AWSError(code: "ProvisionedThroughputExceededException", message: "", status: 400)))
        #expect(policy.isRetriable(AWSError(code: "InternalFailure", message: "", status: 500)))
        #expect(policy.isRetriable(AWSError(code: "NetworkError", message: "", status: 0)))
        #expect(!policy.isRetriable(AWSError(code: "ConditionalCheckFailedException", message: "", status: 400)))
        #expect(!policy.isRetriable(AWSError(code: "ValidationException", message: "", status: 400)))
        #expect(policy.delay(beforeAttempt: 2, random: 1) == .milliseconds(50))
        #expect(policy.delay(beforeAttempt: 4, random: 1) == .milliseconds(200))
        #expect(policy.delay(beforeAttempt: 4, random: 0.5) == .milliseconds(100))
        #expect(policy.delay(beforeAttempt: 30, random: 1) == .seconds(5))
        #expect(policy.delay(beforeAttempt: 3, random: 0) == .zero)
    }
}

/// DynamoDB in `moto_server`, at `ORDERLY_TEST_AWS_ENDPOINT` (`.ci/run` starts it).
@Suite("DynamoDB in moto", .enabled(if: ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"] != nil))
struct DynamoDBTests {
    let dynamo: DynamoDB
    let table = "orderly-test-\(UUID().uuidString.prefix(8).lowercased())-stock"

    init() throws {
        let endpoint = try #require(
            ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"].flatMap { URL(string: $0) })
        dynamo = DynamoDB(
            client: AWSClient(
                configuration: AWSConfiguration(
                    region: "us-east-1",
                    credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                    endpoint: endpoint)))
    }

    func createTable() async throws {
        _ = try await dynamo.call(
            "CreateTable",
            [
                "TableName": .string(table), "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [["AttributeName": "pk", "AttributeType": "S"]],
                "KeySchema": [["AttributeName": "pk", "KeyType": "HASH"]],
            ])
    }

    func take(_ quantity: Int, of product: String) async throws -> Bool {
        do {
            _ = try await dynamo.call(
                "UpdateItem",
                [
                    "TableName": .string(table), "Key": ["pk": Attribute.string(product)],
                    "UpdateExpression": "SET available = available - :q",
                    "ConditionExpression": "available >= :q",
                    "ExpressionAttributeValues": [":q": Attribute.number(quantity)],
                ])
            return true
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            return false
        }
    }

    func available(_ product: String) async throws -> Int? {
        let item = try await dynamo.call(
            "GetItem", ["TableName": .string(table), "Key": ["pk": Attribute.string(product)], "ConsistentRead": true])
        return Attribute.number(item["Item"]?["available"])
    }

    @Test("a conditional write under concurrency takes exactly the stock there is; a failed condition is typed")
    func conditionalStock() async throws {
        try await createTable()
        _ = try await dynamo.call(
            "PutItem",
            ["TableName": .string(table), "Item": ["pk": Attribute.string("prd_1"), "available": Attribute.number(5)]])
        let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<12 { group.addTask { try await take(1, of: "prd_1") } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(taken == 5)
        #expect(try await available("prd_1") == 0)
    }

    @Test("a transaction with one failing condition changes nothing and names the item that failed")
    func transactions() async throws {
        try await createTable()
        for (product, stock) in [("prd_a", 3), ("prd_b", 1)] {
            _ = try await dynamo.call(
                "PutItem",
                [
                    "TableName": .string(table),
                    "Item": ["pk": Attribute.string(product), "available": Attribute.number(stock)],
                ])
        }
        func update(_ product: String, _ quantity: Int) -> JSON {
            [
                "Update": [
                    "TableName": .string(table), "Key": ["pk": Attribute.string(product)],
                    "UpdateExpression": "SET available = available - :q", "ConditionExpression": "available >= :q",
                    "ExpressionAttributeValues": [":q": Attribute.number(quantity)],
                ]
            ]
        }
        do {
            _ = try await dynamo.call(
                "TransactWriteItems", ["TransactItems": [update("prd_a", 2), update("prd_b", 2)]])
            Issue.record("the transaction should have been cancelled")
        } catch let error as AWSError {
            #expect(error.code == "TransactionCanceledException")
            #expect(error.cancellationReasons == ["None", "ConditionalCheckFailed"])
        }
        #expect(try await available("prd_a") == 3)
        #expect(try await available("prd_b") == 1)
        _ = try await dynamo.call("TransactWriteItems", ["TransactItems": [update("prd_a", 2), update("prd_b", 1)]])
        #expect(try await available("prd_a") == 1)
        #expect(try await available("prd_b") == 0)
    }

    @Test("an unknown table is a typed error, not a crash")
    func unknownTable() async throws {
        await #expect(throws: AWSError.self) {
            _ = try await dynamo.call("GetItem", ["TableName": "no-such-table", "Key": ["pk": Attribute.string("x")]])
        }
        do {
            _ = try await dynamo.call("GetItem", ["TableName": "no-such-table", "Key": ["pk": Attribute.string("x")]])
        } catch let error as AWSError {
            #expect(error.code == "ResourceNotFoundException" && error.status == 400)
        }
    }

    @Test("an execution's lease is held by one process at a time, renewed by it, and taken over once it lapses")
    func leases() async throws {
        let journal = DynamoDBJournal(dynamo: dynamo, prefix: table)
        try await journal.createTables()
        let info = ExecutionInfo(id: "exe-lease", name: "lease", stateMachineID: "sm", stateMachineName: "checkout")
        try await journal.create(
            ExecutionRecord(info: info, definition: "{}", substitutions: [:]),
            started: .started(input: [:], at: Date(timeIntervalSince1970: 0)))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let later = now.addingTimeInterval(31)
        // Given process a holding the lease for 30 seconds
        #expect(try await journal.acquire(executionID: info.id, owner: "a", until: now + 30, now: now))
        // Then b cannot take it while it holds, a can renew it
        #expect(try await !journal.acquire(executionID: info.id, owner: "b", until: now + 30, now: now))
        #expect(try await journal.acquire(executionID: info.id, owner: "a", until: now + 30, now: now + 1))
        // And once it lapses (a died) b takes it over, and a, come back, no longer holds it
        #expect(try await journal.acquire(executionID: info.id, owner: "b", until: later + 30, now: later))
        #expect(try await !journal.acquire(executionID: info.id, owner: "a", until: later + 30, now: later))
        // A lease given up is free; an execution that does not exist cannot be leased
        try await journal.release(executionID: info.id, owner: "a")
        #expect(try await !journal.acquire(executionID: info.id, owner: "a", until: later + 30, now: later))
        try await journal.release(executionID: info.id, owner: "b")
        #expect(try await journal.acquire(executionID: info.id, owner: "a", until: later + 30, now: later))
        #expect(try await !journal.acquire(executionID: "exe-none", owner: "a", until: later + 30, now: later))
    }
}
