import Crypto
import Foundation
import HTTPTypes
import Testing

/// What a hostile customer or a forged token can reach: nothing of anyone else's, and no secret.
@Suite("Security")
struct SecurityTests {
    @Test("every resource of one customer is not found for another, and absent from their lists")
    func ownerScoped() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 20, admin: admin)
            let (owner, _) = try await api.customer()
            let (other, _) = try await api.customer()
            let order = try #require(try await api.order(milk, token: owner).string("orderId"))
            _ = try await api.call(.patch, "/v1/admin/orders/\(order)", json: #"{"status":"PACKED"}"#, token: admin)
            _ = try await api.call(.post, "/v1/admin/deliveries", json: #"{"orderId":"\#(order)"}"#, token: admin)
            let subscription = try #require(
                try await api.call(
                    .post, "/v1/subscriptions",
                    json: #"""
                        {"productId":"\#(milk)","quantity":1,"frequency":"DAILY","startDate":"2030-01-01",
                         "deliveryTime":"07:00","paymentMethod":{"type":"cash"}}
                        """#, token: owner
                ).string("subscriptionId"))

            for (method, path) in [
                (.get, "/v1/orders/\(order)"), (.post, "/v1/orders/\(order)/cancel"),
                (.get, "/v1/orders/\(order)/receipt"),
                (.get, "/v1/orders/\(order)/delivery"), (.get, "/v1/subscriptions/\(subscription)"),
                (.post, "/v1/subscriptions/\(subscription)/pause"), (.post, "/v1/subscriptions/\(subscription)/resume"),
                (.post, "/v1/subscriptions/\(subscription)/cancel"),
            ] as [(HTTPRequestMethod, String)] {
                let reply = try await api.call(method, path, json: method == .post ? "{}" : nil, token: other)
                #expect(reply.status == 404 && reply.code == "not_found", "\(path): \(reply.status)")
            }
            for list in ["/v1/orders", "/v1/payments", "/v1/subscriptions", "/v1/notifications"] {
                let text = try await api.call(.get, list, token: other).text
                #expect(!text.contains(order) && !text.contains(subscription), "\(list) shows another's")
            }
            // The owner still has everything, untouched by the other's attempts.
            #expect(try await api.call(.get, "/v1/orders/\(order)", token: owner).string("status") == "PACKED")
            #expect(
                try await api.call(.get, "/v1/subscriptions/\(subscription)", token: owner).string("status") == "ACTIVE"
            )
        }
    }

    @Test("expired, unsigned, wrongly signed and tampered tokens are refused")
    func forgedTokens() async throws {
        try await withAPI { api in
            let (token, _) = try await api.customer()
            #expect(try await api.call(.get, "/v1/users/me", token: token).status == 200)
            let parts = token.split(separator: ".").map(String.init)
            try #require(parts.count == 3)
            let payload = try #require(
                try JSONSerialization.jsonObject(with: base64URLDecode(parts[1])) as? [String: Any])

            // alg: none, no signature
            let none = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
            // signed with another key
            let header = parts[0]
            let wrongKey = SymmetricKey(data: Data("not-the-server-secret-but-long-enough-32b".utf8))
            let wrong =
                header + "." + parts[1] + "."
                + base64URL(
                    Data(HMAC<SHA256>.authenticationCode(for: Data((header + "." + parts[1]).utf8), using: wrongKey)))
            // the role raised to admin, the signature kept
            var raised = payload
            raised["role"] = "admin"
            let tampered = header + "." + base64URL(try JSONSerialization.data(withJSONObject: raised)) + "." + parts[2]

            for forged in [none, wrong, tampered, token + "x", "", "a.b.c"] {
                let reply = try await api.call(.get, "/v1/users/me", token: forged)
                #expect(reply.status == 401 && reply.code == "unauthenticated", "\(forged.prefix(40)): \(reply.status)")
                #expect(try await api.call(.get, "/v1/admin/orders", token: forged).status == 401)
            }
            // A token past its expiry.
            api.clock.advance(seconds: 3601)
            #expect(try await api.call(.get, "/v1/users/me", token: token).status == 401)
        }
    }

    @Test("no answer carries a password, a password hash or a secret")
    func noSecretsInAnswers() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let password = "correct-horse-battery"
            var answers: [Reply] = []
            answers.append(
                try await api.call(
                    .post, "/v1/users", json: #"{"email":"sec@example.com","password":"\#(password)","name":"Sec"}"#))
            answers.append(
                try await api.call(
                    .post, "/v1/auth/login", json: #"{"email":"sec@example.com","password":"\#(password)"}"#))
            let token = try #require(answers.last?.string("token"))
            answers.append(try await api.call(.get, "/v1/users/me", token: token))
            answers.append(
                try await api.call(
                    .patch, "/v1/users/me",
                    json: #"{"password":"another-passphrase","currentPassword":"\#(password)"}"#,
                    token: token))
            answers.append(
                try await api.call(
                    .post, "/v1/admin/users",
                    json: #"{"email":"cour@example.com","password":"\#(password)","name":"C","role":"courier"}"#,
                    token: admin))
            answers.append(
                try await api.call(.post, "/v1/auth/login", json: #"{"email":"sec@example.com","password":"x"}"#))
            answers.append(try await api.call(.get, "/v1/admin/events", token: admin))
            answers.append(try await api.call(.get, "/openapi.json"))
            let jwtSecret = try String(
                contentsOf: URL(fileURLWithPath: api.composition.configuration.dataDirectory).appendingPathComponent(
                    "jwt-secret"),
                encoding: .utf8)
            for answer in answers {
                for secret in [password, "another-passphrase", "$2b$", jwtSecret, api.composition.webhookSecret] {
                    #expect(!answer.text.contains(secret), "an answer (\(answer.status)) holds a secret")
                }
            }
        }
    }
}

typealias HTTPRequestMethod = HTTPRequest.Method

func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

func base64URLDecode(_ text: String) -> Data {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    return Data(base64Encoded: base64) ?? Data()
}
