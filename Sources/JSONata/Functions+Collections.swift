import Foundation

/// The boolean, array, object and higher-order functions.
extension Functions {
    static let arrays: [Definition] = [
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

    static let objects: [Definition] = [
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

    static let higherOrder: [Definition] = [
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
                guard function.arity >= 2 else {
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
