import Foundation
import OrderlyModel

/// Builds the OpenAPI 3.1 document from the route table and ``OpenAPISchemas``: the paths are exactly the routes
/// the router serves.
enum OpenAPIDocument {
    /// - Parameter currency: the store currency, the only one request amounts may be in.
    static func make(from specs: [RouteSpec], currency: Currency) throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for spec in specs {
            paths[spec.path, default: [:]][spec.method.rawValue.lowercased()] = try operation(spec)
        }
        var schemas: [String: Any] = [:]
        for (name, text) in OpenAPISchemas.all(currency: currency) { schemas[name] = try parse(text) }
        // Request bodies are read leniently about null: an optional field sent as null is as if absent.
        let requestSchemas = Set(specs.compactMap(\.body) + ["Address", "AddCartItemRequest"])
        for name in requestSchemas {
            guard var schema = schemas[name] as? [String: Any] else { continue }
            schema = nullableOptionals(schema)
            schemas[name] = schema
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "Orderly", "version": "1.0.0",
                "description": "Commerce backend: users, catalog, carts, orders, payments, deliveries, subscriptions.",
            ],
            "paths": paths,
            "components": [
                "schemas": schemas,
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
                "responses": [
                    "Problem": [
                        "description": "An RFC 9457 problem",
                        "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
                    ]
                ],
            ],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    private static func operation(_ spec: RouteSpec) throws -> [String: Any] {
        var parameters: [[String: Any]] = []
        for segment in spec.path.split(separator: "/") where segment.first == "{" {
            parameters.append([
                "name": String(segment.dropFirst().dropLast()), "in": "path", "required": true,
                "schema": ["type": "string"],
            ])
        }
        for (name, schema) in spec.query {
            parameters.append(["name": name, "in": "query", "required": false, "schema": try parse(schema)])
        }
        if spec.idempotent {
            parameters.append([
                "name": "Idempotency-Key", "in": "header", "required": false,
                "schema": ["type": "string", "minLength": 1, "maxLength": 255],
            ])
        }
        var operation: [String: Any] = [
            "summary": spec.summary,
            "operationId": operationID(spec),
        ]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let body = spec.body {
            operation["requestBody"] = [
                "required": true,
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]],
            ]
        }
        switch spec.access {
        case .anyone: break
        case .signedIn, .roles: operation["security"] = [["bearer": [String]()]]
        }
        var responses: [String: Any] = [:]
        var success: [String: Any] = ["description": "Success"]
        if let schema = spec.success.schema {
            success["content"] = ["application/json": ["schema": ["$ref": "#/components/schemas/\(schema)"]]]
        } else {
            success["content"] = [spec.produces: ["schema": ["type": "string"]]]
        }
        responses[String(spec.success.status)] = success
        for status in spec.alsoSucceeds { responses[String(status)] = success }
        var errors = Set(spec.errors + [500])
        if spec.body != nil || !spec.query.isEmpty { errors.insert(400) }
        if spec.body != nil { errors.insert(413) }
        if spec.access != .anyone { errors.insert(401) }
        if case .roles = spec.access { errors.insert(403) }
        if spec.path.contains("{") { errors.insert(404) }
        for status in errors { responses[String(status)] = ["$ref": "#/components/responses/Problem"] }
        operation["responses"] = responses
        return operation
    }

    /// `post /v1/products/{productId}/inventory` → `postV1ProductsProductIdInventory`.
    private static func operationID(_ spec: RouteSpec) -> String {
        let words = spec.path.split(whereSeparator: { "/{}-.".contains($0) }).map { word in
            word.prefix(1).uppercased() + word.dropFirst()
        }
        return spec.method.rawValue.lowercased() + words.joined()
    }

    /// The object schema with every property it does not require also allowing `null`.
    private static func nullableOptionals(_ schema: [String: Any]) -> [String: Any] {
        guard var properties = schema["properties"] as? [String: Any] else { return schema }
        let required = Set(schema["required"] as? [String] ?? [])
        for (name, value) in properties where !required.contains(name) {
            guard var property = value as? [String: Any] else { continue }
            if let type = property["type"] as? String {
                property["type"] = [type, "null"]
            } else if var types = property["type"] as? [String] {
                if !types.contains("null") { types.append("null") }
                property["type"] = types
            } else if let choices = property["oneOf"] as? [[String: Any]],
                choices.contains(where: { $0["type"] as? String == "null" })
            {
                continue
            } else {
                property = ["oneOf": [property, ["type": "null"]]]
            }
            properties[name] = property
        }
        var schema = schema
        schema["properties"] = properties
        return schema
    }

    private static func parse(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }
}
