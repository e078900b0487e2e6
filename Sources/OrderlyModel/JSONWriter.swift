import Foundation

/// JSON text written by hand, for the few documents written on every checkout (the stored order, payment and
/// reservation, the order as the API answers it): byte for byte what Foundation's `JSONEncoder` writes with sorted
/// keys for the same values, when the caller writes an object's members in sorted order and leaves a nil optional out
/// (as a synthesized `Encodable` does). Tests hold each such document equal to `JSONEncoder`'s; `JSONEncoder` took
/// ten times as long.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Whether `/` is written `\/` (`JSONEncoder`'s default) or as it is (`.withoutEscapingSlashes`).
    let escapesSlashes: Bool

    public init(escapesSlashes: Bool = true) {
        self.escapesSlashes = escapesSlashes
        bytes.reserveCapacity(1024)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// An object whose members `body` writes with ``Members/member(_:_:)-(_,(inout JSONWriter)->Void)`` in sorted
    /// order.
    public mutating func object(_ body: (inout Members) -> Void) {
        // The bytes move to the members and back: emptied here, they are not copied when the members append.
        var members = Members(writer: self)
        bytes = []
        members.writer.bytes.append(UInt8(ascii: "{"))
        body(&members)
        members.writer.bytes.append(UInt8(ascii: "}"))
        self = members.writer
    }

    public mutating func array<S: Sequence>(_ elements: S, _ element: (inout JSONWriter, S.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for value in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The members of an object being written.
    public struct Members {
        fileprivate var writer: JSONWriter
        private var first = true

        fileprivate init(writer: JSONWriter) { self.writer = writer }

        /// A member; its key must sort after the one before.
        public mutating func member(_ key: StaticString, _ value: (inout JSONWriter) -> Void) {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.bytes.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { writer.bytes.append(contentsOf: $0) }
            writer.bytes.append(contentsOf: "\":".utf8)
            value(&writer)
        }

        public mutating func member(_ key: StaticString, _ value: String) { member(key) { $0.string(value) } }
        public mutating func member(_ key: StaticString, _ value: Int) { member(key) { $0.int(value) } }
        public mutating func member(_ key: StaticString, _ value: Bool) { member(key) { $0.bool(value) } }
        public mutating func member(_ key: StaticString, _ value: Money) { member(key) { $0.money(value) } }

        /// A member left out when nil.
        public mutating func member(_ key: StaticString, _ value: String?) {
            if let value { member(key, value) }
        }

        /// A member written `null` when nil (as `encode`, not `encodeIfPresent`, writes it).
        public mutating func member(_ key: StaticString, orNull value: String?) {
            if let value { member(key, value) } else { member(key) { $0.null() } }
        }
    }

    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "/") where escapesSlashes: bytes.append(contentsOf: #"\/"#.utf8)
            case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
            case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    public mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }

    public mutating func null() { bytes.append(contentsOf: "null".utf8) }

    /// Text written as it is: the caller vouches that it is JSON.
    public mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func money(_ value: Money) {
        object {
            $0.member("amount", value.amount)
            $0.member("currency", value.currency.rawValue)
        }
    }

    public mutating func address(_ address: Address) {
        object { m in
            m.member("city", address.city)
            m.member("country", address.country)
            m.member("line1", address.line1)
            m.member("line2", address.line2)
            m.member("postalCode", address.postalCode)
        }
    }
}
