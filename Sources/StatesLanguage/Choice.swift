import Foundation

/// One top-level rule of a Choice state: a condition and where to go when it holds.
public struct ChoiceRule: Sendable {
    public let condition: ChoiceCondition
    public let next: String
    public let assign: Template?
    /// JSONata: the output when this rule is taken (the state's `Output`, else its input, when absent).
    public let output: Template?
}

/// A Choice condition: a comparison, a type test, or `And` / `Or` / `Not` of conditions.
public indirect enum ChoiceCondition: Sendable {
    case and([ChoiceCondition])
    case or([ChoiceCondition])
    case not(ChoiceCondition)
    case compare(variable: JSONPath, op: ComparisonOperator, operand: Operand)
    case test(variable: JSONPath, test: TypeTest, expected: Bool)
    /// JSONata: `Condition`, `true`/`false` or an expression that must give a boolean.
    case query(Template)

    /// The right-hand side of a comparison: a value, or a path (the `…Path` operators).
    public enum Operand: Sendable {
        case value(JSON)
        case path(JSONPath)
    }

    /// Evaluates the condition.
    /// - Parameter resolve: the value of a path, `nil` when it selects nothing.
    /// - Throws: `States.Runtime` when a compared variable does not exist.
    public func evaluate(resolve: (JSONPath) -> JSON?, query: (Template) throws -> Bool = { _ in false }) throws
        -> Bool
    {
        switch self {
        case .query(let condition):
            return try query(condition)
        case .and(let conditions):
            for condition in conditions where try !condition.evaluate(resolve: resolve, query: query) { return false }
            return true
        case .or(let conditions):
            for condition in conditions where try condition.evaluate(resolve: resolve, query: query) { return true }
            return false
        case .not(let condition):
            return try !condition.evaluate(resolve: resolve, query: query)
        case .test(let variable, let test, let expected):
            let value = resolve(variable)
            if test == .isPresent { return (value != nil) == expected }
            guard let value else {
                throw StatesError.runtimeError(
                    "Invalid path '\(variable)': The choice state's condition path references an invalid value.")
            }
            return test.holds(for: value) == expected
        case .compare(let variable, let op, let operand):
            guard let value = resolve(variable) else {
                throw StatesError.runtimeError(
                    "Invalid path '\(variable)': The choice state's condition path references an invalid value.")
            }
            let other: JSON
            switch operand {
            case .value(let literal): other = literal
            case .path(let path):
                guard let resolved = resolve(path) else {
                    throw StatesError.runtimeError(
                        "Invalid path '\(path)': The choice state's condition path references an invalid value.")
                }
                other = resolved
            }
            return op.compare(value, other)
        }
    }
}

/// `IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean`, `IsTimestamp`.
public enum TypeTest: String, Sendable, CaseIterable {
    case isNull = "IsNull", isPresent = "IsPresent", isNumeric = "IsNumeric", isString = "IsString"
    case isBoolean = "IsBoolean", isTimestamp = "IsTimestamp"

    func holds(for value: JSON) -> Bool {
        switch self {
        case .isNull: return value == .null
        case .isPresent: return true
        case .isNumeric: return value.isNumber
        case .isString: if case .string = value { return true } else { return false }
        case .isBoolean: if case .bool = value { return true } else { return false }
        case .isTimestamp:
            if case .string(let text) = value { return Timestamp.parse(text) != nil }
            return false
        }
    }
}

/// A comparison operator: its kind (string, numeric, boolean, timestamp, match) and its relation.
public struct ComparisonOperator: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case string, numeric, boolean, timestamp, matches }
    public enum Relation: Sendable, Hashable { case equal, less, greater, lessOrEqual, greaterOrEqual }

    public let kind: Kind
    public let relation: Relation

    /// Every operator name, without the `Path` suffix, and what it means.
    public static let all: [String: ComparisonOperator] = {
        var table: [String: ComparisonOperator] = [:]
        let relations: [(String, Relation)] = [
            ("Equals", .equal), ("LessThan", .less), ("GreaterThan", .greater), ("LessThanEquals", .lessOrEqual),
            ("GreaterThanEquals", .greaterOrEqual),
        ]
        for (prefix, kind) in [("String", Kind.string), ("Numeric", .numeric), ("Timestamp", .timestamp)] {
            for (suffix, relation) in relations {
                table[prefix + suffix] = ComparisonOperator(kind: kind, relation: relation)
            }
        }
        table["BooleanEquals"] = ComparisonOperator(kind: .boolean, relation: .equal)
        table["StringMatches"] = ComparisonOperator(kind: .matches, relation: .equal)
        return table
    }()

    /// Whether a literal operand has the right type for this operator.
    public func accepts(_ literal: JSON) -> Bool {
        switch (kind, literal) {
        case (.string, .string), (.matches, .string), (.boolean, .bool): return true
        case (.numeric, .int), (.numeric, .double): return true
        case (.timestamp, .string(let text)): return Timestamp.parse(text) != nil
        default: return false
        }
    }

    /// Compares; values of the wrong type make the comparison false, as in AWS.
    func compare(_ value: JSON, _ other: JSON) -> Bool {
        switch kind {
        case .string:
            guard case .string(let a) = value, case .string(let b) = other else { return false }
            return relate(a, b)
        case .numeric:
            guard let a = value.doubleValue, let b = other.doubleValue else { return false }
            return relate(a, b)
        case .boolean:
            guard case .bool(let a) = value, case .bool(let b) = other else { return false }
            return a == b
        case .timestamp:
            guard case .string(let a) = value, case .string(let b) = other, let x = Timestamp.parse(a),
                let y = Timestamp.parse(b)
            else { return false }
            return relate(x, y)
        case .matches:
            guard case .string(let text) = value, case .string(let pattern) = other else { return false }
            return Self.wildcardMatch(Array(text), Array(pattern))
        }
    }

    private func relate<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch relation {
        case .equal: return a == b
        case .less: return a < b
        case .greater: return a > b
        case .lessOrEqual: return a <= b
        case .greaterOrEqual: return a >= b
        }
    }

    /// `StringMatches`: `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash.
    static func wildcardMatch(_ text: [Character], _ pattern: [Character]) -> Bool {
        // Tokens: a literal character or a star.
        var tokens: [Character?] = []
        var index = 0
        while index < pattern.count {
            if pattern[index] == "\\", index + 1 < pattern.count {
                tokens.append(pattern[index + 1])
                index += 2
            } else {
                tokens.append(pattern[index] == "*" ? nil : pattern[index])
                index += 1
            }
        }
        var t = 0, p = 0, starP = -1, starT = 0
        while t < text.count {
            if p < tokens.count, let literal = tokens[p], literal == text[t] {
                t += 1
                p += 1
            } else if p < tokens.count, tokens[p] == nil {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == nil { p += 1 }
        return p == tokens.count
    }
}

/// RFC 3339 timestamps, as Choice comparisons, Wait states and the context object use them.
public enum Timestamp {
    /// Parses `2026-11-21T07:00:00Z`, with optional fractional seconds and a `Z` or `±hh:mm` offset.
    public static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= chars.count else { return nil }
            var value = 0
            for byte in chars[start..<start + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard chars.count >= 20, let year = digits(0, 4), chars[4] == 45, let month = digits(5, 2), chars[7] == 45,
            let day = digits(8, 2), chars[10] == 84, let hour = digits(11, 2), chars[13] == 58,
            let minute = digits(14, 2), chars[16] == 58, let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < chars.count, (48...57).contains(chars[index]) {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        guard index < chars.count else { return nil }
        if chars[index] == 90 {
            index += 1
        } else if chars[index] == 43 || chars[index] == 45, let h = digits(index + 1, 2), index + 3 < chars.count,
            chars[index + 3] == 58, let m = digits(index + 4, 2)
        {
            offset = (h * 3600 + m * 60) * (chars[index] == 43 ? 1 : -1)
            index += 6
        } else {
            return nil
        }
        guard index == chars.count else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm), so no calendar or time zone is involved.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// `2026-11-21T07:00:00.123Z`, as the context object writes times.
    public static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var days = millis / 86_400_000
        var rest = millis % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3_600_000, 2)):"
            + "\(pad(rest / 60_000 % 60, 2)):\(pad(rest / 1000 % 60, 2)).\(pad(rest % 1000, 3))Z"
    }
}
