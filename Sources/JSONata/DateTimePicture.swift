import Foundation

/// A date/time picture of `$fromMillis`, `$now` and `$toMillis` (F&O 3.1 §9.8): literal text and variable markers
/// such as `[Y0001]`, `[MNn,3-3]`, `[D1o]`, `[h]:[m01] [P]` or `[Z01:01t]`, in the proleptic Gregorian calendar.
struct DateTimePicture {
    /// A variable marker: its component, presentation and width.
    struct Marker {
        var component: Character
        var presentation: String
        /// `o` (ordinal), `t` (traditional: `Z` for a zero offset), `c` or `a`, when the presentation ends in one.
        var modifier: Character?
        var minimumWidth: Int?
        var maximumWidth: Int?
        var explicitPresentation: Bool
    }

    enum Part {
        case literal(String)
        case marker(Marker)
    }

    static let iso = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
    static let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    var parts: [Part] = []

    init(_ picture: String) throws {
        // The brackets are matched first, so an unclosed marker is reported before what is inside any marker.
        var pieces: [(marker: Bool, text: String)] = []
        var literal = ""
        var characters = Array(picture)[...]
        while let character = characters.popFirst() {
            if character == "[" && characters.first == "[" || character == "]" && characters.first == "]" {
                characters.removeFirst()
                literal.append(character)
            } else if character == "[" {
                guard let close = characters.firstIndex(of: "]") else {
                    throw JSONataError("D3135", "No matching closing bracket ']' in date/time picture string")
                }
                if !literal.isEmpty { pieces.append((false, literal)) }
                literal = ""
                pieces.append((true, String(characters[..<close].filter { !$0.isWhitespace })))
                characters = characters[(close + 1)...]
            } else {
                literal.append(character)
            }
        }
        if !literal.isEmpty { pieces.append((false, literal)) }
        parts = try pieces.map { $0.marker ? .marker(try Self.marker($0.text)) : .literal($0.text) }
    }

    private static func marker(_ text: String) throws -> Marker {
        guard let component = text.first, "YMDdFWwXxHhPmsfZzCE".contains(component) else {
            throw JSONataError(
                "D3132", "Unknown component specifier \(text.first.map(String.init) ?? "") in date/time picture string")
        }
        var presentation = String(text.dropFirst())
        var minimum: Int?
        var maximum: Int?
        if let comma = presentation.lastIndex(of: ",") {
            let width = presentation[presentation.index(after: comma)...]
            presentation = String(presentation[..<comma])
            let bounds = width.split(separator: "-", omittingEmptySubsequences: false)
            // Widths past a hundred are taken as a hundred: a picture may not make a string of any size it names.
            minimum = Int(bounds[0]).map { min($0, 100) }
            maximum = bounds.count > 1 ? Int(bounds[1]).map { min($0, 100) } : nil
        }
        var modifier: Character?
        if presentation.count > 1, let last = presentation.last, "atco".contains(last),
            !(presentation.hasSuffix("Nn") || presentation == "Ww")
        {
            modifier = last
            presentation.removeLast()
        }
        let explicit = !presentation.isEmpty
        if presentation.isEmpty {
            switch component {
            case "F", "P", "C", "E": presentation = "n"
            case "m", "s": presentation = "01"
            case "Z", "z": presentation = "01:01"
            default: presentation = "1"
            }
        }
        if ["N", "n", "Nn"].contains(presentation), !"MFPCEx".contains(component) {
            throw JSONataError(
                "D3133",
                "The 'name' modifier can only be applied to months and days in the date/time picture string, not \(component)"
            )
        }
        return Marker(
            component: component, presentation: presentation, modifier: modifier, minimumWidth: minimum,
            maximumWidth: maximum, explicitPresentation: explicit)
    }

    // MARK: formatting

    /// The fields of a moment at an offset from UTC, in the proleptic Gregorian calendar.
    struct Fields {
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0
        /// 1 (Monday) to 7 (Sunday), as F&O numbers days.
        var weekday = 4
        var dayOfYear = 1
        var offsetMinutes = 0

        init(millis: Double, offsetMinutes: Int) {
            self.offsetMinutes = offsetMinutes
            let local = Int64(millis.rounded(.down)) + Int64(offsetMinutes) * 60_000
            let days = Int(local.floorDivided(by: 86_400_000))
            let inDay = Int(local - Int64(days) * 86_400_000)
            (year, month, day) = Self.civil(days)
            hour = inDay / 3_600_000
            minute = inDay / 60_000 % 60
            second = inDay / 1000 % 60
            millisecond = inDay % 1000
            weekday = (days + 3).modulo(7) + 1
            dayOfYear = days - Self.days(year, 1, 1) + 1
        }

        /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
        static func days(_ year: Int, _ month: Int, _ day: Int) -> Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }

        static func civil(_ days: Int) -> (Int, Int, Int) {
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let dayOfEra = z - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            let day = dayOfYear - (153 * mp + 2) / 5 + 1
            let month = mp < 10 ? mp + 3 : mp - 9
            return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
        }

        /// The Thursday of this date's week (Monday to Sunday): its year and month own the week, as ISO 8601 counts.
        var thursday: (year: Int, month: Int, day: Int, dayOfYear: Int) {
            let days = Self.days(year, month, day) + 4 - weekday
            let (y, m, d) = Self.civil(days)
            return (y, m, d, days - Self.days(y, 1, 1) + 1)
        }
    }

    func format(millis: Double, offsetMinutes: Int) throws -> String {
        let fields = Fields(millis: millis, offsetMinutes: offsetMinutes)
        var written = ""
        for part in parts {
            switch part {
            case .literal(let text): written += text
            case .marker(let marker): written += try Self.write(marker, fields)
            }
        }
        return written
    }

    private static func write(_ marker: Marker, _ fields: Fields) throws -> String {
        let thursday = fields.thursday
        let value: Int
        switch marker.component {
        case "Y": value = fields.year
        case "M": value = fields.month
        case "D": value = fields.day
        case "d": value = fields.dayOfYear
        case "F": value = fields.weekday
        case "W": value = (thursday.dayOfYear - 1) / 7 + 1
        case "X": value = thursday.year
        case "w": value = (thursday.day - 1) / 7 + 1
        case "x": value = thursday.month
        case "H": value = fields.hour
        case "h": value = fields.hour % 12 == 0 ? 12 : fields.hour % 12
        case "m": value = fields.minute
        case "s": value = fields.second
        case "f": return fraction(fields.millisecond, marker)
        case "Z", "z": return try zone(fields.offsetMinutes, marker)
        case "P": return name(fields.hour < 12 ? "am" : "pm", marker)
        default: return "ISO"  // C and E: the calendar and era are ISO's
        }
        switch marker.presentation {
        case "N", "n", "Nn":
            return name(marker.component == "F" ? days[value - 1] : months[value - 1], marker)
        default:
            var pattern = marker.presentation
            if let minimum = marker.minimumWidth { pattern = widened(pattern, to: minimum) }
            var shown = value
            if marker.component == "Y" {
                // A year is cut to its last digits when the picture asks for fewer: `[Y01]`, `[Y,2]`, `[Y,2-2]`.
                let signs = marker.presentation.filter { $0 == "#" || $0.isNumber }.count
                let digits =
                    marker.maximumWidth
                    ?? (!marker.explicitPresentation ? marker.minimumWidth : (signs >= 2 ? signs : nil))
                if let digits, digits > 0, digits < 10 {
                    shown = value % Int(pow(10, Double(digits)))
                }
            }
            return try IntegerPicture(pattern + (marker.modifier == "o" ? ";o" : "")).format(Double(shown))
        }
    }

    /// A decimal pattern with at least `width` mandatory digits (optional `#`s become `0` from the right first).
    private static func widened(_ pattern: String, to width: Int) -> String {
        guard pattern.contains(where: { $0 == "#" || $0.isNumber }) else { return pattern }
        var characters = Array(pattern)
        var mandatory = characters.filter(\.isNumber).count
        var index = characters.count - 1
        while mandatory < width && index >= 0 {
            if characters[index] == "#" {
                characters[index] = "0"
                mandatory += 1
            }
            index -= 1
        }
        if mandatory < width { characters.insert(contentsOf: repeatElement("0", count: width - mandatory), at: 0) }
        return String(characters)
    }

    private static func name(_ text: String, _ marker: Marker) -> String {
        var shown: String
        switch marker.presentation {
        case "N": shown = text.uppercased()
        case "Nn": shown = text.prefix(1).uppercased() + text.dropFirst().lowercased()
        default: shown = text.lowercased()
        }
        if let maximum = marker.maximumWidth, shown.count > maximum { shown = String(shown.prefix(maximum)) }
        return shown
    }

    /// Fractional seconds: as many digits as the pattern has (or its widths ask for), from the milliseconds.
    private static func fraction(_ millisecond: Int, _ marker: Marker) -> String {
        var digits = max(marker.presentation.filter { $0 == "#" || $0.isNumber }.count, marker.minimumWidth ?? 1)
        if let maximum = marker.maximumWidth { digits = min(digits, maximum) }
        var text = String(format: "%03d", millisecond)
        if digits < 3 { text = String(text.prefix(digits)) }
        if digits > 3 { text += String(repeating: "0", count: digits - 3) }
        return text
    }

    /// An offset as `[Z01:01]` (`+05:30`), `[Z0101]` (`+0530`), `[Z0]` (`+5:30`, `-5`), `[Z01:01t]` (`Z` when it
    /// is zero) or `[z]` (`GMT+05:30`).
    private static func zone(_ offset: Int, _ marker: Marker) throws -> String {
        if marker.modifier == "t" && offset == 0 { return "Z" }
        let pattern = marker.presentation
        let digits = pattern.filter(\.isNumber)
        guard digits.count <= 4 else {
            throw JSONataError("D3134", "The timezone integer format specifier cannot have more than four digits")
        }
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 60
        let minutes = abs(offset) % 60
        func padded(_ number: Int, _ width: Int) -> String {
            let text = String(number)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let written: String
        if let separator = pattern.first(where: { !$0.isNumber && $0 != "#" }) {
            let hourWidth = pattern.prefix { $0 != separator }.count
            written = padded(hours, hourWidth) + String(separator) + padded(minutes, 2)
        } else if digits.count > 2 {
            written = padded(hours, digits.count - 2) + padded(minutes, 2)
        } else {
            written = padded(hours, digits.count) + (minutes == 0 ? "" : ":" + padded(minutes, 2))
        }
        return (marker.component == "z" ? "GMT" : "") + sign + written
    }

    /// `±HHMM` (a sign optional) as minutes east of UTC, or nil when it is not one.
    static func offset(_ text: String) -> Int? {
        var digits = Substring(text)
        var sign = 1
        if let first = digits.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            digits = digits.dropFirst()
        }
        guard digits.count == 4, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return nil }
        return sign * (value / 100 * 60 + value % 100)
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension Int {
    func modulo(_ divisor: Int) -> Int {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
