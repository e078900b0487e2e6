import Foundation

/// Turns definition JSON into a ``StateMachine``, collecting every problem instead of stopping at the first.
struct DefinitionParser {
    var diagnostics: [Diagnostic] = []
    /// What AWS warns of: valid, but likely not what was meant.
    var warnings: [Diagnostic] = []
    /// Whether `${Name}` left in a resource is an error: when substitutions were given, it is one they missed
    /// (without any, the definition is a deployment's template, validated before its values exist).
    var placeholdersMustResolve = false
    /// The top-level `QueryLanguage`, every state's unless it says its own.
    var machineLanguage = QueryLanguage.jsonPath
    /// The language of the state being parsed.
    var language = QueryLanguage.jsonPath

    mutating func report(_ location: String, _ message: String, code: String = Diagnostic.schema) {
        diagnostics.append(Diagnostic(code: code, message: message, location: location))
    }

    mutating func warn(_ location: String, _ message: String, code: String) {
        warnings.append(Diagnostic(code: code, message: message, location: location, severity: .warning))
    }

    /// Whether text looks like a JSONPath (`$.x`, `$$.x`, `$x`) or an intrinsic call (`States.Format(...)`).
    static func looksLikePath(_ text: String) -> Bool {
        text == "$" || text.hasPrefix("$.") || text.hasPrefix("$$.") || text.hasPrefix("$[")
            || (text.hasPrefix("States.") && text.hasSuffix(")") && text.contains("("))
    }

    /// NO_DOLLAR (or, in a Pass state's `Result`, PASS_RESULT_IS_STATIC) for each value of `json` that looks like a
    /// path or intrinsic function under a key without `.$`, which makes it plain text.
    mutating func warnStaticPaths(_ json: JSON?, location: String, inPassResult: Bool = false) {
        switch json {
        case .object(let object)?:
            for key in object.keys.sorted() {
                let value = object[key]!
                if !key.hasSuffix(".$"), case .string(let text) = value, Self.looksLikePath(text) {
                    if inPassResult {
                        warn(
                            "\(location)/\(key)",
                            "The value of '\(key)' looks like a path or intrinsic function, but a Pass state's Result "
                                + "is static: it stays the text '\(text)'",
                            code: Diagnostic.passResultIsStatic)
                    } else {
                        warn(
                            "\(location)/\(key)",
                            "The value of '\(key)' looks like a path or intrinsic function, but the field's name does "
                                + "not end in '.$': it stays the text '\(text)'",
                            code: Diagnostic.noDollar)
                    }
                } else {
                    warnStaticPaths(value, location: "\(location)/\(key)", inPassResult: inPassResult)
                }
            }
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                warnStaticPaths(item, location: "\(location)/\(index)", inPassResult: inPassResult)
            }
        default: break
        }
    }

    static let stateFields: [String: Set<String>] = {
        let common: Set<String> = ["Type", "Comment", "QueryLanguage"]
        let io: Set<String> = ["InputPath", "OutputPath"]
        let flow: Set<String> = ["Next", "End"]
        return [
            "Pass": common.union(io).union(flow).union(["Parameters", "Result", "ResultPath", "Assign"]),
            "Task": common.union(io).union(flow).union([
                "Resource", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "TimeoutSeconds",
                "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign",
            ]),
            "Choice": common.union(io).union(["Choices", "Default", "Assign"]),
            "Wait": common.union(io).union(flow).union([
                "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign",
            ]),
            "Succeed": common.union(io),
            "Fail": common.union(["Error", "ErrorPath", "Cause", "CausePath"]),
            "Parallel": common.union(io).union(flow).union([
                "Branches", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Assign",
            ]),
            "Map": common.union(io).union(flow).union([
                "ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "Parameters", "ItemReader", "ItemBatcher",
                "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath", "Label",
                "ResultSelector", "ResultPath", "Retry", "Catch", "Assign",
            ]),
        ]
    }()

    // MARK: machines

    mutating func machine(_ json: JSON, location: String, topLevel: Bool, processor: Bool = false) -> StateMachine? {
        // A branch or item processor parses states of its own; the state that holds it reads its fields after.
        let outerLanguage = language
        defer { language = outerLanguage }
        guard case .object(let object) = json else {
            report(location, "A state machine must be a JSON object")
            return nil
        }
        var allowed: Set<String> = ["StartAt", "States", "Comment"]
        if topLevel { allowed.formUnion(["Version", "TimeoutSeconds", "QueryLanguage"]) }
        if processor { allowed.insert("ProcessorConfig") }
        for key in object.keys.sorted() where !allowed.contains(key) {
            report("\(location)/\(key)", "The field '\(key)' is not supported here")
        }
        if topLevel, let value = object["QueryLanguage"] {
            machineLanguage = queryLanguage(value, location: "\(location)/QueryLanguage") ?? .jsonPath
        }
        var timeout: Int?
        if let value = object["TimeoutSeconds"] {
            timeout = positiveInteger(value, "TimeoutSeconds", location: "\(location)/TimeoutSeconds")
        }
        if let version = object["Version"], version.stringValue == nil {
            report("\(location)/Version", "The field 'Version' must be a string")
        }
        let comment = optionalString(object["Comment"], "Comment", location: location)
        guard case .string(let startAt)? = object["StartAt"] else {
            report(
                "\(location)/StartAt",
                object["StartAt"] == nil ? "The field 'StartAt' is required" : "The field 'StartAt' must be a string")
            return nil
        }
        guard case .object(let stateObjects)? = object["States"], !stateObjects.isEmpty else {
            report("\(location)/States", "The field 'States' must be a non-empty object")
            return nil
        }
        var states: [String: State] = [:]
        for name in stateObjects.keys.sorted() {
            if name.isEmpty || name.count > 80 {
                report("\(location)/States/\(name)", "State names must be 1–80 characters")
            }
            if let state = state(name, stateObjects[name]!, location: "\(location)/States/\(name)") {
                states[name] = state
            }
        }
        if stateObjects[startAt] == nil {
            report("\(location)/StartAt", "Missing 'Next' target: \(startAt)", code: Diagnostic.missingTarget)
        }
        checkTransitions(states, names: Set(stateObjects.keys), startAt: startAt, location: location)
        return StateMachine(startAt: startAt, states: states, comment: comment, timeoutSeconds: timeout)
    }

    /// Every target exists, every state is reachable from `StartAt`, and some state ends the machine.
    private mutating func checkTransitions(
        _ states: [String: State], names: Set<String>, startAt: String, location: String
    ) {
        var edges: [String: [(target: String, location: String)]] = [:]
        for (name, state) in states {
            let base = "\(location)/States/\(name)"
            var targets: [(String, String)] = []
            if let next = state.next { targets.append((next, "\(base)/Next")) }
            if case .choice(let rules, let defaultNext) = state.kind {
                for (index, rule) in rules.enumerated() {
                    targets.append((rule.next, "\(base)/Choices/\(index)/Next"))
                }
                if let defaultNext { targets.append((defaultNext, "\(base)/Default")) }
            }
            for (index, catcher) in state.catchers.enumerated() {
                targets.append((catcher.next, "\(base)/Catch/\(index)/Next"))
            }
            for (target, where_) in targets where !names.contains(target) {
                report(where_, "Missing 'Next' target: \(target)", code: Diagnostic.missingTarget)
            }
            edges[name] = targets.map { (target: $0.0, location: $0.1) }
        }
        var reachable: Set<String> = []
        var queue = names.contains(startAt) ? [startAt] : []
        while let name = queue.popLast() {
            guard reachable.insert(name).inserted else { continue }
            queue.append(contentsOf: (edges[name] ?? []).map(\.target).filter { names.contains($0) })
        }
        guard names.contains(startAt) else { return }
        for name in names.sorted() where !reachable.contains(name) && states[name] != nil {
            report(
                "\(location)/States/\(name)", "State '\(name)' is not reachable from StartAt",
                code: Diagnostic.unreachable)
        }
        let terminal = states.values.contains { state in
            switch state.kind {
            case .succeed, .fail: return true
            case .choice: return false
            default: return state.next == nil
            }
        }
        if !terminal && states.count == names.count {
            report(
                location.isEmpty ? "/States" : "\(location)/States",
                "No state ends the machine: it needs a Succeed or Fail state or 'End': true",
                code: Diagnostic.noTerminal)
        }
    }

    private mutating func queryLanguage(_ value: JSON, location: String) -> QueryLanguage? {
        guard case .string(let text) = value, let language = QueryLanguage(rawValue: text) else {
            report(location, "QueryLanguage must be 'JSONPath' or 'JSONata'")
            return nil
        }
        return language
    }

    // MARK: states

    mutating func state(_ name: String, _ json: JSON, location: String) -> State? {
        guard case .object(let object) = json else {
            report(location, "A state must be a JSON object")
            return nil
        }
        guard case .string(let type)? = object["Type"], let allowed = Self.stateFields[type] else {
            report(
                "\(location)/Type",
                object["Type"] == nil
                    ? "The field 'Type' is required"
                    : "The field 'Type' must be one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map")
            return nil
        }
        var language = machineLanguage
        if let value = object["QueryLanguage"], let own = queryLanguage(value, location: "\(location)/QueryLanguage") {
            if machineLanguage == .jsonata && own == .jsonPath {
                report(
                    "\(location)/QueryLanguage",
                    "A state may not use JSONPath when the state machine's QueryLanguage is JSONata")
            }
            language = own
        }
        self.language = language
        let fields = language == .jsonata ? Self.jsonataStateFields[type]! : allowed
        for key in object.keys.sorted() where !fields.contains(key) {
            reportField(key, type: type, location: location)
        }
        var next: String?
        if allowed.contains("Next") {
            next = flow(object, location: location)
        }
        let kind: State.Kind?
        switch type {
        case "Pass": kind = .pass(result: object["Result"])
        case "Task": kind = task(object, location: location)
        case "Choice": kind = choice(object, location: location)
        case "Wait": kind = wait(object, location: location)
        case "Succeed": kind = .succeed
        case "Fail": kind = fail(object, location: location)
        case "Parallel": kind = parallel(object, location: location)
        default: kind = map(object, location: location)
        }
        warnStaticPaths(object["Parameters"], location: "\(location)/Parameters")
        warnStaticPaths(object["ResultSelector"], location: "\(location)/ResultSelector")
        if type == "Pass" {
            if case .string(let text)? = object["Result"], Self.looksLikePath(text) {
                warn(
                    "\(location)/Result",
                    "The Result looks like a path or intrinsic function, but a Pass state's Result is static: it "
                        + "stays the text '\(text)'", code: Diagnostic.passResultIsStatic)
            }
            warnStaticPaths(object["Result"], location: "\(location)/Result", inPassResult: true)
        }
        if type == "Fail" {
            for field in ["Error", "Cause"] {
                if case .string(let text)? = object[field], Self.looksLikePath(text) {
                    warn(
                        "\(location)/\(field)",
                        "The value of '\(field)' looks like a path; to use it as one the field is '\(field)Path'",
                        code: Diagnostic.noPath)
                }
            }
        }
        let resultPath = pathField(object["ResultPath"], "ResultPath", location: location, reference: true)
        let state = State(
            name: name, kind: kind ?? .succeed,
            comment: optionalString(object["Comment"], "Comment", location: location),
            queryLanguage: language,
            next: next,
            inputPath: pathField(object["InputPath"], "InputPath", location: location),
            outputPath: pathField(object["OutputPath"], "OutputPath", location: location),
            resultPath: resultPath,
            parameters: parargs(object, location: location),
            resultSelector: template(object["ResultSelector"], "ResultSelector", location: location),
            assign: assign(object["Assign"], location: "\(location)/Assign"),
            output: queryTemplate(object["Output"], "Output", location: location),
            retriers: retriers(object["Retry"], location: "\(location)/Retry"),
            catchers: catchers(object["Catch"], location: "\(location)/Catch"))
        // A state whose own fields are wrong still takes part in the transition checks (with a stand-in kind),
        // so that every problem is reported at once; the diagnostics already make the definition invalid.
        return state
    }

    /// Exactly one of `Next` and `"End": true`.
    private mutating func flow(_ object: JSONObject, location: String) -> String? {
        let next = object["Next"]
        let end = object["End"]
        if let next, end == .bool(true) {
            report(location, "A state may have 'Next' or 'End', not both")
            return next.stringValue
        }
        if let next {
            guard case .string(let target) = next, !target.isEmpty else {
                report("\(location)/Next", "The field 'Next' must be a non-empty string")
                return nil
            }
            return target
        }
        if let end, end != .bool(true) {
            report("\(location)/End", "The field 'End' must be true when present")
        } else if end == nil {
            report(location, "The state needs 'Next' or 'End': true")
        }
        return nil
    }
}
