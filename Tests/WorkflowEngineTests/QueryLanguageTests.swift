import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

/// JSONata states through the engine: Step Functions' added functions, replays, and the errors of its fields.
@Suite("JSONata states")
struct QueryLanguageTests {
    /// Runs a one-state JSONata machine whose Pass gives `output`, and answers its outcome.
    private func run(output: String, input: JSON = [:], name: String = "q") async throws -> ExecutionOutcome {
        let definition: JSON = [
            "QueryLanguage": "JSONata", "StartAt": "P",
            "States": ["P": ["Type": "Pass", "Output": .string(output), "End": true]],
        ]
        let engine = WorkflowEngine(tasks: ScriptedTasks([:]), journal: InMemoryJournal(), clock: VirtualClock())
        return try await engine.run(
            definition: definition.serialized(), stateMachineName: "m", name: name, input: input
        ).outcome
    }

    private func value(_ expression: String, _ input: JSON = [:]) async throws -> JSON? {
        try await run(output: "{% \(expression) %}", input: input).output
    }

    @Test("$partition, $range, $hash and $parse as Step Functions answers them")
    func addedFunctions() async throws {
        #expect(try await value("$partition([1, 2, 3, 4, 5, 6, 7], 3)") == [[1, 2, 3], [4, 5, 6], [7]])
        #expect(try await value("$range(0, 10, 5)") == [0, 5, 10])
        #expect(try await value("$range(9, 1, -4)") == [9, 5, 1])
        #expect(try await value("$range(-1.2, 2.8, 1.9)") == [-1, 0, 1, 2])
        #expect(try await value("$range(7, 7, 1)") == 7)
        #expect(try await value("$append([], $range(3, 1, 1))") == [])
        #expect(try await value("$count($partition([1, 2], 1e300))") == 1)
        #expect(try await value("$random(1e300) < 1") == true)
        #expect(
            try await value("$hash('abc', 'SHA-256')")
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try await value("$parse($states.input.text).a", ["text": #"{"a": [1, 2]}"#]) == [1, 2])
        for (expression, code) in [
            ("$partition([1, 2], 0)", "D3137"), ("$range('0', 4, 1)", "T0410"), ("$range(0, 4, 1, 2)", "T0410"),
            ("$hash('abc', 'SHA-3')", "D3137"), ("$parse('{')", "D3140"), ("$eval('1')", "T1006"),
            ("$range(-8e18, 8e18, 1)", "D2014"),
        ] {
            let outcome = try await run(output: "{% \(expression) %}")
            #expect(outcome.error == "States.QueryEvaluationError", "\(expression)")
            #expect(outcome.cause?.contains("threw an error during evaluation. \(code):") == true, "\(expression)")
        }
    }

    @Test("$uuid, $random and $now come from the execution: the same execution gives the same values")
    func deterministic() async throws {
        let expression = "{% {'id': $uuid(), 'r': $random(), 'seeded': $random(7), 'at': $now()} %}"
        let first = try await run(output: expression, name: "same")
        let again = try await run(output: expression, name: "same")
        let other = try await run(output: expression, name: "other")
        #expect(first.output == again.output)
        #expect(first.output?["id"] != other.output?["id"])
        #expect(first.output?["seeded"] == other.output?["seeded"])
        let id = try #require(first.output?["id"]?.stringValue)
        #expect(id.count == 36 && id[id.index(id.startIndex, offsetBy: 14)] == "4")
        let random = try #require(first.output?["r"]?.doubleValue)
        #expect((0..<1).contains(random))
    }

    @Test("limit fields given as expressions must give whole numbers; a Timestamp must give a timestamp")
    func limitFields() async throws {
        let definition: JSON = [
            "QueryLanguage": "JSONata", "StartAt": "W",
            "States": ["W": ["Type": "Wait", "Seconds": "{% $states.input.wait %}", "End": true]],
        ]
        let engine = WorkflowEngine(tasks: ScriptedTasks([:]), journal: InMemoryJournal(), clock: VirtualClock())
        let bad = try await engine.run(
            definition: definition.serialized(), stateMachineName: "m", name: "w", input: ["wait": "soon"]
        ).outcome
        #expect(bad.error == "States.QueryEvaluationError")
        #expect(
            bad.cause?.hasSuffix(
                "The JSONata expression '$states.input.wait' specified for the field 'Seconds' returned an unexpected "
                    + "result type. Expected 'integer' not negative, but was 'string' for value: \"soon\"") == true)
        let good = try await engine.run(
            definition: definition.serialized(), stateMachineName: "m", name: "w2", input: ["wait": 3]
        ).outcome
        #expect(good.status == .succeeded)
    }
}
