import Foundation

/// The string functions.
extension Functions {
    static let strings: [Definition] = [
        (
            "string", true,
            { args in
                guard let item = args.item(0) else { return nil }
                return text(try string(item, args.evaluator))
            }
        ),
        ("length", true, { args in number(try args.string(0).map { Double($0.count) }) }),
        (
            "substring", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let startValue = try args.number(1) else { throw args.wrong(1) }
                let characters = Array(source)
                var start = Int(clamping: startValue)
                if start < 0 { start = max(0, characters.count + start) }
                start = min(start, characters.count)
                var end = characters.count
                if let length = try args.number(2) {
                    end = min(characters.count, start + min(max(0, Int(clamping: length)), characters.count))
                }
                return text(String(characters[start..<max(start, end)]))
            }
        ),
        (
            "substringBefore", true,
            { args in
                guard let source = try args.string(0), let marker = try args.string(1) else {
                    return text(try args.string(0))
                }
                return text(source.range(of: marker).map { String(source[..<$0.lowerBound]) } ?? source)
            }
        ),
        (
            "substringAfter", true,
            { args in
                guard let source = try args.string(0), let marker = try args.string(1) else {
                    return text(try args.string(0))
                }
                return text(source.range(of: marker).map { String(source[$0.upperBound...]) } ?? source)
            }
        ),
        ("uppercase", true, { args in text(try args.string(0)?.uppercased()) }),
        ("lowercase", true, { args in text(try args.string(0)?.lowercased()) }),
        (
            "trim", true,
            { args in
                text(try args.string(0).map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") })
            }
        ),
        (
            "contains", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                switch try args.pattern(1) {
                case .text(let pattern): return bool(source.contains(pattern))
                case .regex(let expression): return bool(!matches(expression, in: source, limit: 1).isEmpty)
                }
            }
        ),
        (
            "split", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                var parts: [String]
                switch try args.pattern(1) {
                case .text(let separator):
                    parts = separator.isEmpty ? source.map(String.init) : source.components(separatedBy: separator)
                case .regex(let expression):
                    parts = []
                    var from = source.startIndex
                    for found in expression.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                        guard let range = Range(found.range, in: source) else { continue }
                        parts.append(String(source[from..<range.lowerBound]))
                        from = range.upperBound
                    }
                    parts.append(String(source[from...]))
                }
                if let limit = try args.number(2) {
                    guard limit >= 0 else {
                        throw JSONataError(
                            "D3020", "Third argument of split function must evaluate to a positive number")
                    }
                    parts = Array(parts.prefix(Int(clamping: limit)))
                }
                return array(parts.map(JSONataValue.string))
            }
        ),
        (
            "join", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                let separator = try args.string(1) ?? ""
                let texts = try items.map { value -> String in
                    guard case .string(let text) = value else { throw args.wrong(0) }
                    return text
                }
                return text(texts.joined(separator: separator))
            }
        ),
        (
            "replace", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                let pattern = try args.pattern(1)
                if case .text(let text) = pattern, text.isEmpty {
                    throw JSONataError("D3010", "Second argument of replace function cannot be an empty string")
                }
                guard let replacement = try args.string(2) else { throw args.wrong(2) }
                let limit = try args.number(3).map { Int(clamping: $0) } ?? .max
                var result = ""
                var from = source.startIndex
                var count = 0
                switch pattern {
                case .text(let text):
                    while count < limit, let range = source.range(of: text, range: from..<source.endIndex) {
                        result += source[from..<range.lowerBound] + replacement
                        from = range.upperBound
                        count += 1
                    }
                case .regex(let expression):
                    for found in expression.matches(in: source, range: NSRange(source.startIndex..., in: source))
                    where count < limit {
                        guard let range = Range(found.range, in: source) else { continue }
                        // $0 is the match, $1... its groups.
                        var filled = replacement
                        for group in stride(from: found.numberOfRanges - 1, through: 0, by: -1) {
                            let text = Range(found.range(at: group), in: source).map { String(source[$0]) } ?? ""
                            filled = filled.replacingOccurrences(of: "$\(group)", with: text)
                        }
                        result += source[from..<range.lowerBound] + filled
                        from = range.upperBound
                        count += 1
                    }
                }
                return text(result + source[from...])
            }
        ),
    ]
}
