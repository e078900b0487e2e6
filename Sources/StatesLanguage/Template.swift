import JSONata

/// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`): JSON in which every field whose
/// name ends in `.$` is replaced by the value of its path or intrinsic function. In a JSONata state (`Arguments`,
/// `Output`, `Assign`, ...) it is JSON in which every `{% ... %}` string is replaced by its expression's value.
public indirect enum Template: Sendable {
    case value(JSON)
    case object([(key: String, entry: Entry)])
    case array([Template])
    case expression(QueryExpression)

    /// One field of an object template.
    public enum Entry: Sendable {
        case template(Template)
        case path(JSONPath, fieldName: String)
        case call(IntrinsicCall, fieldName: String)
    }

    /// Compiles a template, reporting every bad `.$` field through `report` with its location.
    static func compile(_ json: JSON, location: String, report: (String, String) -> Void) -> Template {
        switch json {
        case .object(let object):
            var entries: [(key: String, entry: Entry)] = []
            var dynamic = false
            for (key, value) in object {
                if key.hasSuffix(".$") {
                    dynamic = true
                    let name = String(key.dropLast(2))
                    guard case .string(let text) = value else {
                        report(
                            "\(location)/\(key)",
                            "The value for the field '\(key)' must be a STRING that contains a JSONPath but was an \(value.typeName)"
                        )
                        continue
                    }
                    do {
                        if IntrinsicCall.looksLikeCall(text) {
                            entries.append((name, .call(try IntrinsicCall(parsing: text), fieldName: key)))
                        } else {
                            entries.append((name, .path(try JSONPath(parsing: text), fieldName: key)))
                        }
                    } catch {
                        report(
                            "\(location)/\(key)",
                            "The value for the field '\(key)' must be a valid JSONPath or a valid intrinsic function call: \(error)"
                        )
                    }
                } else {
                    let child = compile(value, location: "\(location)/\(key)", report: report)
                    if case .value = child {} else { dynamic = true }
                    entries.append((key, .template(child)))
                }
            }
            return dynamic ? .object(entries) : .value(json)
        case .array(let values):
            let children = values.enumerated().map { compile($1, location: "\(location)/\($0)", report: report) }
            if children.allSatisfy({ if case .value = $0 { return true } else { return false } }) {
                return .value(json)
            }
            return .array(children)
        default:
            return .value(json)
        }
    }

    /// Compiles a JSONata state's field: every string `{% ... %}` in it becomes an expression, parsed now; `field`
    /// names the field (`Output`), and a part of it its path (`Output/order/id`), as AWS's causes do.
    static func compileQuery(_ json: JSON, field: String, location: String, report: (String, String) -> Void)
        -> Template
    {
        switch json {
        case .string(let text) where QueryExpression.isExpression(text):
            do {
                return .expression(try QueryExpression(text, field: field))
            } catch let error as JSONataError {
                report(location, "The JSONata expression '\(text)' of the field '\(field)' is not valid: \(error)")
            } catch {
                report(location, "The JSONata expression '\(text)' of the field '\(field)' is not valid")
            }
            return .value(json)
        case .object(let object):
            var entries: [(key: String, entry: Entry)] = []
            var dynamic = false
            for (key, value) in object {
                let child = compileQuery(
                    value, field: "\(field)/\(key)", location: "\(location)/\(key)", report: report)
                if case .value = child {} else { dynamic = true }
                entries.append((key, .template(child)))
            }
            return dynamic ? .object(entries) : .value(json)
        case .array(let values):
            let children = values.enumerated().map {
                compileQuery($1, field: "\(field)[\($0)]", location: "\(location)/\($0)", report: report)
            }
            if children.allSatisfy({ if case .value = $0 { return true } else { return false } }) {
                return .value(json)
            }
            return .array(children)
        default:
            return .value(json)
        }
    }

    /// Fills the template.
    /// - Parameters:
    ///   - resolve: the value of a path; `nil` when it selects nothing.
    ///   - describeInput: the input as text, for the error message of a path that selects nothing.
    ///   - query: the value of a JSONata expression (in a JSONata state's template).
    /// - Throws: ``StatesError`` `States.Runtime` for a path that selects nothing, or an intrinsic's failure; what
    ///   `query` throws.
    public func evaluate(
        resolve: (JSONPath) -> JSON?, describeInput: () -> String, random: inout some RandomNumberGenerator,
        query: (QueryExpression) throws -> JSON = { _ in .null }
    ) throws -> JSON {
        switch self {
        case .value(let value):
            return value
        case .expression(let expression):
            return try query(expression)
        case .array(let items):
            return .array(
                try items.map {
                    try $0.evaluate(resolve: resolve, describeInput: describeInput, random: &random, query: query)
                })
        case .object(let entries):
            var object: JSONObject = [:]
            object.reserveCapacity(entries.count)
            for (key, entry) in entries {
                switch entry {
                case .template(let template):
                    object[key] = try template.evaluate(
                        resolve: resolve, describeInput: describeInput, random: &random, query: query)
                case .path(let path, let fieldName):
                    guard let value = resolve(path) else {
                        throw StatesError.runtimeError(
                            "The JSONPath '\(path)' specified for the field '\(fieldName)' could not be found in the input '\(describeInput())'"
                        )
                    }
                    object[key] = value
                case .call(let call, _):
                    object[key] = try call.evaluate(
                        resolve: { path in
                            guard let value = resolve(path) else {
                                throw StatesError.runtimeError(
                                    "The JSONPath '\(path)' used in '\(call.name)' could not be found in the input '\(describeInput())'"
                                )
                            }
                            return value
                        }, random: &random)
                }
            }
            return .object(object)
        }
    }
}
