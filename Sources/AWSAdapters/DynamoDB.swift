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
        try await client.json(.dynamoDB, target: "DynamoDB_20120810.\(action)", payload: payload)
    }
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
