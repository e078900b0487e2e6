/// A lambda's type signature, `function($a, $b)<n-a<s>?:s>{ ... }`: each parameter's type (`b` boolean, `n` number,
/// `s` string, `l` null, `a` array, `o` object, `f` function, `j` any JSON value, `u` boolean/number/string/null,
/// `x` anything, `(ns)` either), an array's item type (`a<n>`), and `?` (optional), `+` (one or more) or `-` (the
/// context when it is missing). The arguments are checked (and a single value made an array where one is wanted)
/// before the body runs.
struct Signature: Sendable {
    struct Parameter: Sendable {
        var types: Set<Character>
        var items: Set<Character>?
        var optional = false
        var repeated = false
        var contextual = false
    }

    var parameters: [Parameter] = []

    /// - Throws: S0401 for a signature that does not parse.
    init(_ text: String) throws {
        func invalid() -> JSONataError {
            JSONataError("S0401", "Type parameter can only be applied to functions and arrays: \(text)")
        }
        var characters = Array(text)[...]
        let simple: Set<Character> = ["b", "n", "s", "l", "a", "o", "f", "j", "x", "u"]
        func types(_ character: Character) throws -> Set<Character> {
            guard simple.contains(character) else {
                throw JSONataError("S0402", "Choice groups containing parameterized types are not supported: \(text)")
            }
            return [character]
        }
        while let character = characters.popFirst(), character != ":" {
            switch character {
            case "(":
                var union: Set<Character> = []
                while let member = characters.popFirst(), member != ")" { union.formUnion(try types(member)) }
                parameters.append(Parameter(types: union))
            case "<":
                guard let last = parameters.indices.last, parameters[last].types.isSubset(of: ["a", "f"]) else {
                    throw invalid()
                }
                var items: Set<Character> = []
                var depth = 1
                while let member = characters.popFirst() {
                    if member == "<" { depth += 1 } else if member == ">" { depth -= 1 }
                    if depth == 0 { break }
                    if depth == 1, simple.contains(member) { items.insert(member) }
                }
                if parameters[last].types == ["a"] { parameters[last].items = items }
            case "?": try modify { $0.optional = true }
            case "+": try modify { $0.repeated = true }
            case "-": try modify { $0.contextual = true }
            default: parameters.append(Parameter(types: try types(character)))
            }
        }
        func modify(_ change: (inout Parameter) -> Void) throws {
            guard let last = parameters.indices.last else { throw invalid() }
            change(&parameters[last])
        }
    }

    static func symbol(_ item: Item) -> Character {
        switch item {
        case .function: return "f"
        case .value(let value):
            switch value {
            case .bool: return "b"
            case .number: return "n"
            case .string: return "s"
            case .null: return "l"
            case .array: return "a"
            case .object: return "o"
            }
        }
    }

    static func matches(_ item: Item, _ types: Set<Character>) -> Bool {
        let symbol = symbol(item)
        if types.contains(symbol) || types.contains("x") { return true }
        if types.contains("j") && symbol != "f" { return true }
        return types.contains("u") && "bnsl".contains(symbol)
    }

    /// The arguments as the body sees them.
    /// - Throws: T0410 for an argument of the wrong type or one too many, T0412 for an array of the wrong items.
    func check(_ arguments: [Item?], context: Item?, name: String) throws -> [Item?] {
        func wrong(_ index: Int) -> JSONataError {
            JSONataError("T0410", "Argument \(index + 1) of function \"\(name)\" does not match function signature")
        }
        var checked: [Item?] = []
        var index = 0
        for parameter in parameters {
            var argument = index < arguments.count ? arguments[index] : nil
            if argument == nil && parameter.contextual && index >= arguments.count { argument = context }
            let count = parameter.repeated ? max(arguments.count - index, 1) : 1
            for offset in 0..<count {
                let value = offset == 0 ? argument : arguments[index + offset]
                checked.append(try coerce(value, parameter, wrong(index + offset), index + offset, name))
            }
            index += count
        }
        if arguments.count > index, arguments[index...].contains(where: { $0 != nil }) { throw wrong(index) }
        return checked
    }

    private func coerce(_ argument: Item?, _ parameter: Parameter, _ wrong: JSONataError, _ index: Int, _ name: String)
        throws -> Item?
    {
        guard var argument else { return nil }
        if parameter.types == ["a"], Self.symbol(argument) != "a" {
            guard case .value(let value) = argument else { throw wrong }
            argument = .value(.array([value]))
        }
        guard Self.matches(argument, parameter.types) else { throw wrong }
        if let items = parameter.items, !items.isEmpty, case .value(.array(let values)) = argument,
            !values.allSatisfy({ Self.matches(.value($0), items) })
        {
            throw JSONataError(
                "T0412",
                "Argument \(index + 1) of function \"\(name)\" must be an array of \(items.sorted().map(String.init).joined())"
            )
        }
        return argument
    }
}
