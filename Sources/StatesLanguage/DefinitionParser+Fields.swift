import Foundation

extension DefinitionParser {
    // MARK: Choice

    mutating func choice(_ object: JSONObject, location: String) -> State.Kind? {
        guard case .array(let rules)? = object["Choices"], !rules.isEmpty else {
            report("\(location)/Choices", "The field 'Choices' must be a non-empty array")
            return nil
        }
        var parsed: [ChoiceRule] = []
        for (index, rule) in rules.enumerated() {
            let where_ = "\(location)/Choices/\(index)"
            guard case .object(let ruleObject) = rule else {
                report(where_, "A choice rule must be an object")
                continue
            }
            let condition =
                language == .jsonata
                ? queryCondition(ruleObject, location: where_)
                : self.condition(ruleObject, location: where_, topLevel: true)
            guard case .string(let next)? = ruleObject["Next"] else {
                report("\(where_)/Next", "A top-level choice rule needs 'Next'")
                continue
            }
            if let condition {
                parsed.append(
                    ChoiceRule(
                        condition: condition, next: next,
                        assign: assign(ruleObject["Assign"], location: "\(where_)/Assign"),
                        output: queryTemplate(ruleObject["Output"], "Output", location: where_)))
            }
        }
        var defaultNext: String?
        if let value = object["Default"] {
            guard case .string(let target) = value else {
                report("\(location)/Default", "The field 'Default' must be a string")
                return nil
            }
            defaultNext = target
        }
        return parsed.count == rules.count ? .choice(rules: parsed, defaultNext: defaultNext) : nil
    }

    private static let typeTests = Dictionary(uniqueKeysWithValues: TypeTest.allCases.map { ($0.rawValue, $0) })

    mutating func condition(_ object: JSONObject, location: String, topLevel: Bool) -> ChoiceCondition? {
        var operators: [String] = []
        for key in object.keys.sorted() {
            switch key {
            case "Variable", "Comment": continue
            case "Condition", "Output":
                report(
                    "\(location)/\(key)",
                    "The field '\(key)' is only supported in a JSONata state (QueryLanguage JSONata)")
            case "Next", "Assign":
                if !topLevel { report("\(location)/\(key)", "Only a top-level choice rule may have '\(key)'") }
            case "And", "Or", "Not": operators.append(key)
            default:
                let base = key.hasSuffix("Path") && key != "IsPresent" ? String(key.dropLast(4)) : key
                if ComparisonOperator.all[base] != nil && key != "StringMatchesPath" || Self.typeTests[key] != nil {
                    operators.append(key)
                } else {
                    report("\(location)/\(key)", "The field '\(key)' is not a choice operator")
                }
            }
        }
        guard operators.count == 1, let op = operators.first else {
            report(
                location,
                operators.isEmpty
                    ? "A choice rule needs one comparison operator, And, Or or Not"
                    : "A choice rule may have only one comparison operator, found \(operators.joined(separator: ", "))")
            return nil
        }
        let value = object[op]!
        switch op {
        case "And", "Or":
            guard case .array(let items) = value, !items.isEmpty else {
                report("\(location)/\(op)", "'\(op)' must be a non-empty array of rules")
                return nil
            }
            let conditions = items.enumerated().compactMap { index, item -> ChoiceCondition? in
                guard case .object(let nested) = item else {
                    report("\(location)/\(op)/\(index)", "A choice rule must be an object")
                    return nil
                }
                return condition(nested, location: "\(location)/\(op)/\(index)", topLevel: false)
            }
            guard conditions.count == items.count else { return nil }
            return op == "And" ? .and(conditions) : .or(conditions)
        case "Not":
            guard case .object(let nested) = value else {
                report("\(location)/Not", "'Not' must be a rule object")
                return nil
            }
            return condition(nested, location: "\(location)/Not", topLevel: false).map { .not($0) }
        default:
            guard let variableJSON = object["Variable"] else {
                report("\(location)/Variable", "A comparison needs 'Variable'")
                return nil
            }
            guard let variable = path(variableJSON, "Variable", location: location) else { return nil }
            if let test = Self.typeTests[op] {
                guard case .bool(let expected) = value else {
                    report("\(location)/\(op)", "'\(op)' must be true or false")
                    return nil
                }
                return .test(variable: variable, test: test, expected: expected)
            }
            if op.hasSuffix("Path") {
                guard let operand = path(value, op, location: location) else { return nil }
                return .compare(
                    variable: variable, op: ComparisonOperator.all[String(op.dropLast(4))]!, operand: .path(operand))
            }
            let comparison = ComparisonOperator.all[op]!
            guard comparison.accepts(value) else {
                let kind: String
                switch comparison.kind {
                case .string, .matches: kind = "a string"
                case .numeric: kind = "a number"
                case .boolean: kind = "true or false"
                case .timestamp: kind = "an RFC 3339 timestamp"
                }
                report("\(location)/\(op)", "'\(op)' must be \(kind)")
                return nil
            }
            return .compare(variable: variable, op: comparison, operand: .value(value))
        }
    }

    // MARK: shared fields

    mutating func path(_ value: JSON, _ field: String, location: String) -> JSONPath? {
        guard case .string(let text) = value else {
            report("\(location)/\(field)", "The field '\(field)' must be a string holding a JSONPath")
            return nil
        }
        do {
            return try JSONPath(parsing: text)
        } catch {
            report("\(location)/\(field)", "\(error)")
            return nil
        }
    }

    /// `InputPath`, `OutputPath`, `ItemsPath`, `ResultPath`: absent is `$`, `null` discards.
    mutating func pathField(_ value: JSON?, _ field: String, location: String, reference: Bool = false) -> PathField {
        guard let value else { return .standard }
        if value == .null { return .discard }
        guard let parsed = path(value, field, location: location) else { return .standard }
        if reference && !parsed.isReference {
            report(
                "\(location)/\(field)",
                "The field '\(field)' must be a reference path: '$' followed by names and indexes only")
        }
        return .path(parsed)
    }

    mutating func template(_ value: JSON?, _ field: String, location: String) -> Template? {
        guard let value else { return nil }
        var problems: [(String, String)] = []
        let template = Template.compile(value, location: "\(location)/\(field)") { problems.append(($0, $1)) }
        for (where_, message) in problems { report(where_, message) }
        return template
    }

    /// `Assign`: an object whose keys are variable names (a `.$` suffix makes the value a path or call).
    mutating func assign(_ value: JSON?, location: String) -> Template? {
        guard let value else { return nil }
        guard case .object(let object) = value else {
            report(location, "The field 'Assign' must be an object")
            return nil
        }
        for key in object.keys.sorted() {
            let name = key.hasSuffix(".$") ? String(key.dropLast(2)) : key
            let valid = name.first.map(PathParser.isNameStart) == true && name.allSatisfy(PathParser.isNameCharacter)
            if !valid || name == "states" {
                report(
                    "\(location)/\(key)",
                    "'\(name)' is not a valid variable name (letters, digits and '_', not 'states')")
            }
        }
        var problems: [(String, String)] = []
        let template =
            language == .jsonata
            ? Template.compileQuery(value, field: "Assign", location: location) { problems.append(($0, $1)) }
            : Template.compile(value, location: location) { problems.append(($0, $1)) }
        for (where_, message) in problems { report(where_, message) }
        return template
    }

    mutating func retriers(_ value: JSON?, location: String) -> [Retrier] {
        guard let value else { return [] }
        guard case .array(let items) = value else {
            report(location, "The field 'Retry' must be an array")
            return []
        }
        return items.enumerated().compactMap { index, item in
            let where_ = "\(location)/\(index)"
            guard case .object(let object) = item else {
                report(where_, "A retrier must be an object")
                return nil
            }
            let allowed: Set<String> = [
                "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy",
                "Comment",
            ]
            for key in object.keys.sorted() where !allowed.contains(key) {
                report("\(where_)/\(key)", "The field '\(key)' is not supported in Retry")
            }
            let errors = errorEquals(object["ErrorEquals"], location: where_, isLast: index == items.count - 1)
            var interval = 1
            if let value = object["IntervalSeconds"] {
                interval = positiveInteger(value, "IntervalSeconds", location: "\(where_)/IntervalSeconds") ?? 1
            }
            var attempts = 3
            if let value = object["MaxAttempts"] {
                if let number = value.intValue, number >= 0 {
                    attempts = number
                } else {
                    report("\(where_)/MaxAttempts", "MaxAttempts must be a whole number ≥ 0")
                }
            }
            var backoff = 2.0
            if let value = object["BackoffRate"] {
                if let number = value.doubleValue, number >= 1 {
                    backoff = number
                } else {
                    report("\(where_)/BackoffRate", "BackoffRate must be a number ≥ 1.0")
                }
            }
            let maxDelay = object["MaxDelaySeconds"].flatMap {
                positiveInteger($0, "MaxDelaySeconds", location: "\(where_)/MaxDelaySeconds")
            }
            var jitter = false
            switch object["JitterStrategy"] {
            case nil, .string("NONE")?: break
            case .string("FULL")?: jitter = true
            default: report("\(where_)/JitterStrategy", "JitterStrategy must be FULL or NONE")
            }
            return Retrier(
                errorEquals: errors, intervalSeconds: interval, maxAttempts: attempts, backoffRate: backoff,
                maxDelaySeconds: maxDelay, fullJitter: jitter)
        }
    }

    mutating func catchers(_ value: JSON?, location: String) -> [Catcher] {
        guard let value else { return [] }
        guard case .array(let items) = value else {
            report(location, "The field 'Catch' must be an array")
            return []
        }
        return items.enumerated().compactMap { index, item in
            let where_ = "\(location)/\(index)"
            guard case .object(let object) = item else {
                report(where_, "A catcher must be an object")
                return nil
            }
            let fields: Set<String> = [
                "ErrorEquals", "Next", "Assign", "Comment", language == .jsonata ? "Output" : "ResultPath",
            ]
            for key in object.keys.sorted() where !fields.contains(key) {
                report(
                    "\(where_)/\(key)",
                    key == "ResultPath" || key == "Output"
                        ? "The field '\(key)' of Catch is only supported in a "
                            + (key == "Output" ? "JSONata" : "JSONPath") + " state"
                        : "The field '\(key)' is not supported in Catch")
            }
            let errors = errorEquals(object["ErrorEquals"], location: where_, isLast: index == items.count - 1)
            guard case .string(let next)? = object["Next"] else {
                report("\(where_)/Next", "A catcher needs 'Next'")
                return nil
            }
            return Catcher(
                errorEquals: errors, next: next,
                resultPath: pathField(object["ResultPath"], "ResultPath", location: where_, reference: true),
                assign: assign(object["Assign"], location: "\(where_)/Assign"),
                output: queryTemplate(object["Output"], "Output", location: where_))
        }
    }

    /// A non-empty list of error names; `States.ALL` must stand alone in the last entry.
    private mutating func errorEquals(_ value: JSON?, location: String, isLast: Bool) -> [String] {
        guard case .array(let items)? = value, !items.isEmpty, items.allSatisfy({ $0.stringValue != nil }) else {
            report("\(location)/ErrorEquals", "ErrorEquals must be a non-empty array of error names")
            return []
        }
        let names = items.compactMap(\.stringValue)
        if names.contains(StatesError.all) && (names.count > 1 || !isLast) {
            report("\(location)/ErrorEquals", "States.ALL must appear alone, in the last entry")
        }
        return names
    }

    static func notPositive(_ field: String) -> String { "The field '\(field)' must be a whole number greater than 0" }

    mutating func positiveInteger(_ value: JSON, _ field: String, location: String) -> Int? {
        guard let number = value.intValue, number > 0 else {
            report(location, Self.notPositive(field))
            return nil
        }
        return number
    }

    mutating func optionalString(_ value: JSON?, _ field: String, location: String) -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else {
            report("\(location)/\(field)", "The field '\(field)' must be a string")
            return nil
        }
        return text
    }
}
