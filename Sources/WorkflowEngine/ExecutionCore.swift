import Foundation
import JSONata
import StatesLanguage

/// The pure stepping core of one execution: feed it ``EngineEvent``s, perform the ``EngineAction``s it returns.
///
/// It does no I/O and reads no clock: time comes with each event and randomness (jitter, `States.UUID`) from a
/// generator seeded by the execution id, so replaying the same events rebuilds the same state and history.
public struct ExecutionCore: Sendable {
    public let machine: StateMachine
    public let info: ExecutionInfo
    public private(set) var status: ExecutionStatus = .running
    public private(set) var outcome: ExecutionOutcome?
    public private(set) var history: [HistoryEvent] = []
    /// The execution input, once started.
    public private(set) var input: JSON = .null
    public private(set) var startTime = Date(timeIntervalSince1970: 0)

    var frames: [Int: Frame] = [:]
    var nextFrameID = 0
    /// Task tokens in flight → the frame waiting for each.
    var pendingTasks: [String: PendingTask] = [:]
    /// Timers scheduled and not yet fired.
    var timers: [String: TimerPurpose] = [:]
    var random: SplitMix64
    var now = Date(timeIntervalSince1970: 0)
    var actions: [EngineAction] = []
    var ready: [Int] = []
    /// The execution input as JSONata sees it, made once when a JSONata expression first needs it.
    var jsonataInput: JSONataValue?

    public init(machine: StateMachine, info: ExecutionInfo) {
        self.machine = machine
        self.info = info
        random = SplitMix64(seed: info.id)
    }

    /// The task invocations in flight and timers not yet fired: what a driver must (re)start after replaying a
    /// journal. Tasks whose results were recorded are not here, so they never run twice.
    public var outstandingActions: [EngineAction] {
        // A callback task whose call returned waits for its token only: its call is not made again.
        let tasks = pendingTasks.values.filter { !$0.submitted }.sorted { $0.invocation.token < $1.invocation.token }
            .map { EngineAction.invokeTask($0.invocation) }
        let timerActions = timers.sorted { $0.key < $1.key }.map {
            EngineAction.scheduleTimer(id: $0.key, at: $0.value.at)
        }
        return tasks + timerActions
    }

    /// Applies one event and returns what must be done next.
    public mutating func handle(_ event: EngineEvent) -> [EngineAction] {
        actions = []
        now = event.time
        switch event {
        case .started(let input, _):
            guard frames.isEmpty, history.isEmpty else { break }
            self.input = input
            startTime = now
            record("ExecutionStarted", ["input": input, "stateMachineArn": .string(info.stateMachineID)], frame: nil)
            if let seconds = machine.timeoutSeconds {
                schedule("execution-timeout", .executionTimeout(at: now.addingTimeInterval(TimeInterval(seconds))))
            }
            let root = newFrame(machine: machine, stateName: machine.startAt, input: input, parent: nil, label: "")
            ready.append(root)
        case .taskSucceeded(let token, let output, _):
            guard let pending = pendingTasks.removeValue(forKey: token) else { break }
            cancelTimer("timeout:\(token)")
            cancelTimer("heartbeat:\(token)")
            if let mapInput = pending.readsItemsFor {
                itemsRead(pending.frame, output: output, input: mapInput)
                break
            }
            if let writes = pending.writesResults {
                resultWritten(pending.frame, writes: writes)
                break
            }
            record(
                "TaskSucceeded", ["resource": .string(pending.invocation.resource), "output": output],
                frame: pending.frame)
            guard frames[pending.frame] != nil else { break }
            frames[pending.frame]!.waiting = nil
            finishStep(pending.frame, result: output)
        case .taskFailed(let token, let error, let cause, _):
            guard let pending = pendingTasks.removeValue(forKey: token) else { break }
            cancelTimer("timeout:\(token)")
            cancelTimer("heartbeat:\(token)")
            if pending.writesResults != nil {
                guard frames[pending.frame] != nil else { break }
                frames[pending.frame]!.waiting = nil
                stateFailed(
                    pending.frame,
                    StatesError(
                        StatesError.resultWriterFailed,
                        "The results could not be written by \(pending.invocation.resource): \(error): \(cause)"))
                break
            }
            if pending.readsItemsFor != nil {
                guard frames[pending.frame] != nil else { break }
                frames[pending.frame]!.waiting = nil
                stateFailed(
                    pending.frame,
                    StatesError(
                        StatesError.itemReaderFailed,
                        "The items could not be read from \(pending.invocation.resource): \(error): \(cause)"))
                break
            }
            record(
                "TaskFailed",
                ["resource": .string(pending.invocation.resource), "error": .string(error), "cause": .string(cause)],
                frame: pending.frame)
            guard frames[pending.frame] != nil else { break }
            frames[pending.frame]!.waiting = nil
            stateFailed(pending.frame, StatesError(error, cause))
        case .timerFired(let id, _):
            guard let purpose = timers.removeValue(forKey: id) else { break }
            timerFired(purpose)
        case .aborted(let error, let cause, _):
            guard status == .running else { break }
            finish(ExecutionOutcome(status: .aborted, error: error, cause: cause), type: "ExecutionAborted")
        case .taskSubmitted(let token, let output, _):
            guard let pending = pendingTasks[token], !pending.submitted else { break }
            pendingTasks[token]!.submitted = true
            record(
                "TaskSubmitted", ["resource": .string(pending.invocation.resource), "output": output],
                frame: pending.frame)
        case .taskHeartbeat(let token, _):
            guard let pending = pendingTasks[token], let seconds = pending.heartbeatSeconds else { break }
            cancelTimer("heartbeat:\(token)")
            schedule(
                "heartbeat:\(token)",
                .heartbeatTimeout(token: token, at: now.addingTimeInterval(TimeInterval(seconds))))
        }
        runReadyFrames()
        return actions
    }

    private mutating func timerFired(_ purpose: TimerPurpose) {
        switch purpose {
        case .wait(let frameID, _):
            guard frames[frameID] != nil else { return }
            frames[frameID]!.waiting = nil
            completeWait(frameID)
        case .retry(let frameID, _):
            guard frames[frameID] != nil else { return }
            frames[frameID]!.waiting = nil
            runProtected(frameID) { core in try core.executeStep(frameID) }
        case .taskTimeout(let token, _):
            guard let pending = pendingTasks.removeValue(forKey: token) else { return }
            actions.append(.cancelTask(token: token))
            cancelTimer("heartbeat:\(token)")
            record(
                "TaskTimedOut",
                ["resource": .string(pending.invocation.resource), "error": .string(StatesError.timeout)],
                frame: pending.frame)
            guard frames[pending.frame] != nil else { return }
            frames[pending.frame]!.waiting = nil
            stateFailed(pending.frame, StatesError(StatesError.timeout, "Task timed out."))
        case .heartbeatTimeout(let token, _):
            guard let pending = pendingTasks.removeValue(forKey: token) else { return }
            actions.append(.cancelTask(token: token))
            cancelTimer("timeout:\(token)")
            record(
                "TaskTimedOut",
                ["resource": .string(pending.invocation.resource), "error": .string(StatesError.heartbeatTimeout)],
                frame: pending.frame)
            guard frames[pending.frame] != nil else { return }
            frames[pending.frame]!.waiting = nil
            stateFailed(pending.frame, StatesError(StatesError.heartbeatTimeout, "Task heartbeat timed out."))
        case .executionTimeout:
            guard status == .running else { return }
            finish(
                ExecutionOutcome(status: .timedOut, error: StatesError.timeout, cause: "The execution timed out."),
                type: "ExecutionTimedOut")
        }
    }

    // MARK: bookkeeping

    mutating func newFrame(
        machine: StateMachine, stateName: String, input: JSON, parent: Int?, label: String,
        slot: Int = 0, readsOuter: Bool = true
    ) -> Int {
        let id = nextFrameID
        nextFrameID += 1
        frames[id] = Frame(
            id: id, machine: machine, stateName: stateName, input: input, parent: parent, slot: slot, label: label,
            readsOuter: readsOuter, lastEventID: parent.flatMap { frames[$0]?.lastEventID } ?? history.last?.id ?? 0)
        return id
    }

    /// Appends a history event, linked to the frame's previous event.
    mutating func record(_ type: String, _ details: JSON, frame: Int?) {
        let previous = frame.flatMap { frames[$0]?.lastEventID } ?? history.last?.id ?? 0
        let id = history.count + 1
        history.append(HistoryEvent(id: id, previousEventID: previous, timestamp: now, type: type, details: details))
        if let frame, frames[frame] != nil { frames[frame]!.lastEventID = id }
    }

    mutating func schedule(_ id: String, _ purpose: TimerPurpose) {
        timers[id] = purpose
        actions.append(.scheduleTimer(id: id, at: purpose.at))
    }

    mutating func cancelTimer(_ id: String) {
        if timers.removeValue(forKey: id) != nil { actions.append(.cancelTimer(id: id)) }
    }

    /// Ends the execution: every task in flight is cancelled and every timer dropped.
    mutating func finish(_ result: ExecutionOutcome, type: String) {
        var details: JSON = [:]
        if let output = result.output { details = ["output": output] }
        if let error = result.error { details = ["error": .string(error), "cause": .string(result.cause ?? "")] }
        record(type, details, frame: nil)
        for token in pendingTasks.keys.sorted() { actions.append(.cancelTask(token: token)) }
        for id in timers.keys.sorted() { actions.append(.cancelTimer(id: id)) }
        pendingTasks = [:]
        timers = [:]
        frames = [:]
        ready = []
        status = result.status
        outcome = result
        actions.append(.finished(result))
    }

    private mutating func runReadyFrames() {
        while status == .running, !ready.isEmpty {
            let id = ready.removeFirst()
            guard frames[id] != nil, frames[id]!.waiting == nil else { continue }
            enterState(id)
        }
    }
}

/// What a frame is waiting for.
enum Waiting: Sendable {
    case task(token: String)
    case timer(id: String)
    case children(Join)
}

/// A Parallel or Map state waiting for its branches or items.
struct Join: Sendable {
    var isMap: Bool
    var results: [JSON?]
    /// Iteration inputs not started yet (Map), in order.
    var queued: [(slot: Int, input: JSON)]
    var running: Set<Int> = []
    var maxConcurrency: Int
    var failures = 0
    var toleratedCount: Int?
    var toleratedPercentage: Double?
    /// A distributed Map's run (`MapRunStarted` ... in the history).
    var mapRunArn: String?
    /// Each item's input, kept for a ResultWriter; the items that failed within the tolerance.
    var itemInputs: [JSON] = []
    var failedSlots: Set<Int> = []
}

struct PendingTask: Sendable {
    var frame: Int
    var invocation: TaskInvocation
    /// A callback task's heartbeat interval, when it has one.
    var heartbeatSeconds: Int? = nil
    /// Whether a callback task's call has returned (it now waits for its token).
    var submitted = false
    /// For a Map's ItemReader read: the Map's effective input (its items come with the read's answer).
    var readsItemsFor: JSON? = nil
    /// For a ResultWriter's write: the writes still to make, and the Map's output once they are made.
    var writesResults: ResultWrites? = nil
}

/// A ResultWriter's objects, written one after another.
struct ResultWrites: Sendable {
    var remaining: [TaskInvocation]
    var output: JSON
}

extension ExecutionCore {
    /// The callback tasks waiting for their tokens: the tokens `SendTask*` may name now.
    public var openCallbackTokens: Set<String> {
        Set(pendingTasks.values.compactMap { $0.invocation.callbackToken })
    }
}

enum TimerPurpose: Sendable {
    case wait(frame: Int, at: Date)
    case retry(frame: Int, at: Date)
    case taskTimeout(token: String, at: Date)
    case heartbeatTimeout(token: String, at: Date)
    case executionTimeout(at: Date)

    var at: Date {
        switch self {
        case .wait(_, let at), .retry(_, let at), .taskTimeout(_, let at), .heartbeatTimeout(_, let at),
            .executionTimeout(let at):
            return at
        }
    }
}
