/// An error as the States Language names it: an error name (`States.TaskFailed`, `PaymentDeclined`) and a cause.
public struct StatesError: Error, Sendable, Hashable, CustomStringConvertible {
    public var error: String
    public var cause: String

    public init(_ error: String, _ cause: String) {
        self.error = error
        self.cause = cause
    }

    public var description: String { "\(error): \(cause)" }

    public static let all = "States.ALL"
    public static let runtime = "States.Runtime"
    public static let timeout = "States.Timeout"
    public static let taskFailed = "States.TaskFailed"
    public static let heartbeatTimeout = "States.HeartbeatTimeout"
    public static let noChoiceMatched = "States.NoChoiceMatched"
    public static let intrinsicFailure = "States.IntrinsicFailure"
    public static let branchFailed = "States.BranchFailed"
    public static let exceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
    public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
    public static let parameterPathFailure = "States.ParameterPathFailure"
    public static let itemReaderFailed = "States.ItemReaderFailed"
    public static let resultWriterFailed = "States.ResultWriterFailed"
    public static let permissions = "States.Permissions"
    public static let dataLimitExceeded = "States.DataLimitExceeded"
    /// A JSONata expression failed or gave nothing where a value was needed.
    public static let queryEvaluationError = "States.QueryEvaluationError"

    /// A `States.Runtime` error: not retriable and not caught by `States.ALL`.
    public static func runtimeError(_ cause: String) -> StatesError { StatesError(runtime, cause) }
}
