/// Paths with `@$name` (context binding), `#$name` (positional binding) or `%` (the parent): a stream of tuples,
/// each an item, the variables bound so far and the items it was reached from, so a later step, predicate or
/// constructor of the path can join on them
/// (`library.loans@$l.books@$b[$l.isbn = $b.isbn].{"title": $b.title, "customer": $l.customer}`) or reach back
/// (`Account.Order.Product.{"product": Name, "order": %.OrderID}`).
extension Evaluator {
    struct Tuple {
        /// The context the next step reads (a focus binding leaves it as it was).
        var item: Item?
        var bindings: [String: Item] = [:]
        /// The items `item` was reached from, nearest first: `%` is the first.
        var ancestors: [Item] = []
    }

    /// Whether a step binds a variable (under its predicates).
    static func bindsVariables(_ step: Node) -> Bool {
        switch step {
        case .focus, .position: return true
        case .filter(let base, _): return bindsVariables(base)
        default: return false
        }
    }

    func boundPath(_ steps: [Node], _ context: Item?, _ scope: Scope) throws -> [Item] {
        try tuples(steps, context, scope).compactMap(\.item)
    }

    /// The tuples at a path's end.
    func tuples(_ steps: [Node], _ context: Item?, _ scope: Scope) throws -> [Tuple] {
        // A path inside another's step reaches back through the outer path's items too.
        var tuples = [Tuple(item: context, ancestors: scope.lookupAncestors() ?? [])]
        for (number, step) in steps.enumerated() {
            // Peel the step: predicates after its bindings filter the whole stream, predicates on the step itself
            // the results of each input (as in any path); what is left is evaluated.
            var base = step
            var stages: [Node] = []
            var predicates: [Node] = []
            var focus: String?
            var position: String?
            peeling: while true {
                switch base {
                case .filter(let inner, let condition) where Self.bindsVariables(inner):
                    stages.insert(condition, at: 0)
                    base = inner
                case .focus(let inner, let name):
                    focus = name
                    base = inner
                case .position(let inner, let name):
                    position = name
                    base = inner
                case .filter(let inner, let condition)
                where focus == nil && position == nil && !Self.isPlaceholder(condition):
                    predicates.insert(condition, at: 0)
                    base = inner
                default: break peeling
                }
            }
            var next: [Tuple] = []
            for tuple in tuples {
                if number > 0 && tuple.item == nil { continue }
                guard let result = try evaluate(base, tuple.item, Self.scope(scope, tuple)) else { continue }
                let results: [Item]
                if case .array = base, number > 0 { results = [result] } else { results = Self.flatten(result) }
                var produced: [Tuple] = []
                for (index, value) in results.enumerated() {
                    var bound = tuple
                    if let focus {
                        bound.bindings[focus] = value
                    } else {
                        bound.item = value
                        if case .parent = base {
                            bound.ancestors = Array(tuple.ancestors.dropFirst())
                        } else if let item = tuple.item {
                            bound.ancestors = [item] + tuple.ancestors
                        }
                    }
                    if let position { bound.bindings[position] = .value(.number(Double(index))) }
                    produced.append(bound)
                }
                for predicate in predicates { produced = try filter(tuples: produced, predicate, scope) }
                next += produced
            }
            for stage in stages { next = try filter(tuples: next, stage, scope) }
            tuples = next
        }
        return tuples.filter { $0.item != nil }
    }

    /// A group's tuples as one: each variable the array of its values (one value stays itself), the first's parents.
    static func merged(_ tuples: [Tuple]) -> Tuple {
        guard tuples.count > 1 else { return tuples.first ?? Tuple(item: nil) }
        var merged = Tuple(item: nil, ancestors: tuples[0].ancestors)
        var names: [String] = []
        for tuple in tuples { for name in tuple.bindings.keys where !names.contains(name) { names.append(name) } }
        for name in names {
            var values: [JSONataValue] = []
            for tuple in tuples {
                switch tuple.bindings[name] {
                case .value(.array(let items))?: values += items
                case .value(let value)?: values.append(value)
                default: break
                }
            }
            merged.bindings[name] = .value(.array(values))
        }
        return merged
    }

    static func isPlaceholder(_ node: Node) -> Bool {
        if case .placeholder = node { return true }
        return false
    }

    /// The scope a tuple's step is evaluated in: the enclosing one with the tuple's variables.
    static func scope(_ outer: Scope, _ tuple: Tuple) -> Scope {
        guard !tuple.bindings.isEmpty || !tuple.ancestors.isEmpty else { return outer }
        let scope = Scope(parent: outer)
        for (name, item) in tuple.bindings { scope.bind(name, item) }
        scope.ancestors = tuple.ancestors
        return scope
    }

    /// A predicate over the stream: a number picks by position in the stream, anything else is a condition read
    /// with each tuple's variables.
    func filter(tuples: [Tuple], _ condition: Node, _ scope: Scope) throws -> [Tuple] {
        var kept: [Tuple] = []
        for (index, tuple) in tuples.enumerated() {
            let test = try evaluate(condition, tuple.item, Self.scope(scope, tuple))
            if case .value(.number(let number))? = test {
                var wanted = Int(clamping: number.rounded(.down))
                if wanted < 0 { wanted += tuples.count }
                if wanted == index { kept.append(tuple) }
            } else if Self.truthy(test) {
                kept.append(tuple)
            }
        }
        return kept
    }
}
