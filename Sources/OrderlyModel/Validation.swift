/// Small, pure checks shared by the request validators. Each returns the issues it found.
public enum Validate {
    /// A piece of free text: trimmed length within `range`, and no control characters (newlines allowed if asked).
    public static func text(
        _ value: String, field: String, length range: ClosedRange<Int>, allowNewlines: Bool = false
    ) -> [FieldIssue] {
        let count = value.count
        if !range.contains(count) {
            return [FieldIssue(field: field, message: "must be \(range.lowerBound)–\(range.upperBound) characters")]
        }
        if range.lowerBound > 0, value.allSatisfy(\.isWhitespace) {
            return [FieldIssue(field: field, message: "must not be blank")]
        }
        let hasControl = value.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control && !(allowNewlines && (scalar == "\n" || scalar == "\t"))
        }
        if hasControl { return [FieldIssue(field: field, message: "must not contain control characters")] }
        return []
    }

    /// An integer within `range`.
    public static func integer(_ value: Int, field: String, in range: ClosedRange<Int>) -> [FieldIssue] {
        range.contains(value)
            ? [] : [FieldIssue(field: field, message: "must be between \(range.lowerBound) and \(range.upperBound)")]
    }
}

extension String {
    /// The string with leading and trailing white space removed.
    public var trimmed: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
