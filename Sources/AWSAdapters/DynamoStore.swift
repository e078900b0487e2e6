import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// The AWS adapter of every storage port: DynamoDB tables named `<prefix>-<table>` (see `docs/dynamodb.md`).
///
/// Entities are stored whole as a JSON `doc` with a `version`; a read-modify-write is a conditional write on the
/// version read, tried again when another writer came first (`change` closures are pure, so running one again is
/// safe). A change and its events are one `TransactWriteItems`, the events as `outbox` items.
public struct DynamoStore: Sendable {
    let dynamo: DynamoDB
    public let prefix: String

    public init(dynamo: DynamoDB, prefix: String) {
        self.dynamo = dynamo
        self.prefix = prefix
    }

    /// The tables, by their name after the prefix.
    enum Table: String, CaseIterable {
        case users, products, carts, orders, payments, reservations, deliveries, subscriptions, notifications
        case subscriptionRuns = "subscription-runs"
        /// Unique values (an email, an order's idempotency key, an order's delivery under way): one item each.
        case uniques
        case outbox
        case consumerLedger = "consumer-ledger"
        case deadLetters = "dead-letters"
        case eventLog = "event-log"
        case sales
        case idempotency
        case loginAttempts = "login-attempts"
    }

    func name(_ table: Table) -> String { "\(prefix)-\(table.rawValue)" }

    /// How many times a read-modify-write is tried before giving up on a contended item.
    static let attempts = 40
}

// MARK: - Items

extension DynamoStore {
    /// A string attribute holding `value` as JSON (sorted keys, so equal values are equal text).
    static func doc(_ value: some Encodable) throws -> JSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Attribute.string(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// The `doc` attribute of `item` decoded as `T`.
    static func decode<T: Decodable>(_ type: T.Type, _ item: JSON, attribute: String = "doc") throws -> T {
        guard let text = Attribute.string(item[attribute]) else {
            throw AWSError(code: "CorruptItem", message: "An item has no \(attribute).", status: 0)
        }
        return try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// The item's `version`, 0 when it has none.
    static func version(_ item: JSON) -> Int { Attribute.number(item["version"]) ?? 0 }

    /// Milliseconds since 1970, zero-padded to sort as text.
    static func sortableMillis(_ date: Date) -> String {
        let digits = String(max(0, millis(date)))
        return String(repeating: "0", count: max(0, 15 - digits.count)) + digits
    }

    static func millis(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Reads one item, strongly consistent.
    func get(_ table: Table, _ key: JSONObject) async throws -> JSON? {
        try await dynamo.call(
            "GetItem", ["TableName": .string(name(table)), "Key": .object(key), "ConsistentRead": true]
        )["Item"]
    }

    /// A `Put` of a transaction. `condition` names attributes through `#name` placeholders given in `names`.
    func put(
        _ table: Table, _ item: JSONObject, condition: String? = nil, names: [String: String] = [:],
        values: JSONObject = [:]
    ) -> JSON {
        var put: JSONObject = ["TableName": .string(name(table)), "Item": .object(item)]
        Self.add(condition: condition, names: names, values: values, to: &put)
        return ["Put": .object(put)]
    }

    /// An `Update` of a transaction.
    func update(
        _ table: Table, _ key: JSONObject, _ expression: String, condition: String? = nil,
        names: [String: String] = [:], values: JSONObject = [:]
    ) -> JSON {
        var update: JSONObject = [
            "TableName": .string(name(table)), "Key": .object(key), "UpdateExpression": .string(expression),
        ]
        Self.add(condition: condition, names: names, values: values, to: &update)
        return ["Update": .object(update)]
    }

    /// A `ConditionCheck` of a transaction.
    func check(
        _ table: Table, _ key: JSONObject, _ condition: String, names: [String: String] = [:],
        values: JSONObject = [:]
    ) -> JSON {
        var check: JSONObject = ["TableName": .string(name(table)), "Key": .object(key)]
        Self.add(condition: condition, names: names, values: values, to: &check)
        return ["ConditionCheck": .object(check)]
    }

    static func add(
        condition: String?, names: [String: String], values: JSONObject, to request: inout JSONObject
    ) {
        if let condition { request["ConditionExpression"] = .string(condition) }
        if !names.isEmpty { request["ExpressionAttributeNames"] = .object(JSONObject(names.mapValues(JSON.string))) }
        if !values.isEmpty { request["ExpressionAttributeValues"] = .object(values) }
    }

    /// Writes every item at once, or none.
    ///
    /// Each attempt carries its own `ClientRequestToken`, so the client may send it again when the answer was lost
    /// (DynamoDB applies a token once). A transaction cancelled only because another was under way on the same
    /// items (`TransactionConflict`: nothing was applied, no condition failed) is tried again after a short random
    /// pause, as DynamoDB advises.
    /// - Throws: ``TransactionCancelled`` naming which items' conditions failed; ``AWSError`` otherwise.
    func transact(_ items: [JSON]) async throws {
        precondition(items.count <= 100, "a DynamoDB transaction holds at most 100 items")
        for attempt in 1...Self.attempts {
            do {
                _ = try await dynamo.call(
                    "TransactWriteItems",
                    ["TransactItems": .array(items), "ClientRequestToken": .string(UUID().uuidString)])
                return
            } catch let error as AWSError where error.code == "TransactionCanceledException" {
                let cancelled = TransactionCancelled(reasons: error.cancellationReasons, underlying: error)
                guard cancelled.conflicted, !cancelled.reasons.contains("ConditionalCheckFailed"),
                    attempt < Self.attempts
                else { throw cancelled }
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...(20 * min(attempt, 10)))))
            }
        }
    }

    /// Runs `attempt` again while it loses a race on a version (``VersionConflict``), with a short random pause.
    /// - Throws: `conflict` when it lost every time (the item is that contended): the caller may try again.
    func retryingConflicts<Result>(_ attempt: () async throws -> Result) async throws -> Result {
        for _ in 1..<Self.attempts {
            do {
                return try await attempt()
            } catch is VersionConflict {
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
            }
        }
        do {
            return try await attempt()
        } catch is VersionConflict {
            throw OrderlyError(.conflict, "Others changed this at the same moment, every time; try again.")
        }
    }

    /// The condition of a versioned write: the item is as read (`version`), or new when `version` is nil.
    static func versionCondition(_ version: Int?, key: String) -> (String, [String: String], JSONObject) {
        guard let version else { return ("attribute_not_exists(#key)", ["#key": key], [:]) }
        return ("#version = :version", ["#version": "version"], [":version": Attribute.number(version)])
    }
}

/// A `TransactWriteItems` that was cancelled; `reasons` has one code per item (`None` for the items that were fine).
struct TransactionCancelled: Error {
    var reasons: [String]
    var underlying: AWSError

    /// Whether the condition of the item at `index` failed.
    func failed(_ index: Int) -> Bool {
        index < reasons.count && reasons[index] == "ConditionalCheckFailed"
    }

    /// Whether another transaction on the same items was under way (DynamoDB's `TransactionConflict`).
    var conflicted: Bool { reasons.contains("TransactionConflict") }
}

/// Another writer changed the item between the read and the write: read again.
struct VersionConflict: Error {}

// MARK: - Pages

extension DynamoStore {
    /// One page of a key-ordered query: the items whose sort key is past `page.after`, `page.limit` of them (a
    /// filter may take several queries to fill it), and the next page's cursor (the last item's sort key).
    func page(
        _ table: Table, index: String?, hash: (name: String, value: JSON), sortKey: String, newestFirst: Bool,
        page: PageRequest, filter: String? = nil, names: [String: String] = [:], values: JSONObject = [:]
    ) async throws -> (items: [JSON], next: String?) {
        var condition = "#hash = :hash"
        var names = names.merging(["#hash": hash.name]) { $1 }
        var values = values.merging([":hash": hash.value]) { $1 }
        if let after = page.after {
            condition += newestFirst ? " AND #sort < :after" : " AND #sort > :after"
            names["#sort"] = sortKey
            values[":after"] = Attribute.string(after)
        }
        // One more than the page: whether there is a next page.
        let items = try await all(
            table, index: index, condition: condition, names: names, values: values, filter: filter,
            ascending: !newestFirst, limit: page.limit + 1)
        let kept = Array(items.prefix(page.limit))
        let next = items.count > page.limit ? kept.last.flatMap { Attribute.string($0[sortKey]) } : nil
        return (kept, next)
    }

    /// The items of a query, its pages followed, `limit` at most. Reads from the table itself are strongly
    /// consistent (an index's cannot be).
    func all(
        _ table: Table, index: String?, condition: String, names: [String: String], values: JSONObject,
        filter: String? = nil, ascending: Bool = true, limit: Int = .max
    ) async throws -> [JSON] {
        var items: [JSON] = []
        var start: JSON?
        repeat {
            var query: JSONObject = [
                "TableName": .string(name(table)), "KeyConditionExpression": .string(condition),
                "ScanIndexForward": .bool(ascending), "ExpressionAttributeValues": .object(values),
            ]
            // DynamoDB refuses an empty ExpressionAttributeNames.
            if !names.isEmpty { query["ExpressionAttributeNames"] = .object(JSONObject(names.mapValues(JSON.string))) }
            if limit != .max { query["Limit"] = .int(limit - items.count) }
            if let index { query["IndexName"] = .string(index) } else { query["ConsistentRead"] = true }
            if let filter { query["FilterExpression"] = .string(filter) }
            if let start { query["ExclusiveStartKey"] = start }
            let answer = try await dynamo.call("Query", .object(query))
            items += answer["Items"]?.arrayValue ?? []
            start = answer["LastEvaluatedKey"]
        } while start != nil && items.count < limit
        return Array(items.prefix(limit))
    }
}

extension DynamoStore: StorageHealth {
    public func checkReachable() async throws {
        _ = try await dynamo.call("DescribeTable", ["TableName": .string(name(.outbox))])
    }
}
