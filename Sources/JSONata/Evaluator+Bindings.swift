/// Paths with `@$name` (context binding) and `#$name` (positional binding): a stream of tuples, each an item and
/// the variables bound so far, so a later step, predicate or constructor of the path can join on them
/// (`library.loans@$l.books@$b[$l.isbn = $b.isbn].{"title": $b.title, "customer": $l.customer}`).
extension Evaluator {
    struct Tuple {
        /// The context the next step reads (a focus binding leaves it as it was).
        var item: Item?
        var bindings: [String: Item] = [:]
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
        var tuples = [Tuple(item: context)]
        for (number, step) in steps.enumerated() {
            // Peel the step: the predicates after its bindings filter the stream; the rest is the step itself.
            var base = step
            var stages: [Node] = []
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
                default: break peeling
                }
            }
            var next: [Tuple] = []
            for tuple in tuples {
                if number > 0 && tuple.item == nil { continue }
                guard let result = try evaluate(base, tuple.item, Self.scope(scope, tuple)) else { continue }
                let results: [Item]
                if case .array = base, number > 0 { results = [result] } else { results = Self.flatten(result) }
                for (index, value) in results.enumerated() {
                    var bound = tuple
                    if let focus { bound.bindings[focus] = value } else { bound.item = value }
                    if let position { bound.bindings[position] = .value(.number(Double(index))) }
                    next.append(bound)
                }
            }
            for stage in stages { next = try filter(tuples: next, stage, scope) }
            tuples = next
        }
        return tuples.compactMap(\.item)
    }

    /// The scope a tuple's step is evaluated in: the enclosing one with the tuple's variables.
    static func scope(_ outer: Scope, _ tuple: Tuple) -> Scope {
        guard !tuple.bindings.isEmpty else { return outer }
        let scope = Scope(parent: outer)
        for (name, item) in tuple.bindings { scope.bind(name, item) }
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
