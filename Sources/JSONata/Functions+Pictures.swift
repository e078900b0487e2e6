import Foundation

/// `$formatNumber`, `$formatInteger` and `$parseInteger`: numbers written and read by an XPath picture string
/// (XPath and XQuery Functions and Operators 3.1, §4.6 and §4.7), as JSONata does.
extension Functions {
    static let pictures: [Definition] = [
        (
            "formatNumber", false,
            { args in
                guard let value = try args.number(0) else { return nil }
                guard let picture = try args.string(1) else { throw args.wrong(1) }
                var symbols = DecimalSymbols()
                if let options = args.value(2) {
                    guard case .object(let object) = options else { throw args.wrong(2) }
                    try symbols.override(with: object)
                }
                return text(try NumberPicture.format(value, picture: picture, symbols: symbols))
            }
        ),
        (
            "formatInteger", false,
            { args in
                guard let value = try args.number(0) else { return nil }
                guard let picture = try args.string(1) else { throw args.wrong(1) }
                return text(try IntegerPicture(picture).format(value))
            }
        ),
        (
            "parseInteger", false,
            { args in
                guard let source = try args.string(0) else { return nil }
                guard let picture = try args.string(1) else { throw args.wrong(1) }
                return number(try IntegerPicture(picture).parse(source))
            }
        ),
    ]
}

/// The characters a `$formatNumber` picture is read with; the third argument may change any of them.
struct DecimalSymbols {
    var decimal: Character = "."
    var grouping: Character = ","
    var exponent: Character = "e"
    var percent: Character = "%"
    var perMille: Character = "\u{2030}"
    var zero: Character = "0"
    var digit: Character = "#"
    var pattern: Character = ";"
    var minus = "-"
    var infinity = "Infinity"
    var notANumber = "NaN"

    /// The ten digits from `zero` up.
    var digits: [Character] {
        let start = zero.unicodeScalars.first!.value
        return (0..<10).compactMap { Unicode.Scalar(start + $0).map(Character.init) }
    }

    mutating func override(with options: OrderedObject) throws {
        for (name, value) in options.pairs {
            guard case .string(let text) = value, let first = text.first else {
                throw JSONataError("D3080", "The option \(name) of $formatNumber must be a non-empty string")
            }
            switch name {
            case "decimal-separator": decimal = first
            case "grouping-separator": grouping = first
            case "exponent-separator": exponent = first
            case "percent": percent = first
            case "per-mille": perMille = first
            case "zero-digit": zero = first
            case "digit": digit = first
            case "pattern-separator": pattern = first
            case "minus-sign": minus = text
            case "infinity": infinity = text
            case "NaN": notANumber = text
            default: break
            }
        }
        // The picture's characters must tell apart (F&O: the decimal format's characters are distinct).
        let marks = [decimal, grouping, percent, perMille, digit, pattern]
        guard digits.count == 10, zero.unicodeScalars.count == 1, Set(marks + digits).count == marks.count + 10
        else {
            throw JSONataError("T0410", "Argument 3 of function \"formatNumber\" does not match function signature")
        }
    }
}

/// One sub-picture of `$formatNumber`, analysed (F&O §4.7.4).
struct NumberPicture {
    var prefix: String
    var suffix: String
    var hasDecimal: Bool
    var percent: Bool
    var perMille: Bool
    /// Where grouping separators go, in digits from the decimal point: leftwards in the integer part, rightwards
    /// in the fraction.
    var integerGroups: [Int]
    var fractionGroups: [Int]
    /// The integer part's grouping repeats at this interval (0: it does not).
    var regularGrouping: Int
    var minimumInteger: Int
    var scaling: Int
    var minimumFraction: Int
    var maximumFraction: Int
    var hasExponent: Bool
    var minimumExponent: Int

    static func format(_ value: Double, picture: String, symbols: DecimalSymbols) throws -> String {
        let parts = picture.split(separator: symbols.pattern, omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw JSONataError("D3080", "The picture string must only contain a maximum of two sub-pictures")
        }
        let positive = try NumberPicture(Array(parts[0]), symbols)
        var negative = positive
        if parts.count == 2 {
            negative = try NumberPicture(Array(parts[1]), symbols)
        } else {
            negative.prefix = symbols.minus + negative.prefix
        }
        if value.isNaN { return symbols.notANumber }
        return (value < 0 ? negative : positive).write(value, symbols)
    }

    // swift-format-ignore: FunctionBodyLength
    init(_ picture: [Character], _ symbols: DecimalSymbols) throws {
        let digits = Set(symbols.digits)
        let active = digits.union([symbols.decimal, symbols.exponent, symbols.grouping, symbols.digit, symbols.pattern])
        func count(_ character: Character, in text: some Collection<Character>) -> Int {
            text.filter { $0 == character }.count
        }
        func isDigitSign(_ character: Character) -> Bool { digits.contains(character) || character == symbols.digit }
        let first = picture.firstIndex { active.contains($0) && $0 != symbols.exponent } ?? picture.count
        let last = picture.lastIndex { active.contains($0) && $0 != symbols.exponent } ?? (picture.count - 1)
        let activePart = first <= last ? Array(picture[first...last]) : []
        prefix = String(picture[..<first])
        suffix = first <= last ? String(picture[(last + 1)...]) : ""
        let exponentAt = activePart.firstIndex(of: symbols.exponent)
        let mantissa = exponentAt.map { Array(activePart[..<$0]) } ?? activePart
        let exponentPart = exponentAt.map { Array(activePart[($0 + 1)...]) }
        let decimalAt = mantissa.firstIndex(of: symbols.decimal)
        let integerPart = decimalAt.map { Array(mantissa[..<$0]) } ?? mantissa
        let fractionPart = decimalAt.map { Array(mantissa[($0 + 1)...]) } ?? []
        hasDecimal = picture.contains(symbols.decimal)
        percent = picture.contains(symbols.percent)
        perMille = picture.contains(symbols.perMille)

        // F&O §4.7.3: what a sub-picture may not be.
        // Each rule is checked, and the last one broken is the error (as jsonata-js reports it).
        var failure: JSONataError?
        func fail(_ code: String, _ message: String) -> JSONataError { JSONataError(code, message) }
        if count(symbols.decimal, in: picture) > 1 {
            failure = fail(
                "D3081", "The sub-picture must not contain more than one instance of the 'decimal-separator' character")
        }
        if count(symbols.percent, in: picture) > 1 {
            failure = fail(
                "D3082", "The sub-picture must not contain more than one instance of the 'percent' character")
        }
        if count(symbols.perMille, in: picture) > 1 {
            failure = fail(
                "D3083", "The sub-picture must not contain more than one instance of the 'per-mille' character")
        }
        if percent && perMille {
            failure = fail("D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character")
        }
        if !mantissa.contains(where: isDigitSign) {
            failure = fail(
                "D3085",
                "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"
            )
        }
        if activePart.contains(where: { !active.contains($0) }) {
            failure = fail(
                "D3086",
                "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"
            )
        }
        if let at = picture.firstIndex(of: symbols.decimal) {
            if (at > 0 && picture[at - 1] == symbols.grouping)
                || (at + 1 < picture.count && picture[at + 1] == symbols.grouping)
            {
                failure = fail(
                    "D3087",
                    "A 'grouping-separator' character must not appear adjacent to a 'decimal-separator' character")
            }
        } else if integerPart.last == symbols.grouping {
            failure = fail(
                "D3088", "The integer part of a sub-picture must not end with a 'grouping-separator' character")
        }
        if zip(picture, picture.dropFirst()).contains(where: { $0 == symbols.grouping && $1 == symbols.grouping }) {
            failure = fail(
                "D3089", "A sub-picture must not contain two adjacent instances of the 'grouping-separator' character")
        }
        if let optional = integerPart.firstIndex(of: symbols.digit),
            integerPart[..<optional].contains(where: digits.contains)
        {
            failure = fail(
                "D3090",
                "The integer part of a sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"
            )
        }
        if let optional = fractionPart.lastIndex(of: symbols.digit),
            fractionPart[optional...].contains(where: digits.contains)
        {
            failure = fail(
                "D3091",
                "The fractional part of a sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"
            )
        }
        if let exponentPart, !exponentPart.isEmpty, percent || perMille {
            failure = fail(
                "D3092",
                "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"
            )
        }
        if let exponentPart, exponentPart.isEmpty || exponentPart.contains(where: { !digits.contains($0) }) {
            failure = fail(
                "D3093",
                "The exponent part of a sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'"
            )
        }

        if let failure { throw failure }

        // F&O §4.7.4: the sizes and groupings the picture asks for.
        integerGroups = integerPart.indices.filter { integerPart[$0] == symbols.grouping }.map { at in
            integerPart[at...].filter(isDigitSign).count
        }
        fractionGroups = fractionPart.indices.filter { fractionPart[$0] == symbols.grouping }.map { at in
            fractionPart[..<at].filter(isDigitSign).count
        }
        regularGrouping = Self.regularInterval(integerGroups)
        minimumInteger = integerPart.filter(digits.contains).count
        scaling = minimumInteger
        minimumFraction = fractionPart.filter(digits.contains).count
        maximumFraction = fractionPart.filter(isDigitSign).count
        hasExponent = exponentPart != nil
        if minimumInteger == 0 && maximumFraction == 0 {
            if hasExponent {
                minimumFraction = 1
                maximumFraction = 1
            } else {
                minimumInteger = 1
            }
        }
        if hasExponent && minimumInteger == 0 && integerPart.contains(symbols.digit) { minimumInteger = 1 }
        if minimumInteger == 0 && minimumFraction == 0 { minimumFraction = 1 }
        minimumExponent = exponentPart?.filter(digits.contains).count ?? 0
    }

    /// The interval when every grouping position is a multiple of one and they are all there; else 0.
    static func regularInterval(_ positions: [Int]) -> Int {
        guard !positions.isEmpty else { return 0 }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let factor = positions.reduce(0, gcd)
        guard factor > 0 else { return 0 }
        return (1...positions.count).allSatisfy { positions.contains($0 * factor) } ? factor : 0
    }

    /// F&O §4.7.5: the number written by this sub-picture.
    func write(_ value: Double, _ symbols: DecimalSymbols) -> String {
        var adjusted = abs(value)
        if percent { adjusted *= 100 } else if perMille { adjusted *= 1000 }
        guard adjusted.isFinite else { return prefix + symbols.infinity + suffix }
        var mantissa = adjusted
        var exponent = 0
        if minimumExponent > 0 && mantissa > 0 {
            let most = pow(10, Double(scaling))
            let least = pow(10, Double(scaling - 1))
            while mantissa < least {
                mantissa *= 10
                exponent -= 1
            }
            while mantissa > most {
                mantissa /= 10
                exponent += 1
            }
        }
        let family = symbols.digits
        func native(_ text: String) -> [Character] {
            text.map { character in
                character.wholeNumberValue.map { character.isASCII ? family[$0] : character } ?? character
            }
        }
        let rounded = Functions.round(mantissa, maximumFraction)
        var digits = native(String(format: "%.\(maximumFraction)f", rounded)).map { $0 == "." ? symbols.decimal : $0 }
        if !digits.contains(symbols.decimal) { digits.append(symbols.decimal) }
        while digits.first == symbols.zero { digits.removeFirst() }
        while digits.last == symbols.zero { digits.removeLast() }
        var point = digits.firstIndex(of: symbols.decimal)!
        let fractionDigits = digits.count - point - 1
        if minimumInteger > point {
            digits.insert(contentsOf: repeatElement(symbols.zero, count: minimumInteger - point), at: 0)
        }
        if minimumFraction > fractionDigits {
            digits.append(contentsOf: repeatElement(symbols.zero, count: minimumFraction - fractionDigits))
        }
        point = digits.firstIndex(of: symbols.decimal)!
        if regularGrouping > 0 {
            for group in stride(from: regularGrouping, to: point, by: regularGrouping) {
                digits.insert(symbols.grouping, at: point - group)
            }
        } else {
            for position in integerGroups.sorted(by: >) where position < point {
                digits.insert(symbols.grouping, at: digits.firstIndex(of: symbols.decimal)! - position)
            }
        }
        point = digits.firstIndex(of: symbols.decimal)!
        for (inserted, position) in fractionGroups.sorted().enumerated()
        where point + 1 + position + inserted < digits.count {
            digits.insert(symbols.grouping, at: point + 1 + position + inserted)
        }
        if !hasDecimal || digits.last == symbols.decimal {
            digits.remove(at: digits.firstIndex(of: symbols.decimal)!)
        }
        var written = String(digits)
        if hasExponent {
            var exponentDigits = native(String(abs(exponent)))
            if minimumExponent > exponentDigits.count {
                exponentDigits.insert(
                    contentsOf: repeatElement(symbols.zero, count: minimumExponent - exponentDigits.count), at: 0)
            }
            written += String(symbols.exponent) + (exponent < 0 ? symbols.minus : "") + String(exponentDigits)
        }
        return prefix + written + suffix
    }
}
