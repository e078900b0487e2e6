import StatesLanguage
import Testing

@Suite("Definition validation")
struct ValidationTests {
    private func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try StatesDefinition.parse(text)
            return []
        } catch let error as DefinitionError {
            return error.diagnostics
        } catch {
            return [Diagnostic(code: "unexpected", message: "\(error)", location: "")]
        }
    }

    private func locations(_ text: String) -> Set<String> { Set(diagnostics(text).map(\.location)) }

    @Test("a broken definition reports every problem at once, each with its location")
    func everyProblem() {
        let found = diagnostics(
            """
            {"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Next": "Nowhere", "Resource": "x"},
              "B": {"Type": "Task", "Resource": "arn:x", "End": true, "Retry": [{"ErrorEquals": ["States.ALL", "X"], "MaxAttempts": -1, "BackoffRate": 0.5}]},
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "1", "Next": "A"}, {"Variable": "$.y", "Next": "A"}]},
              "D": {"Type": "Wait", "Seconds": 1, "Timestamp": "2026-01-01T00:00:00Z", "End": true},
              "E": {"Type": "Fail", "Error": "X", "ErrorPath": "$.e"},
              "F": {"Type": "Task", "End": true, "Catch": [{"ErrorEquals": ["X"], "Next": "Ghost", "ResultPath": "$.a[*]"}]},
              "G": {"Type": "Bogus"},
              "H": {"Type": "Pass", "Parameters": {"a.$": "not a path", "b.$": 3, "c.$": "States.Nope(1)"}, "InputPath": "$..[", "End": true}
            }}
            """)
        let byLocation = Dictionary(grouping: found, by: \.location)
        let expected: [String: String] = [
            "/States/A/Resource": "SCHEMA_VALIDATION_FAILED",
            "/States/A/Next": "MISSING_TRANSITION_TARGET",
            "/States/B/Retry/0/ErrorEquals": "SCHEMA_VALIDATION_FAILED",
            "/States/B/Retry/0/MaxAttempts": "SCHEMA_VALIDATION_FAILED",
            "/States/B/Retry/0/BackoffRate": "SCHEMA_VALIDATION_FAILED",
            "/States/C/Choices/0/NumericEquals": "SCHEMA_VALIDATION_FAILED",
            "/States/C/Choices/1": "SCHEMA_VALIDATION_FAILED",
            "/States/D": "SCHEMA_VALIDATION_FAILED",
            "/States/E": "SCHEMA_VALIDATION_FAILED",
            "/States/F/Resource": "SCHEMA_VALIDATION_FAILED",
            "/States/F/Catch/0/ResultPath": "SCHEMA_VALIDATION_FAILED",
            "/States/F/Catch/0/Next": "MISSING_TRANSITION_TARGET",
            "/States/G/Type": "SCHEMA_VALIDATION_FAILED",
            "/States/H/Parameters/a.$": "SCHEMA_VALIDATION_FAILED",
            "/States/H/Parameters/b.$": "SCHEMA_VALIDATION_FAILED",
            "/States/H/Parameters/c.$": "SCHEMA_VALIDATION_FAILED",
            "/States/H/InputPath": "SCHEMA_VALIDATION_FAILED",
        ]
        for (location, code) in expected {
            #expect(
                byLocation[location]?.contains { $0.code == code } == true,
                "expected \(code) at \(location); got \(found)")
        }
        // Unreachable states are reported too.
        #expect(byLocation["/States/B"]?.contains { $0.code == "UNREACHABLE_STATE" } == true)
        #expect(byLocation["/States/H"]?.contains { $0.code == "UNREACHABLE_STATE" } == true)
    }

    @Test("top-level problems: StartAt, States, TimeoutSeconds, unknown fields, JSONata")
    func topLevel() {
        #expect(locations(#"{"States": {"A": {"Type": "Succeed"}}}"#).contains("/StartAt"))
        #expect(locations(#"{"StartAt": "A", "States": {}}"#).contains("/States"))
        #expect(
            diagnostics(#"{"StartAt": "X", "States": {"A": {"Type": "Succeed"}}}"#).contains {
                $0.code == "MISSING_TRANSITION_TARGET" && $0.location == "/StartAt"
            })
        #expect(
            locations(#"{"StartAt": "A", "TimeoutSeconds": 0, "Extra": 1, "States": {"A": {"Type": "Succeed"}}}"#) == [
                "/TimeoutSeconds", "/Extra",
            ])
        #expect(
            diagnostics(#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#) == [])
        #expect(
            locations(#"{"QueryLanguage": "JSONX", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#) == [
                "/QueryLanguage"
            ])
        #expect(diagnostics("{not json").map(\.code) == ["INVALID_JSON_DESCRIPTION"])
    }

    @Test("a machine with no way to end is refused")
    func noTerminal() {
        let found = diagnostics(
            #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#)
        #expect(found.map(\.code) == ["NO_TERMINAL_STATE"])
    }

    @Test("nested machines are checked with their full location")
    func nested() {
        let found = locations(
            """
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Outside"}}}]},
             "M": {"Type": "Map", "End": true, "MaxConcurrency": -1, "ItemProcessor": {"StartAt": "Y", "States": {"Y": {"Type": "Wait", "End": true}}}}}}
            """)
        #expect(found.contains("/States/P/Branches/0/States/X/Next"))
        #expect(found.contains("/States/M/MaxConcurrency"))
        #expect(found.contains("/States/M/ItemProcessor/States/Y"))
    }

    @Test("valid definitions pass, including every state type and the older Map fields")
    func valid() throws {
        for name in [
            "choice-operators.json", "parameters-and-intrinsics.json", "map-item-batcher.json", "variables.json",
            "map-empty.json",
        ] {
            let spec = try JSON.resource("Golden/\(name)")
            #expect(diagnostics(spec["definition"]!.serialized()).isEmpty, "\(name)")
        }
    }

    @Test("substitutions fill ${Name} placeholders in string values")
    func substitutions() throws {
        let machine = try StatesDefinition.parse(
            #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${ChargeFunctionArn}", "End": true}}}"#,
            substitutions: ["ChargeFunctionArn": "arn:aws:lambda:eu-west-1:1:function:charge"])
        guard case .task(let spec) = machine.states["T"]!.kind else {
            Issue.record("not a task")
            return
        }
        #expect(spec.resource == "arn:aws:lambda:eu-west-1:1:function:charge")
    }

    /// A Map state `M` with `fields` added, inline or distributed.
    private func map(_ fields: String, config: String = "") -> String {
        #"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", \#(fields)
          "ItemProcessor": {\#(config)"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "End": true}}}
        """#
    }

    @Test("Map fields AWS refuses: tolerated failures on an inline Map, a field with its Path, no ExecutionType")
    func mapRules() {
        #expect(locations(map(#""ToleratedFailureCount": 1,"#)) == ["/States/M/ToleratedFailureCount"])
        #expect(
            locations(map(#""ToleratedFailurePercentagePath": "$.p","#)) == ["/States/M/ToleratedFailurePercentagePath"]
        )
        #expect(locations(map(#""Label": "each","#)) == ["/States/M/Label"])
        let distributed = #""ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "#
        #expect(locations(map(#""ToleratedFailureCount": 1, "Label": "each","#, config: distributed)).isEmpty)
        #expect(locations(map(#""MaxConcurrency": 2, "MaxConcurrencyPath": "$.n","#)) == ["/States/M"])
        #expect(
            locations(map(#""ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.n","#, config: distributed))
                == ["/States/M"])
        #expect(
            locations(map("", config: #""ProcessorConfig": {"Mode": "DISTRIBUTED"}, "#))
                == ["/States/M/ItemProcessor/ProcessorConfig"])
    }

    @Test("locations are JSON pointers, array items by number")
    func pointers() {
        let found = locations(
            #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:x", "Retry": [{"ErrorEquals": []}], "End": true}}}"#
        )
        #expect(found == ["/States/T/Retry/0/ErrorEquals"])
    }

    @Test("a resource placeholder left after substitutions is INVALID_RESOURCE; a template without any is valid")
    func placeholders() throws {
        let text = #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${Missing}", "End": true}}}"#
        #expect(throws: Never.self) { try StatesDefinition.parse(text) }
        let found = StatesDefinition.validate(text, substitutions: ["Other": "arn:aws:lambda:x"])
        #expect(found.map(\.code) == ["INVALID_RESOURCE"])
        #expect(found.first?.location == "/States/T/Resource")
    }

    @Test("warnings as AWS gives them: NO_DOLLAR, PASS_RESULT_IS_STATIC, NO_PATH; the definition stays valid")
    func warnings() throws {
        let text = #"""
            {"StartAt": "P", "States": {
              "P": {"Type": "Pass", "Result": {"id": "$.orderId"}, "Next": "T"},
              "T": {"Type": "Task", "Resource": "arn:x", "Parameters": {"id": "$.orderId", "ok.$": "$.ok", "n": "States.Format('{}', $.n)", "plain": "hello $"},
                "Next": "F"},
              "F": {"Type": "Fail", "Error": "Broken", "Cause": "$.cause"}}}
            """#
        #expect(throws: Never.self) { try StatesDefinition.parse(text) }
        let found = StatesDefinition.validate(text)
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(
            Set(found.map { "\($0.code) \($0.location)" }) == [
                "PASS_RESULT_IS_STATIC /States/P/Result/id", "NO_DOLLAR /States/T/Parameters/id",
                "NO_DOLLAR /States/T/Parameters/n", "NO_PATH /States/F/Cause",
            ])
    }

    @Test("JSONata states refuse JSONPath's fields and JSONPath states JSONata's, each where it stands")
    func queryLanguageFields() {
        let jsonata = diagnostics(
            #"""
            {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:x", "Parameters": {"a.$": "$.a"}, "ResultPath": "$.r", "InputPath": "$",
                "TimeoutSecondsPath": "$.t", "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.e", "Next": "W"}], "Next": "W"},
              "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "M"}], "Default": "M"},
              "M": {"Type": "Map", "ItemsPath": "$.xs", "Items": 3, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "Next": "O"},
              "O": {"Type": "Pass", "QueryLanguage": "JSONPath", "Output": "{% $states.input %}", "End": true}}}
            """#)
        let byLocation = Dictionary(grouping: jsonata, by: \.location)
        for location in [
            "/States/T/Parameters", "/States/T/ResultPath", "/States/T/InputPath", "/States/T/TimeoutSecondsPath",
            "/States/T/Catch/0/ResultPath", "/States/W/SecondsPath", "/States/C/Choices/0/Variable",
            "/States/C/Choices/0/Condition", "/States/M/ItemsPath", "/States/M/Items", "/States/O/QueryLanguage",
            "/States/O/Output",
        ] {
            #expect(byLocation[location] != nil, "\(location) in \(jsonata)")
        }
        #expect(byLocation["/States/T/Parameters"]?.first?.message.contains("JSONata state") == true)
        #expect(byLocation["/States/O/Output"]?.first?.message.contains("only supported in a JSONata state") == true)

        let jsonPath = locations(
            #"""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:x", "Arguments": {"a": "{% $states.input.a %}"}, "Output": 1, "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Condition": true, "Next": "E"}], "Default": "E"},
              "E": {"Type": "Succeed"}}}
            """#)
        #expect(jsonPath.isSuperset(of: ["/States/T/Arguments", "/States/T/Output", "/States/C/Choices/0/Condition"]))
    }

    @Test("a JSONata expression that does not parse is refused where it stands; a state may choose JSONata alone")
    func queryExpressions() {
        let found = diagnostics(
            #"""
            {"StartAt": "P", "States": {
              "P": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"x": ["ok", "{% $states.input. %}"]},
                "Assign": {"y": "{% 1 + %}"}, "Next": "W"},
              "W": {"Type": "Wait", "QueryLanguage": "JSONata", "Seconds": "{% $states.input.delay %}", "End": true}}}
            """#)
        #expect(Set(found.map(\.location)) == ["/States/P/Output/x/1", "/States/P/Assign/y"])
        #expect(found.allSatisfy { $0.code == "SCHEMA_VALIDATION_FAILED" && $0.message.contains("S0") })
    }
}
