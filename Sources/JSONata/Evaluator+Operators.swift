/// The binary operators: boolean, coalescing, arithmetic, concatenation, comparison and `in`.
extension Evaluator {

    func binary(_ op: String, _ leftNode: Node, _ rightNode: Node, _ context: Item?, _ scope: Scope) throws
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
}
