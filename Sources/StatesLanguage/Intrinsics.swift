/// One argument of an intrinsic function: a literal, a path, or another call.
public indirect enum IntrinsicArgument: Sendable, Hashable {
    case literal(JSON)
    case path(JSONPath)
    case call(IntrinsicCall)
}

/// A call such as `States.Format('Hello, {}', $.name)`, parsed and checked for its name and number of arguments.
public struct IntrinsicCall: Sendable, Hashable {
    public let name: String
    public let arguments: [IntrinsicArgument]

    /// The functions and how many arguments each takes.
    static let arity: [String: ClosedRange<Int>] = [
        "States.Format": 1...Int.max, "States.StringToJson": 1...1, "States.JsonToString": 1...1,
        "States.Array": 0...Int.max, "States.ArrayPartition": 2...2, "States.ArrayContains": 2...2,
        "States.ArrayRange": 3...3, "States.ArrayGetItem": 2...2, "States.ArrayLength": 1...1,
        "States.ArrayUnique": 1...1, "States.Base64Encode": 1...1, "States.Base64Decode": 1...1,
        "States.Hash": 2...2, "States.JsonMerge": 3...3, "States.MathRandom": 2...3, "States.MathAdd": 2...2,
        "States.StringSplit": 2...2, "States.UUID": 0...0,
    ]

    /// Whether `text` looks like an intrinsic call (starts with `States.` and a parenthesis).
    public static func looksLikeCall(_ text: String) -> Bool {
        text.hasPrefix("States.") && text.contains("(")
    }

    /// Parses a call.
    /// - Throws: ``PathSyntaxError`` naming the problem (unknown function, wrong number of arguments, bad literal).
    public init(parsing text: String) throws {
        var parser = IntrinsicParser(text: text)
        let call = try parser.call()
        parser.skipSpaces()
        guard parser.atEnd else { throw parser.fail("unexpected text after the call") }
        self = call
    }

    init(name: String, arguments: [IntrinsicArgument]) {
        self.name = name
        self.arguments = arguments
    }
}

struct IntrinsicParser {
    let characters: [Character]
    let text: String
    var index = 0

    init(text: String) {
        self.text = text
        characters = Array(text)
    }

    var atEnd: Bool { index >= characters.count }
    var current: Character? { atEnd ? nil : characters[index] }

    func fail(_ message: String) -> PathSyntaxError {
        PathSyntaxError(message: "The intrinsic function '\(text)' is not valid: \(message).")
    }

    mutating func skipSpaces() {
        while current == " " { index += 1 }
    }

    mutating func call() throws -> IntrinsicCall {
        skipSpaces()
        var name = ""
        while let character = current, character != "(" {
            name.append(character)
            index += 1
        }
        name = name.trimmingSpaces
        guard let arity = IntrinsicCall.arity[name] else { throw fail("'\(name)' is not an intrinsic function") }
        guard current == "(" else { throw fail("expected '('") }
        index += 1
        var arguments: [IntrinsicArgument] = []
        skipSpaces()
        if current == ")" {
            index += 1
        } else {
            while true {
                arguments.append(try argument(keepFormatEscapes: name == "States.Format" && arguments.isEmpty))
                skipSpaces()
                if current == "," {
                    index += 1
                    continue
                }
                guard current == ")" else { throw fail("expected ',' or ')'") }
                index += 1
                break
            }
        }
        guard arity.contains(arguments.count) else {
            let expected =
                arity.upperBound == Int.max
                ? "at least \(arity.lowerBound)"
                : arity.count == 1 ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
            throw fail("\(name) takes \(expected) arguments, not \(arguments.count)")
        }
        return IntrinsicCall(name: name, arguments: arguments)
    }

    mutating func argument(keepFormatEscapes: Bool) throws -> IntrinsicArgument {
        skipSpaces()
        guard let character = current else { throw fail("an argument is missing") }
        if character == "'" { return .literal(.string(try stringLiteral(keepFormatEscapes: keepFormatEscapes))) }
        if character == "$" {
            var pathText = ""
            var depth = 0
            var quote: Character?
            while let next = current {
                if let open = quote {
                    if next == open { quote = nil }
                } else if next == "'" || next == "\"" {
                    quote = next
                } else if next == "[" || next == "(" {
                    depth += 1
                } else if next == "]" || (next == ")" && depth > 0) {
                    depth -= 1
                } else if depth == 0 && (next == "," || next == ")") {
                    break
                }
                pathText.append(next)
                index += 1
            }
            return .path(try JSONPath(parsing: pathText.trimmingSpaces))
        }
        if text[text.index(text.startIndex, offsetBy: index)...].hasPrefix("States.") {
            return .call(try call())
        }
        var word = ""
        while let next = current, next != ",", next != ")" {
            word.append(next)
            index += 1
        }
        word = word.trimmingSpaces
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null": return .literal(.null)
        default:
            if let value = Int(word) { return .literal(.int(value)) }
            if let value = Double(word), value.isFinite { return .literal(.double(value)) }
            throw fail("'\(word)' is not a string, number, boolean, null, path or call")
        }
    }

    /// A single-quoted string; `\'`, `\{`, `\}` and `\\` are escapes. In a Format template they stay escaped, for
    /// Format to tell literal braces from placeholders.
    mutating func stringLiteral(keepFormatEscapes: Bool) throws -> String {
        index += 1
        var value = ""
        while let character = current, character != "'" {
            if character == "\\", index + 1 < characters.count {
                let next = characters[index + 1]
                switch next {
                case "'": value.append("'")
                case "\\", "{", "}":
                    if keepFormatEscapes { value.append("\\") }
                    value.append(next)
                default: value.append("\\"); value.append(next)
                }
                index += 2
                continue
            }
            value.append(character)
            index += 1
        }
        guard current == "'" else { throw fail("unclosed string") }
        index += 1
        return value
    }
}

extension String {
    var trimmingSpaces: String {
        var result = Substring(self)
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return String(result)
    }
}
