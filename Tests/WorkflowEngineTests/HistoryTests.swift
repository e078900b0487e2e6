import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

/// Recorded execution histories that every engine change must still reproduce, event for event.
///
/// Only cases whose order of events is fixed are recorded (no concurrent branches with tasks). To record them anew
/// after an intended change, run the tests with `ORDERLY_RECORD_HISTORIES=1` and review the diff.
@Suite("Golden histories")
struct HistoryTests {
    static let cases = [
        "resultpath-aws-guide", "inputpath-resultpath-outputpath", "pass-result-and-null-paths",
        "parameters-and-intrinsics", "choice-operators", "choice-no-match", "choice-missing-variable", "fail-state",
        "retry-then-succeed", "retry-exhausted-then-catch", "variables", "wait-then-continue", "execution-timeout",
        "map-item-batcher", "jsonata-task-arguments-output-assign", "jsonata-evaluation-error-caught",
    ]

    /// Where recordings are written (`ORDERLY_RECORD_HISTORIES=1`): the source folder; tests read the bundled copy.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Histories")

    @Test("the history matches the recorded one", arguments: cases)
    func history(name: String) async throws {
        let spec = try JSON.resource("Golden/\(name).json")
        var script: [String: [JSON]] = [:]
        for (state, responses) in spec["mocks"]?.objectValue ?? [:] { script[state] = responses.arrayValue ?? [] }
        let result = try await WorkflowEngine(
            tasks: ScriptedTasks(script), journal: InMemoryJournal(), clock: VirtualClock()
        )
        .run(
            definition: spec["definition"]!.serialized(), stateMachineName: "golden-machine", name: "golden",
            input: spec["input"] ?? [:])
        let recorded = JSON.array(result.history.map(\.json))
        let file = Self.folder.appendingPathComponent("\(name).json")
        if ProcessInfo.processInfo.environment["ORDERLY_RECORD_HISTORIES"] == "1" {
            let lines = result.history.map { "  " + $0.json.serialized() }.joined(separator: ",\n")
            try ("[\n" + lines + "\n]\n").write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try JSON.resource("Histories/\(name).json")
        let expectedEvents = expected.arrayValue ?? []
        let actualEvents = recorded.arrayValue ?? []
        #expect(
            actualEvents.count == expectedEvents.count,
            "\(name): \(actualEvents.count) events, recorded \(expectedEvents.count)")
        for (index, (actual, wanted)) in zip(actualEvents, expectedEvents).enumerated() where actual != wanted {
            Issue.record("\(name): event \(index + 1) is \(actual), recorded \(wanted)")
            break
        }
    }
}
