import OrderlyModel

/// The transactional outbox: events recorded with the state changes that caused them, waiting to be delivered.
public protocol EventOutbox: Sendable {
    /// Undelivered events in the order they were recorded, `limit` at most.
    func pendingEvents(limit: Int) async throws -> [EventEnvelope]
}

/// Tells whether storage can be reached (`GET /ready`).
public protocol StorageHealth: Sendable {
    /// Throws when storage cannot answer a trivial query.
    func checkReachable() async throws
}
