/// One problem found in a definition, with its location as a JSON pointer (`/States/Charge/Retry/0/MaxAttempts`).
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// As AWS's `ValidateStateMachineDefinition` grades them: an error refuses the definition, a warning does not.
    public enum Severity: String, Sendable, Hashable {
        case error = "ERROR", warning = "WARNING"
    }

    public var severity: Severity
    public var code: String
    public var message: String
    public var location: String

    public init(code: String, message: String, location: String, severity: Severity = .error) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "\(code): \(message) at \(location.isEmpty ? "/" : location)" }

    public static let schema = "SCHEMA_VALIDATION_FAILED"
    public static let missingTarget = "MISSING_TRANSITION_TARGET"
    public static let invalidJSON = "INVALID_JSON_DESCRIPTION"
    public static let unreachable = "UNREACHABLE_STATE"
    public static let noTerminal = "NO_TERMINAL_STATE"
    public static let unsupported = "UNSUPPORTED_FEATURE"
    public static let invalidResource = "INVALID_RESOURCE"
    /// Warnings: a value that looks like a path or intrinsic function where it is taken as text.
    public static let noDollar = "NO_DOLLAR"
    public static let noPath = "NO_PATH"
    public static let passResultIsStatic = "PASS_RESULT_IS_STATIC"
}

/// A definition that is not valid: every problem found.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Entry points: parse and validate a definition in one go.
public enum StatesDefinition {
    /// Parses, validates and compiles a definition.
    /// - Parameters:
    ///   - text: the Amazon States Language JSON.
    ///   - substitutions: values for `${Name}` placeholders in string values (SAM `DefinitionSubstitutions`).
    /// - Throws: ``DefinitionError`` with every problem found, each with its location.
    public static func parse(_ text: String, substitutions: [String: String] = [:]) throws -> StateMachine {
        let json: JSON
        do {
            json = try JSON(parsing: text)
        } catch {
            throw DefinitionError(diagnostics: [
                Diagnostic(
                    code: Diagnostic.invalidJSON, message: "The definition is not valid JSON: \(error)", location: "")
            ])
        }
        return try parse(json, substitutions: substitutions)
    }

    /// Validates and compiles an already parsed definition.
    public static func parse(_ json: JSON, substitutions: [String: String] = [:]) throws -> StateMachine {
        var parser = DefinitionParser()
        parser.placeholdersMustResolve = !substitutions.isEmpty
        let substituted = substitutions.isEmpty ? json : substitute(json, substitutions)
        let machine = parser.machine(substituted, location: "", topLevel: true)
        if let machine, parser.diagnostics.isEmpty { return machine }
        throw DefinitionError(diagnostics: parser.diagnostics)
    }

    /// Every diagnostic of a definition, errors first, then warnings (what AWS's `ValidateStateMachineDefinition`
    /// answers with `severity: WARNING`): a definition with warnings only is valid.
    public static func validate(_ text: String, substitutions: [String: String] = [:]) -> [Diagnostic] {
        let json: JSON
        do {
            json = try JSON(parsing: text)
        } catch {
            return [
                Diagnostic(
                    code: Diagnostic.invalidJSON, message: "The definition is not valid JSON: \(error)", location: "")
            ]
        }
        var parser = DefinitionParser()
        parser.placeholdersMustResolve = !substitutions.isEmpty
        _ = parser.machine(substitutions.isEmpty ? json : substitute(json, substitutions), location: "", topLevel: true)
        return parser.diagnostics + parser.warnings
    }

    /// Replaces `${Name}` in every string value.
    static func substitute(_ json: JSON, _ values: [String: String]) -> JSON {
        switch json {
        case .string(let text) where text.contains("${"):
            var result = text
            for (name, value) in values { result = result.replacingOccurrences(of: "${\(name)}", with: value) }
            return .string(result)
        case .array(let items): return .array(items.map { substitute($0, values) })
        case .object(let object): return .object(object.mapValues { substitute($0, values) })
        default: return json
        }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) { return index..<self.index(index, offsetBy: target.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
