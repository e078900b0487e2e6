import Foundation

/// A `$formatInteger` / `$parseInteger` picture (F&O 3.1 §4.6.1): a decimal digit pattern such as `#,##0` or `000`
/// (in any Unicode digit family), `a`/`A` (letters), `i`/`I` (Roman numerals) or `w`/`W`/`Ww` (English words),
/// optionally followed by `;o` for ordinals.
struct IntegerPicture {
    enum Primary {
        case letters(upper: Bool)
        case roman(upper: Bool)
        case words(Case)
        case digits(zero: UInt32, mandatory: Int, groups: [(position: Int, separator: Character)], regular: Int)
    }

    enum Case { case lower, upper, title }

    var primary: Primary
    var ordinal: Bool

    init(_ picture: String) throws {
        var format = Substring(picture)
        ordinal = false
        if let semicolon = picture.lastIndex(of: ";") {
            format = picture[..<semicolon]
            ordinal = picture[picture.index(after: semicolon)...].hasPrefix("o")
        }
        switch format {
        case "a", "A": primary = .letters(upper: format == "A")
        case "i", "I": primary = .roman(upper: format == "I")
        case "w": primary = .words(.lower)
        case "W": primary = .words(.upper)
        case "Ww": primary = .words(.title)
        default: primary = try Self.digitPattern(format)
        }
    }

    private static func digitPattern(_ format: Substring) throws -> Primary {
        var zero: UInt32?
        var mandatory = 0
        var signs = 0
        var separators: [(signsBefore: Int, separator: Character)] = []
        for character in format {
            if character == "#" {
                signs += 1
            } else if let value = character.wholeNumberValue, character.unicodeScalars.count == 1,
                character.unicodeScalars.first!.properties.numericType == .decimal
            {
                let familyZero = character.unicodeScalars.first!.value - UInt32(value)
                if let zero, zero != familyZero {
                    throw JSONataError(
                        "D3131", "In a decimal digit pattern, all digits must be from the same decimal group")
                }
                zero = familyZero
                mandatory += 1
                signs += 1
            } else {
                separators.append((signs, character))
            }
        }
        guard let zero else {
            throw JSONataError(
                "D3130",
                "Formatting or parsing an integer as a sequence starting with \(format.first.map(String.init) ?? "") is not supported by this implementation"
            )
        }
        let groups = separators.map { (position: signs - $0.signsBefore, separator: $0.separator) }
        // Regular when the separators are all one character at equal intervals: then they repeat leftwards.
        let positions = groups.map(\.position)
        var regular = 0
        if let first = groups.first, groups.allSatisfy({ $0.separator == first.separator }) {
            regular = NumberPicture.regularInterval(positions)
        }
        return .digits(zero: zero, mandatory: mandatory, groups: groups, regular: regular)
    }

    // MARK: formatting

    func format(_ value: Double) throws -> String {
        // Negative zero (`-0`, `-0.4`) is zero, written without a sign.
        let number = value.rounded(.towardZero) + 0
        if number < 0 { return "-" + (try format(-number)) }
        guard number.isFinite else {
            throw JSONataError("D3130", "The number \(value) cannot be formatted as an integer")
        }
        switch primary {
        case .letters(let upper):
            return number < 1e18 ? Self.letters(UInt64(number), upper: upper) : String(format: "%.0f", number)
        case .roman(let upper):
            return number < 1e9 ? Self.roman(UInt64(number), upper: upper) : String(format: "%.0f", number)
        case .words(let letterCase):
            let words = Self.words(number, ordinal: ordinal)
            switch letterCase {
            case .lower: return words
            case .upper: return words.uppercased()
            case .title:
                // Every word capitalised, the parts of `fifty-five` too, but not `and`.
                var titled = ""
                var atStart = true
                for character in words {
                    titled.append(atStart ? Character(character.uppercased()) : character)
                    atStart = character == " " || character == "-"
                }
                return titled.replacingOccurrences(of: " And ", with: " and ")
            }
        case .digits(let zero, let mandatory, let groups, let regular):
            var digits = Array(String(format: "%.0f", number))
            if digits.count < mandatory {
                digits.insert(contentsOf: repeatElement("0", count: mandatory - digits.count), at: 0)
            }
            digits = digits.map { Character(Unicode.Scalar(zero + UInt32($0.wholeNumberValue!))!) }
            var written = ""
            for (index, digit) in digits.enumerated() {
                let fromRight = digits.count - index
                if index > 0 {
                    if regular > 0, fromRight % regular == 0 {
                        written.append(groups[0].separator)
                    } else if regular == 0, let group = groups.first(where: { $0.position == fromRight }) {
                        written.append(group.separator)
                    }
                }
                written.append(digit)
            }
            return ordinal ? written + Self.ordinalSuffix(number) : written
        }
    }

    static func ordinalSuffix(_ value: Double) -> String {
        if (11...13).contains(value.truncatingRemainder(dividingBy: 100)) { return "th" }
        switch value.truncatingRemainder(dividingBy: 10) {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }

    static func letters(_ value: UInt64, upper: Bool) -> String {
        let base = upper ? UInt32(65) : UInt32(97)
        var remaining = value
        var letters: [Character] = []
        while remaining > 0 {
            letters.insert(Character(Unicode.Scalar(base + UInt32((remaining - 1) % 26))!), at: 0)
            remaining = (remaining - 1) / 26
        }
        return String(letters)
    }

    static let numerals: [(UInt64, String)] = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"),
        (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]

    static func roman(_ value: UInt64, upper: Bool) -> String {
        var remaining = value
        var written = ""
        for (amount, numeral) in numerals {
            while remaining >= amount {
                written += numeral
                remaining -= amount
            }
        }
        return upper ? written : written.lowercased()
    }

    static let small = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ]
    static let smallOrdinals = [
        "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
        "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
        "nineteenth",
    ]
    static let tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    static let magnitudes: [(Double, String)] = [
        (1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"),
    ]

    /// English words as JSONata writes them: `two thousand, seven hundred and eighty-nine`; past the trillions the
    /// count of trillions is itself written out (`one thousand trillion`).
    static func words(_ value: Double, ordinal: Bool, after: Bool = false) -> String {
        if value < 20 { return (after ? " and " : "") + (ordinal ? smallOrdinals : small)[Int(value)] }
        if value < 100 {
            let decade = tens[Int(value / 10) - 2]
            let rest = value.truncatingRemainder(dividingBy: 10)
            if rest > 0 { return (after ? " and " : "") + decade + "-" + words(rest, ordinal: ordinal) }
            return (after ? " and " : "") + (ordinal ? decade.dropLast() + "ieth" : decade)
        }
        let (unit, name) = value < 1000 ? (100, "hundred") : magnitudes.first { value >= $0.0 }!
        let count = (value / unit).rounded(.down)
        let rest = value - count * unit
        var written = (after ? ", " : "") + words(count, ordinal: false) + " " + name
        if rest >= 1 {
            written += words(rest, ordinal: ordinal, after: true)
        } else if ordinal {
            written += "th"
        }
        return written
    }

    // MARK: parsing

    /// The number `text` writes by this picture, or nil when it does not match.
    func parse(_ text: String) throws -> Double? {
        switch primary {
        case .letters(let upper):
            var value: UInt64 = 0
            for scalar in text.unicodeScalars {
                let base: UInt32 = upper ? 65 : 97
                guard scalar.value >= base, scalar.value < base + 26 else { return nil }
                value = value * 26 + UInt64(scalar.value - base + 1)
            }
            return text.isEmpty ? nil : Double(value)
        case .roman:
            let values: [Character: Int] = ["M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1]
            var total = 0
            var largest = 0
            if text.isEmpty { return 0 }
            for character in text.uppercased().reversed() {
                guard let value = values[character] else { return nil }
                if value < largest {
                    total -= value
                } else {
                    largest = value
                    total += value
                }
            }
            return Double(total)
        case .words: return Self.parseWords(text.lowercased())
        case .digits(let zero, _, _, _):
            var digits = text
            if ordinal { while let last = digits.last, last.isLetter { digits.removeLast() } }
            var value: Double = 0
            var seen = false
            for scalar in digits.unicodeScalars {
                if scalar.value >= zero && scalar.value < zero + 10 {
                    value = value * 10 + Double(scalar.value - zero)
                    seen = true
                } else if scalar.properties.numericType != nil {
                    return nil
                }
            }
            return seen ? value : nil
        }
    }

    static let wordValues: [String: Double] = {
        var values: [String: Double] = ["hundred": 100, "hundredth": 100]
        for (index, word) in small.enumerated() { values[word] = Double(index) }
        for (index, word) in smallOrdinals.enumerated() { values[word] = Double(index) }
        for (index, word) in tens.enumerated() {
            values[word] = Double(index + 2) * 10
            values[word.dropLast() + "ieth"] = Double(index + 2) * 10
        }
        for (amount, word) in magnitudes {
            values[word] = amount
            values[word + "th"] = amount
        }
        return values
    }()

    /// Words back to a number: a magnitude larger than the last one (or one straight after another) multiplies
    /// all that came before it (`one thousand trillion`); a smaller one adds its count.
    static func parseWords(_ text: String) -> Double? {
        let words = text.replacingOccurrences(of: ",", with: " ").replacingOccurrences(of: "-", with: " ")
            .split(separator: " ").filter { $0 != "and" }
        guard !words.isEmpty else { return nil }
        var total: Double = 0
        var current: Double = 0
        var lastMagnitude: Double = 0
        for word in words {
            guard let value = wordValues[String(word)] else { return nil }
            if value == 100 {
                current = max(current, 1) * 100
            } else if value >= 1000 {
                if value > lastMagnitude || current == 0 {
                    total = (total + max(current, total == 0 ? 1 : 0)) * value
                } else {
                    total += current * value
                }
                current = 0
                lastMagnitude = value
            } else {
                current += value
            }
        }
        return total + current
    }
}
