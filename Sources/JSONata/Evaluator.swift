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
        case lambda(parameters: [String], body: Node, scope: Scope, signature: Signature?)
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
        case .lambda(let parameters, _, _, _): return parameters.count
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

    /// In a tuple path's step: the items the context item was reached from, nearest first (what `%` reads).
    var ancestors: [Item]?

    func lookup(_ name: String) -> Item? { variables[name] ?? parent?.lookup(name) }
    func lookupAncestors() -> [Item]? { ancestors ?? parent?.lookupAncestors() }
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
                    for (_, value) in object.pairs { results += Self.flattenDeep(.value(value)) }
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
        case .focus, .position: return collapse(try boundPath([node], context, scope))
        case .tuplePath(let steps):
            let keep = steps.contains { if case .filter(_, .placeholder) = $0 { true } else { false } }
            return collapse(try boundPath(steps, context, scope), keepArray: keep)
        case .parent:
            guard let parent = scope.lookupAncestors()?.first else {
                throw JSONataError(
                    "S0217", "The object representing the 'parent' cannot be derived from this expression")
            }
            return parent
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
        case .group(.tuplePath(let steps), let pairs):
            // A tuple path's grouping reads each item's variables and parents.
            let tuples = try tuples(steps, context, scope)
            return .value(.object(try object(pairs, items: tuples.compactMap(\.item), scope, tuples: tuples)))
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
        case .lambda(let parameters, let body, let signature):
            return .function(
                Function(.lambda(parameters: parameters, body: body, scope: scope, signature: signature)))
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

    // MARK: calls

    func call(_ function: Function, _ arguments: [Item?], _ context: Item?) throws -> Item? {
        guard depth < Self.maximumDepth else {
            throw JSONataError("U1001", "Stack overflow error: check for non-terminating recursive function")
        }
        var inner = self
        inner.depth += 1
        switch function.body {
        case .lambda(let parameters, let body, let scope, let signature):
            let arguments = try signature?.check(arguments, context: context, name: "lambda") ?? arguments
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

}
