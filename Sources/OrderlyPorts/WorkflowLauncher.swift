/// The workflows the system runs, by the name their definitions are listed under.
public struct WorkflowName: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Reserve, pay, commit, confirm, notify; compensate in reverse on failure.
    public static let checkout = WorkflowName(rawValue: "checkout")
    /// Refund and restock a confirmed order, then cancel it.
    public static let cancelOrder = WorkflowName(rawValue: "cancel-order")
}

/// Starts workflow executions: the embedded engine here, Step Functions on AWS.
public protocol WorkflowLauncher: Sendable {
    /// Durably starts an execution named `name` (unique per workflow) with `input`, unless one with that name
    /// exists; either way answers its execution id. The work goes on after this returns.
    func start(_ workflow: WorkflowName, name: String, input: [String: String]) async throws -> String

    /// Waits until the execution has ended, `timeout` at most. Answers whether it ended.
    func waitForEnd(executionID: String, timeout: Duration) async -> Bool
}
