/// A JSONPath as the States Language uses it: `$.a.b[0]`, `$['x']`, `$.items[*].id`, `$..name`,
/// `$.items[?(@.price > 10)]`, the context object `$$.Execution.Id`, or a variable `$order.id`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// What the path starts from.
    public enum Root: Sendable, Hashable {
        /// `$`: the state's input (or the value the path is applied to).
        case input
        /// `$$`: the context object.
        case context
        /// `$name`: a workflow variable.
        case variable(String)
    }

    /// One step of a path.
    public indirect enum Segment: Sendable, Hashable {
        case name(String)
        case index(Int)
        case names([String])
        case indexes([Int])
        case wildcard
        case slice(start: Int?, end: Int?, step: Int)
        /// `..name`, or `..*` when nil.
        case recursive(String?)
        case filter(FilterExpression)
    }

    public let root: Root
    public let segments: [Segment]
    /// The path as written.
    public let text: String

    public var description: String { text }

    /// A definite path names at most one value; an indefinite one (wildcards, slices, unions, filters, `..`)
    /// answers an array of every match.
    public var isDefinite: Bool {
        segments.allSatisfy {
            switch $0 {
            case .name, .index: return true
            default: return false
            }
        }
    }

    /// A reference path (for `ResultPath`): the input root and only names and indexes.
    public var isReference: Bool { root == .input && isDefinite }

    /// Parses a path.
    /// - Throws: ``PathSyntaxError`` describing what is wrong.
    public init(parsing text: String) throws {
        var parser = PathParser(text)
        (root, segments) = try parser.parsePath()
        self.text = text
    }

    /// Every value the path selects from `value`, in document order.
    public func matches(in value: JSON) -> [JSON] {
        var current = [value]
        for segment in segments {
            var next: [JSON] = []
            for item in current { JSONPath.apply(segment, to: item, into: &next) }
            current = next
            if current.isEmpty { break }
        }
        return current
    }

    /// The value the path selects: for a definite path the single match or `nil`; for an indefinite one the array of
    /// all matches (possibly empty).
    public func select(in value: JSON) -> JSON? {
        if isDefinite {
            var current = value
            for segment in segments {
                switch (segment, current) {
                case (.name(let name), .object(let object)):
                    guard let next = object[name] else { return nil }
                    current = next
                case (.index(let index), .array(let array)):
                    let position = index < 0 ? array.count + index : index
                    guard array.indices.contains(position) else { return nil }
                    current = array[position]
                default:
                    return nil
                }
            }
            return current
        }
        return .array(matches(in: value))
    }

    private static func apply(_ segment: Segment, to item: JSON, into out: inout [JSON]) {
        switch segment {
        case .name(let name):
            if case .object(let object) = item, let value = object[name] { out.append(value) }
        case .names(let names):
            if case .object(let object) = item {
                for name in names { if let value = object[name] { out.append(value) } }
            }
        case .index(let index):
            if case .array(let array) = item {
                let position = index < 0 ? array.count + index : index
                if array.indices.contains(position) { out.append(array[position]) }
            }
        case .indexes(let indexes):
            if case .array(let array) = item {
                for index in indexes {
                    let position = index < 0 ? array.count + index : index
                    if array.indices.contains(position) { out.append(array[position]) }
                }
            }
        case .wildcard:
            switch item {
            case .array(let array): out.append(contentsOf: array)
            case .object(let object): out.append(contentsOf: object.values)
            default: break
            }
        case .slice(let start, let end, let step):
            guard case .array(let array) = item, step > 0 else { return }
            let count = array.count
            func clamp(_ value: Int) -> Int { value < 0 ? max(0, count + value) : min(value, count) }
            var position = clamp(start ?? 0)
            let stop = clamp(end ?? count)
            while position < stop {
                out.append(array[position])
                position += step
            }
        case .recursive(let name):
            descend(item, name: name, into: &out)
        case .filter(let expression):
            switch item {
            case .array(let array): out.append(contentsOf: array.filter { expression.matches($0) })
            case .object(let object):
                out.append(contentsOf: object.values.filter { expression.matches($0) })
            default: break
            }
        }
    }

    private static func descend(_ item: JSON, name: String?, into out: inout [JSON]) {
        switch item {
        case .object(let object):
            for (key, value) in object {
                if name == nil || name == key { out.append(value) }
                descend(value, name: name, into: &out)
            }
        case .array(let array):
            for value in array {
                if name == nil { out.append(value) }
                descend(value, name: name, into: &out)
            }
        default: break
        }
    }

    /// Puts `value` where this reference path points inside `document`, making missing objects on the way.
    /// - Returns: `nil` when the path cannot be applied (it crosses a value that is not an object or array).
    public func assigning(_ value: JSON, in document: JSON) -> JSON? {
        JSONPath.assign(value, at: segments[...], in: document)
    }

    private static func assign(_ value: JSON, at segments: ArraySlice<Segment>, in document: JSON) -> JSON? {
        guard let first = segments.first else { return value }
        switch first {
        case .name(let name):
            var object: JSONObject
            switch document {
            case .object(let existing): object = existing
            default: return nil
            }
            let child = object[name] ?? (segments.count > 1 ? .object([:]) : .null)
            guard let updated = assign(value, at: segments.dropFirst(), in: child) else { return nil }
            object[name] = updated
            return .object(object)
        case .index(let index):
            guard case .array(var array) = document else { return nil }
            let position = index < 0 ? array.count + index : index
            guard array.indices.contains(position),
                let updated = assign(value, at: segments.dropFirst(), in: array[position])
            else { return nil }
            array[position] = updated
            return .array(array)
        default:
            return nil
        }
    }
}

/// Why a path could not be parsed.
public struct PathSyntaxError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A filter `[?(...)]`: comparisons of `@` paths with literals, joined by `&&`, `||` and `!`.
public indirect enum FilterExpression: Sendable, Hashable {
    case exists(JSONPath)
    case compare(FilterOperand, String, FilterOperand)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)

    /// Whether `item` (bound to `@`) passes the filter.
    public func matches(_ item: JSON) -> Bool {
        switch self {
        case .exists(let path): return path.select(in: item).map { $0 != .bool(false) } ?? false
        case .and(let a, let b): return a.matches(item) && b.matches(item)
        case .or(let a, let b): return a.matches(item) || b.matches(item)
        case .not(let a): return !a.matches(item)
        case .compare(let left, let op, let right):
            guard let a = left.value(item), let b = right.value(item) else { return false }
            if let x = a.doubleValue, let y = b.doubleValue { return Self.compare(x, op, y) }
            if case .string(let x) = a, case .string(let y) = b { return Self.compare(x, op, y) }
            switch op {
            case "==": return a == b
            case "!=": return a != b
            default: return false
            }
        }
    }

    private static func compare<T: Comparable>(_ a: T, _ op: String, _ b: T) -> Bool {
        switch op {
        case "==": return a == b
        case "!=": return a != b
        case "<": return a < b
        case "<=": return a <= b
        case ">": return a > b
        case ">=": return a >= b
        default: return false
        }
    }
}

/// One side of a filter comparison.
public enum FilterOperand: Sendable, Hashable {
    /// A path from `@` (the item).
    case current(JSONPath)
    case literal(JSON)

    func value(_ item: JSON) -> JSON? {
        switch self {
        case .current(let path): return path.select(in: item)
        case .literal(let value): return value
        }
    }
}
