import Foundation

/// Paths, filters, ranges, object constructors and sorting, and the sequence rules they share: how arrays
/// flatten, collapse, compare and count as true.
extension Evaluator {

    /// A path: each step evaluated against each result of the step before, arrays flattened into the sequence.
    func path(_ steps: [Node], _ context: Item?, _ scope: Scope) throws -> [Item] {
        guard let first = steps.first else { return [] }
        // The first step reads the context as it is (a variable or a call needs none).
        var items = Self.flatten(try evaluate(first, context, scope))
        for (number, step) in steps.enumerated().dropFirst() {
            var next: [Item] = []
            for item in items {
                guard let result = try evaluate(step, item, scope) else { continue }
                if case .array = step {
                    next.append(result)
                } else {
                    next += Self.flatten(result)
                }
            }
            // As jsonata-js does: when the last step looks up one field of one object and finds an array, the path
            // gives that array as it is (so `$.items` is `[x]`, never `x`, for an array of one).
            if number == steps.count - 1, items.count == 1, let kept = try Self.keptArray(step, items[0], self, scope) {
                return [kept]
            }
            items = next
        }
        return items
    }

    /// What jsonata-js keeps whole at a path's last step over one item: the array a field holds (`a.b`), or the
    /// array a numeric index picks (`a.b[1]` of `[[1, 2], [3]]` is `[3]`).
    static func keptArray(_ step: Node, _ item: Item, _ evaluator: Evaluator, _ scope: Scope) throws -> Item? {
        switch step {
        case .name(let name):
            if case .value(.object(let object)) = item, case .array(let values)? = object[name] {
                return .value(.array(values))
            }
        case .filter(let base, .number), .filter(let base, .negate(.number)):
            if case .name = base, let picked = try evaluator.evaluate(step, item, scope), case .value(.array) = picked {
                return picked
            }
        default: break
        }
        return nil
    }

    func sequence(of node: Node, _ context: Item?, _ scope: Scope) throws -> [Item] {
        if case .path(let steps) = node { return try path(steps, context, scope) }
        return Self.flatten(try evaluate(node, context, scope))
    }

    func filter(_ items: [Item], _ condition: Node, _ scope: Scope) throws -> [Item] {
        var kept: [Item] = []
        for (index, item) in items.enumerated() {
            let test = try evaluate(condition, item, scope)
            if case .value(.number(let number))? = test {
                var wanted = Int(clamping: number.rounded(.down))
                if wanted < 0 { wanted += items.count }
                if wanted == index { kept.append(item) }
            } else if case .value(.array(let numbers))? = test, !numbers.isEmpty,
                numbers.allSatisfy({
                    if case .number = $0 { return true } else { return false }
                })
            {
                let wanted = numbers.compactMap { value -> Int? in
                    guard case .number(let number) = value else { return nil }
                    let position = Int(clamping: number.rounded(.down))
                    return position < 0 ? position + items.count : position
                }
                if wanted.contains(index) { kept.append(item) }
            } else if Self.truthy(test) {
                kept.append(item)
            }
        }
        return kept
    }

    func range(_ low: Node, _ high: Node, _ context: Item?, _ scope: Scope) throws -> [JSONataValue] {
        let lower = try evaluate(low, context, scope)
        let upper = try evaluate(high, context, scope)
        guard let lower, let upper else { return [] }
        guard case .value(.number(let from)) = lower, from.rounded() == from else {
            throw JSONataError("T2003", "The left side of the range operator (..) must evaluate to an integer")
        }
        guard case .value(.number(let to)) = upper, to.rounded() == to else {
            throw JSONataError("T2004", "The right side of the range operator (..) must evaluate to an integer")
        }
        guard to >= from else { return [] }
        guard to - from < 10_000_000 else {
            throw JSONataError(
                "D2014", "The size of the sequence allocated by the range operator (..) must not exceed 1e7")
        }
        return stride(from: from, through: to, by: 1).map { .number($0) }
    }

    /// An object constructor over `items`: each pair's key evaluated per item, items of one key grouped, and each
    /// value evaluated over its group.
    /// `tuples`, when the items come from a tuple path, are their variables and parents: each key is read with its
    /// item's, and each value with its group's (a variable that differs across the group is an array of its values).
    func object(_ pairs: [(Node, Node)], items: [Item], _ scope: Scope, tuples: [Tuple]? = nil) throws
        -> OrderedObject
    {
        var groups: [(key: String, pair: Int, items: [Item], members: [Int])] = []
        let contexts = items.isEmpty ? [Item?.none] : items.map { Optional($0) }
        let tuples = tuples.flatMap { $0.count == items.count && !items.isEmpty ? $0 : nil }
        for (position, item) in contexts.enumerated() {
            let itemScope = tuples.map { Self.scope(scope, $0[position]) } ?? scope
            for (number, pair) in pairs.enumerated() {
                guard let key = try evaluate(pair.0, item, itemScope) else { continue }
                guard case .value(.string(let name)) = key else {
                    throw JSONataError(
                        "T1003",
                        "Key in object structure must evaluate to a string; got: \(key.value?.jsonText ?? "a function")"
                    )
                }
                if let found = groups.firstIndex(where: { $0.key == name }) {
                    guard groups[found].pair == number else {
                        throw JSONataError("D1009", "Multiple key definitions evaluate to same key: \"\(name)\"")
                    }
                    if let item { groups[found].items.append(item) }
                    groups[found].members.append(position)
                } else {
                    groups.append((name, number, item.map { [$0] } ?? [], [position]))
                }
            }
        }
        var object = OrderedObject()
        for group in groups {
            let context: Item? = group.items.count == 1 ? group.items[0] : collapse(group.items, keepArray: true)
            let groupScope =
                tuples.map { all in Self.scope(scope, Self.merged(group.members.map { all[$0] })) } ?? scope
            if let value = try evaluate(pairs[group.pair].1, context, groupScope)?.value { object[group.key] = value }
        }
        return object
    }

    func sort(_ items: [Item], _ keys: [(descending: Bool, key: Node)], _ scope: Scope) throws -> [Item] {
        let keyed = try items.map { item in (item, try keys.map { try evaluate($0.key, item, scope)?.value }) }
        var failure: JSONataError?
        let sorted = keyed.enumerated().sorted { left, right in
            for (position, key) in keys.enumerated() {
                guard let order = Self.order(left.element.1[position], right.element.1[position]) else {
                    failure = JSONataError(
                        "T2008", "The expressions within an order-by clause must evaluate to numeric or string values")
                    return false
                }
                if order != 0 { return key.descending ? order > 0 : order < 0 }
            }
            return left.offset < right.offset
        }
        if let failure { throw failure }
        return sorted.map(\.element.0)
    }

    /// A sequence's value: nothing, its one item, or an array of its items.
    func collapse(_ items: [Item], keepArray: Bool = false) -> Item? {
        if items.isEmpty { return nil }
        if items.count == 1 && !keepArray { return items[0] }
        if items.count == 1, case .function = items[0] { return items[0] }
        return .value(.array(items.compactMap(\.value)))
    }

    static func sequence(_ item: Item?) -> [Item] { flatten(item) }

    /// An array's elements as a sequence, anything else as a sequence of one. Arrays inside it stay values, as
    /// jsonata-js flattens a step's results one level (so `a.b[0]` of `{"a": {"b": [[1, 2], [3]]}}` is `[1, 2]`).
    static func flatten(_ item: Item?) -> [Item] {
        guard let item else { return [] }
        guard case .value(.array(let values)) = item else { return [item] }
        return values.map { .value($0) }
    }

    /// An array's elements as a sequence, nested arrays' too (what `*` gives of a field's value).
    static func flattenDeep(_ item: Item?) -> [Item] {
        guard let item else { return [] }
        guard case .value(.array(let values)) = item else { return [item] }
        return values.flatMap { value -> [Item] in
            if case .array = value { return flattenDeep(.value(value)) }
            return [.value(value)]
        }
    }

    static func field(_ name: String, of context: Item?) -> [Item] {
        switch context {
        case .value(.object(let object))?: return object[name].map { [.value($0)] } ?? []
        case .value(.array(let values))?: return values.flatMap { field(name, of: .value($0)) }
        default: return []
        }
    }

    /// `**`: every value below, arrays' items in the place of the arrays.
    static func descend(_ item: Item, into results: inout [Item]) {
        guard case .value(let value) = item else { return }
        let children: [JSONataValue]
        switch value {
        case .object(let object): children = object.pairs.map(\.value)
        case .array(let items): children = items
        default: return
        }
        for child in children {
            if case .array = child {
                descend(.value(child), into: &results)
            } else {
                results.append(.value(child))
                descend(.value(child), into: &results)
            }
        }
    }

    /// JSONata's truth: nothing, false, 0, "" and empty arrays and objects are false; an array is true when any of
    /// its items is.
    static func truthy(_ item: Item?) -> Bool {
        guard let item else { return false }
        guard case .value(let value) = item else { return false }
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .number(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .array(let items): return items.contains { truthy(.value($0)) }
        case .object(let object): return !object.isEmpty
        }
    }

    static func comparable(_ value: JSONataValue) -> Bool {
        switch value {
        case .number, .string: return true
        default: return false
        }
    }

    /// -1, 0 or 1 for two numbers or two strings; nil for anything else.
    static func order(_ a: JSONataValue?, _ b: JSONataValue?) -> Int? {
        switch (a, b) {
        case (.number(let x)?, .number(let y)?): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x)?, .string(let y)?): return x < y ? -1 : (x > y ? 1 : 0)
        default: return nil
        }
    }
}
