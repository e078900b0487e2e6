import StatesLanguage

/// JSON values written as block-style YAML (what CloudFormation templates are read in). Keys follow
/// ``preferredOrder`` where it names them, then alphabetical order; strings are plain when YAML would read them back
/// as the same string, double-quoted (JSON escapes, which YAML shares) otherwise.
enum YAMLText {
    static let preferredOrder = [
        "AWSTemplateFormatVersion", "Transform", "Description", "Parameters", "Globals", "Resources", "Outputs",
        "Type", "Condition", "DependsOn", "Properties", "Name", "Value", "Effect", "Action", "Principal", "Resource",
    ]

    static func text(_ value: JSON) -> String {
        var lines: [String] = []
        write(value, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    static func write(_ value: JSON, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let members):
            for key in orderedKeys(members) {
                let member = members[key]!
                if let inline = inline(member) {
                    lines.append("\(pad)\(scalar(key)): \(inline)")
                } else {
                    lines.append("\(pad)\(scalar(key)):")
                    write(member, indent: indent + 2, into: &lines)
                }
            }
        case .array(let items):
            for item in items {
                if let inline = inline(item) {
                    lines.append("\(pad)- \(inline)")
                } else {
                    // The item's first line follows the dash; the rest keep its indentation.
                    var nested: [String] = []
                    write(item, indent: indent + 2, into: &nested)
                    lines.append(pad + "- " + nested[0].dropFirst(indent + 2))
                    lines += nested.dropFirst()
                }
            }
        default:
            lines.append(pad + (inline(value) ?? ""))
        }
    }

    /// A value that fits on its key's line: a scalar, or an empty collection.
    static func inline(_ value: JSON) -> String? {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return scalar(text)
        case .array(let items): return items.isEmpty ? "[]" : nil
        case .object(let members): return members.isEmpty ? "{}" : nil
        }
    }

    static func orderedKeys(_ members: JSONObject) -> [String] {
        let preferred = preferredOrder.filter { members[$0] != nil }
        return preferred + members.keys.filter { !preferredOrder.contains($0) }.sorted()
    }

    /// Plain when it is made of safe characters and would not read back as a number, date, boolean or null (so
    /// never when it starts with a digit).
    static func scalar(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:()${}")
        let special: Set = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
        if !text.isEmpty, text.allSatisfy(safe.contains), !special.contains(text.lowercased()),
            text.first.map({ !"-.:{$0123456789".contains($0) }) == true, !text.hasSuffix(":")
        {
            return text
        }
        return JSON.string(text).serialized()
    }
}
