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
        return PageRequest(limit: limit, after: try string("cursor").map(Cursor.decode))
    }
}

/// Opaque list cursors: the sort key of the last item, base64url-encoded with a version tag.
enum Cursor {
    static func encode(_ key: String) -> String {
        Data(("v1:" + key).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) throws -> String {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard text.count <= 200, let data = Data(base64Encoded: base64),
            let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix("v1:"), decoded.count > 3
        else { throw OrderlyError.validation(field: "cursor", "is not a cursor this API gave out") }
        return String(decoded.dropFirst(3))
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
