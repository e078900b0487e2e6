import Foundation
import OrderlyModel

/// The transactional outbox: events recorded with the state changes that caused them, waiting to be delivered.
public protocol EventOutbox: Sendable {
    /// Undelivered events in the order they were recorded, `limit` at most.
    func pendingEvents(limit: Int) async throws -> [EventEnvelope]

    /// How many events wait to be delivered, and when the oldest of them was recorded.
    func backlog() async throws -> (count: Int, oldest: Date?)

    /// Marks events delivered to every consumer.
    func markDispatched(_ ids: [EventEnvelope.ID], at time: Date) async throws

    /// Records an event on its own (a workflow publishing one); an event whose id exists is not recorded again.
    func publish(_ event: EventEnvelope) async throws
}

/// What consumers have done with events: at-least-once delivery made idempotent, and the dead letters.
public protocol ConsumerLedger: Sendable {
    /// Whether `consumer` already handled the event.
    func isProcessed(consumer: String, eventID: EventEnvelope.ID) async throws -> Bool

    /// Records that `consumer` handled the event.
    func markProcessed(consumer: String, eventID: EventEnvelope.ID, at time: Date) async throws

    /// Puts an event that a consumer kept failing on into the dead-letter store.
    func deadLetter(consumer: String, event: EventEnvelope, error: String, attempts: Int, at time: Date) async throws

    /// The dead letters, newest first.
    func deadLetters(page: PageRequest) async throws -> Page<DeadLetter>

    /// One dead letter; `nil` when there is none.
    func deadLetter(id: String) async throws -> DeadLetter?

    /// Records that replaying a dead letter failed again: one more attempt, and the new error. The letter stays.
    func recordReplayFailure(id: String, error: String, at time: Date) async throws

    /// Removes a dead letter (after it was replayed); `nil` when there is none.
    func removeDeadLetter(id: String) async throws -> DeadLetter?

    /// Which of `eventIDs` `consumer` already handled.
    func processed(consumer: String, among eventIDs: [EventEnvelope.ID]) async throws -> Set<EventEnvelope.ID>

    /// Records that `consumer` handled every one of the events, in one write where the store can.
    func markProcessed(consumer: String, eventIDs: [EventEnvelope.ID], at time: Date) async throws
}

extension ConsumerLedger {
    /// One question per event, for stores without a batch query.
    public func processed(consumer: String, among eventIDs: [EventEnvelope.ID]) async throws -> Set<EventEnvelope.ID> {
        var done = Set<EventEnvelope.ID>()
        for id in eventIDs where try await isProcessed(consumer: consumer, eventID: id) { done.insert(id) }
        return done
    }

    /// One write per event, for stores without a batch write.
    public func markProcessed(consumer: String, eventIDs: [EventEnvelope.ID], at time: Date) async throws {
        for id in eventIDs { try await markProcessed(consumer: consumer, eventID: id, at: time) }
    }
}

/// An event a consumer could not handle.
public struct DeadLetter: Hashable, Sendable {
    public var id: String
    public var consumer: String
    public var event: EventEnvelope
    public var error: String
    public var attempts: Int
    public var createdAt: Date

    public init(id: String, consumer: String, event: EventEnvelope, error: String, attempts: Int, createdAt: Date) {
        self.id = id
        self.consumer = consumer
        self.event = event
        self.error = error
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// The analytics event log.
public protocol EventLogStore: Sendable {
    /// Appends an event; one already logged is not logged again.
    func log(_ event: EventEnvelope) async throws

    /// Appends events in order, in one write where the store can; those already logged are not logged again.
    func log(_ events: [EventEnvelope]) async throws

    /// Logged events, newest first, optionally of one `detail-type`.
    func loggedEvents(type: String?, page: PageRequest) async throws -> Page<EventEnvelope>

    /// Whether every event recorded with a change (or published) is in the log from that write on, so that no
    /// consumer needs to log it (the embedded database's log is its outbox).
    var logsRecordedEvents: Bool { get }
}

extension EventLogStore {
    /// A store whose log is written by the analytics consumer.
    public var logsRecordedEvents: Bool { false }

    /// One write per event, for stores without a batch write.
    public func log(_ events: [EventEnvelope]) async throws {
        for event in events { try await log(event) }
    }
}

/// Makes what storage has committed survive a power loss. An adapter may commit without waiting for the disk (the
/// embedded database: a commit survives the process being killed, and is synced in groups); whatever tells the
/// outside world something (an HTTP response, a charge asked of the gateway, a message sent) calls this first, so
/// that what was told is never lost. Adapters whose every write is durable (DynamoDB) return at once.
public protocol StorageDurability: Sendable {
    /// Returns once every write that completed before the call is on the disk.
    /// - Throws: when the sync failed (an I/O error, a full disk): nothing may then be told.
    func makeDurable() async throws
}

/// Every write is durable when it returns: nothing to wait for.
public struct AlreadyDurable: StorageDurability {
    public init() {}
    public func makeDurable() async throws {}
}

/// Tells whether storage can be reached (`GET /ready`).
public protocol StorageHealth: Sendable {
    /// Throws when storage cannot answer a trivial query.
    func checkReachable() async throws
}
