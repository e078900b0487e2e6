import Foundation
import StatesLanguage

/// The item a Map iteration is made from, as `$$.Map.Item` shows it: its index, its key when the Map runs over an
/// object's pairs, and its value.
struct MapItem {
    var index: Int
    var key: String?
    var value: JSON
}

extension ExecutionCore {
    /// The value of a path for a frame: `$` is `input`, `$$` the context object, `$name` a variable.
    func resolve(_ path: JSONPath, input: JSON, frame id: Int, mapItem: MapItem? = nil) -> JSON? {
        switch path.root {
        case .input: return path.select(in: input)
        case .context: return path.select(in: context(frame: id, mapItem: mapItem))
        case .variable(let name): return variable(name, frame: id).flatMap { path.select(in: $0) }
        }
    }

    /// A variable as the frame sees it: its own, else its parent's (except across a distributed Map).
    func variable(_ name: String, frame id: Int) -> JSON? {
        var current: Int? = id
        while let frameID = current, let frame = frames[frameID] {
            if let value = frame.variables[name] { return value }
            current = frame.readsOuter ? frame.parent : nil
        }
        return nil
    }

    /// The context object `$$` for the frame's current state.
    func context(frame id: Int, mapItem: MapItem?, withInput: Bool = true) -> JSON {
        let frame = frames[id]
        // The members in the order AWS's documentation lists them.
        var object: JSONObject = [
            "Execution": [
                "Id": .string(info.id), "Input": withInput ? input : .null, "Name": .string(info.name),
                "RoleArn": "arn:aws:iam::000000000000:role/orderly", "StartTime": .string(Timestamp.format(startTime)),
                "RedriveCount": 0,
            ],
            "State": [
                "EnteredTime": .string(Timestamp.format(frame?.enteredAt ?? now)),
                "Name": .string(frame?.stateName ?? ""),
                "RetryCount": .int(frame?.retryAttempts.reduce(0, +) ?? 0),
            ],
            "StateMachine": ["Id": .string(info.stateMachineID), "Name": .string(info.stateMachineName)],
        ]
        if let mapItem {
            var item: JSONObject = ["Index": .int(mapItem.index)]
            if let key = mapItem.key { item["Key"] = .string(key) }
            item["Value"] = mapItem.value
            object["Map"] = ["Item": .object(item)]
        }
        if let frame, case .task(let spec) = frame.state.kind, spec.resource.hasSuffix(CallbackToken.resourceSuffix) {
            object["Task"] = ["Token": .string(CallbackToken.make(executionID: info.id, token: taskToken(frame: id)))]
        }
        return .object(object)
    }

    /// Fills a payload template for a frame (in a JSONata state, its expressions with `$states.input` the state's
    /// input).
    mutating func evaluate(_ template: Template, input: JSON, frame id: Int, mapItem: MapItem? = nil) throws -> JSON {
        if let frame = frames[id], frame.state.queryLanguage == .jsonata {
            return try evaluateQuery(template, StatesBinding(input: frame.input, mapItem: mapItem), frame: id)
        }
        var random = self.random
        defer { self.random = random }
        let core = self
        return try template.evaluate(
            resolve: { core.resolve($0, input: input, frame: id, mapItem: mapItem) },
            describeInput: { input.serialized() }, random: &random)
    }

    func invalidPath(_ path: JSONPath) -> StatesError {
        StatesError.runtimeError("Invalid path '\(path)' : No results for path: \(path.normalized)")
    }

    /// A path of a field such as `TimestampPath` that selects nothing, in AWS's words.
    func missingPath(_ path: JSONPath, field: String, input: JSON) -> StatesError {
        StatesError.runtimeError(
            "The JSONPath '\(path)' specified for the field '\(field)' could not be found in the input '\(input.serialized())'"
        )
    }

    /// A value as AWS quotes it in a cause: a string as it is, anything else as JSON.
    static func quoted(_ value: JSON) -> String {
        if case .string(let text) = value { return text }
        return value.serialized()
    }

    /// A whole number from a path's value as AWS reads one for `MaxConcurrencyPath` and the tolerated failure
    /// count: a JSON integer, or a string holding one.
    static func wholeNumber(_ value: JSON) -> Int? {
        if case .int(let number) = value { return number }
        if case .string(let text) = value { return Int(text) }
        return nil
    }

    func applyInputPath(_ field: PathField, to input: JSON, frame id: Int) throws -> JSON {
        switch field {
        case .standard: return input
        case .discard: return .object([:])
        case .path(let path):
            guard let value = resolve(path, input: input, frame: id) else { throw invalidPath(path) }
            return value
        }
    }

    func applyOutputPath(_ field: PathField, to output: JSON, frame id: Int) throws -> JSON {
        try applyInputPath(field, to: output, frame: id)
    }

    /// Puts `result` into `input` where `ResultPath` says; `null` keeps the input as it was.
    func applyResultPath(_ field: PathField, result: JSON, to input: JSON) throws -> JSON {
        switch field {
        case .standard: return result
        case .discard: return input
        case .path(let path):
            guard let combined = path.assigning(result, in: input) else {
                throw StatesError(
                    StatesError.resultPathMatchFailure,
                    "Unable to apply ReferencePath \(path) to input \(input.serialized())")
            }
            return combined
        }
    }
}

extension JSONPath {
    /// The path as AWS prints it in errors: `$['a']['b'][0]`.
    var normalized: String {
        var text = root == .context ? "$$" : "$"
        if case .variable(let name) = root { text += name }
        for segment in segments {
            switch segment {
            case .name(let name): text += "['\(name)']"
            case .index(let index): text += "[\(index)]"
            default: return self.text
            }
        }
        return text
    }
}
