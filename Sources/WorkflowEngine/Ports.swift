import Foundation
import StatesLanguage

/// Runs one Task state's work: JSON in, JSON out, or a thrown ``StatesError`` naming the error.
///
/// A handler must be idempotent by ``TaskInvocation/idempotencyKey``: the engine may call it again for the same
/// step after a crash (never after its result was recorded).
public protocol TaskHandler: Sendable {
    func invoke(_ invocation: TaskInvocation) async throws -> JSON
}

/// A handler made from a closure.
public struct ClosureTaskHandler: TaskHandler {
    let body: @Sendable (TaskInvocation) async throws -> JSON
    public init(_ body: @escaping @Sendable (TaskInvocation) async throws -> JSON) { self.body = body }
    public func invoke(_ invocation: TaskInvocation) async throws -> JSON { try await body(invocation) }
}

/// Resolves a Task's `Resource` to the handler that runs it.
public protocol TaskResolver: Sendable {
    func handler(for resource: String) -> (any TaskHandler)?
}

/// Handlers by exact resource name.
public struct TaskRegistry: TaskResolver {
    private var handlers: [String: any TaskHandler] = [:]

    public init(_ handlers: [String: any TaskHandler] = [:]) {
        self.handlers = handlers
    }

    public mutating func register(_ resource: String, _ handler: any TaskHandler) {
        handlers[resource] = handler
    }

    public func handler(for resource: String) -> (any TaskHandler)? { handlers[resource] }
}

/// Tells the time and waits: injected so tests can run Wait states and retries without sleeping.
public protocol EngineClock: Sendable {
    func now() -> Date
    /// Returns at (or after) `deadline`; throws when cancelled. It waits by suspending, never by holding its thread:
    /// a timer begins on the thread of the execution's driver.
    func sleep(until deadline: Date) async throws
}

/// What is kept of an execution to resume it: who it is, what it runs, and every event it received.
public struct ExecutionRecord: Sendable, Hashable {
    public var info: ExecutionInfo
    /// The definition as given (before substitution), so a resumed execution runs the same machine.
    public var definition: String
    public var substitutions: [String: String]

    public init(info: ExecutionInfo, definition: String, substitutions: [String: String]) {
        self.info = info
        self.definition = definition
        self.substitutions = substitutions
    }
}

/// Durable storage of executions: every event is appended before the core applies it (write-ahead).
public protocol ExecutionJournal: Sendable {
    /// Records a new execution with its first event (sequence 0, its start) in one write, so an execution is never
    /// recorded without the input it starts from.
    /// - Throws: ``JournalError/executionAlreadyExists(_:)`` when the id exists.
    func create(_ record: ExecutionRecord, started: EngineEvent) async throws
    /// Appends the next event (sequence numbers start at 0 and have no gaps).
    /// - Throws: ``JournalError/eventConflict(_:sequence:)`` when that sequence number is taken.
    func append(_ event: EngineEvent, sequence: Int, executionID: String) async throws
    /// Marks the execution finished with its outcome and history.
    func finish(executionID: String, outcome: ExecutionOutcome, history: [HistoryEvent]) async throws
    /// The record and events of an execution.
    func load(executionID: String) async throws -> (ExecutionRecord, [EngineEvent])?
    /// The ids of executions not finished, oldest first.
    func unfinished() async throws -> [String]
    /// Executions of a state machine, newest first, optionally of one status: `limit` at most, after `cursor` (the
    /// `next` of the previous page).
    func list(
        stateMachineName: String, status: ExecutionStatus?, after cursor: String?, limit: Int
    ) async throws -> (items: [ExecutionSummary], next: String?)
}

/// An execution as a listing shows it: who it is, how it started, and how it ended if it has.
public struct ExecutionSummary: Sendable, Hashable {
    public var info: ExecutionInfo
    public var status: ExecutionStatus
    public var startTime: Date
    public var input: JSON
    public var outcome: ExecutionOutcome?

    public init(info: ExecutionInfo, status: ExecutionStatus, startTime: Date, input: JSON, outcome: ExecutionOutcome?)
    {
        self.info = info
        self.status = status
        self.startTime = startTime
        self.input = input
        self.outcome = outcome
    }
}

/// A journal in memory, for tests, the command line and benchmarks.
public final class InMemoryJournal: ExecutionJournal, @unchecked Sendable {
    private let lock = NSLock()
    private var records: [String: ExecutionRecord] = [:]
    private var events: [String: [EngineEvent]] = [:]
    private var order: [String] = []
    private var finished: [String: (ExecutionOutcome, [HistoryEvent])] = [:]

    public init() {}

    public func create(_ record: ExecutionRecord, started: EngineEvent) async throws {
        try lock.withLock {
            guard records[record.info.id] == nil else {
                throw JournalError.executionAlreadyExists(record.info.id)
            }
            records[record.info.id] = record
            events[record.info.id] = [started]
            order.append(record.info.id)
        }
    }

    public func append(_ event: EngineEvent, sequence: Int, executionID: String) async throws {
        try lock.withLock {
            guard events[executionID]?.count == sequence else {
                throw JournalError.eventConflict(executionID, sequence: sequence)
            }
            events[executionID]!.append(event)
        }
    }

    public func finish(executionID: String, outcome: ExecutionOutcome, history: [HistoryEvent]) async throws {
        lock.withLock { finished[executionID] = (outcome, history) }
    }

    public func load(executionID: String) async throws -> (ExecutionRecord, [EngineEvent])? {
        lock.withLock { records[executionID].map { ($0, events[executionID] ?? []) } }
    }

    public func unfinished() async throws -> [String] {
        lock.withLock { order.filter { finished[$0] == nil } }
    }

    public func list(
        stateMachineName: String, status: ExecutionStatus?, after cursor: String?, limit: Int
    ) async throws -> (items: [ExecutionSummary], next: String?) {
        lock.withLock {
            var matching: [(Int, ExecutionSummary)] = []
            for (index, id) in order.enumerated().reversed() {
                if let cursor = cursor.flatMap(Int.init), index >= cursor { continue }
                guard let record = records[id], record.info.stateMachineName == stateMachineName,
                    case .started(let input, let at)? = events[id]?.first
                else { continue }
                let outcome = finished[id]?.0
                let summary = ExecutionSummary(
                    info: record.info, status: outcome?.status ?? .running, startTime: at, input: input,
                    outcome: outcome)
                if let status, summary.status != status { continue }
                matching.append((index, summary))
                if matching.count > limit { break }
            }
            let page = Array(matching.prefix(limit))
            return (page.map(\.1), matching.count > limit ? page.last.map { String($0.0) } : nil)
        }
    }

    /// Keeps only the first `count` events of an execution and forgets that it finished: a crash just after them.
    public func truncate(executionID: String, to count: Int) {
        lock.withLock {
            events[executionID] = Array((events[executionID] ?? []).prefix(count))
            finished[executionID] = nil
        }
    }

    /// The number of events recorded for an execution.
    public func eventCount(executionID: String) -> Int {
        lock.withLock { events[executionID]?.count ?? 0 }
    }
}

/// Why a journal refused a write: the execution exists already, or an event was recorded twice (two processes
/// driving one execution).
public struct JournalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; more cases may come.
    public struct Code: Hashable, Sendable {
        private let name: String
        /// An execution with this id was started before (AWS's `ExecutionAlreadyExists`).
        public static let executionAlreadyExists = Code(name: "ExecutionAlreadyExists")
        /// The event at this sequence number was recorded already, or the one before it is missing.
        public static let eventConflict = Code(name: "JournalConflict")
    }

    public let code: Code
    public let executionID: String
    public let message: String

    /// An execution with this id exists.
    public static func executionAlreadyExists(_ executionID: String) -> JournalError {
        JournalError(
            code: .executionAlreadyExists, executionID: executionID, message: "Execution \(executionID) already exists."
        )
    }

    /// Event `sequence` of the execution cannot be appended.
    public static func eventConflict(_ executionID: String, sequence: Int) -> JournalError {
        JournalError(
            code: .eventConflict, executionID: executionID,
            message: "Event \(sequence) of \(executionID) was already recorded or is out of order.")
    }

    public var description: String { message }
}

/// Ownership of executions among several processes sharing one journal: an execution is driven only by the process
/// holding its lease, which it renews while it runs; the executions of a process that died are taken over once its
/// leases have lapsed. (The journal's append-once rule is what keeps two drivers from both recording a step; leases
/// keep them from both trying.)
public protocol ExecutionLeases: Sendable {
    /// Takes or renews the lease of an execution for `owner` until `until`, if it is free, lapsed (before `now`) or
    /// already `owner`'s. Answers whether `owner` holds it now.
    func acquire(executionID: String, owner: String, until: Date, now: Date) async throws -> Bool

    /// Gives the lease up (an execution that ended, a process shutting down), if `owner` holds it.
    func release(executionID: String, owner: String) async throws
}
