import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// An EventBridge bus: events in the EventBridge envelope, put at most ten a call (AWS's limit), entries that fail
/// put again.
public struct EventBridgeBus: Sendable {
    let client: AWSClient
    public let name: String
    /// How many times entries that failed are put again before the call fails.
    public var retries = 4

    public init(client: AWSClient, name: String) {
        self.client = client
        self.name = name
    }

    /// Puts every event on the bus.
    /// - Throws: ``AWSError`` `FailedEntries` naming the events still refused after ``retries`` more tries.
    public func put(_ events: [EventEnvelope]) async throws {
        for start in stride(from: 0, to: events.count, by: 10) {
            var batch = Array(events[start..<min(start + 10, events.count)])
            var attempt = 0
            while !batch.isEmpty {
                let answer = try await client.json(
                    .eventBridge, target: "AWSEvents.PutEvents", payload: ["Entries": .array(batch.map(entry))],
                    contentType: "application/x-amz-json-1.1")
                let results = answer["Entries"]?.arrayValue ?? []
                // Entries answer in order; one with an ErrorCode was not put.
                batch = zip(batch, results).filter { $0.1["ErrorCode"]?.stringValue != nil }.map(\.0)
                attempt += 1
                if !batch.isEmpty && attempt > retries {
                    throw AWSError(
                        code: "FailedEntries", message: "EventBridge refused \(batch.map(\.id.rawValue))", status: 200)
                }
            }
        }
    }

    func entry(_ event: EventEnvelope) -> JSON {
        [
            "EventBusName": .string(name), "Source": .string(event.source), "DetailType": .string(event.detailType),
            "Detail": .string(event.detail), "Time": .int(Int(event.time.timeIntervalSince1970)),
            // The envelope's id and aggregate travel as resources, so a consumer can be idempotent by them.
            "Resources": [
                .string("orderly:event:\(event.id.rawValue)"), .string("orderly:aggregate:\(event.aggregateID)"),
            ],
        ]
    }
}

/// An SQS queue on the JSON protocol: send, receive with long polling and a visibility timeout, delete once done.
public struct SQSQueue: Sendable {
    let client: AWSClient
    public let url: String

    public init(client: AWSClient, url: String) {
        self.client = client
        self.url = url
    }

    /// A message received, with the handle that deletes it.
    public struct Message: Hashable, Sendable {
        public var id: String
        public var body: String
        public var receiptHandle: String
        /// How many times it was received (it comes back when not deleted in time).
        public var receiveCount: Int
    }

    /// Sends one message.
    /// - Returns: its message id.
    @discardableResult
    public func send(_ body: String) async throws -> String {
        let answer = try await call("SendMessage", ["QueueUrl": .string(url), "MessageBody": .string(body)])
        return answer["MessageId"]?.stringValue ?? ""
    }

    /// Receives up to `maximum` (1–10) messages, waiting up to `wait` seconds for the first; each is hidden from
    /// other receivers for `visibility` seconds.
    public func receive(maximum: Int = 10, wait: Int = 20, visibility: Int = 30) async throws -> [Message] {
        let answer = try await call(
            "ReceiveMessage",
            [
                "QueueUrl": .string(url), "MaxNumberOfMessages": .int(min(max(maximum, 1), 10)),
                "WaitTimeSeconds": .int(min(max(wait, 0), 20)), "VisibilityTimeout": .int(max(visibility, 0)),
                "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
            ])
        return (answer["Messages"]?.arrayValue ?? []).compactMap { message in
            guard let id = message["MessageId"]?.stringValue, let body = message["Body"]?.stringValue,
                let handle = message["ReceiptHandle"]?.stringValue
            else { return nil }
            let count = message["Attributes"]?["ApproximateReceiveCount"]?.stringValue.flatMap { Int($0) } ?? 1
            return Message(id: id, body: body, receiptHandle: handle, receiveCount: count)
        }
    }

    /// Deletes a message that was handled.
    public func delete(_ message: Message) async throws {
        _ = try await call(
            "DeleteMessage", ["QueueUrl": .string(url), "ReceiptHandle": .string(message.receiptHandle)])
    }

    func call(_ action: String, _ payload: JSON) async throws -> JSON {
        try await client.json(.sqs, target: "AmazonSQS.\(action)", payload: payload)
    }
}

/// An SNS topic (the query protocol): messages with a subject and string attributes.
public struct SNSTopic: Sendable {
    let client: AWSClient
    public let arn: String

    public init(client: AWSClient, arn: String) {
        self.client = client
        self.arn = arn
    }

    /// Publishes a message.
    /// - Returns: its message id.
    @discardableResult
    public func publish(subject: String, message: String, attributes: [String: String] = [:]) async throws -> String {
        var form: [(name: String, value: String)] = [
            ("Action", "Publish"), ("Version", "2010-03-31"), ("TopicArn", arn), ("Subject", subject),
            ("Message", message),
        ]
        for (index, (name, value)) in attributes.sorted(by: { $0.key < $1.key }).enumerated() {
            let prefix = "MessageAttributes.entry.\(index + 1)"
            form += [
                ("\(prefix).Name", name), ("\(prefix).Value.DataType", "String"),
                ("\(prefix).Value.StringValue", value),
            ]
        }
        let response = try await client.send(
            .sns, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Data(Self.formEncoded(form).utf8))
        let text = String(decoding: response.body, as: UTF8.self)
        guard let start = text.range(of: "<MessageId>"), let end = text.range(of: "</MessageId>") else { return "" }
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// `application/x-www-form-urlencoded` with RFC 3986 escapes.
    static func formEncoded(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { "\(SigV4Signer.encode($0.name))=\(SigV4Signer.encode($0.value))" }.joined(separator: "&")
    }
}

/// Consumes the events an EventBridge rule delivers to an SQS queue: long polling, each message hidden while it is
/// handled, deleted only once handled. A message that keeps failing comes back after its visibility timeout, and the
/// queue's redrive policy moves it to its dead-letter queue after `maxReceiveCount` receives.
public struct SQSEventConsumerLoop: Sendable {
    public let queue: SQSQueue
    /// Seconds a received message stays hidden while it is handled.
    public var visibility = 30
    /// Handles an event; told how many times its message was received (1 the first time).
    let handle: @Sendable (EventEnvelope, _ receiveCount: Int) async throws -> Void

    public init(queue: SQSQueue, handle: @escaping @Sendable (EventEnvelope, _ receiveCount: Int) async throws -> Void)
    {
        self.queue = queue
        self.handle = handle
    }

    /// Receives once (waiting up to `wait` seconds) and handles what came.
    /// - Returns: how many messages were handled and deleted.
    @discardableResult
    public func pass(wait: Int = 20) async throws -> Int {
        var handled = 0
        for message in try await queue.receive(maximum: 10, wait: wait, visibility: visibility) {
            do {
                try await handle(try Self.envelope(from: message.body), message.receiveCount)
                try await queue.delete(message)
                handled += 1
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // Left on the queue: it comes back after the visibility timeout, and redrives to the DLQ in the end.
                continue
            }
        }
        return handled
    }

    /// The Orderly envelope of an event as EventBridge delivers it (`{"id","source","detail-type","time","detail",
    /// "resources"}`); the envelope's own id and aggregate travel as resources.
    public static func envelope(from body: String) throws -> EventEnvelope {
        let json = try JSON(parsing: body)
        guard let source = json["source"]?.stringValue, let type = json["detail-type"]?.stringValue,
            let detail = json["detail"]
        else { throw AWSError(code: "InvalidEvent", message: "The message is not an EventBridge event.", status: 0) }
        let resources = json["resources"]?.arrayValue?.compactMap(\.stringValue) ?? []
        func resource(_ prefix: String) -> String? {
            resources.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        let id = resource("orderly:event:") ?? json["id"]?.stringValue ?? ""
        let time = json["time"]?.stringValue.flatMap { try? Date($0, strategy: .iso8601) } ?? Date()
        return EventEnvelope(
            id: .init(rawValue: id), source: source, detailType: type, time: time,
            aggregateID: resource("orderly:aggregate:") ?? "", detail: detail.serialized())
    }
}

extension SNSTopic {
    /// The topic named `name`, created unless it exists (`CreateTopic` answers an existing topic's ARN).
    public static func create(client: AWSClient, name: String) async throws -> SNSTopic {
        let form: [(name: String, value: String)] = [
            ("Action", "CreateTopic"), ("Version", "2010-03-31"), ("Name", name),
        ]
        let response = try await client.send(
            .sns, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Data(formEncoded(form).utf8))
        let text = String(decoding: response.body, as: UTF8.self)
        guard let start = text.range(of: "<TopicArn>"), let end = text.range(of: "</TopicArn>") else {
            throw AWSError(code: "UnexpectedAnswer", message: "CreateTopic answered no TopicArn.", status: 0)
        }
        return SNSTopic(client: client, arn: String(text[start.upperBound..<end.lowerBound]))
    }
}

/// Email through SNS: each message is published to the notifications topic with its address and message id as
/// attributes (subscribers, such as an email-sending function, deliver it). SNS subjects are at most 100 characters.
public struct SNSMailer: Mailer {
    let topic: SNSTopic

    public init(topic: SNSTopic) {
        self.topic = topic
    }

    public func send(to address: String, subject: String, body: String, messageID: String) async throws {
        try await topic.publish(
            subject: String(subject.prefix(100)), message: body, attributes: ["to": address, "messageId": messageID])
    }
}

/// Relays the transactional outbox to an EventBridge bus: pending events are put on the bus (ten a call, refused
/// entries put again) and marked delivered once the bus took them. A crash in between puts them again: consumers
/// are idempotent by event id.
public struct OutboxRelay: Sendable {
    let outbox: any EventOutbox
    let bus: EventBridgeBus
    let clock: any WallClock

    public init(outbox: any EventOutbox, bus: EventBridgeBus, clock: any WallClock) {
        self.outbox = outbox
        self.bus = bus
        self.clock = clock
    }

    /// Relays until nothing is pending.
    /// - Returns: how many events were put on the bus.
    @discardableResult
    public func relayPending(batch: Int = 100) async throws -> Int {
        var sent = 0
        while true {
            let events = try await outbox.pendingEvents(limit: batch)
            if events.isEmpty { return sent }
            try await bus.put(events)
            try await outbox.markDispatched(events.map(\.id), at: clock.now())
            sent += events.count
        }
    }
}
