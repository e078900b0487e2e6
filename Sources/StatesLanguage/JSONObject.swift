/// A JSON object whose keys keep the order they were first written in, as AWS keeps them: `States.JsonToString`,
/// `States.Hash`, `States.Format` and every output print an object's keys in that order. Two objects are equal
/// when they hold the same pairs, whatever their order.
public struct JSONObject: Sendable, Hashable {
    /// The keys in order.
    public private(set) var keys: [String] = []
    private var storage: [String: JSON] = [:]

    public init() {}

    /// The pairs in order; a repeated key keeps its first place and its last value (as a JSON text's does).
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSON) {
        for (key, value) in pairs { self[key] = value }
    }

    /// The pairs of an unordered dictionary, keys sorted so the order is the same on every run.
    public init(_ dictionary: [String: JSON]) {
        keys = dictionary.keys.sorted()
        storage = dictionary
    }

    public subscript(key: String) -> JSON? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }
    /// The values in the keys' order.
    public var values: [JSON] { keys.map { storage[$0]! } }
    /// The first pair.
    public var first: (key: String, value: JSON)? { keys.first.map { ($0, storage[$0]!) } }
    /// The pairs without their order.
    public var dictionary: [String: JSON] { storage }

    public mutating func reserveCapacity(_ capacity: Int) {
        keys.reserveCapacity(capacity)
        storage.reserveCapacity(capacity)
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSON? {
        guard let old = storage.removeValue(forKey: key) else { return nil }
        keys.remove(at: keys.firstIndex(of: key)!)
        return old
    }

    public func mapValues(_ transform: (JSON) throws -> JSON) rethrows -> JSONObject {
        var mapped = self
        for key in keys { mapped.storage[key] = try transform(storage[key]!) }
        return mapped
    }

    public func compactMapValues<T>(_ transform: (JSON) throws -> T?) rethrows -> [String: T] {
        try storage.compactMapValues(transform)
    }

    /// The pairs `isIncluded` keeps, in order.
    public func filter(_ isIncluded: ((key: String, value: JSON)) throws -> Bool) rethrows -> JSONObject {
        var kept = JSONObject()
        for pair in self where try isIncluded(pair) { kept[pair.key] = pair.value }
        return kept
    }

    /// This object with `other`'s pairs added after its own; a key in both keeps its place here.
    /// Adds `other`'s pairs after this object's own; a key in both keeps its place here.
    public mutating func merge(_ other: JSONObject, uniquingKeysWith combine: (JSON, JSON) throws -> JSON) rethrows {
        for (key, value) in other { self[key] = try self[key].map { try combine($0, value) } ?? value }
    }

    public func merging(_ other: JSONObject, uniquingKeysWith combine: (JSON, JSON) throws -> JSON) rethrows
        -> JSONObject
    {
        var merged = self
        try merged.merge(other, uniquingKeysWith: combine)
        return merged
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool { lhs.storage == rhs.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}

extension JSONObject: Sequence {
    public struct Iterator: IteratorProtocol {
        fileprivate let object: JSONObject
        fileprivate var index = 0

        public mutating func next() -> (key: String, value: JSON)? {
            guard index < object.keys.count else { return nil }
            let key = object.keys[index]
            index += 1
            return (key, object.storage[key]!)
        }
    }

    public func makeIterator() -> Iterator { Iterator(object: self) }
    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public typealias Key = String
    public typealias Value = JSON
    public init(dictionaryLiteral elements: (String, JSON)...) { self.init(elements) }
}

extension JSONObject: Codable {
    private struct CodingName: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The keys come in the order the decoder lists them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingName.self)
        for key in container.allKeys { self[key.stringValue] = try container.decode(JSON.self, forKey: key) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingName.self)
        for (key, value) in self { try container.encode(value, forKey: CodingName(stringValue: key)) }
    }
}
