import Foundation

/// A JSONata expression, parsed once and evaluated against any number of inputs.
///
/// ```swift
/// let total = try JSONataExpression("$sum(Order.Product.(Price * Quantity))")
/// let value = try total.evaluate(input)   // nil when the expression selects nothing
/// ```
public struct JSONataExpression: Sendable {
    public let text: String
    let root: Node
    /// The names of the variables the expression mentions (`$name`, without the `$`), bound by it or not: what a
    /// host needs to bind, at most.
    public let variableNames: Set<String>

    /// - Throws: ``JSONataError`` with a syntax code (`S0xxx`) and the position of the problem.
    public init(_ text: String) throws {
        self.text = text
        var parser = try Parser(text)
        variableNames = parser.variableNames
        root = try parser.parse()
    }

    /// The expression's value over `input` (`$` and `$$`), with `bindings` as variables (`$name`) and `functions`
    /// added to the library (a name of the library's is replaced); nil when it selects nothing (JSONata's undefined).
    /// - Throws: ``JSONataError`` with a type (`T`) or function (`D`) code, or what a host function throws.
    public func evaluate(
        _ input: JSONataValue?, bindings: [String: JSONataValue] = [:], functions: [String: JSONataFunction] = [:],
        now: Date = Date()
    ) throws -> JSONataValue? {
        let scope = Scope(parent: Functions.library)
        for (name, function) in functions {
            scope.bind(
                name,
                .function(
                    Function(
                        .builtin(name: name) { items, _, _ in
                            try function.body(items.map { $0?.value }).map(Item.value)
                        })))
        }
        for (name, value) in bindings { scope.bind(name, .value(value)) }
        let item = input.map(Item.value)
        let result = try Evaluator(root: item, now: (now.timeIntervalSince1970 * 1000).rounded()).evaluate(
            root, item, scope)
        switch result {
        case .value(let value)?: return value
        case .function?: return nil
        case nil: return nil
        }
    }
}

/// A function a host adds to an evaluation: it takes its arguments' values (nil for one that is undefined or a
/// function) and answers a value, or nil for undefined. It reports a bad argument by throwing a ``JSONataError``.
public struct JSONataFunction: Sendable {
    let body: @Sendable ([JSONataValue?]) throws -> JSONataValue?

    public init(_ body: @escaping @Sendable ([JSONataValue?]) throws -> JSONataValue?) { self.body = body }
}
