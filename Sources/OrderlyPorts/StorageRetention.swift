import Foundation

/// How long what has served its purpose is kept. Nothing a customer or an admin can still ask for is in it: orders,
/// payments, deliveries, notifications, the event log and unhandled dead letters are kept.
public struct RetentionPolicy: Sendable, Hashable {
    /// Finished workflow executions with their histories (AWS Step Functions keeps them 90 days).
    public var executions: TimeInterval
    /// The record of which consumer handled which event, long past any redelivery.
    public var consumerLedger: TimeInterval

    public init(executions: TimeInterval = 90 * 86_400, consumerLedger: TimeInterval = 30 * 86_400) {
        self.executions = executions
        self.consumerLedger = consumerLedger
    }
}

/// Storage that removes what the retention policy lets go (the embedded database; DynamoDB's items carry TTLs).
public protocol StorageRetention: Sendable {
    /// Removes what `policy` lets go as of `now`, in bounded batches.
    /// - Returns: how many of each kind were removed.
    func prune(_ policy: RetentionPolicy, now: Date) async throws -> [(what: String, removed: Int)]
}
