/// A parsed JSONata expression.
indirect enum Node: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    /// A field of the context item.
    case name(String)
    /// `*`: every field's value; `**`: every value below, at any depth.
    case wildcard
    case descendants
    /// `$name`; `""` is `$` (the context) and `"$"` is `$$` (the input).
    case variable(String)
    /// `a.b.c`: each step evaluated against every result of the one before.
    case path([Node])
    /// `step[filter]`: an index (a number) or a condition per item; `step[]` (a placeholder) keeps an array.
    case filter(Node, Node)
    case negate(Node)
    case binary(String, Node, Node)
    case condition(Node, Node, Node?)
    case block([Node])
    /// `[a, b, 1..3]`.
    case array([Node])
    case range(Node, Node)
    /// `{key: value, ...}`; on a path's end, `path{...}` groups its items.
    case object([(Node, Node)])
    case group(Node, [(Node, Node)])
    case call(Node, [Node])
    case lambda([String], Node, Signature?)
    /// `?` in a call's arguments: partial application.
    case placeholder
    case bind(String, Node)
    case regex(pattern: String, flags: String)
    /// `value ~> $function(args)`.
    case chain(Node, Node)
    /// `items^(<key, >key)`.
    case sort(Node, [(descending: Bool, key: Node)])
    /// `step@$name`: each result of the step bound to `$name` for the rest of the path, the context left as it was.
    case focus(Node, String)
    /// `step#$name`: each result's position in the step's results bound to `$name` for the rest of the path.
    case position(Node, String)
    /// `%`: the item the context item was reached from, in a path evaluated as a tuple stream.
    case parent
    /// A path with bindings or a `%` in it: evaluated as a stream of tuples that carry them.
    case tuplePath([Node])
}

/// A Pratt parser over the lexer's tokens, with JSONata's binding powers.
struct Parser {
    private var tokens: [Token]
    private var index = 0
    /// How many `%` have been parsed so far: a path that holds one is a tuple path.
    private var parents = 0

    init(_ text: String) throws {
        var lexer = Lexer(text)
        tokens = try lexer.tokens()
    }

    /// The names of every `$name` in the expression (`$` and `$$` are not names).
    var variableNames: Set<String> {
        Set(
            tokens.compactMap { token in
                guard case .variable(let name) = token.kind, !name.isEmpty, name != "$" else { return nil }
                return name
            })
    }

    mutating func parse() throws -> Node {
        let node = try expression(0)
        guard case .end = current.kind else { throw unexpected() }
        return node
    }

    private var current: Token { tokens[index] }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let text) = current.kind { return text == symbol }
        return false
    }

    private func isKeyword(_ word: String) -> Bool {
        if case .name(let text, quoted: false) = current.kind { return text == word }
        return false
    }

    private mutating func expect(_ symbol: String) throws {
        guard isSymbol(symbol) else {
            throw JSONataError("S0202", "Expected \"\(symbol)\", got \(describe(current))", position: current.position)
        }
        advance()
    }

    private func unexpected() -> JSONataError {
        JSONataError("S0201", "Syntax error: \(describe(current))", position: current.position)
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .number(let value): return "\(value)"
        case .string(let text): return "\"\(text)\""
        case .name(let text, _): return "\"\(text)\""
        case .variable(let name): return "$\(name)"
        case .symbol(let text): return "\"\(text)\""
        case .regex(let pattern, _): return "/\(pattern)/"
        case .end: return "the end of the expression"
        }
    }

    /// The binding power of the operator at the current token (0 when it is none).
    private var power: Int {
        switch current.kind {
        case .symbol(let text):
            switch text {
            case ".": return 75
            case "[", "(", "@", "#": return 80
            // Looser than `.`: `a.b{...}` groups and `a.b^(...)` sorts the whole path's results, as jsonata-js binds.
            case "{": return 70
            case "*", "/", "%": return 60
            case "+", "-", "&": return 50
            case "=", "!=", "<", "<=", ">", ">=", "~>", "^": return 40
            case "?", "?:", "??": return 20
            case ":=": return 10
            default: return 0
            }
        case .name("and", quoted: false): return 30
        case .name("or", quoted: false): return 25
        case .name("in", quoted: false): return 40
        default: return 0
        }
    }

    private mutating func expression(_ minimum: Int) throws -> Node {
        let parentsBefore = parents
        var left = try prefix()
        while power > minimum {
            left = try infix(left)
            // A path that reaches back with `%` (in any of its steps), or binds variables, keeps its tuples.
            switch left {
            case .path(let steps) where parents > parentsBefore || steps.contains(where: Evaluator.bindsVariables):
                left = .tuplePath(steps)
            case .group(.path(let steps), let pairs) where parents > parentsBefore:
                left = .group(.tuplePath(steps), pairs)
            default: break
            }
        }
        return left
    }

    private mutating func prefix() throws -> Node {
        let token = current
        advance()
        switch token.kind {
        case .number(let value): return .number(value)
        case .string(let text): return .string(text)
        case .variable(let name): return .variable(name)
        case .regex(let pattern, let flags): return .regex(pattern: pattern, flags: flags)
        case .name(let word, let quoted):
            if !quoted {
                switch word {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null": return .null
                case "function", "λ":
                    if isSymbol("(") { return try lambda() }
                default: break
                }
            }
            return .name(word)
        case .symbol(let symbol):
            switch symbol {
            case "-": return .negate(try expression(70))
            case "%":
                parents += 1
                return .parent
            case "*": return .wildcard
            case "**": return .descendants
            case "?": return .placeholder
            case "(":
                var nodes: [Node] = []
                while !isSymbol(")") {
                    nodes.append(try expression(0))
                    guard isSymbol(";") else { break }
                    advance()
                }
                try expect(")")
                return .block(nodes)
            case "[":
                var items: [Node] = []
                while !isSymbol("]") {
                    var item = try expression(0)
                    if isSymbol("..") {
                        advance()
                        item = .range(item, try expression(0))
                    }
                    items.append(item)
                    guard isSymbol(",") else { break }
                    advance()
                }
                try expect("]")
                return .array(items)
            case "{": return .object(try pairs())
            default: break
            }
        case .end: break
        }
        index -= 1
        throw unexpected()
    }

    private mutating func lambda() throws -> Node {
        try expect("(")
        var parameters: [String] = []
        while !isSymbol(")") {
            guard case .variable(let name) = current.kind, !name.isEmpty else { throw unexpected() }
            parameters.append(name)
            advance()
            guard isSymbol(",") else { break }
            advance()
        }
        try expect(")")
        var signature: Signature?
        if isSymbol("<") {
            // The signature's text, token by token, to its closing `>`.
            advance()
            var text = ""
            var depth = 1
            while depth > 0 {
                switch current.kind {
                case .symbol(let symbol):
                    if symbol == "<" { depth += 1 } else if symbol == ">" { depth -= 1 }
                    if depth > 0 { text += symbol }
                case .name(let word, quoted: false): text += word
                default: throw unexpected()
                }
                advance()
            }
            signature = try Signature(text)
        }
        try expect("{")
        let body = try expression(0)
        try expect("}")
        return .lambda(parameters, body, signature)
    }

    /// `key: value` pairs up to the closing brace.
    private mutating func pairs() throws -> [(Node, Node)] {
        var pairs: [(Node, Node)] = []
        while !isSymbol("}") {
            let key = try expression(0)
            try expect(":")
            pairs.append((key, try expression(0)))
            guard isSymbol(",") else { break }
            advance()
        }
        try expect("}")
        return pairs
    }

    private mutating func infix(_ left: Node) throws -> Node {
        let token = current
        let strength = power
        advance()
        switch token.kind {
        case .name(let word, quoted: false):
            return .binary(word, left, try expression(strength))
        case .symbol(let symbol):
            switch symbol {
            case ".":
                let right = try expression(strength)
                var steps: [Node] = []
                switch left {
                case .path(let before), .tuplePath(let before): steps = before
                default: steps = [left]
                }
                switch right {
                case .path(let after), .tuplePath(let after): steps += after
                default: steps.append(right)
                }
                return .path(steps)
            case "[":
                if isSymbol("]") {
                    // `[]`: keep the result an array (a path's items stay a sequence here).
                    advance()
                    return .filter(left, .placeholder)
                }
                let condition = try expression(0)
                try expect("]")
                return .filter(left, condition)
            case "(":
                var arguments: [Node] = []
                while !isSymbol(")") {
                    arguments.append(try expression(0))
                    guard isSymbol(",") else { break }
                    advance()
                }
                try expect(")")
                return .call(left, arguments)
            case "{": return .group(left, try pairs())
            case "@", "#":
                guard case .variable(let name) = current.kind, !name.isEmpty, name != "$" else {
                    throw JSONataError(
                        "S0214", "The right side of \(symbol) must be a variable name (start with $)",
                        position: current.position)
                }
                advance()
                return symbol == "@" ? .focus(left, name) : .position(left, name)
            case "^":
                try expect("(")
                var keys: [(descending: Bool, key: Node)] = []
                while !isSymbol(")") {
                    var descending = false
                    if isSymbol("<") {
                        advance()
                    } else if isSymbol(">") {
                        descending = true
                        advance()
                    }
                    keys.append((descending, try expression(0)))
                    guard isSymbol(",") else { break }
                    advance()
                }
                try expect(")")
                return .sort(left, keys)
            case "?":
                let then = try expression(0)
                var otherwise: Node?
                if isSymbol(":") {
                    advance()
                    otherwise = try expression(0)
                }
                return .condition(left, then, otherwise)
            case "?:":
                // Elvis: the left unless it is false or nothing.
                return .binary("?:", left, try expression(strength))
            case "??":
                return .binary("??", left, try expression(strength))
            case ":=":
                guard case .variable(let name) = left, !name.isEmpty else {
                    throw JSONataError(
                        "S0212", "The left side of := must be a variable name (start with $)", position: token.position)
                }
                // Right-associative: `$a := $b := 1`.
                return .bind(name, try expression(strength - 1))
            case "~>":
                return .chain(left, try expression(strength))
            default:
                return .binary(symbol, left, try expression(strength))
            }
        default:
            index -= 1
            throw unexpected()
        }
    }
}
