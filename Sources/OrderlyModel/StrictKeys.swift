extension Decoder {
    /// Throws `DecodingError.dataCorrupted` naming the first field of the current JSON object that `keys` does not
    /// list, so request bodies with unknown fields are refused instead of silently ignored.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        // A key's own initialiser knows its names (a `switch`), where a set of them was built for every object.
        if let unknown = container.allKeys.first(where: { Keys(stringValue: $0.stringValue) == nil }) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [unknown], debugDescription: "is not a known field"))
        }
    }
}

/// A coding key for any string or index.
public struct AnyCodingKey: CodingKey, Sendable {
    public var stringValue: String
    public var intValue: Int?

    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    public init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
