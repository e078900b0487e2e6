import Foundation

/// Padding, encodings, time, and the array functions `$spread`, `$zip` and `$single`.
extension Functions {
    /// Milliseconds since 1970 written by a picture (ISO 8601 with milliseconds when there is none:
    /// `2017-11-07T15:07:54.972Z`) at an offset given as `±HHMM` (UTC when there is none).
    static func dateTime(_ millis: Double, picture: String?, zone: String?) throws -> String {
        guard millis.isFinite, abs(millis) < 8.64e15 else {
            throw JSONataError("D3110", "The number \(millis) is not a time JSONata can write")
        }
        var offset = 0
        if let zone {
            guard let minutes = DateTimePicture.offset(zone) else {
                throw JSONataError("D3110", "The timezone \(zone) is not of the form ±HHMM")
            }
            offset = minutes
        }
        return try DateTimePicture(picture ?? DateTimePicture.iso).format(millis: millis, offsetMinutes: offset)
    }

    /// A percent-encoded string decoded, or D3140.
    static func decodeURL(_ args: Arguments, _ name: String) throws -> String? {
        guard let source = try args.string(0) else { return nil }
        guard let decoded = source.removingPercentEncoding else {
            throw JSONataError("D3140", "Malformed URL passed to $\(name)(): \"\(source)\"")
        }
        return decoded
    }

    static let more: [Definition] = [
        (
            "pad", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let width = try args.number(1) else { throw args.wrong(1) }
                let padding = try args.string(2) ?? " "
                let missing = Int(abs(width)) - source.count
                guard missing > 0, !padding.isEmpty else { return text(source) }
                let fill = String(String(repeating: padding, count: missing / padding.count + 1).prefix(missing))
                return text(width > 0 ? source + fill : fill + source)
            }
        ),
        ("base64encode", true, { args in text(try args.string(0).map { Data($0.utf8).base64EncodedString() }) }),
        (
            "base64decode", true,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let data = Data(base64Encoded: source), let decoded = String(data: data, encoding: .utf8) else {
                    throw JSONataError("D3137", "The string is not valid base64")
                }
                return text(decoded)
            }
        ),
        (
            "encodeUrlComponent", true,
            { args in
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-_.!~*'()")
                return text(try args.string(0)?.addingPercentEncoding(withAllowedCharacters: allowed))
            }
        ),
        (
            "encodeUrl", true,
            { args in
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-_.!~*'();/?:@&=+$,#")
                return text(try args.string(0)?.addingPercentEncoding(withAllowedCharacters: allowed))
            }
        ),
        ("decodeUrlComponent", true, { args in text(try decodeURL(args, "decodeUrlComponent")) }),
        ("decodeUrl", true, { args in text(try decodeURL(args, "decodeUrl")) }),
        (
            "formatBase", true,
            { args in
                guard let value = try args.number(0) else { return nil }
                let radix = Int(clamping: try args.number(1) ?? 10)
                guard (2...36).contains(radix) else {
                    throw JSONataError(
                        "D3100", "The radix of the formatBase function must be between 2 and 36. It was given \(radix)")
                }
                return text(String(Int(clamping: value.rounded(.toNearestOrEven)), radix: radix))
            }
        ),
        ("shuffle", false, { args in (try args.array(0)).map { array($0.shuffled()) } ?? nil }),
        // Values here are copies already: a clone is the value itself (a function is not JSON, so nothing).
        ("clone", false, { args in args.value(0).map(Item.value) }),
        (
            "eval", false,
            { args in
                guard let source = try args.string(0) else { return nil }
                let expression: JSONataExpression
                do {
                    expression = try JSONataExpression(source)
                } catch let error as JSONataError {
                    throw JSONataError("D3120", "Syntax error in expression passed to function eval: \(error.message)")
                }
                // In the context given, else the call's own.
                let context = args.isMissing(1) ? args.context : args.item(1)
                return try args.evaluator.evaluate(expression.root, context, Scope(parent: library))
            }
        ),
        ("millis", false, { args in number(args.evaluator.now) }),
        (
            "now", false,
            { args in text(try dateTime(args.evaluator.now, picture: args.string(0), zone: args.string(1))) }
        ),
        (
            "fromMillis", false,
            { args in
                guard let millis = try args.number(0) else { return nil }
                return text(try dateTime(millis, picture: args.string(1), zone: args.string(2)))
            }
        ),
        (
            "toMillis", false,
            { args in
                guard let source = try args.string(0) else { return nil }
                if let picture = try args.string(1) {
                    return number(try DateTimePicture(picture).parse(source, now: args.evaluator.now))
                }
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                let plain = ISO8601DateFormatter()
                guard let date = formatter.date(from: source) ?? plain.date(from: source) else {
                    throw JSONataError("D3110", "The timestamp \(source) cannot be parsed")
                }
                return number((date.timeIntervalSince1970 * 1000).rounded())
            }
        ),
        (
            "spread", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                var spread: [JSONataValue] = []
                for item in items {
                    guard case .object(let object) = item else {
                        spread.append(item)
                        continue
                    }
                    for (key, child) in object.pairs { spread.append(.object(OrderedObject([(key, child)]))) }
                }
                return spread.count == 1 ? value(spread[0]) : array(spread)
            }
        ),
        (
            "zip", false,
            { args in
                let lists = try (0..<args.items.count).map { try args.array($0) ?? [] }
                let length = lists.map(\.count).min() ?? 0
                return array((0..<length).map { index in .array(lists.map { $0[index] }) })
            }
        ),
        (
            "single", false,
            { args in
                guard let items = try args.array(0) else { return nil }
                var found: [JSONataValue] = []
                for (index, item) in items.enumerated() {
                    let keep =
                        try args.function(1).map {
                            Evaluator.truthy(
                                try args.apply(
                                    $0, [.value(item), .value(.number(Double(index))), .value(.array(items))]))
                        } ?? true
                    if keep { found.append(item) }
                }
                guard found.count == 1 else {
                    throw JSONataError(
                        found.isEmpty ? "D3139" : "D3138",
                        found.isEmpty
                            ? "The $single() function expected exactly 1 matching result.  Instead it matched 0."
                            : "The $single() function expected exactly 1 matching result.  Instead it matched more.")
                }
                return value(found[0])
            }
        ),
    ]
}
