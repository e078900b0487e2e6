import Foundation
import JSONata

/// How a state's fields select and shape data: JSONPath (`InputPath`, `Parameters`, `.$` keys, ...) or JSONata
/// (`Arguments`, `Output`, `{% ... %}` strings).
public enum QueryLanguage: String, Sendable {
    case jsonPath = "JSONPath"
    case jsonata = "JSONata"
}

/// One `{% ... %}` string of a JSONata state, parsed once.
public struct QueryExpression: Sendable {
    public let expression: JSONataExpression
    /// Where it stands, as AWS's causes name it: `Output`, `Arguments/order/id`, `Items`.
    public let field: String

    /// The members of `$states` it reads (`input`, `result`, `errorOutput`, `context`); nil when it may read any
    /// (it names `$states` alone, or in a way not seen here).
    public let statesMembers: Set<String>?

    /// The expression's text between `{%` and `%}`, trimmed.
    public var text: String { expression.text }

    /// Whether `text` is a JSONata expression: it begins with `{%` and ends with `%}`.
    public static func isExpression(_ text: String) -> Bool {
        text.count >= 4 && text.hasPrefix("{%") && text.hasSuffix("%}")
    }

    /// Parses `{% ... %}`.
    /// - Throws: ``JSONataError`` for a syntax error.
    public init(_ text: String, field: String) throws {
        let inner = text.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespacesAndNewlines)
        expression = try JSONataExpression(inner)
        self.field = field
        statesMembers = expression.variableNames.contains("states") ? Self.members(of: "$states", in: inner) : []
    }

    /// Which `$states.<member>` the text reads, or nil when `$states` stands without one of the four.
    static func members(of variable: String, in text: String) -> Set<String>? {
        var found: Set<String> = []
        var rest = Substring(text)
        while let range = rest.range(of: variable) {
            rest = rest[range.upperBound...]
            if let next = rest.first, next.isLetter || next.isNumber || next == "_" { continue }
            guard rest.first == "." else { return nil }
            let name = rest.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard ["input", "result", "errorOutput", "context"].contains(name) else { return nil }
            found.insert(String(name))
        }
        return found
    }

    /// The cause of an expression that selected nothing, in AWS's words.
    public var undefinedCause: String {
        "The JSONata expression '\(text)' specified for the field '\(field)' returned nothing (undefined)."
    }

    /// The cause of an expression that failed, in AWS's words.
    public func failureCause(_ error: JSONataError) -> String {
        "The JSONata expression '\(text)' specified for the field '\(field)' threw an error during evaluation. "
            + "\(error.code): \(error.message)"
    }
}

/// A JSONata expression failed, or gave nothing where a value is needed: `States.QueryEvaluationError`, with the
/// field it happened in (AWS records both in an `EvaluationFailed` event).
public struct QueryEvaluationFailure: Error, Sendable {
    public let field: String
    public let cause: String

    public init(field: String, cause: String) {
        self.field = field
        self.cause = cause
    }

    public var statesError: StatesError { StatesError(StatesError.queryEvaluationError, cause) }
}

extension JSON {
    /// The value as JSONata sees it.
    public var jsonataValue: JSONataValue {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .number(Double(value))
        case .double(let value): return .number(value)
        case .string(let value): return .string(value)
        case .array(let items): return .array(items.map(\.jsonataValue))
        case .object(let members):
            return .object(OrderedObject(members.map { ($0.key, $0.value.jsonataValue) }))
        }
    }

    /// A JSONata value as JSON: whole numbers that a double holds exactly become integers.
    public init(_ value: JSONataValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number):
            if number.rounded() == number, abs(number) <= 9_007_199_254_740_991, !(number == 0 && number.sign == .minus)
            {
                self = .int(Int(number))
            } else {
                self = .double(number)
            }
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(JSON.init))
        case .object(let object):
            // JSONata's objects hold each key once already.
            self = .object(JSONObject(distinct: object.pairs.map { ($0.key, JSON($0.value)) }))
        }
    }
}

/// The functions Step Functions adds to JSONata (`$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`),
/// and `$eval`, which it takes away.
public enum StepFunctionsJSONata {
    /// A source of random bits for one evaluation (the engine's, so that a replay draws the same numbers).
    public final class RandomSource: @unchecked Sendable {
        public var generator: SplitMix64
        public init(_ generator: SplitMix64) { self.generator = generator }
    }

    /// The names of the functions.
    public static let names: Set<String> = ["partition", "range", "hash", "random", "uuid", "parse", "eval"]

    /// The functions, drawing `$random()` and `$uuid()` from `random`.
    public static func functions(random: RandomSource) -> [String: JSONataFunction] {
        [
            "partition": JSONataFunction { arguments in try partition(arguments) },
            "range": JSONataFunction { arguments in try range(arguments) },
            "hash": JSONataFunction { arguments in try hash(arguments) },
            "random": JSONataFunction { arguments in
                guard arguments.count <= 1 else { throw signature("random", 2) }
                guard let seed = arguments.first ?? nil else {
                    return .number(Double.random(in: 0..<1, using: &random.generator))
                }
                guard case .number(let number) = seed else { throw signature("random", 1) }
                var seeded = SplitMix64(seed: number.bitPattern)
                return .number(Double.random(in: 0..<1, using: &seeded))
            },
            "uuid": JSONataFunction { arguments in
                guard arguments.isEmpty else { throw signature("uuid", 1) }
                return .string(IntrinsicCall.uuid(random: &random.generator))
            },
            "parse": JSONataFunction { arguments in
                guard arguments.count == 1 else { throw signature("parse", 2) }
                guard let value = arguments[0] else { return nil }
                guard case .string(let text) = value else { throw signature("parse", 1) }
                do {
                    return try JSON(parsing: text).jsonataValue
                } catch {
                    throw JSONataError("D3140", "Malformed JSON passed to function parse: \(text)")
                }
            },
            "eval": JSONataFunction { _ in
                throw JSONataError("T1006", "Attempted to invoke a non-function: $eval is not available; use $parse")
            },
        ]
    }

    static func signature(_ name: String, _ argument: Int) -> JSONataError {
        JSONataError("T0410", "Argument \(argument) of function \"\(name)\" does not match function signature")
    }

    /// `$partition(array, size)`: the array in chunks of `size` (the last may be shorter).
    static func partition(_ arguments: [JSONataValue?]) throws -> JSONataValue? {
        guard arguments.count == 2 else { throw signature("partition", arguments.count < 2 ? 2 : 3) }
        guard let first = arguments[0], let second = arguments[1] else { return nil }
        let items: [JSONataValue]
        if case .array(let values) = first { items = values } else { items = [first] }
        guard case .number(let size) = second, size.rounded() == size else { throw signature("partition", 2) }
        guard size >= 1 else {
            throw JSONataError("D3137", "The chunk size of $partition must be a whole number of at least 1")
        }
        let chunk = size >= 9e18 ? Int.max : Int(size)
        return .array(
            stride(from: 0, to: items.count, by: chunk).map { .array(Array(items[$0..<min($0 + chunk, items.count)])) })
    }

    /// `$range(start, end, step)`: from `start` to `end` inclusive by `step`, each taken toward zero to a whole
    /// number; one number alone when it holds one, nothing when it holds none.
    static func range(_ arguments: [JSONataValue?]) throws -> JSONataValue? {
        guard arguments.count <= 3 else { throw signature("range", 4) }
        var numbers: [Int] = []
        for (index, argument) in arguments.enumerated() {
            guard let argument else { return nil }
            guard case .number(let number) = argument, number.isFinite, abs(number) < 9e18 else {
                throw signature("range", index + 1)
            }
            numbers.append(Int(number.rounded(.towardZero)))
        }
        guard numbers.count == 3 else { return nil }
        let (start, end, step) = (numbers[0], numbers[1], numbers[2])
        if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) { return nil }
        // In doubles first: the span of two large bounds need not fit in an Int.
        let count = ((Double(end) - Double(start)).magnitude / Double(step.magnitude)).rounded(.down) + 1
        guard count <= 10_000_000 else {
            throw JSONataError(
                "D2014",
                "The size of the sequence allocated by $range must not exceed 1e7, but it would be \(String(format: "%.0f", count))"
            )
        }
        if count == 1 { return .number(Double(start)) }
        return .array((0..<Int(count)).map { .number(Double(start + $0 * step)) })
    }

    /// `$hash(value, algorithm)`: the digest of a string as lowercase hex.
    static func hash(_ arguments: [JSONataValue?]) throws -> JSONataValue? {
        guard arguments.count == 2 else { throw signature("hash", arguments.count < 2 ? 2 : 3) }
        guard let value = arguments[0], let algorithm = arguments[1] else { return nil }
        guard case .string(let text) = value else { throw signature("hash", 1) }
        guard case .string(let name) = algorithm else { throw signature("hash", 2) }
        guard let digest = IntrinsicCall.hexDigest(of: Data(text.utf8), algorithm: name) else {
            throw JSONataError(
                "D3137", "The hash algorithm must be MD5, SHA-1, SHA-256, SHA-384 or SHA-512, not '\(name)'")
        }
        return .string(digest)
    }
}
