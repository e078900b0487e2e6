/// Parses the text of a JSONPath.
struct PathParser {
    let scalars: [Character]
    var index = 0
    let text: String

    init(_ text: String) {
        self.text = text
        scalars = Array(text)
    }

    private func fail(_ message: String) -> PathSyntaxError {
        PathSyntaxError(message: "The path '\(text)' is not valid: \(message).")
    }

    private var atEnd: Bool { index >= scalars.count }
    private var current: Character? { atEnd ? nil : scalars[index] }

    mutating func parsePath() throws -> (JSONPath.Root, [JSONPath.Segment]) {
        guard current == "$" else { throw fail("a path starts with '$'") }
        index += 1
        var root = JSONPath.Root.input
        if current == "$" {
            index += 1
            root = .context
        } else if let character = current, Self.isNameStart(character) {
            var name = ""
            while let character = current, Self.isNameCharacter(character) {
                name.append(character)
                index += 1
            }
            root = .variable(name)
        }
        let segments = try parseSegments(until: nil)
        return (root, segments)
    }

    /// Segments until the end, or until `stop` (used inside filters, where `)` and operators end a path).
    mutating func parseSegments(until stop: ((Character) -> Bool)?) throws -> [JSONPath.Segment] {
        var segments: [JSONPath.Segment] = []
        while let character = current {
            if let stop, stop(character) { break }
            switch character {
            case ".":
                index += 1
                if current == "." {
                    index += 1
                    if current == "*" {
                        index += 1
                        segments.append(.recursive(nil))
                    } else if current == "[" {
                        segments.append(.recursive(nil))
                    } else {
                        segments.append(.recursive(try dottedName(stop: stop)))
                    }
                } else if current == "*" {
                    index += 1
                    segments.append(.wildcard)
                } else {
                    segments.append(.name(try dottedName(stop: stop)))
                }
            case "[":
                index += 1
                segments.append(try bracket())
            default:
                throw fail("unexpected '\(character)'")
            }
        }
        return segments
    }

    private mutating func dottedName(stop: ((Character) -> Bool)?) throws -> String {
        var name = ""
        while let character = current, character != ".", character != "[" {
            if let stop, stop(character) { break }
            name.append(character)
            index += 1
        }
        guard !name.isEmpty else { throw fail("a name is missing after '.'") }
        return name
    }

    private mutating func skipSpaces() {
        while current == " " { index += 1 }
    }

    private mutating func bracket() throws -> JSONPath.Segment {
        skipSpaces()
        guard let character = current else { throw fail("unclosed '['") }
        let segment: JSONPath.Segment
        if character == "'" || character == "\"" {
            var names = [try quoted()]
            skipSpaces()
            while current == "," {
                index += 1
                skipSpaces()
                names.append(try quoted())
                skipSpaces()
            }
            segment = names.count == 1 ? .name(names[0]) : .names(names)
        } else if character == "*" {
            index += 1
            segment = .wildcard
        } else if character == "?" {
            index += 1
            skipSpaces()
            guard current == "(" else { throw fail("a filter is written [?(...)]") }
            index += 1
            let expression = try filterOr()
            skipSpaces()
            guard current == ")" else { throw fail("unclosed filter") }
            index += 1
            segment = .filter(expression)
        } else {
            segment = try indexesOrSlice()
        }
        skipSpaces()
        guard current == "]" else { throw fail("expected ']'") }
        index += 1
        return segment
    }

    private mutating func quoted() throws -> String {
        guard let quote = current, quote == "'" || quote == "\"" else { throw fail("expected a quoted name") }
        index += 1
        var name = ""
        while let character = current, character != quote {
            if character == "\\", index + 1 < scalars.count {
                index += 1
                name.append(scalars[index])
            } else {
                name.append(character)
            }
            index += 1
        }
        guard current == quote else { throw fail("unclosed quote") }
        index += 1
        return name
    }

    private mutating func integer() -> Int? {
        var digits = ""
        if current == "-" {
            digits.append("-")
            index += 1
        }
        while let character = current, character.isASCII, character.isNumber {
            digits.append(character)
            index += 1
        }
        return Int(digits)
    }

    private mutating func indexesOrSlice() throws -> JSONPath.Segment {
        let start = current == ":" ? nil : integer()
        skipSpaces()
        if current == ":" {
            index += 1
            let end = (current == "]" || current == ":") ? nil : integer()
            var step = 1
            if current == ":" {
                index += 1
                if current != "]" {
                    guard let parsed = integer(), parsed > 0 else {
                        throw fail("a slice step must be a positive number")
                    }
                    step = parsed
                }
            }
            return .slice(start: start, end: end, step: step)
        }
        guard let first = start else { throw fail("expected an index, a quoted name, '*' or a filter in '[...]'") }
        var indexes = [first]
        while current == "," {
            index += 1
            skipSpaces()
            guard let next = integer() else { throw fail("expected an index after ','") }
            indexes.append(next)
            skipSpaces()
        }
        return indexes.count == 1 ? .index(first) : .indexes(indexes)
    }

    // MARK: filters

    private mutating func filterOr() throws -> FilterExpression {
        var left = try filterAnd()
        while true {
            skipSpaces()
            guard current == "|", index + 1 < scalars.count, scalars[index + 1] == "|" else { return left }
            index += 2
            left = .or(left, try filterAnd())
        }
    }

    private mutating func filterAnd() throws -> FilterExpression {
        var left = try filterUnary()
        while true {
            skipSpaces()
            guard current == "&", index + 1 < scalars.count, scalars[index + 1] == "&" else { return left }
            index += 2
            left = .and(left, try filterUnary())
        }
    }

    private mutating func filterUnary() throws -> FilterExpression {
        skipSpaces()
        if current == "!" {
            index += 1
            return .not(try filterUnary())
        }
        if current == "(" {
            index += 1
            let inner = try filterOr()
            skipSpaces()
            guard current == ")" else { throw fail("unclosed '(' in filter") }
            index += 1
            return inner
        }
        let left = try operand()
        skipSpaces()
        for op in ["==", "!=", "<=", ">=", "<", ">"] where matches(op) {
            index += op.count
            skipSpaces()
            return .compare(left, op, try operand())
        }
        guard case .current(let path) = left else { throw fail("a filter needs a comparison") }
        return .exists(path)
    }

    private func matches(_ word: String) -> Bool {
        let characters = Array(word)
        guard index + characters.count <= scalars.count else { return false }
        return Array(scalars[index..<index + characters.count]) == characters
    }

    private mutating func operand() throws -> FilterOperand {
        skipSpaces()
        guard let character = current else { throw fail("incomplete filter") }
        if character == "@" {
            index += 1
            let start = index
            let segments = try parseSegments(until: { " )=!<>&|".contains($0) })
            let pathText = "$" + String(scalars[start..<index])
            return .current(JSONPath(root: .input, segments: segments, text: pathText))
        }
        if character == "'" || character == "\"" { return .literal(.string(try quoted())) }
        for (word, value) in [("true", JSON.bool(true)), ("false", .bool(false)), ("null", .null)] where matches(word) {
            index += word.count
            return .literal(value)
        }
        var number = ""
        while let character = current, character.isNumber || "-+.eE".contains(character) {
            number.append(character)
            index += 1
        }
        if let value = Int(number) { return .literal(.int(value)) }
        if let value = Double(number) { return .literal(.double(value)) }
        throw fail("expected '@', a string, a number, true, false or null in the filter")
    }

    static func isNameStart(_ character: Character) -> Bool { character.isLetter || character == "_" }
    static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}

extension JSONPath {
    init(root: Root, segments: [Segment], text: String) {
        self.root = root
        self.segments = segments
        self.text = text
    }
}
