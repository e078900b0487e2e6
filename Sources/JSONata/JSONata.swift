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

    /// - Throws: ``JSONataError`` with a syntax code (`S0xxx`) and the position of the problem.
    public init(_ text: String) throws {
        self.text = text
        var parser = try Parser(text)
        root = try parser.parse()
    }

    /// The expression's value over `input` (`$` and `$$`), with `bindings` as variables (`$name`); nil when it selects
    /// nothing (JSONata's undefined).
    /// - Throws: ``JSONataError`` with a type (`T`) or function (`D`) code.
    public func evaluate(
        _ input: JSONataValue?, bindings: [String: JSONataValue] = [:], now: Date = Date()
    ) throws -> JSONataValue? {
        let scope = Scope(parent: Functions.library)
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
