import Foundation
import JSONata
import StatesLanguage

/// What `$states` holds while a field of a JSONata state is evaluated.
struct StatesBinding {
    /// The state's raw input.
    var input: JSON
    /// The task's, branches' or items' result (in `Output` and `Assign`).
    var result: JSON? = nil
    /// `{"Error": ..., "Cause": ...}` (in a catcher's `Output` and `Assign`).
    var errorOutput: JSON? = nil
    /// The Map item for `$states.context.Map.Item` (in `ItemSelector`).
    var mapItem: MapItem? = nil
}

extension ExecutionCore {
    /// Fills a JSONata state's template: each `{% ... %}` evaluated with `$states` and the frame's variables.
    /// - Throws: ``QueryEvaluationFailure`` for an expression that fails or gives nothing.
    mutating func evaluateQuery(_ template: Template, _ states: StatesBinding, frame id: Int) throws -> JSON {
        if case .value(let value) = template { return value }
        if jsonataInput == nil { jsonataInput = input.jsonataValue }
        let source = StepFunctionsJSONata.RandomSource(random)
        defer { random = source.generator }
        let core = self
        var unused = SplitMix64(seed: 0)
        return try template.evaluate(resolve: { _ in nil }, describeInput: { "" }, random: &unused) { expression in
            try core.query(expression, states, frame: id, random: source)
        }
    }

    /// One expression's value.
    mutating func evaluateQuery(_ expression: QueryExpression, _ states: StatesBinding, frame id: Int) throws -> JSON {
        try evaluateQuery(.expression(expression), states, frame: id)
    }

    /// Binds what the expression names and nothing more: `$states`, the variables it reads, and Step Functions'
    /// functions it calls. The expression's own input (`$`) is nothing, as in Step Functions.
    private func query(
        _ query: QueryExpression, _ states: StatesBinding, frame id: Int, random: StepFunctionsJSONata.RandomSource
    ) throws -> JSON {
        let names = query.expression.variableNames
        var bindings: [String: JSONataValue] = [:]
        for name in names {
            if name == "states" {
                // Only the members it reads: a Map item's ItemSelector need not convert the Map's whole input.
                let wanted = query.statesMembers
                var object = OrderedObject()
                if wanted?.contains("input") ?? true { object["input"] = states.input.jsonataValue }
                if let result = states.result, wanted?.contains("result") ?? true {
                    object["result"] = result.jsonataValue
                }
                if let errorOutput = states.errorOutput, wanted?.contains("errorOutput") ?? true {
                    object["errorOutput"] = errorOutput.jsonataValue
                }
                if wanted?.contains("context") ?? true { object["context"] = jsonataContext(frame: id, states.mapItem) }
                bindings[name] = .object(object)
            } else if let value = variable(name, frame: id) {
                bindings[name] = value.jsonataValue
            }
        }
        let functions =
            names.isDisjoint(with: StepFunctionsJSONata.names)
            ? [:] : StepFunctionsJSONata.functions(random: random).filter { names.contains($0.key) }
        let value: JSONataValue?
        do {
            value = try query.expression.evaluate(nil, bindings: bindings, functions: functions, now: now)
        } catch let error as JSONataError {
            throw QueryEvaluationFailure(field: query.field, cause: query.failureCause(error))
        }
        guard let value else { throw QueryEvaluationFailure(field: query.field, cause: query.undefinedCause) }
        return JSON(value)
    }

    /// `$states.context`, with the execution's input converted once per execution.
    private func jsonataContext(frame id: Int, _ mapItem: MapItem?) -> JSONataValue {
        guard case .object(var object) = context(frame: id, mapItem: mapItem, withInput: false).jsonataValue else {
            return .null
        }
        if case .object(var execution)? = object["Execution"] {
            execution["Input"] = jsonataInput ?? input.jsonataValue
            object["Execution"] = .object(execution)
        }
        return .object(object)
    }

    /// A whole number from a JSONata field (`Seconds`, `TimeoutSeconds`, `MaxConcurrency`, ...), with AWS's cause
    /// when it is not one.
    mutating func queryInteger(
        _ expression: QueryExpression, _ states: StatesBinding, frame id: Int, minimum: Int
    ) throws -> Int {
        let value = try evaluateQuery(expression, states, frame: id)
        guard let number = value.intValue, number >= minimum else {
            throw QueryEvaluationFailure(
                field: expression.field,
                cause:
                    "The JSONata expression '\(expression.text)' specified for the field '\(expression.field)' "
                    + "returned an unexpected result type. Expected 'integer'"
                    + (minimum > 0 ? " greater than \(minimum - 1)" : minimum == 0 ? " not negative" : "")
                    + ", but was '\(value.typeName.lowercased())' for value: \(value.serialized())")
        }
        return number
    }

    /// A value from a JSONata field that must be of one JSON type, with AWS's cause when it is not.
    func expectType(_ value: JSON, _ expected: String, for expression: QueryExpression) throws {
        let actual = value.typeName.lowercased()
        guard actual != expected else { return }
        throw QueryEvaluationFailure(
            field: expression.field,
            cause:
                "The JSONata expression '\(expression.text)' specified for the field '\(expression.field)' returned an "
                + "unexpected result type. Expected '\(expected)', but was '\(actual)' for value: \(value.serialized())"
        )
    }

    /// Records AWS's `EvaluationFailed` event for a failed expression and gives the state's error.
    mutating func evaluationFailed(_ failure: QueryEvaluationFailure, frame id: Int) -> StatesError {
        record(
            "EvaluationFailed",
            [
                "error": .string(StatesError.queryEvaluationError), "cause": .string(failure.cause),
                "location": .string(failure.field), "state": .string(frames[id]?.stateName ?? ""),
            ], frame: id)
        return failure.statesError
    }
}
