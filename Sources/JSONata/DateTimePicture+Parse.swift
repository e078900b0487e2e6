import Foundation

/// `$toMillis` with a picture: the text read back by the same markers `$fromMillis` writes.
extension DateTimePicture {
    /// Milliseconds since 1970 of `text`, or nil when it does not match the picture.
    /// - Throws: D3136 when the picture lacks a component the others need (a day without its month, a date without
    ///   its year).
    func parse(_ text: String, now: Double) throws -> Double? {
        var rest = Substring(text)
        var found: [Character: Int] = [:]
        var pm: Bool?
        var offset = 0
        var fraction: Double = 0
        for (position, part) in parts.enumerated() {
            switch part {
            case .literal(let literal):
                guard rest.hasPrefix(literal) else { return nil }
                rest = rest.dropFirst(literal.count)
            case .marker(let marker):
                let nextIsMarker: Bool
                if position + 1 < parts.count, case .marker = parts[position + 1] {
                    nextIsMarker = true
                } else {
                    nextIsMarker = false
                }
                switch marker.component {
                case "Z", "z":
                    if marker.component == "z" {
                        guard rest.hasPrefix("GMT") else { return nil }
                        rest = rest.dropFirst(3)
                    }
                    guard let zone = Self.readZone(&rest) else { return nil }
                    offset = zone
                case "P":
                    let word = rest.prefix(2).lowercased()
                    guard word == "am" || word == "pm" else { return nil }
                    pm = word == "pm"
                    rest = rest.dropFirst(2)
                case "C", "E":
                    guard rest.hasPrefix("ISO") else { return nil }
                    rest = rest.dropFirst(3)
                case "f":
                    let digits = rest.prefix { $0.isASCII && $0.isNumber }
                    guard !digits.isEmpty, let value = Double("0." + digits) else { return nil }
                    fraction = value
                    rest = rest.dropFirst(digits.count)
                default:
                    guard let value = try Self.readValue(marker, &rest, fixedWidth: nextIsMarker) else { return nil }
                    found[marker.component] = value
                }
            }
        }
        guard rest.isEmpty else { return nil }
        return try Self.millis(found, pm: pm, offset: offset, now: now).map { $0 + (fraction * 1000).rounded() }
    }

    /// A component's number: names of months and days, words, Roman numerals and letters, or digits (exactly the
    /// pattern's width when another marker follows at once, as `[Y0001][M01][D01]` needs).
    private static func readValue(_ marker: Marker, _ rest: inout Substring, fixedWidth: Bool) throws -> Int? {
        switch marker.presentation {
        case "N", "n", "Nn":
            let names = marker.component == "F" ? days : months
            for (index, name) in names.enumerated() {
                let shown = marker.maximumWidth.map { String(name.prefix($0)) } ?? name
                if rest.lowercased().hasPrefix(shown.lowercased()) {
                    rest = rest.dropFirst(shown.count)
                    return index + 1
                }
            }
            return nil
        default:
            let picture = try IntegerPicture(marker.presentation + (marker.modifier == "o" ? ";o" : ""))
            let taken: Substring
            if case .digits(_, let mandatory, let groups, _) = picture.primary, groups.isEmpty, fixedWidth {
                taken = rest.prefix(max(mandatory, marker.minimumWidth ?? 0))
            } else if case .digits(_, _, let groups, _) = picture.primary {
                let separators = Set(groups.map(\.separator))
                taken = rest.prefix { $0.isNumber || (picture.ordinal && $0.isLetter) || separators.contains($0) }
            } else if case .words = picture.primary {
                taken = rest.prefix { $0.isLetter || $0 == " " || $0 == "-" || $0 == "," }
            } else {
                taken = rest.prefix { $0.isLetter }
            }
            guard !taken.isEmpty, let value = try picture.parse(String(taken)), value < 1e9 else { return nil }
            rest = rest.dropFirst(taken.count)
            return Int(value)
        }
    }

    /// `Z`, `±HH:MM`, `±HHMM` or `±H`.
    private static func readZone(_ rest: inout Substring) -> Int? {
        if rest.first == "Z" {
            rest = rest.dropFirst()
            return 0
        }
        guard let sign = rest.first, sign == "+" || sign == "-" else { return nil }
        rest = rest.dropFirst()
        let hours = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(hours.count)
        var hour = Int(hours) ?? 0
        var minute = 0
        if hours.count == 4 {
            minute = hour % 100
            hour /= 100
        } else if rest.first == ":" {
            let minutes = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            guard minutes.count == 2 else { return nil }
            minute = Int(minutes)!
            rest = rest.dropFirst(3)
        }
        guard !hours.isEmpty, hour < 24, minute < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hour * 60 + minute)
    }

    private static func millis(_ found: [Character: Int], pm: Bool?, offset: Int, now: Double) throws -> Double? {
        let missing = JSONataError(
            "D3136", "The date/time picture string is missing specifiers required to parse the timestamp")
        var days: Int
        if let year = found["Y"] {
            if let dayOfYear = found["d"] {
                days = Fields.days(year, 1, 1) + dayOfYear - 1
            } else {
                guard found["D"] == nil || found["M"] != nil else { throw missing }
                let month = found["M"] ?? 1
                let day = found["D"] ?? 1
                guard (1...12).contains(month), (1...31).contains(day) else { return nil }
                days = Fields.days(year, month, day)
            }
        } else {
            guard found["M"] == nil && found["D"] == nil && found["d"] == nil else { throw missing }
            // A time alone is a time today (in UTC).
            days = Int(Int64(now.rounded(.down)).floorDivided(by: 86_400_000))
        }
        var hour = found["H"] ?? 0
        if let twelve = found["h"] {
            guard (1...12).contains(twelve) else { return nil }
            hour = twelve % 12 + (pm == true ? 12 : 0)
        }
        let minute = found["m"] ?? 0
        let second = found["s"] ?? 0
        guard hour < 24, minute < 60, second < 61 else { return nil }
        let seconds = Double(days) * 86_400 + Double(hour * 3600 + minute * 60 + second - offset * 60)
        return seconds * 1000
    }
}
