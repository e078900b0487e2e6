import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// The ``WorkflowRuntime`` on AWS Step Functions: executions of the deployed state machines (the same `.asl.json`
/// files the embedded engine runs), started by name, so that starting twice starts once.
public struct StepFunctionsRuntime: WorkflowRuntime {
    let client: AWSClient
    /// The ARN of the state machine each workflow runs on.
    public let stateMachines: [WorkflowName: String]
    /// How often ``waitForEnd(executionID:timeout:)`` asks.
    public var pollInterval: Duration = .milliseconds(200)

    public init(client: AWSClient, stateMachines: [WorkflowName: String]) {
        self.client = client
        self.stateMachines = stateMachines
    }

    public func start(_ workflow: WorkflowName, name: String, input: [String: String]) async throws -> String {
        guard let machine = stateMachines[workflow] else {
            throw AWSError(code: "StateMachineDoesNotExist", message: "No state machine runs \(workflow).", status: 0)
        }
        let inputText = JSON.object(JSONObject(input.mapValues(JSON.string))).serialized()
        do {
            let answer = try await call(
                "StartExecution",
                ["stateMachineArn": .string(machine), "name": .string(name), "input": .string(inputText)])
            return answer["executionArn"]?.stringValue ?? Self.executionARN(machine: machine, name: name)
        } catch let error as AWSError where error.code == "ExecutionAlreadyExists" {
            // Started before (Step Functions keeps names for 90 days): that execution is the one.
            return Self.executionARN(machine: machine, name: name)
        }
    }

    public func executionID(of workflow: WorkflowName, name: String) throws -> String {
        guard let machine = stateMachines[workflow] else {
            throw AWSError(code: "StateMachineDoesNotExist", message: "No state machine runs \(workflow).", status: 0)
        }
        return Self.executionARN(machine: machine, name: name)
    }

    public func waitForEnd(executionID: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let status = try? await describeExecution(executionID)?["status"]?.stringValue else { return false }
            if status != "RUNNING" { return true }
            try? await Task.sleep(for: pollInterval)
        }
        return false
    }

    public func describe(executionID: String) async throws -> WorkflowExecution? {
        guard let answer = try await describeExecution(executionID) else { return nil }
        var execution = try Self.execution(from: answer)
        var token: String?
        repeat {
            var payload: JSONObject = ["executionArn": .string(executionID), "maxResults": 1000]
            if let token { payload["nextToken"] = .string(token) }
            let page = try await call("GetExecutionHistory", .object(payload))
            execution.history += (page["events"]?.arrayValue ?? []).map(Self.historyEntry)
            token = page["nextToken"]?.stringValue
        } while token != nil
        return execution
    }

    public func executions(
        of workflow: WorkflowName, status: WorkflowExecution.Status?, page: PageRequest
    ) async throws -> Page<WorkflowExecution> {
        guard let machine = stateMachines[workflow] else { return Page(items: [], nextAfter: nil) }
        var payload: JSONObject = ["stateMachineArn": .string(machine), "maxResults": .int(page.limit)]
        if let status { payload["statusFilter"] = .string(status.rawValue) }
        if let after = page.after { payload["nextToken"] = .string(after) }
        let answer = try await call("ListExecutions", .object(payload))
        var items: [WorkflowExecution] = []
        for listed in answer["executions"]?.arrayValue ?? [] {
            // A listing has no input or output: each is described (a page is at most 100).
            guard let arn = listed["executionArn"]?.stringValue, let described = try await describeExecution(arn)
            else { continue }
            items.append(try Self.execution(from: described))
        }
        return Page(items: items, nextAfter: answer["nextToken"]?.stringValue)
    }

    public func stop(executionID: String, error: String?, cause: String?) async throws {
        var payload: JSONObject = ["executionArn": .string(executionID)]
        if let error { payload["error"] = .string(error) }
        if let cause { payload["cause"] = .string(cause) }
        try await translating { _ = try await call("StopExecution", .object(payload)) }
    }

    public func sendTaskSuccess(taskToken: String, output: String) async throws {
        try await translating {
            _ = try await call("SendTaskSuccess", ["taskToken": .string(taskToken), "output": .string(output)])
        }
    }

    public func sendTaskFailure(taskToken: String, error: String?, cause: String?) async throws {
        var payload: JSONObject = ["taskToken": .string(taskToken)]
        if let error { payload["error"] = .string(error) }
        if let cause { payload["cause"] = .string(cause) }
        try await translating { _ = try await call("SendTaskFailure", .object(payload)) }
    }

    public func sendTaskHeartbeat(taskToken: String) async throws {
        try await translating { _ = try await call("SendTaskHeartbeat", ["taskToken": .string(taskToken)]) }
    }

    /// Step Functions' refusals as the port states them.
    private func translating(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as AWSError {
            switch error.code {
            case "InvalidToken": throw OrderlyError.validation(field: "taskToken", "is not a token a task was given")
            case "InvalidOutput": throw OrderlyError.validation(field: "output", "must be JSON text")
            case "TaskTimedOut", "TaskDoesNotExist":
                throw OrderlyError(.conflict, "The task of this token has ended (\(error.code)).")
            case "ExecutionDoesNotExist", "InvalidArn": throw OrderlyError.notFound("execution")
            default: throw error
            }
        }
    }

    func describeExecution(_ arn: String) async throws -> JSON? {
        do {
            return try await call("DescribeExecution", ["executionArn": .string(arn)])
        } catch let error as AWSError where error.code == "ExecutionDoesNotExist" || error.code == "InvalidArn" {
            return nil
        }
    }

    func call(_ action: String, _ payload: JSON) async throws -> JSON {
        try await client.json(.stepFunctions, target: "AWSStepFunctions.\(action)", payload: payload)
    }

    /// `arn:aws:states:r:a:stateMachine:m` and a name → `arn:aws:states:r:a:execution:m:name`.
    static func executionARN(machine: String, name: String) -> String {
        machine.replacingOccurrences(of: ":stateMachine:", with: ":execution:") + ":" + name
    }

    static func execution(from answer: JSON) throws -> WorkflowExecution {
        guard let arn = answer["executionArn"]?.stringValue, let machine = answer["stateMachineArn"]?.stringValue else {
            throw AWSError(code: "InvalidResponse", message: "DescribeExecution answered no ARN.", status: 200)
        }
        return WorkflowExecution(
            id: arn, name: answer["name"]?.stringValue ?? "",
            workflow: machine.split(separator: ":").last.map(String.init) ?? machine,
            status: WorkflowExecution.Status(rawValue: answer["status"]?.stringValue ?? "") ?? .running,
            startedAt: date(answer["startDate"]), input: answer["input"]?.stringValue ?? "null",
            output: answer["output"]?.stringValue, error: answer["error"]?.stringValue,
            cause: answer["cause"]?.stringValue, history: [])
    }

    /// A history event: its `...EventDetails` object, whatever its type, as the details.
    static func historyEntry(_ event: JSON) -> WorkflowExecution.HistoryEntry {
        let details = event.objectValue?.first { $0.key.hasSuffix("EventDetails") }?.value ?? [:]
        return WorkflowExecution.HistoryEntry(
            id: event["id"]?.intValue ?? 0, previousEventID: event["previousEventId"]?.intValue ?? 0,
            timestamp: date(event["timestamp"]), type: event["type"]?.stringValue ?? "", details: details.serialized())
    }

    /// AWS's JSON protocols send times as epoch seconds.
    static func date(_ value: JSON?) -> Date {
        if let seconds = value?.doubleValue { return Date(timeIntervalSince1970: seconds) }
        if let text = value?.stringValue, let date = try? Date(text, strategy: .iso8601) { return date }
        return Date(timeIntervalSince1970: 0)
    }
}
