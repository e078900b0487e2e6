import Foundation
import StatesLanguage
import WorkflowEngine

/// Virtual time: a sleep returns as soon as it is the earliest pending deadline, moving the clock there.
/// Waits and retries take no real time, and timers still fire in deadline order.
final class VirtualClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var sleepers: [Int: Date] = [:]
    private var nextID = 0

    init(start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = start
    }

    func now() -> Date { lock.withLock { current } }

    func sleep(until deadline: Date) async throws {
        let id = lock.withLock { () -> Int in
            nextID += 1
            sleepers[nextID] = deadline
            return nextID
        }
        defer { lock.withLock { _ = sleepers.removeValue(forKey: id) } }
        // Earliest in two checks in a row, so that a timer scheduled at the same moment has had time to register
        // its sleep (else a later deadline could pass first).
        var earliestBefore = false
        while true {
            try Task.checkCancellation()
            for _ in 0..<5 { await Task.yield() }
            let earliest = lock.withLock { sleepers.values.min().map({ deadline <= $0 }) == true }
            if earliest && earliestBefore {
                let stillEarliest = lock.withLock { () -> Bool in
                    guard sleepers.values.min().map({ deadline <= $0 }) == true else { return false }
                    current = max(current, deadline)
                    return true
                }
                if stillEarliest { return }
            }
            earliestBefore = earliest
        }
    }
}

/// Counts invocations per state and per idempotency key, and answers from a list per state.
final class ScriptedTasks: TaskResolver, TaskHandler, @unchecked Sendable {
    private let lock = NSLock()
    private let script: [String: [JSON]]
    private let byAttempt: Bool
    private(set) var invocations: [String: Int] = [:]
    private(set) var effects: [String: Int] = [:]
    private(set) var inputs: JSONObject = [:]

    /// `script[state]` lists responses by invocation (or, with `byAttempt`, by the step's retry count, so that a
    /// resumed run sees what the first run would have): `{"Return": value}` or `{"Throw": {"Error","Cause"}}`;
    /// the last repeats.
    init(_ script: [String: [JSON]], byAttempt: Bool = false) {
        self.script = script
        self.byAttempt = byAttempt
    }

    func handler(for resource: String) -> (any TaskHandler)? {
        resource.contains("nobody") ? nil : self
    }

    func invoke(_ invocation: TaskInvocation) async throws -> JSON {
        let number = lock.withLock { () -> Int in
            defer {
                invocations[invocation.stateName, default: 0] += 1
                effects[invocation.idempotencyKey, default: 0] += 1
                inputs[invocation.stateName] = invocation.input
            }
            return invocations[invocation.stateName, default: 0]
        }
        guard let responses = script[invocation.stateName], !responses.isEmpty else {
            return ["state": .string(invocation.stateName), "key": .string(invocation.idempotencyKey)]
        }
        let response = responses[min(byAttempt ? invocation.retryCount : number, responses.count - 1)]
        if let value = response["Return"] { return value }
        throw StatesError(
            response["Throw"]?["Error"]?.stringValue ?? "Error", response["Throw"]?["Cause"]?.stringValue ?? "")
    }

    func count(_ state: String) -> Int { lock.withLock { invocations[state] ?? 0 } }
    var totalInvocations: Int { lock.withLock { invocations.values.reduce(0, +) } }
}

extension JSON {
    /// Reads a test resource as JSON.
    static func resource(_ name: String) throws -> JSON {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil) else {
            throw StatesError("Missing", "no resource \(name)")
        }
        return try JSON(parsing: try String(contentsOf: url, encoding: .utf8))
    }
}

/// Waits until `condition` holds, for `limit` at most: what it waits on runs on other tasks, in real time.
/// - Throws: when `limit` passes first, naming `what` was awaited.
func waitUntil(_ what: String, within limit: Duration = .seconds(10), _ condition: () async throws -> Bool)
    async throws
{
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw StatesError("Timeout", "waited \(limit) for \(what)") }
        try await Task.sleep(for: .milliseconds(1))
    }
}
