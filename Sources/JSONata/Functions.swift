import Foundation

/// The arguments of a built-in call, read by position with JSONata's type errors (`T0410`).
struct Arguments {
    let name: String
    var items: [Item?]
    let evaluator: Evaluator
    /// The context item of the call.
    let context: Item?

    /// Uses the context item as the first argument when none is given (`Name.$uppercase()`).
    init(_ name: String, _ items: [Item?], context: Item?, evaluator: Evaluator, contextual: Bool) {
        self.name = name
        self.items = items.isEmpty && contextual && context != nil ? [context] : items
        self.evaluator = evaluator
        self.context = context
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

    static func value(_ value: JSONataValue?) -> Item? { value.map(Item.value) }
    static func number(_ number: Double?) -> Item? { number.map { .value(.number($0)) } }
    static func text(_ text: String?) -> Item? { text.map { .value(.string($0)) } }
    static func bool(_ flag: Bool) -> Item? { .value(.bool(flag)) }
    static func array(_ values: [JSONataValue]) -> Item? { .value(.array(values)) }

    /// Round half to even at `precision` decimal places, as JSONata's `$round` does: the decimal point is moved in the
    /// number's shortest text (so `34.555` is 3455.5 at two places, not 3455.4999...), never through a product.
    static func round(_ value: Double, _ precision: Int) -> Double {
        guard value.isFinite else { return value }
        let places = min(max(precision, -1000), 1000)
        func shifted(_ number: Double, by places: Int) -> Double {
            let parts = "\(number)".split(separator: "e")
            let exponent = (parts.count > 1 ? Int(parts[1]) ?? 0 : 0) + places
            return Double("\(parts[0])e\(exponent)") ?? .nan
        }
        let scaled = shifted(value, by: places)
        // A precision past what a double holds leaves the number as it is (never NaN or infinity).
        guard scaled.isFinite else { return value }
        let rounded = shifted(scaled.rounded(.toNearestOrEven), by: -places)
        guard rounded.isFinite else { return value }
        return rounded == 0 ? 0 : rounded
    }

    typealias Definition = (name: String, contextual: Bool, run: @Sendable (Arguments) throws -> Item?)

    static let definitions: [Definition] =
        strings + numeric + pictures + aggregation + arrays + objects + higherOrder + regexes + more

}
