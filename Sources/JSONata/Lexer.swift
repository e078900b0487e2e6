/// A token of a JSONata expression.
struct Token: Equatable {
    enum Kind: Equatable {
        case number(Double)
        case string(String)
        /// A field name (plain or in backticks); `and`, `or`, `in`, `true`, `false`, `null` and `function` too.
        case name(String, quoted: Bool)
        /// `$name`, `$` (the context) and `$$` (the root).
        case variable(String)
        case symbol(String)
        /// `/pattern/flags`, where an operand may stand (after an operator or an opening bracket).
        case regex(pattern: String, flags: String)
        case end
    }

    let kind: Kind
    let position: Int
}

/// Splits an expression into tokens. Comments (`/* ... */`) and white space separate them.
struct Lexer {
    private let characters: [Character]
    private var index = 0
    /// The token before, which tells a regex's `/` from division's.
    private var previous: Token.Kind?

    init(_ text: String) { characters = Array(text) }

    static let symbols2 = ["..", ":=", "!=", "<=", ">=", "~>", "**", "?:", "??"]
    static let symbols1: Set<Character> = [
        ".", "[", "]", "{", "}", "(", ")", ",", ":", ";", "?", "+", "-", "*", "/", "%", "&", "=", "<", ">", "^", "@",
        "#", "|",
    ]

    mutating func tokens() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            previous = token.kind
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    private mutating func next() throws -> Token {
        while let character = peek() {
            if character.isWhitespace {
                index += 1
            } else if character == "/" && peek(1) == "*" {
                let start = index
                index += 2
                while index < characters.count && !(peek() == "*" && peek(1) == "/") { index += 1 }
                guard index < characters.count else {
                    throw JSONataError("S0106", "Comment has no closing tag", position: start)
                }
                index += 2
            } else {
                break
            }
        }
        let start = index
        guard let character = peek() else { return Token(kind: .end, position: start) }
        if character == "/" && operandExpected { return Token(kind: try regex(), position: start) }
        if character == "\"" || character == "'" { return Token(kind: .string(try string(character)), position: start) }
        if character == "`" {
            index += 1
            var name = ""
            while let next = peek(), next != "`" {
                name.append(next)
                index += 1
            }
            guard peek() == "`" else {
                throw JSONataError(
                    "S0105", "Quoted property name must be terminated with a backquote (`)", position: start)
            }
            index += 1
            return Token(kind: .name(name, quoted: true), position: start)
        }
        if character.isNumber { return Token(kind: .number(try number()), position: start) }
        if character == "$" {
            index += 1
            if peek() == "$" {
                index += 1
                return Token(kind: .variable("$"), position: start)
            }
            return Token(kind: .variable(word()), position: start)
        }
        if index + 1 < characters.count, Self.symbols2.contains(String(characters[index...index + 1])) {
            index += 2
            return Token(kind: .symbol(String(characters[start...start + 1])), position: start)
        }
        if Self.symbols1.contains(character) {
            index += 1
            return Token(kind: .symbol(String(character)), position: start)
        }
        let name = word()
        guard !name.isEmpty else { throw JSONataError("S0204", "Unknown operator: \"\(character)\"", position: start) }
        return Token(kind: .name(name, quoted: false), position: start)
    }

    /// Whether an operand may start here (so a `/` opens a regex): at the start, or after an operator or opening.
    private var operandExpected: Bool {
        switch previous {
        case nil: return true
        case .symbol(let symbol)?: return ![")", "]", "}"].contains(symbol)
        case .name(let word, quoted: false)?: return ["and", "or", "in"].contains(word)
        default: return false
        }
    }

    private mutating func regex() throws -> Token.Kind {
        let start = index
        index += 1
        var pattern = ""
        var inClass = false
        while let character = peek() {
            index += 1
            if character == "\\", let escaped = peek() {
                pattern.append(character)
                pattern.append(escaped)
                index += 1
                continue
            }
            if character == "[" { inClass = true }
            if character == "]" { inClass = false }
            if character == "/" && !inClass {
                guard !pattern.isEmpty else {
                    throw JSONataError("S0301", "Empty regular expressions are not allowed", position: start)
                }
                var flags = ""
                while let flag = peek(), flag == "i" || flag == "m" {
                    flags.append(flag)
                    index += 1
                }
                return .regex(pattern: pattern, flags: flags)
            }
            pattern.append(character)
        }
        throw JSONataError("S0302", "No terminating / in regular expression", position: start)
    }

    /// Letters, digits and `_` (and anything else that is not a symbol or white space), as JSONata names are.
    private mutating func word() -> String {
        var name = ""
        while let next = peek(), !next.isWhitespace, !Self.symbols1.contains(next),
            !["\"", "'", "`", "!", "~", "$"].contains(next)
        {
            name.append(next)
            index += 1
        }
        return name
    }

    private mutating func number() throws -> Double {
        let start = index
        while let next = peek(), next.isNumber { index += 1 }
        if peek() == ".", let after = peek(1), after.isNumber {
            index += 1
            while let next = peek(), next.isNumber { index += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            let mark = index
            index += 1
            if let sign = peek(), sign == "+" || sign == "-" { index += 1 }
            if let digit = peek(), digit.isNumber {
                while let next = peek(), next.isNumber { index += 1 }
            } else {
                index = mark
            }
        }
        guard let value = Double(String(characters[start..<index])), value.isFinite else {
            throw JSONataError("S0102", "Number out of range", position: start)
        }
        return value
    }

    private mutating func string(_ quote: Character) throws -> String {
        let start = index
        index += 1
        var text = ""
        while let character = peek() {
            index += 1
            if character == quote { return text }
            guard character == "\\" else {
                text.append(character)
                continue
            }
            guard let escaped = peek() else { break }
            index += 1
            switch escaped {
            case "\"", "\\", "/", "'": text.append(escaped)
            case "b": text.append("\u{08}")
            case "f": text.append("\u{0C}")
            case "n": text.append("\n")
            case "r": text.append("\r")
            case "t": text.append("\t")
            case "u":
                guard index + 4 <= characters.count, let code = UInt32(String(characters[index..<index + 4]), radix: 16)
                else {
                    throw JSONataError(
                        "S0104", "The escape sequence \\u must be followed by 4 hex digits", position: index)
                }
                index += 4
                if let scalar = Unicode.Scalar(code) { text.unicodeScalars.append(scalar) }
            default:
                throw JSONataError("S0103", "Unsupported escape sequence: \\\(escaped)", position: index - 1)
            }
        }
        throw JSONataError("S0101", "String literal must be terminated by a matching quote", position: start)
    }
}
