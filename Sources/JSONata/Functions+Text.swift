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
                var start = Int(startValue)
                if start < 0 { start = max(0, characters.count + start) }
                start = min(start, characters.count)
                var end = characters.count
                if let length = try args.number(2) { end = min(characters.count, start + max(0, Int(length))) }
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
                guard let pattern = try args.string(1) else { throw args.wrong(1) }
                return bool(source.contains(pattern))
            }
        ),
        (
            "split", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let separator = try args.string(1) else { throw args.wrong(1) }
                var parts: [String]
                if separator.isEmpty {
                    parts = source.map(String.init)
                } else {
                    parts = source.components(separatedBy: separator)
                }
                if let limit = try args.number(2) {
                    guard limit >= 0 else {
                        throw JSONataError(
                            "D3020", "Third argument of split function must evaluate to a positive number")
                    }
                    parts = Array(parts.prefix(Int(limit)))
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
                guard let pattern = try args.string(1), !pattern.isEmpty else {
                    throw JSONataError("D3010", "Second argument of replace function cannot be an empty string")
                }
                guard let replacement = try args.string(2) else { throw args.wrong(2) }
                if let limit = try args.number(3) {
                    var result = source
                    var count = 0
                    var searchFrom = result.startIndex
                    while count < Int(limit), let range = result.range(of: pattern, range: searchFrom..<result.endIndex)
                    {
                        result.replaceSubrange(range, with: replacement)
                        searchFrom = result.index(range.lowerBound, offsetBy: replacement.count)
                        count += 1
                    }
                    return text(result)
                }
                return text(source.replacingOccurrences(of: pattern, with: replacement))
            }
        ),
    ]
}
