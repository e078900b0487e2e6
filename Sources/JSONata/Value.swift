/// A JSON value as JSONata sees it: numbers are doubles, and objects keep the order their keys were made in.
public indirect enum JSONataValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONataValue])
    case object(OrderedObject)

    /// The value at `key` when this is an object.
    public subscript(key: String) -> JSONataValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The value as JSON text, keys in their order (what `$string` answers).
    public var jsonText: String {
        var text = ""
        write(to: &text)
        return text
    }

    func write(to text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let value): text += Self.format(value)
        case .string(let value): Self.quote(value, into: &text)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                item.write(to: &text)
            }
            text += "]"
        case .object(let object):
            text += "{"
            for (index, key) in object.keys.enumerated() {
                if index > 0 { text += "," }
                Self.quote(key, into: &text)
                text += ":"
                object[key]!.write(to: &text)
            }
            text += "}"
        }
    }

    /// A number as JSONata prints it: whole numbers without a fraction, others with up to 15 significant digits.
    static func format(_ value: Double) -> String {
        if value.rounded() == value && abs(value) < 9e18 { return String(Int64(value)) }
        // Whole numbers up to 1e21 are written out in full as JavaScript does: the shortest digits that give the
        // number back, then zeros (Int64 cannot hold them all).
        if value.rounded() == value && abs(value) < 1e21 { return wholeDigits(value) }
        var text = String(value)
        if let precise = Double(String(format: "%.15g", value)), precise == value {
            text = String(format: "%.15g", value)
        }
        return text
    }

    /// A large whole number's shortest digits (`1.2345e+19`) written out without an exponent.
    static func wholeDigits(_ value: Double) -> String {
        let shortest = "\(value.magnitude)"
        let parts = shortest.split(separator: "e")
        let mantissa = parts[0].replacingOccurrences(of: ".", with: "")
        let pointAt = parts[0].firstIndex(of: ".").map { parts[0].distance(from: parts[0].startIndex, to: $0) }
        let exponent = parts.count > 1 ? Int(parts[1].replacingOccurrences(of: "+", with: "")) ?? 0 : 0
        let integerDigits = (pointAt ?? mantissa.count) + exponent
        var digits = String(mantissa.prefix(integerDigits))
        if digits.count < integerDigits { digits += String(repeating: "0", count: integerDigits - digits.count) }
        return (value < 0 ? "-" : "") + digits
    }

    static func quote(_ value: String, into text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

/// A JSON object whose keys keep the order they were first set in.
public struct OrderedObject: Hashable, Sendable {
    public private(set) var keys: [String] = []
    private var values: [String: JSONataValue] = [:]

    public init() {}

    public init(_ pairs: [(String, JSONataValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public subscript(key: String) -> JSONataValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The pairs in order.
    public var pairs: [(key: String, value: JSONataValue)] { keys.map { ($0, values[$0]!) } }

    /// Equal when they hold the same pairs, whatever their order (as JSON objects compare).
    public static func == (lhs: OrderedObject, rhs: OrderedObject) -> Bool { lhs.values == rhs.values }
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }
}

extension JSONataValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONataValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONataValue)...) { self = .object(OrderedObject(elements)) }
}

extension Int {
    /// A double as an Int, the nearest bound when it is out of range and 0 for NaN (where `Int(_:)` would trap:
    /// an expression's numbers are any doubles).
    init(clamping value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9.2e18 {
            self = .max
        } else if value <= -9.2e18 {
            self = .min
        } else {
            self = Int(value)
        }
    }
}
