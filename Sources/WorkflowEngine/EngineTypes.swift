import Foundation
import StatesLanguage

/// The status of an execution, named as AWS names it.
public enum ExecutionStatus: String, Sendable, Codable {
    case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", timedOut = "TIMED_OUT", aborted = "ABORTED"
}

/// Who an execution is: its id (an ARN-like string), name, and the state machine it runs.
public struct ExecutionInfo: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var stateMachineID: String
    public var stateMachineName: String

    public init(id: String, name: String, stateMachineID: String, stateMachineName: String) {
        self.id = id
        self.name = name
        self.stateMachineID = stateMachineID
        self.stateMachineName = stateMachineName
    }
}

/// Something that happened to an execution from outside: the only inputs of the pure core. Journaling these is
/// enough to rebuild an execution exactly.
public enum EngineEvent: Sendable, Hashable {
    case started(input: JSON, at: Date)
    case taskSucceeded(token: String, output: JSON, at: Date)
    case taskFailed(token: String, error: String, cause: String, at: Date)
    case timerFired(id: String, at: Date)
    case aborted(error: String, cause: String, at: Date)
    /// A `.waitForTaskToken` task's call returned: the task now waits for its token to be sent back.
    case taskSubmitted(token: String, output: JSON, at: Date)
    /// `SendTaskHeartbeat` for a task waiting for its token: its `HeartbeatSeconds` start again.
    case taskHeartbeat(token: String, at: Date)

    public var time: Date {
        switch self {
        case .started(_, let at), .taskSucceeded(_, _, let at), .taskFailed(_, _, _, let at), .timerFired(_, let at),
            .aborted(_, _, let at), .taskSubmitted(_, _, let at), .taskHeartbeat(_, let at):
            return at
        }
    }
}

/// The task token a `.waitForTaskToken` task is given as `$$.Task.Token`: opaque to its holder, it names the
/// execution and the task attempt, so that `SendTaskSuccess`, `SendTaskFailure` and `SendTaskHeartbeat` find them.
public enum CallbackToken {
    /// The suffix of a resource whose task waits for its token to be sent back.
    public static let resourceSuffix = ".waitForTaskToken"

    public static func make(executionID: String, token: String) -> String {
        Data((executionID + "\n" + token).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The execution and attempt a token names, or nil when it is not one this engine made.
    public static func parse(_ text: String) -> (executionID: String, token: String)? {
        guard (1...1024).contains(text.utf8.count) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = decoded.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}

/// What the core asks its driver to do.
public enum EngineAction: Sendable, Hashable {
    case invokeTask(TaskInvocation)
    case cancelTask(token: String)
    case scheduleTimer(id: String, at: Date)
    case cancelTimer(id: String)
    case finished(ExecutionOutcome)
}

/// One call of a task handler.
public struct TaskInvocation: Sendable, Hashable {
    /// Unique per attempt; results are matched to it.
    public var token: String
    /// The resource ARN the state names (after `${...}` substitution).
    public var resource: String
    /// The effective task input (after InputPath and Parameters).
    public var input: JSON
    public var stateName: String
    public var executionID: String
    /// How many times this state was retried before this attempt.
    public var retryCount: Int
    /// The same for every attempt of one logical step: execution id + state (and branch or item, and visit).
    public var idempotencyKey: String
    public var timeoutSeconds: Int?

    /// Whether the task ends when its token is sent back (`.waitForTaskToken`), not when its call returns.
    public var waitsForCallback: Bool { resource.hasSuffix(CallbackToken.resourceSuffix) }
    /// The token to send back, `$$.Task.Token`, for a task that waits for it.
    public var callbackToken: String? {
        waitsForCallback ? CallbackToken.make(executionID: executionID, token: token) : nil
    }

    public init(
        token: String, resource: String, input: JSON, stateName: String, executionID: String, retryCount: Int,
        idempotencyKey: String, timeoutSeconds: Int?
    ) {
        self.token = token
        self.resource = resource
        self.input = input
        self.stateName = stateName
        self.executionID = executionID
        self.retryCount = retryCount
        self.idempotencyKey = idempotencyKey
        self.timeoutSeconds = timeoutSeconds
    }
}

/// How an execution ended.
public struct ExecutionOutcome: Sendable, Hashable {
    public var status: ExecutionStatus
    public var output: JSON?
    public var error: String?
    public var cause: String?

    public init(status: ExecutionStatus, output: JSON? = nil, error: String? = nil, cause: String? = nil) {
        self.status = status
        self.output = output
        self.error = error
        self.cause = cause
    }
}

/// An entry of the execution history, shaped like AWS's `GetExecutionHistory`.
public struct HistoryEvent: Sendable, Hashable {
    public var id: Int
    public var previousEventID: Int
    public var timestamp: Date
    /// `ExecutionStarted`, `TaskStateEntered`, `TaskScheduled`, `TaskSucceeded`, ...
    public var type: String
    public var details: JSON

    /// The event as JSON: `{"id","previousEventId","timestamp","type","details"}`.
    public var json: JSON {
        [
            "id": .int(id), "previousEventId": .int(previousEventID), "timestamp": .string(Timestamp.format(timestamp)),
            "type": .string(type), "details": details,
        ]
    }
}
