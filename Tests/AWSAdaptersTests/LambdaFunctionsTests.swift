import AWSAdapters
import Foundation
import Logging
import OrderlyApp
import OrderlyServices
import StatesLanguage
import Testing
import WorkflowEngine

/// The Lambda functions on the aws backend in `moto_server`, driven by Lambda-shaped events: API Gateway requests
/// to `api`, the checkout run by a test that plays Step Functions (it runs the shipped `checkout.asl.json` and
/// invokes each `task.<Name>` function with the task input, as Step Functions invokes a Lambda), the outbox put on
/// EventBridge, and a consumer fed the SQS records EventBridge's rule routed to its queue.
extension MotoStepFunctions {
    @Suite("Lambda functions in moto")
    struct LambdaFunctionsTests {
        let configuration: OrderlyConfiguration
        let backend: AWSBackend
        let logger = Logger(label: "lambda-test")

        init() async throws {
            let endpoint = try #require(ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"])
            let prefix = "lambda-\(UUID().uuidString.prefix(8).lowercased())"
            var environment = [
                "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing", "ORDERLY_BACKEND": "aws", "ORDERLY_AWS_PREFIX": prefix,
                "ORDERLY_JWT_SECRET": String(repeating: "j", count: 40), "ORDERLY_WEBHOOK_SECRET": "webhook-secret",
                "ORDERLY_ADMIN_EMAIL": "admin@lambda.test", "ORDERLY_ADMIN_PASSWORD": "admin-password",
                "ORDERLY_WORKFLOWS": "stepfunctions",
            ]
            // The state machines Step Functions would run (moto records their executions, without running them; this
            // test runs them).
            let provisioning = try AWSBackend(
                try OrderlyConfiguration.fromEnvironment(
                    environment.merging(["ORDERLY_WORKFLOWS": "embedded"]) { $1 }))
            _ = try await provisioning.client.send(
                .stepFunctions, path: "/moto-api/config", headers: [("Content-Type", "application/json")],
                body: Data(#"{"stepfunctions":{"execute_state_machine":false}}"#.utf8))
            for (name, text) in WorkflowDefinitions.all {
                // As SAM's DefinitionSubstitutions fill the placeholders.
                var definition = text
                for (key, value) in Self.substitutions(prefix: prefix) {
                    definition = definition.replacingOccurrences(of: "${\(key)}", with: value)
                }
                let created = try await provisioning.client.json(
                    .stepFunctions, target: "AWSStepFunctions.CreateStateMachine",
                    payload: [
                        "name": .string("\(prefix)-\(name)"), "definition": .string(definition),
                        "roleArn": "arn:aws:iam::123456789012:role/orderly-test",
                    ])
                let variable = "ORDERLY_STATE_MACHINE_ARN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
                environment[variable] = try #require(created["stateMachineArn"]?.stringValue)
            }
            configuration = try OrderlyConfiguration.fromEnvironment(environment)
            backend = try AWSBackend(configuration)
            _ = try await backend.provision()
        }

        /// What the deployment fills the definitions' placeholders with: the task functions' ARNs.
        static func substitutions(prefix: String) -> [String: String] {
            var values = WorkflowDefinitions.localSubstitutions
            for name in WorkflowDefinitions.functions {
                values["\(name)FunctionArn"] = "arn:aws:lambda:eu-west-3:123456789012:function:\(prefix)-\(name)"
            }
            return values
        }

        func function(_ handler: String) async throws -> LambdaFunctions {
            try await LambdaFunctions(handler: try .init(handler), configuration: configuration, logger: logger)
        }

        /// An API Gateway HTTP API (2.0) request through the `api` function.
        func request(
            _ api: LambdaFunctions, _ method: String, _ path: String, body: JSON? = nil, token: String? = nil,
            headers: [String: String] = [:]
        ) async throws -> (status: Int, body: JSON) {
            let parts = path.split(separator: "?", maxSplits: 1)
            var allHeaders = headers.merging(["host": "api.example.com", "content-type": "application/json"]) { $1 }
            if let token { allHeaders["authorization"] = "Bearer \(token)" }
            let event: JSON = [
                "version": "2.0", "routeKey": "$default", "rawPath": .string(String(parts[0])),
                "rawQueryString": .string(parts.count > 1 ? String(parts[1]) : ""),
                "headers": .object(JSONObject(allHeaders.mapValues(JSON.string))),
                "requestContext": [
                    "http": ["method": .string(method), "sourceIp": "203.0.113.9", "path": .string(path)]
                ],
                "body": body.map { .string($0.serialized()) } ?? .null, "isBase64Encoded": false,
            ]
            let answer = try JSON(
                parsing: String(
                    decoding: try await api.handle(Data(event.serialized().utf8), requestID: "req"), as: UTF8.self))
            let text = answer["body"]?.stringValue ?? ""
            return (answer["statusCode"]?.intValue ?? 0, text.isEmpty ? .null : try JSON(parsing: text))
        }

        /// Plays Step Functions: runs the shipped checkout machine, invoking each Lambda task function with the task's
        /// input; a function error becomes the States error its `errorType` names. The SNS and EventBridge steps are
        /// Step Functions' own service integrations, answered here as they would be.
        func playCheckout(orderID: String) async throws -> ExecutionOutcome {
            let functions = try await withThrowingTaskGroup(of: (String, LambdaFunctions).self) { group in
                for name in WorkflowDefinitions.functions {
                    group.addTask { (name, try await self.function("task.\(name)")) }
                }
                return try await group.reduce(into: [String: LambdaFunctions]()) { $0[$1.0] = $1.1 }
            }
            var registry = TaskRegistry()
            let substitutions = Self.substitutions(prefix: configuration.awsPrefix)
            for (name, function) in functions {
                let arn = try #require(substitutions["\(name)FunctionArn"])
                registry.register(
                    arn,
                    ClosureTaskHandler { invocation in
                        do {
                            let answer = try await function.handle(
                                Data(invocation.input.serialized().utf8), requestID: invocation.token)
                            return try JSON(parsing: String(decoding: answer, as: UTF8.self))
                        } catch let error as LambdaRuntime.FunctionError {
                            throw StatesError(error.type, error.message)
                        }
                    })
            }
            registry.register("arn:aws:states:::sns:publish", ClosureTaskHandler { _ in ["MessageId": "m-1"] })
            registry.register(
                "arn:aws:states:::events:putEvents", ClosureTaskHandler { _ in ["FailedEntryCount": 0, "Entries": []] })
            let engine = WorkflowEngine(tasks: registry, journal: InMemoryJournal(), clock: SystemEngineClock())
            let definition = try PreparedDefinition(
                text: try #require(WorkflowDefinitions.text(of: .checkout)), substitutions: substitutions,
                name: "checkout")
            return try await engine.run(definition, name: orderID, input: ["orderId": .string(orderID)]).outcome
        }

        @Test("a checkout through the API, the task functions and the outbox, as the deployment runs it")
        func checkout() async throws {
            let api = try await function("api")
            let admin = try #require(
                try await request(
                    api, "POST", "/v1/auth/login", body: ["email": "admin@lambda.test", "password": "admin-password"]
                ).body["token"]?.stringValue)
            let product = try await request(
                api, "POST", "/v1/products",
                body: [
                    "name": "Milk", "description": "Fresh", "price": ["amount": 150, "currency": "USD"],
                    "category": "dairy", "stock": 5,
                ], token: admin)
            #expect(product.status == 201)
            let productID = try #require(product.body["productId"]?.stringValue)
            #expect(
                try await request(
                    api, "POST", "/v1/users",
                    body: ["email": "ann@lambda.test", "password": "password-1", "name": "Ann"]
                ).status == 201)
            let token = try #require(
                try await request(
                    api, "POST", "/v1/auth/login", body: ["email": "ann@lambda.test", "password": "password-1"]
                )
                .body["token"]?.stringValue)

            // An order starts an execution of the deployed state machine, named by the order.
            func order(_ card: String, key: String) async throws -> String {
                let placed = try await request(
                    api, "POST", "/v1/orders",
                    body: [
                        "items": [["productId": .string(productID), "quantity": 2]],
                        "paymentMethod": ["type": "card", "token": .string(card)],
                    ], token: token, headers: ["idempotency-key": key])
                #expect(placed.status == 202, "\(placed.body)")
                let id = try #require(placed.body["orderId"]?.stringValue)
                #expect(
                    placed.body["executionId"]?.stringValue?.hasSuffix(
                        ":execution:\(configuration.awsPrefix)-checkout:\(id)") == true)
                return id
            }
            let paid = try await order("tok_visa", key: "k-paid")
            #expect(try await playCheckout(orderID: paid).status == .succeeded)
            let confirmed = try await request(api, "GET", "/v1/orders/\(paid)", token: token).body
            #expect(confirmed["status"] == "CONFIRMED" && confirmed["paymentStatus"] == "SUCCESS")

            let declined = try await order("tok_chargeDeclined", key: "k-declined")
            let failed = try await playCheckout(orderID: declined)
            #expect(failed.status == .failed && failed.error == "PaymentDeclined")
            let cancelled = try await request(api, "GET", "/v1/orders/\(declined)", token: token).body
            #expect(cancelled["status"] == "CANCELLED" && cancelled["failureReason"] == "payment_declined")
            #expect(
                try await request(api, "GET", "/v1/products/\(productID)").body["stock"] == [
                    "available": 3, "reserved": 0,
                ])

            // The outbox goes to the bus; the analytics rule routes every event to its queue; its function logs them.
            let sent = try JSON(
                parsing: String(
                    decoding: try await function("outbox").handle(Data("{}".utf8), requestID: "o"), as: UTF8.self))
            #expect((sent["sent"]?.intValue ?? 0) >= 6)
            let queueURL = try #require(
                try await backend.client.json(
                    .sqs, target: "AmazonSQS.GetQueueUrl",
                    payload: ["QueueName": .string(backend.queueName(consumer: AnalyticsConsumer.name))])["QueueUrl"]?
                    .stringValue)
            let queue = SQSQueue(client: backend.client, url: queueURL)
            var records: [JSON] = []
            for _ in 0..<5 {
                let messages = try await queue.receive(maximum: 10, wait: 1, visibility: 30)
                if messages.isEmpty && !records.isEmpty { break }
                records += messages.map { ["messageId": .string($0.id), "body": .string($0.body)] }
            }
            #expect(records.count == sent["sent"]?.intValue)
            records.append(["messageId": "not-an-event", "body": "{}"])
            let consumer = try await function("consumer.\(AnalyticsConsumer.name)")
            let answer = try JSON(
                parsing: String(
                    decoding: try await consumer.handle(
                        Data(JSON.object(["Records": .array(records)]).serialized().utf8), requestID: "c"),
                    as: UTF8.self))
            #expect(answer["batchItemFailures"] == [["itemIdentifier": "not-an-event"]])
            let logged = try await request(api, "GET", "/v1/admin/events?type=OrderConfirmed", token: admin).body
            #expect(logged["items"]?.arrayValue?.count == 1)

            // The scheduler's minute: nothing due, nothing expired, nothing stranded.
            let tick = try await function("scheduler").handle(Data("{}".utf8), requestID: "s")
            #expect(try JSON(parsing: String(decoding: tick, as: UTF8.self)) == ["placed": 0, "released": 0])
        }

        @Test("a handler that does not exist fails at init, naming _HANDLER")
        func unknownHandlers() async throws {
            #expect(throws: ConfigurationError.self) { try LambdaFunctions.Handler("nope") }
            await #expect(throws: ConfigurationError.self) { _ = try await function("task.Nope") }
            await #expect(throws: ConfigurationError.self) { _ = try await function("consumer.nope") }
        }
    }
}
