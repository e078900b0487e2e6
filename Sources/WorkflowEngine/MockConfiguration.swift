import Foundation
import StatesLanguage

/// AWS Step Functions Local's mock configuration: per test case, which canned responses each Task state gives.
///
/// ```json
/// {"StateMachines": {"Checkout": {"TestCases": {"Declined": {"ProcessPayment": "CardDeclined"}}}},
///  "MockedResponses": {"CardDeclined": {"0": {"Throw": {"Error": "PaymentDeclined", "Cause": "card declined"}}}}}
/// ```
/// Response keys are invocation numbers of that state, counted from 0 (`"0"`, `"1-2"`); each holds a `Return`
/// value or a `Throw` with `Error` and `Cause`.
public struct MockConfiguration: Sendable {
    /// State name → mocked responses, for the chosen test case.
    let responses: [String: [(range: ClosedRange<Int>, response: Response)]]

    enum Response: Sendable {
        case success(JSON)
        case failure(StatesError)
    }

    /// Reads the test case `testCase` of `stateMachine` (or of the only state machine that has that test case).
    /// - Throws: ``StatesError`` naming what is missing or malformed.
    public init(json: JSON, testCase: String, stateMachine: String? = nil) throws {
        guard case .object(let machines)? = json["StateMachines"] else {
            throw StatesError("MockConfigInvalid", "The mock configuration has no 'StateMachines' object.")
        }
        let candidates: JSONObject = machines.filter { name, value in
            (stateMachine == nil || stateMachine == name) && value["TestCases"]?[testCase] != nil
        }
        guard candidates.count == 1, let (_, machine) = candidates.first,
            case .object(let mapping)? = machine["TestCases"]?[testCase]
        else {
            let reason =
                candidates.isEmpty
                ? "no state machine has the test case '\(testCase)'"
                : "several state machines have the test case '\(testCase)'; name one"
            throw StatesError("MockConfigInvalid", "In the mock configuration, \(reason).")
        }
        var responses: [String: [(ClosedRange<Int>, Response)]] = [:]
        for (state, responseName) in mapping {
            guard case .string(let name) = responseName, case .object(let table)? = json["MockedResponses"]?[name]
            else {
                throw StatesError(
                    "MockConfigInvalid", "The mocked response for state '\(state)' is not defined in 'MockedResponses'."
                )
            }
            var entries: [(ClosedRange<Int>, Response)] = []
            for (key, value) in table {
                let bounds = key.split(separator: "-").compactMap { Int($0) }
                guard (1...2).contains(bounds.count), bounds.first! <= bounds.last!, bounds.first! >= 0 else {
                    throw StatesError(
                        "MockConfigInvalid",
                        "'\(key)' in mocked response '\(name)' is not an invocation number or range like 1-2.")
                }
                if let returned = value["Return"] {
                    entries.append((bounds.first!...bounds.last!, .success(returned)))
                } else if case .object(let thrown)? = value["Throw"] {
                    entries.append(
                        (
                            bounds.first!...bounds.last!,
                            .failure(
                                StatesError(
                                    thrown["Error"]?.stringValue ?? "MockedError", thrown["Cause"]?.stringValue ?? ""))
                        ))
                } else {
                    throw StatesError("MockConfigInvalid", "Response '\(key)' of '\(name)' needs 'Return' or 'Throw'.")
                }
            }
            responses[state] = entries.sorted { $0.0.lowerBound < $1.0.lowerBound }
        }
        self.responses = responses
    }

    /// A resolver that answers every Task from this test case, counting invocations per state.
    public func resolver() -> any TaskResolver { MockResolver(configuration: self) }
}

private final class MockResolver: TaskResolver, TaskHandler, @unchecked Sendable {
    let configuration: MockConfiguration
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    init(configuration: MockConfiguration) {
        self.configuration = configuration
    }

    func handler(for resource: String) -> (any TaskHandler)? { self }

    func invoke(_ invocation: TaskInvocation) async throws -> JSON {
        guard let entries = configuration.responses[invocation.stateName] else {
            throw StatesError(
                StatesError.taskFailed, "The test case has no mocked response for the state '\(invocation.stateName)'.")
        }
        let number = lock.withLock { () -> Int in
            defer { counts[invocation.stateName, default: 0] += 1 }
            return counts[invocation.stateName, default: 0]
        }
        // Past the last range, the last response repeats.
        let entry = entries.first { $0.range.contains(number) } ?? entries.last!
        switch entry.response {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }
}
