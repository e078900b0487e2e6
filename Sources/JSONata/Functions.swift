import Foundation

/// The arguments of a built-in call, read by position with JSONata's type errors (`T0410`).
struct Arguments {
    let name: String
    var items: [Item?]
    let evaluator: Evaluator

    /// Uses the context item as the first argument when none is given (`Name.$uppercase()`).
    init(_ name: String, _ items: [Item?], context: Item?, evaluator: Evaluator, contextual: Bool) {
        self.name = name
        self.items = items.isEmpty && contextual && context != nil ? [context] : items
        self.evaluator = evaluator
    }

    func wrong(_ index: Int) -> JSONataError {
        JSONataError("T0410", "Argument \(index + 1) of function \"\(name)\" does not match function signature")
    }

    func item(_ index: Int) -> Item? { index < items.count ? items[index] : nil }
    func value(_ index: Int) -> JSONataValue? { item(index)?.value }
    func isMissing(_ index: Int) -> Bool { item(index) == nil }

    func string(_ index: Int) throws -> String? {
        guard let value = value(index) else { return nil }
        guard case .string(let text) = value else { throw wrong(index) }
        return text
    }

    func number(_ index: Int) throws -> Double? {
        guard let value = value(index) else { return nil }
        guard case .number(let number) = value else { throw wrong(index) }
        return number
    }

    /// An array argument; a single value counts as an array of one.
    func array(_ index: Int) throws -> [JSONataValue]? {
        guard let item = item(index) else { return nil }
        guard case .value(let value) = item else { throw wrong(index) }
        if case .array(let values) = value { return values }
        return [value]
    }

    func numbers(_ index: Int) throws -> [Double]? {
        try array(index)?.map { value in
            guard case .number(let number) = value else { throw wrong(index) }
            return number
        }
    }

    func function(_ index: Int) throws -> Function? {
        guard let item = item(index) else { return nil }
        guard case .function(let function) = item else { throw wrong(index) }
        return function
    }

    /// Calls `function` with as many of `values` as it declares.
    func apply(_ function: Function, _ values: [Item?]) throws -> Item? {
        try evaluator.call(function, Array(values.prefix(max(function.arity, 1))), nil)
    }
}

/// JSONata's standard library.
enum Functions {
    static let library: Scope = {
        let scope = Scope(parent: nil)
        for (name, contextual, run) in definitions {
            scope.bind(
                name,
                .function(
                    Function(
                        .builtin(name: name) { items, context, evaluator in
                            try run(
                                Arguments(name, items, context: context, evaluator: evaluator, contextual: contextual))
                        })))
        }
        return scope
    }()

    /// `$string` of a value: strings as they are, numbers as JSONata prints them, anything else as JSON text.
    static func string(_ item: Item?, _ evaluator: Evaluator) throws -> String {
        switch item {
        case nil: return ""
        case .function?: return ""
        case .value(.string(let text))?: return text
        case .value(let value)?:
            if case .number(let number) = value, !number.isFinite {
                throw JSONataError("D3001", "Attempting to invoke string function on Infinity or NaN")
            }
            return value.jsonText
        }
    }

    private static func value(_ value: JSONataValue?) -> Item? { value.map(Item.value) }
    private static func number(_ number: Double?) -> Item? { number.map { .value(.number($0)) } }
    private static func text(_ text: String?) -> Item? { text.map { .value(.string($0)) } }
    private static func bool(_ flag: Bool) -> Item? { .value(.bool(flag)) }
    private static func array(_ values: [JSONataValue]) -> Item? { .value(.array(values)) }

    /// Round half to even at `precision` decimal places, as JSONata's `$round` does.
    static func round(_ value: Double, _ precision: Int) -> Double {
        let scale = pow(10, Double(precision))
        return (value * scale).rounded(.toNearestOrEven) / scale
    }

    private typealias Definition = (name: String, contextual: Bool, run: @Sendable (Arguments) throws -> Item?)

    private static let definitions: [Definition] = strings + numeric + aggregation + arrays + objects + higherOrder

    private static let strings: [Definition] = [
        (
            "string", true,
            { args in
                guard let item = args.item(0) else { return nil }
                return text(try string(item, args.evaluator))
            }
        ),
        ("length", true, { args in number(try args.string(0).map { Double($0.count) }) }),
        (
            "substring", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let startValue = try args.number(1) else { throw args.wrong(1) }
                let characters = Array(source)
                var start = Int(startValue)
                if start < 0 { start = max(0, characters.count + start) }
                start = min(start, characters.count)
                var end = characters.count
                if let length = try args.number(2) { end = min(characters.count, start + max(0, Int(length))) }
                return text(String(characters[start..<max(start, end)]))
            }
        ),
        (
            "substringBefore", true,
            { args in
                guard let source = try args.string(0), let marker = try args.string(1) else {
                    return text(try args.string(0))
                }
                return text(source.range(of: marker).map { String(source[..<$0.lowerBound]) } ?? source)
            }
        ),
        (
            "substringAfter", true,
            { args in
                guard let source = try args.string(0), let marker = try args.string(1) else {
                    return text(try args.string(0))
                }
                return text(source.range(of: marker).map { String(source[$0.upperBound...]) } ?? source)
            }
        ),
        ("uppercase", true, { args in text(try args.string(0)?.uppercased()) }),
        ("lowercase", true, { args in text(try args.string(0)?.lowercased()) }),
        (
            "trim", true,
            { args in
                text(try args.string(0).map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") })
            }
        ),
        (
            "contains", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let pattern = try args.string(1) else { throw args.wrong(1) }
                return bool(source.contains(pattern))
            }
        ),
        (
            "split", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let separator = try args.string(1) else { throw args.wrong(1) }
                var parts: [String]
                if separator.isEmpty {
                    parts = source.map(String.init)
                } else {
                    parts = source.components(separatedBy: separator)
                }
                if let limit = try args.number(2) {
                    guard limit >= 0 else {
                        throw JSONataError(
                            "D3020", "Third argument of split function must evaluate to a positive number")
                    }
                    parts = Array(parts.prefix(Int(limit)))
                }
                return array(parts.map(JSONataValue.string))
            }
        ),
        (
            "join", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                let separator = try args.string(1) ?? ""
                let texts = try items.map { value -> String in
                    guard case .string(let text) = value else { throw args.wrong(0) }
                    return text
                }
                return text(texts.joined(separator: separator))
            }
        ),
        (
            "replace", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let pattern = try args.string(1), !pattern.isEmpty else {
                    throw JSONataError("D3010", "Second argument of replace function cannot be an empty string")
                }
                guard let replacement = try args.string(2) else { throw args.wrong(2) }
                if let limit = try args.number(3) {
                    var result = source
                    var count = 0
                    var searchFrom = result.startIndex
                    while count < Int(limit), let range = result.range(of: pattern, range: searchFrom..<result.endIndex)
                    {
                        result.replaceSubrange(range, with: replacement)
                        searchFrom = result.index(range.lowerBound, offsetBy: replacement.count)
                        count += 1
                    }
                    return text(result)
                }
                return text(source.replacingOccurrences(of: pattern, with: replacement))
            }
        ),
    ]

    private static let numeric: [Definition] = [
        (
            "number", true,
            { args in
                guard let value = args.value(0) else { return nil }
                switch value {
                case .number: return .value(value)
                case .bool(let flag): return number(flag ? 1 : 0)
                case .string(let text):
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    if let parsed = try? JSONataExpression(trimmed), case .number(let n) = parsed.root {
                        return number(n)
                    }
                    if trimmed.hasPrefix("-"), let n = Double(trimmed), n.isFinite { return number(n) }
                    if let hex = trimmed.hasPrefix("0x") ? Int(trimmed.dropFirst(2), radix: 16) : nil {
                        return number(Double(hex))
                    }
                    throw JSONataError("D3030", "Unable to cast value to a number: \(value.jsonText)")
                default: throw JSONataError("D3030", "Unable to cast value to a number: \(value.jsonText)")
                }
            }
        ),
        ("abs", true, { args in number(try args.number(0).map(Swift.abs)) }),
        ("floor", true, { args in number(try args.number(0).map { $0.rounded(.down) }) }),
        ("ceil", true, { args in number(try args.number(0).map { $0.rounded(.up) }) }),
        (
            "round", true,
            { args in
                guard let value = try args.number(0) else { return nil }
                return number(round(value, Int(try args.number(1) ?? 0)))
            }
        ),
        (
            "power", true,
            { args in
                guard let base = try args.number(0) else { return nil }
                guard let exponent = try args.number(1) else { throw args.wrong(1) }
                let result = pow(base, exponent)
                guard result.isFinite else {
                    throw JSONataError(
                        "D3061",
                        "The power function has resulted in a value that cannot be represented as a JSON number")
                }
                return number(result)
            }
        ),
        (
            "sqrt", true,
            { args in
                guard let value = try args.number(0) else { return nil }
                guard value >= 0 else {
                    throw JSONataError("D3060", "The sqrt function cannot be applied to a negative number: \(value)")
                }
                return number(value.squareRoot())
            }
        ),
    ]

    private static let aggregation: [Definition] = [
        ("sum", false, { args in number(try args.numbers(0)?.reduce(0, +)) }),
        ("max", false, { args in number(try args.numbers(0)?.max()) }),
        ("min", false, { args in number(try args.numbers(0)?.min()) }),
        (
            "average", false,
            { args in
                guard let values = try args.numbers(0), !values.isEmpty else { return nil }
                return number(values.reduce(0, +) / Double(values.count))
            }
        ),
        ("count", false, { args in number(Double(try args.array(0)?.count ?? 0)) }),
    ]

    private static let arrays: [Definition] = [
        ("boolean", true, { args in args.isMissing(0) ? nil : bool(Evaluator.truthy(args.item(0))) }),
        ("not", true, { args in args.isMissing(0) ? nil : bool(!Evaluator.truthy(args.item(0))) }),
        ("exists", false, { args in bool(!args.isMissing(0)) }),
        (
            "append", false,
            { args in
                guard let first = try args.array(0) else { return value(args.value(1)) }
                guard let second = try args.array(1) else { return value(args.value(0)) }
                return array(first + second)
            }
        ),
        ("reverse", false, { args in (try args.array(0)).map { array($0.reversed()) } ?? nil }),
        (
            "distinct", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                var seen: [JSONataValue] = []
                for item in items where !seen.contains(item) { seen.append(item) }
                return array(seen)
            }
        ),
        (
            "sort", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                if let before = try args.function(1) {
                    // Merge sort with the comparator "should a come after b", as JSONata's is.
                    func merge(_ values: [JSONataValue]) throws -> [JSONataValue] {
                        guard values.count > 1 else { return values }
                        let left = try merge(Array(values[..<(values.count / 2)]))
                        let right = try merge(Array(values[(values.count / 2)...]))
                        var result: [JSONataValue] = []
                        var (i, j) = (0, 0)
                        while i < left.count, j < right.count {
                            if Evaluator.truthy(try args.apply(before, [.value(left[i]), .value(right[j])])) {
                                result.append(right[j])
                                j += 1
                            } else {
                                result.append(left[i])
                                i += 1
                            }
                        }
                        return result + left[i...] + right[j...]
                    }
                    return array(try merge(items))
                }
                guard
                    items.allSatisfy({ if case .number = $0 { true } else { false } })
                        || items.allSatisfy({ if case .string = $0 { true } else { false } })
                else {
                    throw JSONataError(
                        "D3070",
                        "The single argument form of the sort function can only be applied to an array of strings or an array of numbers"
                    )
                }
                return array(items.sorted { (Evaluator.order($0, $1) ?? 0) < 0 })
            }
        ),
        (
            "type", false,
            { args in
                switch args.item(0) {
                case nil: return nil
                case .function?: return text("function")
                case .value(let value)?:
                    switch value {
                    case .null: return text("null")
                    case .bool: return text("boolean")
                    case .number: return text("number")
                    case .string: return text("string")
                    case .array: return text("array")
                    case .object: return text("object")
                    }
                }
            }
        ),
    ]

    private static let objects: [Definition] = [
        (
            "keys", false,
            { args in
                var keys: [String] = []
                for value in try args.array(0) ?? [] {
                    if case .object(let object) = value {
                        for key in object.keys where !keys.contains(key) { keys.append(key) }
                    }
                }
                return keys.isEmpty ? nil : (keys.count == 1 ? text(keys[0]) : array(keys.map(JSONataValue.string)))
            }
        ),
        (
            "lookup", false,
            { args in
                guard let key = try args.string(1) else { throw args.wrong(1) }
                let found = (try args.array(0) ?? []).compactMap { $0[key] }
                return found.isEmpty ? nil : (found.count == 1 ? value(found[0]) : array(found))
            }
        ),
        (
            "merge", false,
            { args in
                var merged = OrderedObject()
                for value in try args.array(0) ?? [] {
                    guard case .object(let object) = value else { throw args.wrong(0) }
                    for (key, child) in object.pairs { merged[key] = child }
                }
                return .value(.object(merged))
            }
        ),
        (
            "error", false,
            { args in
                throw JSONataError("D3137", try args.string(0) ?? "$error() function evaluated")
            }
        ),
        (
            "assert", false,
            { args in
                guard case .bool(let flag)? = args.value(0) else {
                    throw JSONataError("T0410", "Argument 1 of function \"assert\" does not match function signature")
                }
                if !flag { throw JSONataError("D3141", try args.string(1) ?? "$assert() statement failed") }
                return nil
            }
        ),
    ]

    private static let higherOrder: [Definition] = [
        (
            "map", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                guard let function = try args.function(1) else { throw args.wrong(1) }
                var results: [JSONataValue] = []
                for (index, item) in items.enumerated() {
                    if let result = try args.apply(
                        function, [.value(item), .value(.number(Double(index))), .value(.array(items))])?.value
                    {
                        results.append(result)
                    }
                }
                return results.isEmpty
                    ? nil : (results.count == 1 && items.count == 1 ? value(results[0]) : array(results))
            }
        ),
        (
            "filter", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                guard let function = try args.function(1) else { throw args.wrong(1) }
                var kept: [JSONataValue] = []
                for (index, item) in items.enumerated()
                where Evaluator.truthy(
                    try args.apply(function, [.value(item), .value(.number(Double(index))), .value(.array(items))]))
                {
                    kept.append(item)
                }
                return kept.isEmpty ? nil : (kept.count == 1 ? value(kept[0]) : array(kept))
            }
        ),
        (
            "reduce", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                guard let function = try args.function(1) else { throw args.wrong(1) }
                guard function.arity >= 2 || function.arity == 3 else {
                    throw JSONataError(
                        "D3050", "The second argument of reduce function must be a function with at least two arguments"
                    )
                }
                var accumulator: Item?
                var rest = items[...]
                if let initial = args.item(2) {
                    accumulator = initial
                } else if let first = rest.first {
                    accumulator = .value(first)
                    rest = rest.dropFirst()
                }
                for (offset, item) in rest.enumerated() {
                    accumulator = try args.evaluator.call(
                        function,
                        Array(
                            [accumulator, .value(item), .value(.number(Double(offset))), .value(.array(items))].prefix(
                                max(function.arity, 2))),
                        nil)
                }
                return accumulator
            }
        ),
        (
            "each", false,
            { args in
                if args.isMissing(0) { return nil }
                guard case .object(let object)? = args.value(0) else { throw args.wrong(0) }
                guard let function = try args.function(1) else { throw args.wrong(1) }
                var results: [JSONataValue] = []
                for (key, child) in object.pairs {
                    if let result = try args.apply(
                        function, [.value(child), .value(.string(key)), .value(.object(object))])?.value
                    {
                        results.append(result)
                    }
                }
                return results.isEmpty ? nil : (results.count == 1 ? value(results[0]) : array(results))
            }
        ),
        (
            "sift", false,
            { args in
                guard case .object(let object)? = args.value(0) else { return nil }
                guard let function = try args.function(1) else { throw args.wrong(1) }
                var kept = OrderedObject()
                for (key, child) in object.pairs
                where Evaluator.truthy(
                    try args.apply(function, [.value(child), .value(.string(key)), .value(.object(object))]))
                {
                    kept[key] = child
                }
                return kept.isEmpty ? nil : .value(.object(kept))
            }
        ),
    ]
}
