import Foundation
import StatesLanguage

/// DynamoDB's JSON API (version 2012-08-10), one action at a time: `PutItem`, `UpdateItem`, `TransactWriteItems`,
/// `Query`, ... Payloads and answers are DynamoDB's own JSON, attribute values typed (`{"S": "..."}`, `{"N": "1"}`).
public struct DynamoDB: Sendable {
    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Calls `action` with `payload`.
    /// - Throws: ``AWSError``: `ConditionalCheckFailedException` when a condition did not hold,
    ///   `TransactionCanceledException` with the reason of each item, `ResourceNotFoundException`, ...
    public func call(_ action: String, _ payload: JSON) async throws -> JSON {
        // A write that got no answer may have been applied: it is not sent blindly again, unless it carries its own
        // idempotency token (TransactWriteItems' ClientRequestToken).
        let idempotent = Self.reads.contains(action) || payload["ClientRequestToken"] != nil
        return try await client.json(
            .dynamoDB, target: "DynamoDB_20120810.\(action)", payload: payload, idempotent: idempotent)
    }

    static let reads: Set<String> = [
        "GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "DescribeTable", "ListTables",
        "DescribeTimeToLive",
    ]
}

/// DynamoDB attribute values.
public enum Attribute {
    /// `{"S": text}`.
    public static func string(_ text: String) -> JSON { ["S": .string(text)] }
    /// `{"N": "42"}`.
    public static func number(_ value: Int) -> JSON { ["N": .string(String(value))] }

    /// The text of an `S` value.
    public static func string(_ value: JSON?) -> String? { value?["S"]?.stringValue }
    /// The integer of an `N` value.
    public static func number(_ value: JSON?) -> Int? { value?["N"]?.stringValue.flatMap { Int($0) } }
}
