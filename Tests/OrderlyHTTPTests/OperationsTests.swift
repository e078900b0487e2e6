import Foundation
import Testing

@Suite("Operations and protocol behaviour")
struct OperationsTests {
    @Test("health and readiness answer; every answer carries a request id, echoing a sensible one")
    func healthAndRequestIDs() async throws {
        try await withAPI { api in
            let health = try await api.call(.get, "/health")
            #expect(health.status == 200)
            #expect(health.header("X-Request-Id")?.hasPrefix("req_") == true)
            let ready = try await api.call(.get, "/ready", headers: ["X-Request-Id": "trace-123"])
            #expect(ready.string("status") == "ready")
            #expect(ready.header("X-Request-Id") == "trace-123")
            let error = try await api.call(.get, "/v1/users/me", headers: ["X-Request-Id": "trace-456"])
            #expect(error.header("X-Request-Id") == "trace-456")
            #expect(error.string("requestId") == "trace-456")
            let spaced = try await api.call(.get, "/health", headers: ["X-Request-Id": "has space"])
            #expect(spaced.header("X-Request-Id") != "has space")
        }
    }

    @Test("unknown paths are 404 and known paths with another method are 405 with Allow, both problem+json")
    func notFoundAndMethodNotAllowed() async throws {
        try await withAPI { api in
            let missing = try await api.call(.get, "/v1/nothing-here")
            #expect(missing.status == 404)
            #expect(missing.code == "not_found")
            #expect(missing.header("Content-Type") == "application/problem+json")
            let wrongMethod = try await api.call(.put, "/v1/products/prd_123")
            #expect(wrongMethod.status == 405)
            #expect(Set(wrongMethod.header("Allow")?.components(separatedBy: ", ") ?? []) == ["GET", "PATCH"])
        }
    }

    @Test("a body over 1 MiB is 413 payload_too_large")
    func payloadTooLarge() async throws {
        try await withAPI { api in
            let huge =
                #"{"email":"a@b.co","password":"password-123","name":""# + String(repeating: "x", count: 1 << 20)
                + #""}"#
            let reply = try await api.call(.post, "/v1/users", json: huge)
            #expect(reply.status == 413)
            #expect(reply.code == "payload_too_large")
        }
    }

    @Test("/metrics counts requests by route and status in Prometheus text")
    func metrics() async throws {
        try await withAPI { api in
            _ = try await api.call(.get, "/v1/products")
            _ = try await api.call(.get, "/v1/users/me")
            let reply = try await api.call(.get, "/metrics")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(reply.text.contains(#"http_requests_total{method="GET",route="/v1/products",status="200"} 1"#))
            #expect(reply.text.contains(#"http_requests_total{method="GET",route="/v1/users/me",status="401"} 1"#))
            #expect(reply.text.contains("http_request_duration_seconds_bucket"))
        }
    }

    @Test("/metrics counts the database's transactions, the writes they carried and the syncs, as the writer does")
    func commitMetrics() async throws {
        try await withAPI { api in
            func scrape() async throws -> [String: Double] {
                var values: [String: Double] = [:]
                for line in try await api.call(.get, "/metrics").text.split(separator: "\n") {
                    let parts = line.split(separator: " ")
                    if parts.count == 2, parts[0].hasPrefix("sqlite_"), let value = Double(parts[1]) {
                        values[String(parts[0])] = value
                    }
                }
                return values
            }
            _ = try await api.customer()
            let first = try await scrape()
            let (transactions, writes, syncs) = (
                try #require(first["sqlite_transactions_total"]), try #require(first["sqlite_writes_total"]),
                try #require(first["sqlite_syncs_total"])
            )
            // Registering wrote (the user, the event) and its answer waited for a sync.
            #expect(transactions >= 1 && syncs >= 1 && writes >= transactions)
            let counts = try #require(api.composition.sqlite?.commitCounts)
            #expect(Double(counts.committed) >= transactions && Double(counts.writes) >= writes)
            _ = try await api.customer()
            let second = try await scrape()
            #expect(try #require(second["sqlite_transactions_total"]) > transactions)
            #expect(try #require(second["sqlite_writes_total"]) > writes)
            #expect(try #require(second["sqlite_syncs_total"]) > syncs)
        }
    }

    @Test("/openapi.json is OpenAPI 3.1, every operation it lists is served, and every schema it references exists")
    func openAPI() async throws {
        try await withAPI { api in
            let reply = try await api.call(.get, "/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.string("openapi") == "3.1.0")
            let paths = try #require(reply["paths"] as? [String: [String: Any]])
            let schemas = try #require((reply["components"] as? [String: Any])?["schemas"] as? [String: Any])
            for expected in [
                "/v1/users", "/v1/auth/login", "/v1/users/me", "/v1/admin/users", "/v1/products",
                "/v1/products/{productId}", "/v1/products/{productId}/inventory", "/v1/cart", "/v1/cart/items",
                "/v1/cart/items/{productId}", "/health", "/ready", "/metrics", "/openapi.json",
            ] {
                #expect(paths[expected] != nil, "missing \(expected)")
            }
            for (path, operations) in paths {
                let concrete = path.replacingOccurrences(of: "{productId}", with: "prd_x")
                for method in operations.keys {
                    let served = try await api.call(.init(rawValue: method.uppercased())!, concrete)
                    #expect(
                        served.status != 404
                            || served.code == "not_found" && served.string("detail") != "No such resource.",
                        "\(method) \(path) is documented but not served")
                    #expect(served.status != 405, "\(method) \(path) is documented but not served")
                }
            }
            let references = Self.references(in: reply.object)
            for name in references { #expect(schemas[name] != nil, "unknown schema \(name)") }
        }
    }

    private static func references(in value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            var found = Set<String>()
            if let ref = object["$ref"] as? String, ref.hasPrefix("#/components/schemas/") {
                found.insert(String(ref.dropFirst("#/components/schemas/".count)))
            }
            for child in object.values { found.formUnion(references(in: child)) }
            return found
        }
        if let array = value as? [Any] { return array.reduce(into: Set()) { $0.formUnion(references(in: $1)) } }
        return []
    }
}
