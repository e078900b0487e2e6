import Foundation

/// A parsed, validated state machine (or a Parallel branch, or a Map's item processor). Immutable and shared.
public final class StateMachine: Sendable {
    public let startAt: String
    public let states: [String: State]
    public let comment: String?
    /// Seconds the whole execution may run (top level only).
    public let timeoutSeconds: Int?

    init(startAt: String, states: [String: State], comment: String?, timeoutSeconds: Int?) {
        self.startAt = startAt
        self.states = states
        self.comment = comment
        self.timeoutSeconds = timeoutSeconds
    }
}

/// Where a path field points: the default (`$`), `null` (discard), or a path.
public enum PathField: Sendable, Hashable {
    case standard
    case discard
    case path(JSONPath)
}

/// One state. Immutable and shared, like its machine: an execution passes it around at every step, and as a class it
/// is handed on with one reference count where a structure of this many fields took a dozen.
public final class State: Sendable {
    public let name: String
    public let kind: Kind
    public let comment: String?
    /// The state's own `QueryLanguage`, else its machine's: in JSONata, `parameters` holds `Arguments`, `output`
    /// holds `Output`, and every template's `{% ... %}` strings are expressions.
    public let queryLanguage: QueryLanguage
    /// The next state, or `nil` when this state ends its machine (or is a Choice, Succeed or Fail).
    public let next: String?
    public let inputPath: PathField
    public let outputPath: PathField
    public let resultPath: PathField
    public let parameters: Template?
    public let resultSelector: Template?
    public let assign: Template?
    /// `Output` (JSONata only): the state's output, in place of its result or input.
    public let output: Template?
    public let retriers: [Retrier]
    public let catchers: [Catcher]

    init(
        name: String, kind: Kind, comment: String?, queryLanguage: QueryLanguage, next: String?, inputPath: PathField,
        outputPath: PathField, resultPath: PathField, parameters: Template?, resultSelector: Template?,
        assign: Template?, output: Template?, retriers: [Retrier], catchers: [Catcher]
    ) {
        self.name = name
        self.kind = kind
        self.comment = comment
        self.queryLanguage = queryLanguage
        self.next = next
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.resultPath = resultPath
        self.parameters = parameters
        self.resultSelector = resultSelector
        self.assign = assign
        self.output = output
        self.retriers = retriers
        self.catchers = catchers
    }

    /// What the state does.
    public enum Kind: Sendable {
        case pass(result: JSON?)
        case task(TaskSpec)
        case choice(rules: [ChoiceRule], defaultNext: String?)
        case wait(WaitSpec)
        case succeed
        case fail(FailSpec)
        case parallel(branches: [StateMachine])
        case map(MapSpec)
    }

    /// The AWS type name: `Pass`, `Task`, ...
    public var typeName: String {
        switch kind {
        case .pass: return "Pass"
        case .task: return "Task"
        case .choice: return "Choice"
        case .wait: return "Wait"
        case .succeed: return "Succeed"
        case .fail: return "Fail"
        case .parallel: return "Parallel"
        case .map: return "Map"
        }
    }
}

/// A Task's resource and timeouts.
public struct TaskSpec: Sendable {
    /// The resource ARN after `${...}` substitution.
    public let resource: String
    public let timeoutSeconds: Int?
    public let timeoutSecondsPath: JSONPath?
    public let heartbeatSeconds: Int?
    public let heartbeatSecondsPath: JSONPath?
    /// JSONata: `TimeoutSeconds` / `HeartbeatSeconds` given as expressions.
    public let timeoutSecondsExpression: QueryExpression?
    public let heartbeatSecondsExpression: QueryExpression?
}

/// How long a Wait state waits.
public enum WaitSpec: Sendable {
    case seconds(Int)
    case secondsPath(JSONPath)
    case timestamp(Date)
    case timestampPath(JSONPath)
    /// JSONata: `Seconds` or `Timestamp` given as an expression.
    case secondsExpression(QueryExpression)
    case timestampExpression(QueryExpression)
}

/// A Fail state's error and cause, each fixed or from a path (or an intrinsic function).
public struct FailSpec: Sendable {
    public let error: StringSource?
    public let cause: StringSource?
}

/// A string that is written out, taken from a path, or made by an intrinsic function.
public enum StringSource: Sendable {
    case literal(String)
    case path(JSONPath)
    case call(IntrinsicCall)
    /// JSONata: the field given as an expression.
    case expression(QueryExpression)
}

/// A Map state's items, processor and limits.
public struct MapSpec: Sendable {
    public let itemsPath: PathField
    /// `ItemSelector` (or the older `Parameters`), evaluated per item with `$$.Map.Item` set.
    public let itemSelector: Template?
    public let processor: StateMachine
    public let distributed: Bool
    public let maxConcurrency: Int?
    public let maxConcurrencyPath: JSONPath?
    public let toleratedFailurePercentage: Double?
    public let toleratedFailurePercentagePath: JSONPath?
    public let toleratedFailureCount: Int?
    public let toleratedFailureCountPath: JSONPath?
    public let batcher: ItemBatcher?
    /// Where a distributed Map reads its items, instead of its input.
    public let itemReader: ItemReader?
    /// Where a distributed Map writes its results, answering where they are instead of them.
    public let resultWriter: ResultWriter?
    /// JSONata: `Items` (an array, or an expression giving one) in place of `ItemsPath`, and the limits given as
    /// expressions.
    public let items: Template?
    public let maxConcurrencyExpression: QueryExpression?
    public let toleratedFailureCountExpression: QueryExpression?
    public let toleratedFailurePercentageExpression: QueryExpression?
}

/// `ItemBatcher`: groups items into batches `{"Items": [...], "BatchInput": ...}`.
public struct ItemBatcher: Sendable {
    public let maxItemsPerBatch: Int?
    public let maxItemsPerBatchPath: JSONPath?
    public let maxInputBytesPerBatch: Int?
    public let maxInputBytesPerBatchPath: JSONPath?
    public let batchInput: Template?
    /// JSONata: the limits given as expressions.
    public let maxItemsPerBatchExpression: QueryExpression?
    public let maxInputBytesPerBatchExpression: QueryExpression?
}

/// A `Retry` entry.
public struct Retrier: Sendable {
    public let errorEquals: [String]
    public let intervalSeconds: Int
    public let maxAttempts: Int
    public let backoffRate: Double
    public let maxDelaySeconds: Int?
    public let fullJitter: Bool
}

/// A `Catch` entry.
public struct Catcher: Sendable {
    public let errorEquals: [String]
    public let next: String
    public let resultPath: PathField
    public let assign: Template?
    /// JSONata: the output when it catches (`$states.errorOutput` when absent).
    public let output: Template?
}

extension Retrier {
    /// Whether this entry handles `error`. `States.ALL` matches everything but `States.Runtime` (which is never
    /// retried or caught); `States.TaskFailed` matches every error but `States.Timeout`.
    public func matches(_ error: String) -> Bool { ErrorMatcher.matches(errorEquals, error) }
}

extension Catcher {
    public func matches(_ error: String) -> Bool { ErrorMatcher.matches(errorEquals, error) }
}

enum ErrorMatcher {
    static func matches(_ names: [String], _ error: String) -> Bool {
        if error == StatesError.runtime || error == StatesError.dataLimitExceeded { return false }
        for name in names {
            if name == error || name == StatesError.all { return true }
            if name == StatesError.taskFailed && error != StatesError.timeout { return true }
        }
        return false
    }
}
