import Foundation

/// The numeric and aggregation functions.
extension Functions {
    static let numeric: [Definition] = [
        (
            "number", true,
            { args in
                guard let value = args.value(0) else { return nil }
                switch value {
                case .number: return .value(value)
                case .bool(let flag): return number(flag ? 1 : 0)
                case .string(let text):
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    if let parsed = try? JSONataExpression(trimmed), case .number(let n) = parsed.root {
                        return number(n)
                    }
                    if trimmed.hasPrefix("-"), let n = Double(trimmed), n.isFinite { return number(n) }
                    if let hex = trimmed.hasPrefix("0x") ? Int(trimmed.dropFirst(2), radix: 16) : nil {
                        return number(Double(hex))
                    }
                    throw JSONataError("D3030", "Unable to cast value to a number: \(value.jsonText)")
                default: throw JSONataError("D3030", "Unable to cast value to a number: \(value.jsonText)")
                }
            }
        ),
        ("abs", true, { args in number(try args.number(0).map(Swift.abs)) }),
        // A host that must replay an evaluation (as the engine does) replaces it with a seeded one.
        ("random", false, { _ in number(Double.random(in: 0..<1)) }),
        ("floor", true, { args in number(try args.number(0).map { $0.rounded(.down) }) }),
        ("ceil", true, { args in number(try args.number(0).map { $0.rounded(.up) }) }),
        (
            "round", true,
            { args in
                guard let value = try args.number(0) else { return nil }
                return number(round(value, Int(clamping: try args.number(1) ?? 0)))
            }
        ),
        (
            "power", true,
            { args in
                guard let base = try args.number(0) else { return nil }
                guard let exponent = try args.number(1) else { throw args.wrong(1) }
                let result = pow(base, exponent)
                guard result.isFinite else {
                    throw JSONataError(
                        "D3061",
                        "The power function has resulted in a value that cannot be represented as a JSON number")
                }
                return number(result)
            }
        ),
        (
            "sqrt", true,
            { args in
                guard let value = try args.number(0) else { return nil }
                guard value >= 0 else {
                    throw JSONataError("D3060", "The sqrt function cannot be applied to a negative number: \(value)")
                }
                return number(value.squareRoot())
            }
        ),
    ]

    static let aggregation: [Definition] = [
        ("sum", false, { args in number(try args.numbers(0)?.reduce(0, +)) }),
        ("max", false, { args in number(try args.numbers(0)?.max()) }),
        ("min", false, { args in number(try args.numbers(0)?.min()) }),
        (
            "average", false,
            { args in
                guard let values = try args.numbers(0), !values.isEmpty else { return nil }
                return number(values.reduce(0, +) / Double(values.count))
            }
        ),
        ("count", false, { args in number(Double(try args.array(0)?.count ?? 0)) }),
    ]
}
