import Foundation

/// Regular expressions (`/pattern/flags`): `$match`, and the patterns of `$contains`, `$split` and `$replace`.
extension Functions {
    /// A pattern argument: a string to find as it is, or a regular expression.
    enum Pattern {
        case text(String)
        case regex(NSRegularExpression)
    }

    /// The first `limit` matches of `expression` in `text`, each `{"match", "index", "groups"}`.
    static func matches(_ expression: NSRegularExpression, in text: String, limit: Int = .max) -> [JSONataValue] {
        let whole = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: whole).prefix(limit).compactMap { found -> JSONataValue? in
            guard let range = Range(found.range, in: text) else { return nil }
            let groups: [JSONataValue] = (1..<max(1, found.numberOfRanges)).map { group in
                Range(found.range(at: group), in: text).map { .string(String(text[$0])) } ?? .string("")
            }
            let index = text.distance(from: text.startIndex, to: range.lowerBound)
            return [
                "match": .string(String(text[range])), "index": .number(Double(index)), "groups": .array(groups),
            ]
        }
    }

    static let regexes: [Definition] = [
        (
            "match", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard case .regex(let expression) = try args.pattern(1) else { throw args.wrong(1) }
                let limit = try args.number(2).map { Int(clamping: $0) } ?? .max
                let found = matches(expression, in: source, limit: limit)
                return found.isEmpty ? nil : (found.count == 1 ? value(found[0]) : array(found))
            }
        )
    ]
}

extension Arguments {
    /// A string or a regular expression at `index`.
    func pattern(_ index: Int) throws -> Functions.Pattern {
        switch item(index) {
        case .value(.string(let text))?: return .text(text)
        case .function(let function)?:
            guard case .regex(let expression) = function.body else { throw wrong(index) }
            return .regex(expression)
        default: throw wrong(index)
        }
    }
}
