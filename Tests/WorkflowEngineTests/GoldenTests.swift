import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

/// One folder of cases: a definition, an input, mocked task responses and the expected end, taken from the ASL
/// specification and the AWS developer guide, with the error and cause texts as AWS prints them.
@Suite("Golden executions")
struct GoldenTests {
    static let cases: [String] = {
        let folder = Bundle.module.url(forResource: "Golden", withExtension: nil)!
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }()

    @Test("the golden folder has cases")
    func hasCases() {
        #expect(Self.cases.count >= 20)
    }

    @Test("each golden case ends as recorded", arguments: cases)
    func golden(name: String) async throws {
        let spec = try JSON.resource("Golden/\(name)")
        let definition = try #require(spec["definition"])
        var script: [String: [JSON]] = [:]
        for (state, responses) in spec["mocks"]?.objectValue ?? [:] { script[state] = responses.arrayValue ?? [] }
        let tasks = ScriptedTasks(script)
        let engine = WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: VirtualClock())
        let result = try await engine.run(
            definition: definition.serialized(), stateMachineName: "golden-machine", name: "golden",
            input: spec["input"] ?? [:])

        let expected = try #require(spec["expected"])
        #expect(result.outcome.status.rawValue == expected["status"]?.stringValue, "\(name): \(result.outcome)")
        if let output = expected["output"] { #expect(result.outcome.output == output, "\(name) output") }
        if let error = expected["error"] { #expect(result.outcome.error.map(JSON.string) == error, "\(name) error") }
        if let cause = expected["cause"] { #expect(result.outcome.cause.map(JSON.string) == cause, "\(name) cause") }
        for (state, count) in spec["expectInvocations"]?.objectValue ?? [:] {
            #expect(tasks.count(state) == count.intValue, "\(name): invocations of \(state)")
        }
        for (state, input) in spec["expectTaskInput"]?.objectValue ?? [:] {
            #expect(tasks.inputs[state] == input, "\(name): input of \(state)")
        }
        // Every history starts with ExecutionStarted and ends with the event of the outcome.
        #expect(result.history.first?.type == "ExecutionStarted")
        let last: String
        switch result.outcome.status {
        case .succeeded: last = "ExecutionSucceeded"
        case .failed: last = "ExecutionFailed"
        case .timedOut: last = "ExecutionTimedOut"
        default: last = "ExecutionAborted"
        }
        #expect(result.history.last?.type == last)
        #expect(result.history.enumerated().allSatisfy { $0.element.id == $0.offset + 1 })
    }
}
