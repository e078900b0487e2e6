import Foundation
import Hummingbird
import OrderlyModel

/// Reads query parameters with clear errors naming the parameter.
struct QueryInput {
    let request: Request

    func string(_ name: String) -> String? {
        request.uri.queryParameters.get(name).map { String($0) }
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw OrderlyError.validation(
                field: name, "must be a whole number between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        switch string(name) {
        case nil: return nil
        case "true": return true
        case "false": return false
        default: throw OrderlyError.validation(field: name, "must be true or false")
        }
    }

    /// `?limit=` (1–100, default 20) and `?cursor=`.
    func page() throws -> PageRequest {
        let limit = try int("limit", in: PageRequest.limitRange) ?? PageRequest.defaultLimit
        // An empty cursor is no cursor: the first page.
        let cursor = string("cursor").flatMap { $0.isEmpty ? nil : $0 }
        return PageRequest(limit: limit, after: try cursor.flatMap(Cursor.decode))
    }
}

/// Opaque list cursors: the sort key of the last item, base64url-encoded with a version tag.
enum Cursor {
    static func encode(_ key: String) -> String {
        Data(("v1:" + key).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The sort key a cursor holds; `nil` for an empty key (the first page).
    /// - Throws: `validation_failed` for text that is not base64url of `v1:` and a key.
    static func decode(_ text: String) throws -> String? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard text.count <= 200, let data = Data(base64Encoded: base64), data.starts(with: Array("v1:".utf8)) else {
            throw OrderlyError.validation(field: "cursor", "is not a cursor this API gave out")
        }
        // A key that was never given out just selects nothing (or everything after it): it is compared, not trusted.
        let key = data.dropFirst(3)
        return key.isEmpty ? nil : String(decoding: key, as: UTF8.self)
    }
}

extension AppRequestContext {
    /// The path parameter `name` as an id of `Entity`; a malformed id is simply `not_found`.
    func pathID<Entity: IdentifiedByPrefix>(_ name: String, as type: Entity.Type, what: String) throws
        -> Identifier<Entity>
    {
        guard let text = parameters.get(name), let id = Identifier<Entity>(validating: text) else {
            throw OrderlyError.notFound(what)
        }
        return id
    }
}

/// An id a client names in a request body. Any string decodes; one that cannot be an id of its kind is answered
/// as an unknown one would be (the same mistake gets the same answer, as in a path).
struct Reference<Entity: IdentifiedByPrefix>: Decodable, Sendable {
    let text: String

    init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    /// The id, or `not_found` naming `what` and the field.
    func id(_ what: String, field: String) throws -> Identifier<Entity> {
        guard let id = Identifier<Entity>(validating: text) else { throw OrderlyError.notFound(what, field: field) }
        return id
    }
}
