/// A JSON object whose keys keep the order they were first written in, as AWS keeps them: `States.JsonToString`,
/// `States.Hash`, `States.Format` and every output print an object's keys in that order. Two objects are equal
/// when they hold the same pairs, whatever their order.
///
/// The pairs are kept in one array and found by a linear search: the objects a state machine handles are small, and
/// one array is cheaper to make, copy and walk than an ordered dictionary. Where an object is made from many pairs at
/// once (parsed or decoded text, a sequence) a repeated key is found with a table, so a large object costs its size.
public struct JSONObject: Sendable, Hashable {
    public typealias Pair = (key: String, value: JSON)
    private var pairs: [Pair] = []

    public init() {}

    /// The pairs in order; a repeated key keeps its first place and its last value (as a JSON text's does).
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSON) {
        var positions: [String: Int]?
        for (key, value) in pairs {
            // Past a few keys a table finds a repeated one.
            if positions == nil && self.pairs.count >= 8 {
                positions = Dictionary(self.pairs.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { $1 })
            }
            let repeated = positions != nil ? positions![key] : position(of: key)
            if let at = repeated {
                self.pairs[at].value = value
            } else {
                positions?[key] = self.pairs.count
                self.pairs.append((key, value))
            }
        }
    }

    /// The pairs of an unordered dictionary, keys sorted so the order is the same on every run.
    public init(_ dictionary: [String: JSON]) {
        pairs = dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Pairs whose keys are known to be distinct (a parsed text's, another object's), in order.
    init(distinct pairs: [Pair]) { self.pairs = pairs }

    private func position(of key: String) -> Int? { pairs.firstIndex { $0.key == key } }

    public subscript(key: String) -> JSON? {
        get {
            for pair in pairs where pair.key == key { return pair.value }
            return nil
        }
        set {
            if let newValue {
                if let at = position(of: key) { pairs[at].value = newValue } else { pairs.append((key, newValue)) }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }
    /// The keys in order.
    public var keys: [String] { pairs.map(\.key) }
    /// The values in the keys' order.
    public var values: [JSON] { pairs.map(\.value) }
    /// The first pair.
    public var first: Pair? { pairs.first }
    /// The pairs without their order.
    public var dictionary: [String: JSON] { Dictionary(pairs, uniquingKeysWith: { $1 }) }

    public mutating func reserveCapacity(_ capacity: Int) { pairs.reserveCapacity(capacity) }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSON? {
        guard let at = position(of: key) else { return nil }
        return pairs.remove(at: at).value
    }

    public func mapValues(_ transform: (JSON) throws -> JSON) rethrows -> JSONObject {
        JSONObject(distinct: try pairs.map { ($0.key, try transform($0.value)) })
    }

    public func compactMapValues<T>(_ transform: (JSON) throws -> T?) rethrows -> [String: T] {
        var mapped: [String: T] = [:]
        for pair in pairs { if let value = try transform(pair.value) { mapped[pair.key] = value } }
        return mapped
    }

    /// The pairs `isIncluded` keeps, in order.
    public func filter(_ isIncluded: (Pair) throws -> Bool) rethrows -> JSONObject {
        JSONObject(distinct: try pairs.filter(isIncluded))
    }

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

    /// The same pairs, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.pairs.count == rhs.pairs.count else { return false }
        if lhs.pairs.count > 16 { return lhs.dictionary == rhs.dictionary }
        return lhs.pairs.allSatisfy { pair in rhs[pair.key] == pair.value }
    }

    /// A hash that does not depend on the order (as equality does not).
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for pair in pairs {
            var one = Hasher()
            one.combine(pair.key)
            one.combine(pair.value)
            combined ^= one.finalize()
        }
        hasher.combine(pairs.count)
        hasher.combine(combined)
    }
}

extension JSONObject: Sequence {
    public func makeIterator() -> IndexingIterator<[Pair]> { pairs.makeIterator() }
    public var underestimatedCount: Int { pairs.count }
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
        self.init(try container.allKeys.map { ($0.stringValue, try container.decode(JSON.self, forKey: $0)) })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingName.self)
        for (key, value) in self { try container.encode(value, forKey: CodingName(stringValue: key)) }
    }
}
