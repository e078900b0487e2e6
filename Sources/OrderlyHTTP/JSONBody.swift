import Foundation
import Hummingbird
import NIOCore
import OrderlyModel
import StatesLanguage

/// Reads request bodies strictly: at most 1 MiB, valid JSON, an object, no unknown fields, every error naming its field.
public enum JSONBody {
    /// The largest body accepted; more is 413 `payload_too_large`.
    public static let maximumBytes = 1 << 20

    /// Reads the whole body of `request` (which keeps it, buffered, for later readers), at most ``maximumBytes``.
    /// - Throws: ``OrderlyError`` `payload_too_large` past the limit.
    public static func collect(_ request: inout Request) async throws -> Data {
        do {
            return Data(buffer: try await request.collectBody(upTo: maximumBytes))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw OrderlyError(.payloadTooLarge, "The request body is larger than 1 MiB.", underlying: error)
        } catch let error as NIOTooManyBytesError {
            throw OrderlyError(.payloadTooLarge, "The request body is larger than 1 MiB.", underlying: error)
        }
    }

    /// Decodes the body of `request` as `T`.
    /// - Throws: ``OrderlyError`` `payload_too_large`, `malformed_json` or `validation_failed`.
    public static func decode<T: StrictDecodable>(
        _ type: T.Type, from request: Request, context: AppRequestContext
    ) async throws -> T {
        var request = request
        return try decode(type, from: try await collect(&request))
    }

    /// Like ``decode(_:from:context:)``, but an empty body is `nil` (for bodies whose every field is optional).
    public static func decodeOptional<T: StrictDecodable>(
        _ type: T.Type, from request: Request, context: AppRequestContext
    ) async throws -> T? {
        var request = request
        let data = try await collect(&request)
        return isBlank(data) ? nil : try decode(type, from: data)
    }

    /// One decoder for every request (its options never change; decoding with it from many tasks at once is safe).
    private static let decoder = JSONDecoder()

    /// Whether a body holds nothing but white space.
    static func isBlank(_ data: Data) -> Bool {
        !data.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) })
    }

    /// Decodes `data` as `T`, with the same errors as ``decode(_:from:context:)``.
    public static func decode<T: StrictDecodable>(_ type: T.Type, from data: Data) throws -> T {
        guard !isBlank(data) else { throw OrderlyError(.malformedJSON, "The request body must be a JSON object.") }
        do {
            return try decoder.decode(Strict<T>.self, from: data).value
        } catch let error as DecodingError {
            // swift-foundation reports a number that does not fit an Int (12.5, 1e30) as "not valid JSON" with no
            // path. Every number in this API is a whole number, so find the one that is not and name its field.
            if let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
                if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                    let path = firstNonWholeNumber(in: json, path: "")
                {
                    throw OrderlyError.validation(field: path, "must be a whole number")
                }
                // Whole numbers written with a fraction or an exponent (23.0, 1e2) are integers in JSON Schema's
                // sense: read them as such.
                if let parsed = try? JSON(parsing: String(decoding: data, as: UTF8.self)),
                    parsed.wholeNumbersAsIntegers != parsed
                {
                    do {
                        let normalized = Data(parsed.wholeNumbersAsIntegers.serialized().utf8)
                        return try decoder.decode(Strict<T>.self, from: normalized).value
                    } catch let error as DecodingError {
                        throw translate(error)
                    }
                }
            }
            throw translate(error)
        }
    }

    /// The path of the first number in `value` that is not a whole number within `Int`'s range.
    static func firstNonWholeNumber(in value: Any, path: String) -> String? {
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                if let found = firstNonWholeNumber(in: object[key]!, path: path.isEmpty ? key : "\(path).\(key)") {
                    return found
                }
            }
        } else if let array = value as? [Any] {
            for (index, element) in array.enumerated() {
                if let found = firstNonWholeNumber(in: element, path: "\(path)[\(index)]") { return found }
            }
        } else if let number = value as? NSNumber, !(value is Bool) {
            let double = number.doubleValue
            if double != double.rounded() || abs(double) >= 9.2e18 { return path }
        }
        return nil
    }

    /// Turns a `DecodingError` into a `malformed_json` or a `validation_failed` naming the field.
    static func translate(_ error: DecodingError) -> OrderlyError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            if context.underlyingError != nil {
                return OrderlyError(.malformedJSON, "The request body is not valid JSON.", underlying: error)
            }
            return OrderlyError(.malformedJSON, "The request body must be a JSON object.", underlying: error)
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return OrderlyError(.malformedJSON, "The request body must be a JSON object.", underlying: error)
        case .keyNotFound(let key, let context):
            return issue(context.codingPath + [key], "is required", error)
        case .valueNotFound(_, let context):
            return issue(context.codingPath, "must not be null", error)
        case .typeMismatch(let type, let context):
            return issue(context.codingPath, "must be \(describe(type))", error)
        case .dataCorrupted(let context):
            return issue(context.codingPath, context.debugDescription, error)
        @unknown default:
            return OrderlyError(.validationFailed, "The request is not valid.", underlying: error)
        }
    }

    private static func issue(_ path: [any CodingKey], _ message: String, _ cause: DecodingError) -> OrderlyError {
        var error = OrderlyError.validation(field: fieldPath(path), message)
        error.underlying = cause
        return error
    }

    /// `items[2].quantity` from a coding path.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        case is Double.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            return name.hasPrefix("Dictionary") ? "an object" : "an object"
        }
    }
}

/// A request body type whose JSON may hold only the fields its `CodingKeys` name.
///
/// Declare `enum CodingKeys: String, CodingKey, CaseIterable` and let Swift synthesise `init(from:)`; ``JSONBody``
/// rejects any other field with 400 `validation_failed` naming it. Nested objects check themselves the same way by
/// wrapping their type in ``Strict``.
public protocol StrictDecodable: Decodable, Sendable {
    associatedtype CodingKeys: CodingKey & CaseIterable
}

/// Decodes `T` after checking that the JSON object has no field `T` does not know.
public struct Strict<T: StrictDecodable>: Decodable, Sendable {
    public let value: T

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(T.CodingKeys.self)
        value = try T(from: decoder)
    }
}

/// Distinguishes a field that is absent from one that is `null`, for PATCH bodies where `null` clears a value.
public enum Patch<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// `nil` when absent, `.some(nil)` when null, `.some(value)` otherwise: the shape ports use for clearable fields.
    public var clearable: Value?? {
        switch self {
        case .absent: return nil
        case .null: return .some(nil)
        case .value(let value): return .some(value)
        }
    }
}

extension KeyedDecodingContainer {
    /// Reads a field that may be absent, `null`, or a value.
    public func decodePatch<V: Decodable & Sendable>(_ type: V.Type, forKey key: Key) throws -> Patch<V> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(V.self, forKey: key))
    }
}

extension JSON {
    /// The value with every whole number that fits an `Int` written as an integer (`23.0` → `23`).
    var wholeNumbersAsIntegers: JSON {
        switch self {
        case .double(let value) where value.rounded() == value && abs(value) < 9.2e18: return .int(Int(value))
        case .array(let items): return .array(items.map(\.wholeNumbersAsIntegers))
        case .object(let fields): return .object(fields.mapValues(\.wholeNumbersAsIntegers))
        default: return self
        }
    }
}
