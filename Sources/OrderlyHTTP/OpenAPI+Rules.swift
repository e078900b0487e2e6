/// JSON Schema fragments stating the rules the validators enforce, so that the document and the behaviour agree
/// (schemathesis checks both ways: what the schema allows is accepted, what it forbids is refused).
enum SchemaRule {
    /// Control characters, refused in every text field (`Validate.text`).
    private static let controls = #"\\u0000-\\u001F\\u007F-\\u009F"#
    /// The same, but for text that may hold newlines and tabs.
    private static let controlsButNewlines = #"\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F"#

    /// Free text of `min`–`max` characters without control characters; not blank when `min` > 0.
    static func text(_ min: Int, _ max: Int, newlines: Bool = false) -> String {
        let excluded = newlines ? controlsButNewlines : controls
        let pattern = min > 0 ? "^[^\(excluded)]*[^\\\\s\(excluded)][^\(excluded)]*$" : "^[^\(excluded)]*$"
        return #"{"type":"string","minLength":\#(min),"maxLength":\#(max),"pattern":"\#(pattern)"}"#
    }

    /// `EmailAddress`: a local part, one `@`, a domain of at least two labels.
    static let email =
        #"{"type":"string","maxLength":254,"pattern":"^[!-?A-~]{1,64}@[A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})+$"}"#

    /// `Validate.phone`: an optional `+`, 7–15 digits, with spaces, dashes or parentheses between them.
    static let phone = #"{"type":"string","maxLength":24,"pattern":"^\\+?[ ()-]*([0-9][ ()-]*){7,15}$"}"#

    /// `ProductRules.category`: 1–50 letters, digits, spaces, `-` or `_`, not starting or ending with a space.
    static let category =
        #"{"type":"string","minLength":1,"maxLength":50,"pattern":"^[A-Za-z0-9_-]([A-Za-z0-9 _-]*[A-Za-z0-9_-])?$"}"#

    /// An ISO 3166 alpha-2 country code.
    static let country = #"{"type":"string","pattern":"^[A-Z]{2}$"}"#

    /// A password: 8–128 characters.
    static let password = #"{"type":"string","minLength":8,"maxLength":128}"#

    /// An id of the kind with `prefix`, as ``Identifier`` accepts it.
    static func id(_ prefix: String) -> String { #"{"type":"string","pattern":"^\#(prefix)[A-Za-z0-9]{1,64}$"}"# }

    /// A date `YYYY-MM-DD`.
    static let date =
        #"{"type":"string","format":"date","pattern":"^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}"#

    /// A list cursor, as the API gave it (an empty one is the first page): `v1:` and a sort key, base64url.
    static let cursor =
        #"{"type":"string","maxLength":200,"pattern":"^(djE6([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?)?$"}"#
}
