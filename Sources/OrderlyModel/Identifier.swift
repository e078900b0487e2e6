/// A type whose identifiers carry a fixed, human-readable prefix, such as `usr_` for users.
public protocol IdentifiedByPrefix {
    /// The prefix every identifier of this type starts with, including the underscore (`"usr_"`).
    static var idPrefix: String { get }
}

/// A typed, opaque identifier: `Identifier<User>` cannot be passed where an `Identifier<Product>` is expected.
///
/// The raw value is the whole string, prefix included (`usr_01JD3…`). Clients must not parse it; Orderly only checks
/// that it has the right prefix and a plausible body, so that a malformed id is a clean 404 or 400, never a crash.
public struct Identifier<Entity: IdentifiedByPrefix>: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible
{
    public let rawValue: String

    /// Wraps a raw value without checking it; use ``init(validating:)`` for input from outside.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Accepts `text` only when it has this type's prefix followed by 1–64 letters or digits.
    ///
    /// - Parameter text: the id as a client sent it.
    /// - Returns: `nil` when the text cannot be an id of this type.
    public init?(validating text: some StringProtocol) {
        self.init(validating: String(text))
    }

    /// The same check for a string, byte by byte (the generic one, not specialized across modules, and counting
    /// characters were a hundredth of a checkout).
    public init?(validating text: String) {
        let prefix = Entity.idPrefix.utf8
        let bytes = text.utf8
        guard bytes.count > prefix.count, bytes.count - prefix.count <= 64, bytes.starts(with: prefix),
            bytes.dropFirst(prefix.count).allSatisfy({ $0.isASCIIAlphanumeric })
        else { return nil }
        self.rawValue = text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = Self(validating: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "must be an id starting with \(Entity.idPrefix)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}

extension Sequence<UInt8> {
    /// The bytes as lowercase hexadecimal, two digits each.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
