import Foundation
import OrderlyModel
import Testing

@Suite("Users and auth")
struct UserRoutesTests {
    @Test("registering answers the new customer and records UserRegistered in the outbox")
    func register() async throws {
        try await withAPI { api in
            let reply = try await api.call(
                .post, "/v1/users",
                json: #"{"email":"Ann@Example.com","password":"hunter22!","name":"Ann","phone":"+15551234567"}"#)
            #expect(reply.status == 201)
            #expect(reply.string("email") == "Ann@Example.com")
            #expect(reply.string("role") == "customer")
            #expect(reply.string("userId")?.hasPrefix("usr_") == true)
            #expect(reply["password"] == nil && reply["passwordHash"] == nil)

            let events = try await api.composition.store.pendingEvents(limit: 100)
            let registered = try #require(
                events.first { $0.detailType == "UserRegistered" && $0.aggregateID == reply.string("userId") })
            #expect(registered.source == "orderly.users")
            #expect(registered.detail.contains("Ann@Example.com"))
        }
    }

    @Test("an email is taken whatever its case")
    func emailTaken() async throws {
        try await withAPI { api in
            _ = try await api.customer("bob@example.com")
            let reply = try await api.call(
                .post, "/v1/users", json: #"{"email":"BOB@example.com","password":"password-123","name":"Bob"}"#)
            #expect(reply.status == 409)
            #expect(reply.code == "email_taken")
            #expect(reply.header("Content-Type") == "application/problem+json")
        }
    }

    @Test("every invalid field is reported at once")
    func validation() async throws {
        try await withAPI { api in
            let reply = try await api.call(
                .post, "/v1/users",
                json: #"""
                    {"email":"not-an-email","password":"short","name":" ","phone":"abc",
                     "address":{"line1":"","city":"Pune","postalCode":"411001","country":"india"}}
                    """#)
            #expect(reply.status == 400)
            #expect(reply.code == "validation_failed")
            #expect(
                Set(reply.errorFields)
                    == ["email", "password", "name", "phone", "address.line1", "address.country"])
        }
    }

    @Test("a register body can never make an admin: unknown fields are refused")
    func noRoleOnRegister() async throws {
        try await withAPI { api in
            let reply = try await api.call(
                .post, "/v1/users",
                json: #"{"email":"eve@example.com","password":"password-123","name":"Eve","role":"admin"}"#)
            #expect(reply.status == 400)
            #expect(reply.errorFields == ["role"])
            let nested = try await api.call(
                .post, "/v1/users",
                json: #"""
                    {"email":"eve@example.com","password":"password-123","name":"Eve",
                     "address":{"line1":"1 Road","city":"Pune","postalCode":"411001","country":"IN","admin":true}}
                    """#)
            #expect(nested.status == 400)
            #expect(nested.errorFields == ["address.admin"])
        }
    }

    @Test("malformed JSON, a missing body, a wrong type and a missing field are 400 with clear codes")
    func badBodies() async throws {
        try await withAPI { api in
            #expect(try await api.call(.post, "/v1/users", json: #"{"email":"#).code == "malformed_json")
            #expect(try await api.call(.post, "/v1/users").code == "malformed_json")
            #expect(try await api.call(.post, "/v1/users", json: "[1,2]").code == "malformed_json")
            let wrongType = try await api.call(
                .post, "/v1/users", json: #"{"email":"a@b.co","password":12345678,"name":"A"}"#)
            #expect(wrongType.code == "validation_failed")
            #expect(wrongType.errorFields == ["password"])
            let missing = try await api.call(.post, "/v1/users", json: #"{"email":"a@b.co","name":"A"}"#)
            #expect(missing.errorFields == ["password"])
        }
    }

    @Test("sign-in gives a token that opens /v1/users/me; wrong email and wrong password fail alike")
    func login() async throws {
        try await withAPI { api in
            let (token, userID) = try await api.customer("carol@example.com")
            let me = try await api.call(.get, "/v1/users/me", token: token)
            #expect(me.status == 200)
            #expect(me.string("userId") == userID)
            #expect(me.object.keys.contains("phone") && me.object.keys.contains("address"))

            let wrongPassword = try await api.call(
                .post, "/v1/auth/login", json: #"{"email":"carol@example.com","password":"nope-nope"}"#)
            let wrongEmail = try await api.call(
                .post, "/v1/auth/login", json: #"{"email":"nobody@example.com","password":"password-123"}"#)
            #expect(wrongPassword.status == 401 && wrongEmail.status == 401)
            #expect(wrongPassword.string("detail") == wrongEmail.string("detail"))

            let login = try await api.call(
                .post, "/v1/auth/login", json: #"{"email":"CAROL@example.com","password":"password-123"}"#)
            #expect(login.status == 200)
            #expect(login.string("role") == "customer")
            #expect(login.string("expiresAt") != nil)
        }
    }

    @Test("repeated failed sign-ins for one email are throttled with 429 until the window passes")
    func throttling() async throws {
        try await withAPI { api in
            _ = try await api.customer("dave@example.com")
            let wrong = #"{"email":"dave@example.com","password":"wrong-password"}"#
            for _ in 0..<5 { #expect(try await api.call(.post, "/v1/auth/login", json: wrong).status == 401) }
            let blocked = try await api.call(
                .post, "/v1/auth/login", json: #"{"email":"dave@example.com","password":"password-123"}"#)
            #expect(blocked.status == 429)
            #expect(blocked.code == "rate_limited")
            #expect(Int(blocked.header("Retry-After") ?? "") ?? 0 > 0)

            api.clock.advance(seconds: 15 * 60 + 1)
            #expect(try await api.login("dave@example.com", "password-123").isEmpty == false)
        }
    }

    @Test("a missing, forged, malformed or expired token is 401")
    func badTokens() async throws {
        try await withAPI { api in
            let (token, _) = try await api.customer()
            #expect(try await api.call(.get, "/v1/users/me").status == 401)
            #expect(try await api.call(.get, "/v1/users/me", token: "garbage").status == 401)
            var parts = token.split(separator: ".").map(String.init)
            parts[2] = String(parts[2].reversed())
            #expect(
                try await api.call(.get, "/v1/users/me", token: parts.joined(separator: ".")).code == "unauthenticated")
            let basic = try await api.call(.get, "/v1/users/me", headers: ["Authorization": "Basic YTpi"])
            #expect(basic.status == 401)
            #expect(basic.header("WWW-Authenticate") == "Bearer")

            api.clock.advance(seconds: 3601)
            #expect(try await api.call(.get, "/v1/users/me", token: token).status == 401)
        }
    }

    @Test("PATCH /v1/users/me changes name, clears phone with null, and changes the password")
    func updateProfile() async throws {
        try await withAPI { api in
            let email = "erin@example.com"
            let created = try await api.call(
                .post, "/v1/users",
                json: #"{"email":"\#(email)","password":"password-123","name":"Erin","phone":"+44 20 7946 0958"}"#)
            #expect(created.status == 201)
            let token = try await api.login(email, "password-123")
            api.clock.advance(seconds: 5)
            let patched = try await api.call(
                .patch, "/v1/users/me",
                json: #"""
                    {"name":"Erin B","phone":null,"password":"new-password-9","currentPassword":"password-123",
                     "address":{"line1":"1 High St","city":"London","postalCode":"N1 9GU","country":"GB"}}
                    """#, token: token)
            #expect(patched.status == 200)
            #expect(patched.string("name") == "Erin B")
            #expect(patched["phone"] is NSNull)
            #expect((patched["address"] as? [String: Any])?["city"] as? String == "London")
            #expect(patched.string("updatedAt") != patched.string("createdAt"))

            #expect(
                try await api.call(.post, "/v1/auth/login", json: #"{"email":"\#(email)","password":"password-123"}"#)
                    .status == 401)
            let renewed = try await api.login(email, "new-password-9")
            // The password change ended the tokens issued before it.
            #expect(try await api.call(.get, "/v1/users/me", token: token).status == 401)

            let roleChange = try await api.call(.patch, "/v1/users/me", json: #"{"role":"admin"}"#, token: renewed)
            #expect(roleChange.status == 400)
            #expect(roleChange.errorFields == ["role"])
        }
    }

    @Test("admins make couriers and admins; customers may not")
    func adminCreatesUsers() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let body = #"{"email":"rider@example.com","password":"password-123","name":"Rider","role":"courier"}"#
            let created = try await api.call(.post, "/v1/admin/users", json: body, token: admin)
            #expect(created.status == 201)
            #expect(created.string("role") == "courier")
            let courier = try await api.login("rider@example.com", "password-123")
            #expect(try await api.call(.get, "/v1/users/me", token: courier).string("role") == "courier")

            let (customer, _) = try await api.customer()
            let denied = try await api.call(
                .post, "/v1/admin/users",
                json: #"{"email":"x@example.com","password":"password-123","name":"X","role":"admin"}"#, token: customer
            )
            #expect(denied.status == 403)
            #expect(denied.code == "forbidden")
            #expect(try await api.call(.post, "/v1/admin/users", json: body).status == 401)
            let badRole = try await api.call(
                .post, "/v1/admin/users",
                json: #"{"email":"y@example.com","password":"password-123","name":"Y","role":"root"}"#, token: admin)
            #expect(badRole.status == 400)
            #expect(badRole.errorFields == ["role"])
        }
    }
}
