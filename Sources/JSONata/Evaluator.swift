/// What an expression evaluates to: a JSON value, or a function (a lambda, a built-in, or one partly applied).
import Foundation

enum Item: Sendable {
    case value(JSONataValue)
    case function(Function)

    var value: JSONataValue? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// A callable value.
final class Function: @unchecked Sendable {
    enum Body {
        case lambda(parameters: [String], body: Node, scope: Scope)
        case builtin(name: String, run: @Sendable ([Item?], Item?, Evaluator) throws -> Item?)
        case partial(Function, [Item??])
        /// A regular expression: called with a string, it answers its first match (`$match`'s shape).
        case regex(NSRegularExpression)
    }

    let body: Body
    init(_ body: Body) { self.body = body }

    /// How many arguments it takes (for `$map` and the like, which pass only as many as are declared).
    var arity: Int {
        switch body {
        case .lambda(let parameters, _, _): return parameters.count
        case .builtin: return 3
        case .partial(_, let arguments): return arguments.filter { $0 == nil }.count
        case .regex: return 1
        }
    }
}

/// Variables in scope: a block or a lambda's call makes a new one over its parent.
final class Scope: @unchecked Sendable {
    private var variables: [String: Item] = [:]
    let parent: Scope?

    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Item? { variables[name] ?? parent?.lookup(name) }
    func bind(_ name: String, _ item: Item) { variables[name] = item }
}

/// Evaluates parsed expressions over an input.
struct Evaluator: Sendable {
    let root: Item?
    /// The moment of the evaluation, in milliseconds since 1970: every `$now()` and `$millis()` of one evaluation
    /// answers it.
    var now: Double = 0
    /// Built-ins called so far in one evaluation, to stop a runaway recursion.
    private(set) var depth = 0

    static let maximumDepth = 500

    func evaluate(_ node: Node, _ context: Item?, _ scope: Scope) throws -> Item? {
        switch node {
        case .number(let value): return .value(.number(value))
        case .string(let text): return .value(.string(text))
        case .bool(let value): return .value(.bool(value))
        case .null: return .value(.null)
        case .name(let name): return collapse(Self.field(name, of: context))
        case .wildcard:
            var results: [Item] = []
            for item in Self.sequence(context) {
                if case .value(.object(let object)) = item {
                    for (_, value) in object.pairs { results += Self.flatten(.value(value)) }
                }
            }
            return collapse(results)
        case .descendants:
            var results: [Item] = []
            for item in Self.sequence(context) { Self.descend(item, into: &results) }
            return collapse(results)
        case .variable(let name):
            if name.isEmpty { return context }
            if name == "$" { return root }
            return scope.lookup(name)
        case .path(let steps):
            // A `[]` on any step keeps the result an array, even of one item.
            let keep = steps.contains { if case .filter(_, .placeholder) = $0 { true } else { false } }
            return collapse(try path(steps, context, scope), keepArray: keep)
        case .filter(let base, let condition):
            let items = try sequence(of: base, context, scope)
            if case .placeholder = condition { return .value(.array(items.compactMap(\.value))) }
            return collapse(try filter(items, condition, scope))
        case .negate(let operand):
            guard let item = try evaluate(operand, context, scope) else { return nil }
            guard case .value(.number(let value)) = item else {
                throw JSONataError("D1002", "Cannot negate a non-numeric value")
            }
            return .value(.number(-value))
        case .binary(let op, let left, let right): return try binary(op, left, right, context, scope)
        case .condition(let test, let then, let otherwise):
            if Self.truthy(try evaluate(test, context, scope)) { return try evaluate(then, context, scope) }
            return try otherwise.flatMap { try evaluate($0, context, scope) }
        case .block(let nodes):
            let inner = Scope(parent: scope)
            var last: Item?
            for node in nodes { last = try evaluate(node, context, inner) }
            return last
        case .array(let nodes):
            var values: [JSONataValue] = []
            for element in nodes {
                if case .range(let low, let high) = element {
                    values += try range(low, high, context, scope)
                    continue
                }
                guard let item = try evaluate(element, context, scope) else { continue }
                guard let value = item.value else { continue }
                switch (element, value) {
                case (.array, _): values.append(value)
                case (_, .array(let items)): values += items
                default: values.append(value)
                }
            }
            return .value(.array(values))
        case .range(let low, let high): return .value(.array(try range(low, high, context, scope)))
        case .object(let pairs): return .value(.object(try object(pairs, items: Self.sequence(context), scope)))
        case .group(let base, let pairs):
            return .value(.object(try object(pairs, items: try sequence(of: base, context, scope), scope)))
        case .call(let callee, let arguments):
            guard let item = try evaluate(callee, context, scope), case .function(let function) = item else {
                throw JSONataError("T1006", "Attempted to invoke a non-function")
            }
            var values: [Item??] = []
            for argument in arguments {
                if case .placeholder = argument {
                    values.append(nil)
                } else {
                    values.append(.some(try evaluate(argument, context, scope)))
                }
            }
            if values.contains(where: { $0 == nil }) { return .function(Function(.partial(function, values))) }
            return try call(function, values.map { $0! }, context)
        case .lambda(let parameters, let body):
            return .function(Function(.lambda(parameters: parameters, body: body, scope: scope)))
        case .placeholder: throw JSONataError("S0201", "A ? placeholder is only allowed as a function's argument")
        case .bind(let name, let valueNode):
            let value = try evaluate(valueNode, context, scope)
            if let value { scope.bind(name, value) }
            return value
        case .chain(let left, let right):
            let value = try evaluate(left, context, scope)
            if case .call(let callee, let arguments) = right {
                return try evaluate(.call(callee, [.placeholder] + arguments), context, scope).flatMap {
                    guard case .function(let function) = $0 else { return $0 }
                    return try call(function, [value], context)
                }
            }
            guard let item = try evaluate(right, context, scope), case .function(let function) = item else {
                throw JSONataError("T2006", "The right side of the function application operator ~> must be a function")
            }
            return try call(function, [value], context)
        case .sort(let base, let keys): return collapse(try sort(try sequence(of: base, context, scope), keys, scope))
        case .regex(let pattern, let flags):
            var options: NSRegularExpression.Options = []
            if flags.contains("i") { options.insert(.caseInsensitive) }
            if flags.contains("m") { options.insert(.anchorsMatchLines) }
            do {
                return .function(Function(.regex(try NSRegularExpression(pattern: pattern, options: options))))
            } catch {
                throw JSONataError("S0303", "The regular expression is not valid: /\(pattern)/")
            }
        }
    }

    // MARK: paths and sequences

    /// A path: each step evaluated against each result of the step before, arrays flattened into the sequence.
    private func path(_ steps: [Node], _ context: Item?, _ scope: Scope) throws -> [Item] {
        guard let first = steps.first else { return [] }
        // The first step reads the context as it is (a variable or a call needs none).
        var items = Self.flatten(try evaluate(first, context, scope))
        for step in steps.dropFirst() {
            var next: [Item] = []
            for item in items {
                guard let result = try evaluate(step, item, scope) else { continue }
                if case .array = step {
                    next.append(result)
                } else {
                    next += Self.flatten(result)
                }
            }
            items = next
        }
        return items
    }

    private func sequence(of node: Node, _ context: Item?, _ scope: Scope) throws -> [Item] {
        if case .path(let steps) = node { return try path(steps, context, scope) }
        return Self.flatten(try evaluate(node, context, scope))
    }

    private func filter(_ items: [Item], _ condition: Node, _ scope: Scope) throws -> [Item] {
        var kept: [Item] = []
        for (index, item) in items.enumerated() {
            let test = try evaluate(condition, item, scope)
            if case .value(.number(let number))? = test {
                var wanted = Int(number.rounded(.down))
                if wanted < 0 { wanted += items.count }
                if wanted == index { kept.append(item) }
            } else if case .value(.array(let numbers))? = test, !numbers.isEmpty,
                numbers.allSatisfy({
                    if case .number = $0 { return true } else { return false }
                })
            {
                let wanted = numbers.compactMap { value -> Int? in
                    guard case .number(let number) = value else { return nil }
                    let position = Int(number.rounded(.down))
                    return position < 0 ? position + items.count : position
                }
                if wanted.contains(index) { kept.append(item) }
            } else if Self.truthy(test) {
                kept.append(item)
            }
        }
        return kept
    }

    private func range(_ low: Node, _ high: Node, _ context: Item?, _ scope: Scope) throws -> [JSONataValue] {
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
    private func object(_ pairs: [(Node, Node)], items: [Item], _ scope: Scope) throws -> OrderedObject {
        var groups: [(key: String, pair: Int, items: [Item])] = []
        let contexts = items.isEmpty ? [Item?.none] : items.map { Optional($0) }
        for item in contexts {
            for (number, pair) in pairs.enumerated() {
                guard let key = try evaluate(pair.0, item, scope) else { continue }
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
                } else {
                    groups.append((name, number, item.map { [$0] } ?? []))
                }
            }
        }
        var object = OrderedObject()
        for group in groups {
            let context: Item? = group.items.count == 1 ? group.items[0] : collapse(group.items, keepArray: true)
            if let value = try evaluate(pairs[group.pair].1, context, scope)?.value { object[group.key] = value }
        }
        return object
    }

    private func sort(_ items: [Item], _ keys: [(descending: Bool, key: Node)], _ scope: Scope) throws -> [Item] {
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

    // MARK: operators

    private func binary(_ op: String, _ leftNode: Node, _ rightNode: Node, _ context: Item?, _ scope: Scope) throws
        -> Item?
    {
        switch op {
        case "and":
            guard Self.truthy(try evaluate(leftNode, context, scope)) else { return .value(.bool(false)) }
            return .value(.bool(Self.truthy(try evaluate(rightNode, context, scope))))
        case "or":
            if Self.truthy(try evaluate(leftNode, context, scope)) { return .value(.bool(true)) }
            return .value(.bool(Self.truthy(try evaluate(rightNode, context, scope))))
        case "?:":
            let left = try evaluate(leftNode, context, scope)
            return Self.truthy(left) ? left : try evaluate(rightNode, context, scope)
        case "??":
            return try evaluate(leftNode, context, scope) ?? evaluate(rightNode, context, scope)
        default: break
        }
        let left = try evaluate(leftNode, context, scope)
        let right = try evaluate(rightNode, context, scope)
        switch op {
        case "+", "-", "*", "/", "%":
            if let left, case .value(.number) = left {
            } else if left != nil {
                throw JSONataError("T2001", "The left side of the \"\(op)\" operator must evaluate to a number")
            }
            if let right, case .value(.number) = right {
            } else if right != nil {
                throw JSONataError("T2002", "The right side of the \"\(op)\" operator must evaluate to a number")
            }
            guard case .value(.number(let a))? = left, case .value(.number(let b))? = right else { return nil }
            let result: Double
            switch op {
            case "+": result = a + b
            case "-": result = a - b
            case "*": result = a * b
            case "/": result = a / b
            default: result = a.truncatingRemainder(dividingBy: b)
            }
            guard result.isFinite else { throw JSONataError("D1001", "Number out of range: \(result)") }
            return .value(.number(result))
        case "&":
            return .value(.string(try Functions.string(left, self) + Functions.string(right, self)))
        case "=", "!=":
            guard let a = left?.value, let b = right?.value else { return .value(.bool(false)) }
            return .value(.bool(op == "=" ? a == b : a != b))
        case "<", "<=", ">", ">=":
            guard let a = left?.value, let b = right?.value else {
                if let defined = (left ?? right)?.value, !Self.comparable(defined) {
                    throw JSONataError(
                        "T2010",
                        "The expressions either side of operator \"\(op)\" must evaluate to numeric or string values")
                }
                return nil
            }
            guard Self.comparable(a), Self.comparable(b) else {
                throw JSONataError(
                    "T2010",
                    "The expressions either side of operator \"\(op)\" must evaluate to numeric or string values")
            }
            guard let order = Self.order(a, b) else {
                throw JSONataError(
                    "T2009",
                    "The values \(a.jsonText) and \(b.jsonText) either side of operator \"\(op)\" must be of the same data type"
                )
            }
            switch op {
            case "<": return .value(.bool(order < 0))
            case "<=": return .value(.bool(order <= 0))
            case ">": return .value(.bool(order > 0))
            default: return .value(.bool(order >= 0))
            }
        case "in":
            guard let a = left?.value, let b = right?.value else { return .value(.bool(false)) }
            if case .array(let items) = b { return .value(.bool(items.contains(a))) }
            return .value(.bool(a == b))
        default:
            throw JSONataError("S0201", "Syntax error: \"\(op)\"")
        }
    }

    // MARK: calls

    func call(_ function: Function, _ arguments: [Item?], _ context: Item?) throws -> Item? {
        guard depth < Self.maximumDepth else {
            throw JSONataError("U1001", "Stack overflow error: check for non-terminating recursive function")
        }
        var inner = self
        inner.depth += 1
        switch function.body {
        case .lambda(let parameters, let body, let scope):
            let frame = Scope(parent: scope)
            for (index, name) in parameters.enumerated() where index < arguments.count {
                if let argument = arguments[index] { frame.bind(name, argument) }
            }
            return try inner.evaluate(body, context, frame)
        case .builtin(_, let run):
            return try run(arguments, context, inner)
        case .regex(let expression):
            guard case .value(.string(let text))? = arguments.first ?? nil else { return nil }
            return Functions.matches(expression, in: text, limit: 1).first.map { .value($0) }
        case .partial(let base, let bound):
            var given = arguments.makeIterator()
            let filled = bound.map { slot -> Item? in
                if let slot { return slot }
                return given.next() ?? nil
            }
            return try inner.call(base, filled, context)
        }
    }

    // MARK: helpers

    /// A sequence's value: nothing, its one item, or an array of its items.
    func collapse(_ items: [Item], keepArray: Bool = false) -> Item? {
        if items.isEmpty { return nil }
        if items.count == 1 && !keepArray { return items[0] }
        if items.count == 1, case .function = items[0] { return items[0] }
        return .value(.array(items.compactMap(\.value)))
    }

    static func sequence(_ item: Item?) -> [Item] { flatten(item) }

    /// An array's elements as a sequence (nested arrays too), anything else as a sequence of one.
    static func flatten(_ item: Item?) -> [Item] {
        guard let item else { return [] }
        guard case .value(.array(let values)) = item else { return [item] }
        return values.flatMap { value -> [Item] in
            if case .array = value { return flatten(.value(value)) }
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
