import Foundation

/// What differs in a JSONata state: `Arguments` and `Output` in place of the five path fields, `{% ... %}`
/// expressions in place of `.$` keys and `…Path` fields, and `Condition` in choice rules.
extension DefinitionParser {
    /// The fields only a JSONPath state may have.
    static let jsonPathOnlyFields: Set<String> = [
        "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Result", "ItemsPath",
        "TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath",
        "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
    ]

    /// The fields of each state type in a JSONata state.
    static let jsonataStateFields: [String: Set<String>] = {
        var fields = stateFields.mapValues { $0.subtracting(jsonPathOnlyFields) }
        for type in ["Pass", "Task", "Choice", "Wait", "Succeed", "Parallel", "Map"] { fields[type]!.insert("Output") }
        fields["Task"]!.insert("Arguments")
        fields["Parallel"]!.insert("Arguments")
        fields["Map"]!.insert("Items")
        return fields
    }()

    /// Reports a field the state's query language does not have, in words that say which one it belongs to.
    mutating func reportField(_ key: String, type: String, location: String) {
        if language == .jsonata && Self.stateFields[type]?.contains(key) == true {
            report(
                "\(location)/\(key)",
                "The field '\(key)' is not supported in a JSONata state (QueryLanguage JSONata); "
                    + (key.hasSuffix("Path") && key != "InputPath" && key != "OutputPath" && key != "ResultPath"
                        ? "give '\(key.dropLast(4))' a JSONata expression instead"
                        : "use 'Arguments', 'Output' and 'Assign'"))
        } else if language == .jsonPath && Self.jsonataStateFields[type]?.contains(key) == true {
            report(
                "\(location)/\(key)", "The field '\(key)' is only supported in a JSONata state (QueryLanguage JSONata)")
        } else {
            report("\(location)/\(key)", "The field '\(key)' is not supported by state type '\(type)'")
        }
    }

    /// A JSONata state's template field (`Arguments`, `Output`, `Items`, ...): JSON whose `{% ... %}` strings are
    /// expressions.
    mutating func queryTemplate(_ value: JSON?, _ field: String, location: String) -> Template? {
        guard let value else { return nil }
        var problems: [(String, String)] = []
        let template = Template.compileQuery(value, field: field, location: "\(location)/\(field)") {
            problems.append(($0, $1))
        }
        for (where_, message) in problems { report(where_, message) }
        return template
    }

    /// The field's expression when, in a JSONata state, it is a `{% ... %}` string; nil otherwise (the caller reads
    /// a literal value).
    mutating func expressionField(_ value: JSON?, _ field: String, location: String) -> QueryExpression? {
        guard language == .jsonata, case .string(let text)? = value, QueryExpression.isExpression(text) else {
            return nil
        }
        if case .expression(let expression)? = queryTemplate(value, field, location: location) { return expression }
        return nil
    }

    /// A number field that a JSONata state may write as an expression instead: the expression, or what `read` makes of
    /// the value written (reporting `refused` at the field when it makes nothing); both nil when the field is absent.
    mutating func numberField<Number>(
        _ object: JSONObject, _ field: String, location: String, refused: String, _ read: (JSON) -> Number?
    ) -> (value: Number?, expression: QueryExpression?) {
        if let expression = expressionField(object[field], field, location: location) { return (nil, expression) }
        guard let written = object[field] else { return (nil, nil) }
        guard let number = read(written) else {
            report("\(location)/\(field)", refused)
            return (nil, nil)
        }
        return (number, nil)
    }

    /// A field that holds a whole number greater than 0, or in a JSONata state an expression.
    mutating func positiveField(_ object: JSONObject, _ field: String, location: String) -> (
        value: Int?, expression: QueryExpression?
    ) {
        numberField(object, field, location: location, refused: Self.notPositive(field)) {
            $0.intValue.flatMap { $0 > 0 ? $0 : nil }
        }
    }

    /// The name of the field that gives a task its input: `Parameters`, or in a JSONata state `Arguments`.
    var parargsField: String { language == .jsonata ? "Arguments" : "Parameters" }

    /// That field, compiled for the state's language.
    mutating func parargs(_ object: JSONObject, location: String) -> Template? {
        payload(object[parargsField], parargsField, location: location)
    }

    /// A template field that both languages have (`ItemSelector`, `BatchInput`, ...), compiled for the state's.
    mutating func payload(_ value: JSON?, _ field: String, location: String) -> Template? {
        language == .jsonata
            ? queryTemplate(value, field, location: location) : template(value, field, location: location)
    }

    /// A JSONata choice rule's `Condition`: `true`, `false`, or an expression.
    mutating func queryCondition(_ rule: JSONObject, location: String) -> ChoiceCondition? {
        for key in rule.keys.sorted() where !["Condition", "Next", "Output", "Assign", "Comment"].contains(key) {
            report(
                "\(location)/\(key)",
                "The field '\(key)' is not supported in a JSONata choice rule: it has a 'Condition' instead")
        }
        switch rule["Condition"] {
        case nil:
            report("\(location)/Condition", "A JSONata choice rule needs 'Condition'")
        case .bool(let flag)?:
            return .query(.value(.bool(flag)))
        case .string(let text)? where QueryExpression.isExpression(text):
            return queryTemplate(rule["Condition"], "Condition", location: location).map { .query($0) }
        default:
            report("\(location)/Condition", "The field 'Condition' must be true, false or a JSONata expression")
        }
        return nil
    }
}
