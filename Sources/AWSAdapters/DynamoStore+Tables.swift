import Foundation
import StatesLanguage

/// The tables' keys and indexes (every key attribute is a string), as `docs/dynamodb.md` describes them.
extension DynamoStore {
    struct TableSpec {
        var hash: String
        var range: String?
        /// Global secondary indexes: name, partition key, sort key. Each projects every attribute.
        var indexes: [(name: String, hash: String, range: String)] = []
        /// The attribute DynamoDB's TTL removes expired items by.
        var expires = false
    }

    static let specs: [Table: TableSpec] = [
        .users: TableSpec(hash: "id", indexes: [("staff", "staffRole", "id")]),
        .products: TableSpec(
            hash: "id", indexes: [("all", "catalogShard", "id"), ("byCategory", "categoryKey", "id")]),
        .carts: TableSpec(hash: "userId"),
        .orders: TableSpec(
            hash: "id",
            indexes: [("all", "ordersShard", "id"), ("byUser", "userId", "id"), ("byStatus", "status", "id")]),
        .payments: TableSpec(
            hash: "orderId", indexes: [("byUser", "userId", "id"), ("pendingRefunds", "refundShard", "id")]),
        .reservations: TableSpec(hash: "id", indexes: [("held", "heldShard", "expiresAt")], expires: true),
        .deliveries: TableSpec(
            hash: "id",
            indexes: [("all", "deliveriesShard", "id"), ("byCourier", "courierId", "id"), ("byOrder", "orderId", "id")]),
        .subscriptions: TableSpec(hash: "id", indexes: [("byUser", "userId", "id"), ("due", "dueShard", "nextRunAt")]),
        .notifications: TableSpec(hash: "id", indexes: [("byUser", "userId", "id")]),
        .subscriptionRuns: TableSpec(
            hash: "subscriptionId", range: "runAt", indexes: [("claimed", "claimedShard", "runAt")]),
        .uniques: TableSpec(hash: "key", indexes: [("categories", "categoryShard", "key")]),
        .outbox: TableSpec(hash: "id", indexes: [("pending", "pendingShard", "id")], expires: true),
        .consumerLedger: TableSpec(hash: "consumer", range: "eventId", expires: true),
        .deadLetters: TableSpec(hash: "id", indexes: [("all", "listShard", "id")]),
        .eventLog: TableSpec(hash: "id", indexes: [("all", "logShard", "id"), ("byType", "detailType", "id")]),
        .sales: TableSpec(hash: "pk", range: "sk"),
        .idempotency: TableSpec(hash: "scope", range: "key", expires: true),
        .loginAttempts: TableSpec(hash: "key", expires: true),
    ]

    /// The names of the store's tables under `prefix`.
    public static func tableNames(prefix: String) -> [String] { Table.allCases.map { "\(prefix)-\($0.rawValue)" } }

    /// Every table's definition under `prefix`, in the shape of `CreateTable`'s request (which is also the shape
    /// of CloudFormation's `AWS::DynamoDB::Table` properties): `TableName`, `BillingMode`, `KeySchema`,
    /// `AttributeDefinitions`, `GlobalSecondaryIndexes`; and the TTL attribute of the tables whose items expire.
    public static func tableDefinitions(prefix: String) -> [(suffix: String, request: JSON, expiresBy: String?)] {
        Table.allCases.compactMap { table in
            guard let spec = specs[table] else { return nil }
            var attributes = Set([spec.hash] + (spec.range.map { [$0] } ?? []))
            var keys: [JSON] = [["AttributeName": .string(spec.hash), "KeyType": "HASH"]]
            if let range = spec.range { keys.append(["AttributeName": .string(range), "KeyType": "RANGE"]) }
            var indexes: [JSON] = []
            for index in spec.indexes {
                attributes.formUnion([index.hash, index.range])
                indexes.append([
                    "IndexName": .string(index.name), "Projection": ["ProjectionType": "ALL"],
                    "KeySchema": [
                        ["AttributeName": .string(index.hash), "KeyType": "HASH"],
                        ["AttributeName": .string(index.range), "KeyType": "RANGE"],
                    ],
                ])
            }
            var request: JSONObject = [
                "TableName": .string("\(prefix)-\(table.rawValue)"), "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": .array(keys),
                "AttributeDefinitions": .array(
                    attributes.sorted().map { ["AttributeName": .string($0), "AttributeType": "S"] }),
            ]
            if !indexes.isEmpty { request["GlobalSecondaryIndexes"] = .array(indexes) }
            return (table.rawValue, .object(request), spec.expires ? "expireAt" : nil)
        }
    }

    /// Creates every table (on demand), unless it exists, and turns on TTL where items expire. Idempotent.
    /// - Returns: the names of the tables created now.
    @discardableResult
    public func createTables() async throws -> [String] {
        var created: [String] = []
        for (_, request, expiresBy) in Self.tableDefinitions(prefix: prefix) {
            let name = request["TableName"]?.stringValue ?? ""
            do {
                _ = try await dynamo.call("CreateTable", request)
                created.append(name)
            } catch let error as AWSError where error.code == "ResourceInUseException" {
                continue
            }
            if let expiresBy {
                _ = try await dynamo.call(
                    "UpdateTimeToLive",
                    [
                        "TableName": .string(name),
                        "TimeToLiveSpecification": ["Enabled": true, "AttributeName": .string(expiresBy)],
                    ])
            }
        }
        return created
    }
}
