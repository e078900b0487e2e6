import Foundation
import Logging
import OrderlyModel
import OrderlyPorts

/// Something that reacts to events. Delivery is at least once, so a consumer must be idempotent by event id (the
/// dispatcher also skips events a consumer has handled).
public protocol EventConsumer: Sendable {
    /// A stable name, used in the ledger and the dead-letter store.
    var name: String { get }
    /// Which events it wants.
    var pattern: EventPattern { get }
    func handle(_ event: EventEnvelope) async throws
}

/// A consumer that can take many events at once (in one write), in the order they were recorded. When a batch fails,
/// the dispatcher delivers its events one by one, with the usual retries and dead letters.
public protocol BatchEventConsumer: EventConsumer {
    func handle(batch events: [EventEnvelope]) async throws

    /// Whether what it writes is keyed by the event id, so that handling an event twice changes nothing: the
    /// dispatcher then keeps no ledger of what it handled (one write and one row per event saved).
    var keepsItsOwnRecord: Bool { get }
}

extension BatchEventConsumer {
    public var keepsItsOwnRecord: Bool { false }
}

/// Delivers the outbox's events, in the order they were recorded, to every consumer whose pattern matches.
///
/// A consumer that fails is retried with back-off; after ``maximumAttempts`` the event goes to the dead-letter store
/// for that consumer and delivery moves on, so one broken consumer never stops the others or loops.
public struct EventDispatcher: Sendable {
    let outbox: any EventOutbox
    let ledger: any ConsumerLedger
    let consumers: [any EventConsumer]
    let clock: any WallClock
    /// Waits between retries; injected so tests do not sleep.
    let pause: @Sendable (Duration) async throws -> Void
    let logger: Logger
    public var maximumAttempts = 4
    public var firstBackoff: Duration = .milliseconds(100)
    /// The most events one pass takes.
    public var batchLimit = 100
    /// How long ``run(interval:report:)`` lets events gather after a pass that took fewer than ``batchLimit``: a
    /// pass costs a few writes whatever its size, and passes of a few events each (a lone buyer's checkout is six,
    /// every 4 ms) took the writer from the checkouts: at 10 ms a lone buyer's server spent ~8% more processor
    /// time per checkout. On a server that keeps up, what follows an event (sales figures, a welcome mail) lags it
    /// by this at most. Under load the batches are full and passes follow at once.
    public var gathering: Duration = .milliseconds(100)

    public init(
        outbox: any EventOutbox, ledger: any ConsumerLedger, consumers: [any EventConsumer], clock: any WallClock,
        logger: Logger, pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.outbox = outbox
        self.ledger = ledger
        self.consumers = consumers
        self.clock = clock
        self.logger = logger
        self.pause = pause
    }

    /// Delivers up to `limit` pending events. Returns how many were dispatched.
    ///
    /// The batch is marked dispatched in one write once every event in it is delivered: a crash before that delivers
    /// the batch again, and the ledger skips what each consumer already handled.
    ///
    /// The consumers take the batch side by side, each its own events in order; what each handled is recorded in
    /// its ledger in one write.
    @discardableResult
    public func dispatchPending(limit: Int = 100) async throws -> Int {
        try await dispatch(try await outbox.pendingEvents(limit: limit))
    }

    /// Delivers `events` (waiting ones, in order) to the consumers that match them, and marks them dispatched.
    func dispatch(_ events: [EventEnvelope]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for consumer in consumers {
                let matching = events.filter { consumer.pattern.matches($0) }
                if !matching.isEmpty { group.addTask { try await deliver(matching, to: consumer) } }
            }
            try await group.waitForAll()
        }
        try await outbox.markDispatched(events.map(\.id), at: clock.now())
        return events.count
    }

    /// Delivers a consumer's events of a batch: all at once to a ``BatchEventConsumer``, else (or when that fails)
    /// one by one with retries; those it already handled are skipped.
    func deliver(_ events: [EventEnvelope], to consumer: any EventConsumer) async throws {
        let batching = consumer as? any BatchEventConsumer
        let ledgerFree = batching?.keepsItsOwnRecord == true
        let done = ledgerFree ? [] : try await ledger.processed(consumer: consumer.name, among: events.map(\.id))
        let due = events.filter { !done.contains($0.id) }
        guard !due.isEmpty else { return }
        if let batching {
            do {
                try await batching.handle(batch: due)
                if !ledgerFree {
                    try await ledger.markProcessed(consumer: consumer.name, eventIDs: due.map(\.id), at: clock.now())
                }
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning(
                    "consumer failed a batch; delivering its events one by one",
                    metadata: ["consumer": "\(consumer.name)", "error": "\(error)"])
            }
        }
        for event in due { try await deliver(event, to: consumer) }
        try await ledger.markProcessed(consumer: consumer.name, eventIDs: due.map(\.id), at: clock.now())
    }

    /// Delivers one event to one consumer with retries; dead-letters it when every attempt fails. The caller records
    /// it as handled.
    func deliver(_ event: EventEnvelope, to consumer: any EventConsumer) async throws {
        var backoff = firstBackoff
        for attempt in 1...maximumAttempts {
            do {
                try await consumer.handle(event)
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if attempt == maximumAttempts {
                    try await deadLetter(event, for: consumer, error: error, attempts: attempt)
                    return
                }
                logger.warning(
                    "consumer failed; retrying",
                    metadata: ["event_id": "\(event.id)", "consumer": "\(consumer.name)", "attempt": "\(attempt)"])
                try await pause(backoff)
                backoff *= 2
            }
        }
    }

    /// Delivers one event to the consumer named `consumerName` once, for a transport that redelivers what fails
    /// (SQS): skipped when that consumer handled it already; recorded as handled when it succeeds; thrown when it
    /// fails, unless this was the last attempt the transport makes (`attempt >= lastAttempt`): then it goes to the
    /// dead-letter store, as the in-process dispatcher does after its retries, where it can be replayed.
    /// - Returns: false when no consumer has that name or its pattern does not match the event.
    @discardableResult
    public func deliverOnce(
        _ event: EventEnvelope, to consumerName: String, attempt: Int = 1, lastAttempt: Int = .max
    ) async throws -> Bool {
        guard let consumer = consumers.first(where: { $0.name == consumerName }), consumer.pattern.matches(event)
        else { return false }
        if try await ledger.isProcessed(consumer: consumer.name, eventID: event.id) { return true }
        do {
            try await consumer.handle(event)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            guard attempt >= lastAttempt else { throw error }
            try await deadLetter(event, for: consumer, error: error, attempts: attempt)
        }
        try await ledger.markProcessed(consumer: consumer.name, eventID: event.id, at: clock.now())
        return true
    }

    /// Puts an event a consumer kept failing on into the dead-letter store, where it can be replayed.
    func deadLetter(_ event: EventEnvelope, for consumer: any EventConsumer, error: any Error, attempts: Int)
        async throws
    {
        logger.error(
            "event dead-lettered",
            metadata: ["event_id": "\(event.id)", "consumer": "\(consumer.name)", "error": "\(error)"])
        try await ledger.deadLetter(
            consumer: consumer.name, event: event, error: "\(error)", attempts: attempts, at: clock.now())
    }

    /// The names of the consumers events are delivered to.
    public var consumerNames: [String] { consumers.map(\.name) }

    /// Delivers a dead letter to its consumer again; removes it only once the consumer has handled it (a crash in
    /// between replays it again, which consumers, idempotent by event id, absorb). If it fails again it stays, with
    /// one more attempt and the new error.
    /// - Returns: `nil` when there is no such dead letter.
    public func replay(deadLetterID: String) async throws -> DeadLetter? {
        guard let letter = try await ledger.deadLetter(id: deadLetterID) else { return nil }
        guard let consumer = consumers.first(where: { $0.name == letter.consumer }) else { return letter }
        do {
            try await consumer.handle(letter.event)
        } catch {
            try await ledger.recordReplayFailure(id: deadLetterID, error: "\(error)", at: clock.now())
            return letter
        }
        try await ledger.markProcessed(consumer: consumer.name, eventID: letter.event.id, at: clock.now())
        _ = try await ledger.removeDeadLetter(id: deadLetterID)
        return letter
    }

    /// Dispatches until cancelled, checking for new events every `interval` when idle (``gathering`` after a pass
    /// that was not full).
    /// - Parameter report: told before every pass (so from the start) how many events wait and how old the oldest is
    ///   (seconds): the pass's own batch when it is not full, else a count of the whole backlog (a query of its own,
    ///   which had been made for every pass — every other checkout of a lone buyer).
    public func run(interval: Duration, report: @escaping @Sendable (Int, TimeInterval) -> Void = { _, _ in }) async {
        while !Task.isCancelled {
            do {
                let events = try await outbox.pendingEvents(limit: batchLimit)
                if events.count < batchLimit {
                    report(events.count, events.map(\.time).min().map { clock.now().timeIntervalSince($0) } ?? 0)
                } else {
                    let (pending, oldest) = try await outbox.backlog()
                    report(pending, oldest.map { clock.now().timeIntervalSince($0) } ?? 0)
                }
                let dispatched = try await dispatch(events)
                if dispatched == 0 {
                    try await Task.sleep(for: interval)
                } else if dispatched < batchLimit {
                    try await Task.sleep(for: min(gathering, interval))
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("event dispatch failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: interval)
            }
        }
    }
}
