import AWSAdapters
import Foundation
import OrderlyModel
import StatesLanguage
import Testing

/// EventBridge → SQS, SNS → SQS and S3 in `moto_server`, at `ORDERLY_TEST_AWS_ENDPOINT` (`.ci/run` starts it).
@Suite(
    "Messaging and blobs in moto", .enabled(if: ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"] != nil)
)
struct MessagingTests {
    let client: AWSClient
    let prefix = "orderly-test-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws {
        let endpoint = try #require(
            ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"].flatMap { URL(string: $0) })
        client = AWSClient(
            configuration: AWSConfiguration(
                region: "us-east-1", credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                endpoint: endpoint))
    }

    /// A new queue: its URL and ARN.
    func queue(_ name: String) async throws -> (SQSQueue, String) {
        let created = try await client.json(
            .sqs, target: "AmazonSQS.CreateQueue", payload: ["QueueName": .string("\(prefix)-\(name)")])
        let url = try #require(created["QueueUrl"]?.stringValue)
        let attributes = try await client.json(
            .sqs, target: "AmazonSQS.GetQueueAttributes",
            payload: ["QueueUrl": .string(url), "AttributeNames": ["QueueArn"]])
        return (SQSQueue(client: client, url: url), try #require(attributes["Attributes"]?["QueueArn"]?.stringValue))
    }

    @Test("events put on the bus reach the queue a rule routes them to, and leave it once deleted")
    func eventBridgeToSQS() async throws {
        // Given a bus whose rule sends order events to a queue
        let bus = EventBridgeBus(client: client, name: "\(prefix)-bus")
        let events11 = "application/x-amz-json-1.1"
        _ = try await client.json(
            .eventBridge, target: "AWSEvents.CreateEventBus", payload: ["Name": .string(bus.name)],
            contentType: events11)
        _ = try await client.json(
            .eventBridge, target: "AWSEvents.PutRule",
            payload: [
                "Name": .string("\(prefix)-orders"), "EventBusName": .string(bus.name),
                "EventPattern": #"{"source":["orderly.orders"]}"#,
            ], contentType: events11)
        let (queue, arn) = try await queue("orders")
        _ = try await client.json(
            .eventBridge, target: "AWSEvents.PutTargets",
            payload: [
                "Rule": .string("\(prefix)-orders"), "EventBusName": .string(bus.name),
                "Targets": [["Id": "orders-queue", "Arn": .string(arn)]],
            ], contentType: events11)

        // When twelve order events and one user event are put (two calls of at most ten)
        var events: [EventEnvelope] = []
        for index in 0..<12 {
            events.append(
                try EventEnvelope(
                    id: .init(rawValue: "evt_\(index)"), time: Date(),
                    event: OrderCompleted(orderId: .init(rawValue: "ord_\(index)"))))
        }
        events.append(
            try EventEnvelope(
                id: .init(rawValue: "evt_user"), time: Date(),
                event: UserRegistered(userId: .init(rawValue: "usr_1"), email: "a@b.co", name: "A", role: .customer)))
        try await bus.put(events)

        // Then the queue holds exactly the twelve order events, as EventBridge delivers them
        var received: [SQSQueue.Message] = []
        for _ in 0..<10 where received.count < 12 {
            received += try await queue.receive(maximum: 10, wait: 1, visibility: 30)
        }
        let bodies = try received.map { try JSON(parsing: $0.body) }
        #expect(bodies.count == 12)
        #expect(bodies.allSatisfy { $0["source"] == "orderly.orders" && $0["detail-type"] == "OrderCompleted" })
        #expect(Set(bodies.compactMap { $0["detail"]?["orderId"]?.stringValue }).count == 12)
        for message in received { try await queue.delete(message) }
        #expect(try await queue.receive(maximum: 10, wait: 0).isEmpty)
    }

    @Test("a message published on a topic reaches the queue subscribed to it")
    func snsToSQS() async throws {
        let created = try await client.send(
            .sns, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Data("Action=CreateTopic&Version=2010-03-31&Name=\(prefix)-notifications".utf8))
        let text = String(decoding: created.body, as: UTF8.self)
        let arn = try #require(
            text.range(of: "<TopicArn>").flatMap { start in
                text.range(of: "</TopicArn>").map { String(text[start.upperBound..<$0.lowerBound]) }
            })
        let (queue, queueArn) = try await queue("mail")
        _ = try await client.send(
            .sns, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Data(
                "Action=Subscribe&Version=2010-03-31&TopicArn=\(SigV4Signer.encode(arn))&Protocol=sqs&Endpoint=\(SigV4Signer.encode(queueArn))"
                    .utf8))
        let topic = SNSTopic(client: client, arn: arn)
        let id = try await topic.publish(
            subject: "Your order is confirmed", message: "Order ord_1 is confirmed & on its way.",
            attributes: ["type": "ORDER_CONFIRMED", "orderId": "ord_1"])
        #expect(!id.isEmpty)
        let messages = try await queue.receive(maximum: 1, wait: 2)
        let envelope = try JSON(parsing: try #require(messages.first).body)
        #expect(envelope["Message"] == "Order ord_1 is confirmed & on its way.")
        #expect(envelope["Subject"] == "Your order is confirmed")
        #expect(envelope["MessageAttributes"]?["type"]?["Value"] == "ORDER_CONFIRMED")
    }

    @Test("a blob put in S3 comes back byte for byte; a missing one is nil")
    func s3RoundTrip() async throws {
        let store = S3BlobStore(client: client, bucket: "\(prefix)-receipts")
        try await store.createBucket()
        try await store.createBucket()
        let receipt = Data("<h1>Receipt</h1> ord_1 — USD 2.58 ✓".utf8)
        try await store.put(receipt, key: "receipts/ord_1.html", contentType: "text/html; charset=utf-8")
        #expect(try await store.get(key: "receipts/ord_1.html") == receipt)
        #expect(try await store.get(key: "receipts/ord_missing.html") == nil)
    }

    @Test("a consumer on SQS deletes what it handled; what keeps failing is redriven to the dead-letter queue")
    func consumerLoop() async throws {
        // Given a queue whose messages go to a dead-letter queue after two receives
        let (deadLetters, deadArn) = try await queue("orders-dlq")
        let (orders, _) = try await queue("orders-consumer")
        _ = try await client.json(
            .sqs, target: "AmazonSQS.SetQueueAttributes",
            payload: [
                "QueueUrl": .string(orders.url),
                "Attributes": [
                    "RedrivePolicy": .string(#"{"deadLetterTargetArn":"\#(deadArn)","maxReceiveCount":"2"}"#)
                ],
            ])
        let good = try EventEnvelope(
            id: .init(rawValue: "evt_good"), time: Date(), event: OrderCompleted(orderId: .init(rawValue: "ord_1")))
        let bad = try EventEnvelope(
            id: .init(rawValue: "evt_bad"), time: Date(), event: OrderCompleted(orderId: .init(rawValue: "ord_2")))
        for event in [good, bad] {
            try await orders.send(
                JSON.object([
                    "id": "eb-1", "source": .string(event.source), "detail-type": .string(event.detailType),
                    "time": "2026-11-29T12:00:00Z", "detail": try JSON(parsing: event.detail),
                    "resources": [.string("orderly:event:\(event.id.rawValue)"), "orderly:aggregate:ord_x"],
                ]).serialized())
        }

        // When a consumer that fails on one of them runs a few passes (a visibility timeout of 0: at once again)
        let seen = Seen()
        var loop = SQSEventConsumerLoop(queue: orders) { event, _ in
            await seen.add(event.id.rawValue)
            if event.id.rawValue == "evt_bad" { throw AWSError(code: "Boom", message: "", status: 0) }
            #expect(try event.decode(OrderCompleted.self).orderId.rawValue == "ord_1")
        }
        loop.visibility = 0
        var handled = 0
        for _ in 0..<4 { handled += try await loop.pass(wait: 1) }

        // Then the good one was handled once and deleted, the bad one tried and moved to the dead-letter queue
        #expect(handled == 1)
        #expect(await seen.ids.filter { $0 == "evt_good" }.count == 1)
        #expect(await seen.ids.filter { $0 == "evt_bad" }.count == 2)
        let dead = try await deadLetters.receive(maximum: 10, wait: 1)
        #expect(try dead.map { try SQSEventConsumerLoop.envelope(from: $0.body).id.rawValue } == ["evt_bad"])
        #expect(try await orders.receive(maximum: 10, wait: 0).isEmpty)
    }
}

actor Seen {
    var ids: [String] = []
    func add(_ id: String) { ids.append(id) }
}
