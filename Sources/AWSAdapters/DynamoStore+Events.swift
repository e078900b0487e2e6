import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

// The outbox, what consumers did with events, the analytics log and the sales figures.

extension DynamoStore {
    /// The outbox items recording `events`, for the transaction of the change that caused them. An event is pending
    /// while it carries `pendingShard` (the sparse GSI `pending` lists them in id order, which is time order).
    func outboxPuts(_ events: [EventEnvelope]) throws -> [JSON] {
        try events.map { event in
            put(.outbox, try Self.outboxItem(event), condition: "attribute_not_exists(id)")
        }
    }

    static func outboxItem(_ event: EventEnvelope) throws -> JSONObject {
        [
            "id": Attribute.string(event.id.rawValue), "pendingShard": Attribute.string("pending"),
            "time": Attribute.number(millis(event.time)), "doc": try doc(event),
        ]
    }

    /// How long a delivered event is kept (then DynamoDB's TTL removes it).
    static let deliveredRetention: TimeInterval = 7 * 24 * 3600
}

extension DynamoStore: EventOutbox {
    public func pendingEvents(limit: Int) async throws -> [EventEnvelope] {
        try await all(
            .outbox, index: "pending", condition: "pendingShard = :pending", names: [:],
            values: [":pending": Attribute.string("pending")], limit: limit
        ).map { try Self.decode(EventEnvelope.self, $0) }
    }

    public func backlog() async throws -> (count: Int, oldest: Date?) {
        var count = 0
        var oldest: Date?
        var start: JSON?
        repeat {
            var query: JSONObject = [
                "TableName": .string(name(.outbox)), "IndexName": "pending",
                "KeyConditionExpression": "pendingShard = :pending",
                "ExpressionAttributeValues": [":pending": Attribute.string("pending")],
                "ProjectionExpression": "#time", "ExpressionAttributeNames": ["#time": "time"],
            ]
            if let start { query["ExclusiveStartKey"] = start }
            let answer = try await dynamo.call("Query", .object(query))
            for item in answer["Items"]?.arrayValue ?? [] {
                count += 1
                if let millis = Attribute.number(item["time"]) {
                    let time = Date(timeIntervalSince1970: Double(millis) / 1000)
                    oldest = min(oldest ?? time, time)
                }
            }
            start = answer["LastEvaluatedKey"]
        } while start != nil
        return (count, oldest)
    }

    public func markDispatched(_ ids: [EventEnvelope.ID], at time: Date) async throws {
        let expireAt = Int(time.addingTimeInterval(Self.deliveredRetention).timeIntervalSince1970)
        for batch in stride(from: 0, to: ids.count, by: 100).map({ ids[$0..<min($0 + 100, ids.count)] }) {
            try await transact(
                batch.map { id in
                    update(
                        .outbox, ["id": Attribute.string(id.rawValue)],
                        "SET dispatchedAt = :at, expireAt = :expire REMOVE pendingShard",
                        values: [
                            ":at": Attribute.number(Self.millis(time)), ":expire": Attribute.number(expireAt),
                        ])
                })
        }
    }

    public func publish(_ event: EventEnvelope) async throws {
        do {
            _ = try await dynamo.call(
                "PutItem",
                [
                    "TableName": .string(name(.outbox)), "Item": .object(try Self.outboxItem(event)),
                    "ConditionExpression": "attribute_not_exists(id)",
                ])
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            return  // recorded before (and perhaps delivered): not again
        }
    }
}

extension DynamoStore: ConsumerLedger {
    static let ledgerRetention: TimeInterval = 30 * 24 * 3600

    public func isProcessed(consumer: String, eventID: EventEnvelope.ID) async throws -> Bool {
        try await get(
            .consumerLedger, ["consumer": Attribute.string(consumer), "eventId": Attribute.string(eventID.rawValue)])
            != nil
    }

    public func markProcessed(consumer: String, eventID: EventEnvelope.ID, at time: Date) async throws {
        _ = try await dynamo.call(
            "PutItem",
            [
                "TableName": .string(name(.consumerLedger)),
                "Item": [
                    "consumer": Attribute.string(consumer), "eventId": Attribute.string(eventID.rawValue),
                    "processedAt": Attribute.number(Self.millis(time)),
                    "expireAt": Attribute.number(
                        Int(time.addingTimeInterval(Self.ledgerRetention).timeIntervalSince1970)),
                ],
            ])
    }

    public func deadLetter(consumer: String, event: EventEnvelope, error: String, attempts: Int, at time: Date)
        async throws
    {
        let id = "dlq_" + Self.sortableMillis(time) + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        _ = try await dynamo.call(
            "PutItem",
            [
                "TableName": .string(name(.deadLetters)),
                "Item": [
                    "id": Attribute.string(id), "listShard": Attribute.string("dead"),
                    "consumer": Attribute.string(consumer), "event": try Self.doc(event),
                    "error": Attribute.string(error), "attempts": Attribute.number(attempts),
                    "createdAt": Attribute.number(Self.millis(time)),
                ],
            ])
    }

    public func deadLetters(page: PageRequest) async throws -> Page<DeadLetter> {
        let (items, next) = try await self.page(
            .deadLetters, index: "all", hash: ("listShard", Attribute.string("dead")), sortKey: "id",
            newestFirst: true, page: page)
        return Page(items: try items.map(Self.deadLetter(from:)), nextAfter: next)
    }

    public func deadLetter(id: String) async throws -> DeadLetter? {
        try await get(.deadLetters, ["id": Attribute.string(id)]).map(Self.deadLetter(from:))
    }

    public func recordReplayFailure(id: String, error: String, at time: Date) async throws {
        do {
            _ = try await dynamo.call(
                "UpdateItem",
                [
                    "TableName": .string(name(.deadLetters)), "Key": ["id": Attribute.string(id)],
                    "UpdateExpression": "SET #error = :error ADD attempts :one",
                    "ConditionExpression": "attribute_exists(id)",
                    "ExpressionAttributeNames": ["#error": "error"],
                    "ExpressionAttributeValues": [":error": Attribute.string(error), ":one": Attribute.number(1)],
                ])
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            return
        }
    }

    public func removeDeadLetter(id: String) async throws -> DeadLetter? {
        let answer = try await dynamo.call(
            "DeleteItem",
            ["TableName": .string(name(.deadLetters)), "Key": ["id": Attribute.string(id)], "ReturnValues": "ALL_OLD"])
        return try answer["Attributes"].map(Self.deadLetter(from:))
    }

    static func deadLetter(from item: JSON) throws -> DeadLetter {
        DeadLetter(
            id: Attribute.string(item["id"]) ?? "", consumer: Attribute.string(item["consumer"]) ?? "",
            event: try decode(EventEnvelope.self, item, attribute: "event"),
            error: Attribute.string(item["error"]) ?? "",
            attempts: Attribute.number(item["attempts"]) ?? 0,
            createdAt: Date(timeIntervalSince1970: Double(Attribute.number(item["createdAt"]) ?? 0) / 1000))
    }
}

extension DynamoStore: EventLogStore {
    public func log(_ event: EventEnvelope) async throws {
        do {
            _ = try await dynamo.call(
                "PutItem",
                [
                    "TableName": .string(name(.eventLog)),
                    "Item": [
                        "id": Attribute.string(event.id.rawValue), "logShard": Attribute.string("log"),
                        "detailType": Attribute.string(event.detailType), "doc": try Self.doc(event),
                    ],
                    "ConditionExpression": "attribute_not_exists(id)",
                ])
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            return
        }
    }

    public func loggedEvents(type: String?, page: PageRequest) async throws -> Page<EventEnvelope> {
        let (items, next) =
            if let type {
                try await self.page(
                    .eventLog, index: "byType", hash: ("detailType", Attribute.string(type)), sortKey: "id",
                    newestFirst: true, page: page)
            } else {
                try await self.page(
                    .eventLog, index: "all", hash: ("logShard", Attribute.string("log")), sortKey: "id",
                    newestFirst: true, page: page)
            }
        return Page(items: try items.map { try Self.decode(EventEnvelope.self, $0) }, nextAfter: next)
    }
}

/// Sales figures are kept as running sums: one item per day (`day` / date) and one per product and day
/// (`product` / `date#productId`), added to in one transaction with a marker of the event, so an event counts once.
extension DynamoStore: SalesStore {
    public func recordSaleFacts(eventID: EventEnvelope.ID, facts: [SaleFact]) async throws {
        var items = [
            put(
                .sales, ["pk": Attribute.string("event"), "sk": Attribute.string(eventID.rawValue)],
                condition: "attribute_not_exists(pk)")
        ]
        var days: [String: (orders: Int, revenue: Int, refunded: Int)] = [:]
        var products: [String: (name: String, quantity: Int, revenue: Int)] = [:]
        for fact in facts {
            switch fact.kind {
            case .order:
                days[fact.day, default: (0, 0, 0)].orders += 1
                days[fact.day, default: (0, 0, 0)].revenue += fact.amount
            case .refund:
                days[fact.day, default: (0, 0, 0)].refunded += fact.amount
            case .line:
                guard let product = fact.productID else { continue }
                let key = fact.day + "#" + product
                products[key, default: (fact.productName ?? "", 0, 0)].quantity += fact.quantity
                products[key, default: (fact.productName ?? "", 0, 0)].revenue += fact.amount
            }
        }
        for (day, sums) in days {
            items.append(
                update(
                    .sales, ["pk": Attribute.string("day"), "sk": Attribute.string(day)],
                    "ADD orders :orders, revenue :revenue, refunded :refunded",
                    values: [
                        ":orders": Attribute.number(sums.orders), ":revenue": Attribute.number(sums.revenue),
                        ":refunded": Attribute.number(sums.refunded),
                    ]))
        }
        for (key, sums) in products {
            items.append(
                update(
                    .sales, ["pk": Attribute.string("product"), "sk": Attribute.string(key)],
                    "SET #name = :name ADD quantity :quantity, revenue :revenue", names: ["#name": "name"],
                    values: [
                        ":name": Attribute.string(sums.name), ":quantity": Attribute.number(sums.quantity),
                        ":revenue": Attribute.number(sums.revenue),
                    ]))
        }
        do {
            try await transact(items)
        } catch let cancelled as TransactionCancelled where cancelled.failed(0) {
            return  // this event's facts are counted already
        }
    }

    public func salesFigures(from: String, to: String) async throws -> SalesFigures {
        let days = try await all(
            .sales, index: nil, condition: "pk = :pk AND sk BETWEEN :from AND :to", names: [:],
            values: [":pk": Attribute.string("day"), ":from": Attribute.string(from), ":to": Attribute.string(to)]
        ).map {
            SalesFigures.Day(
                date: Attribute.string($0["sk"]) ?? "", orders: Attribute.number($0["orders"]) ?? 0,
                revenue: Attribute.number($0["revenue"]) ?? 0, refunded: Attribute.number($0["refunded"]) ?? 0)
        }
        var products: [String: SalesFigures.ProductFigure] = [:]
        for item in try await all(
            .sales, index: nil, condition: "pk = :pk AND sk BETWEEN :from AND :to", names: [:],
            values: [
                ":pk": Attribute.string("product"), ":from": Attribute.string(from + "#"),
                ":to": Attribute.string(to + "#\u{10FFFF}"),
            ])
        {
            let product = String((Attribute.string(item["sk"]) ?? "").split(separator: "#").last ?? "")
            var figure = products[product] ?? .init(productID: product, name: "", quantity: 0, revenue: 0)
            figure.name = max(figure.name, Attribute.string(item["name"]) ?? "")
            figure.quantity += Attribute.number(item["quantity"]) ?? 0
            figure.revenue += Attribute.number(item["revenue"]) ?? 0
            products[product] = figure
        }
        let top = products.values.sorted { ($1.revenue, $0.productID) < ($0.revenue, $1.productID) }.prefix(10)
        return SalesFigures(days: days, topProducts: Array(top))
    }
}
