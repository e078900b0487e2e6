import Foundation
import OrderlyServices
import Testing

@Suite("Sign-in throttling")
struct LoginThrottleTests {
    @Test("parallel guesses cannot all slip under the limit: at most five are checked, the rest are refused")
    func parallelGuesses() async throws {
        try await withAPI(live: true) { api in
            _ = try await api.customer("erin@example.com")
            let wrong = #"{"email":"erin@example.com","password":"wrong-password"}"#
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await api.call(.post, "/v1/auth/login", json: wrong).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 401 }.count == AccountService.maximumFailedLogins)
            #expect(statuses.filter { $0 == 429 }.count == 20 - AccountService.maximumFailedLogins)
            // The right password is refused too until the window has passed.
            let right = #"{"email":"erin@example.com","password":"password-123"}"#
            #expect(try await api.call(.post, "/v1/auth/login", json: right).status == 429)
            api.clock.advance(seconds: AccountService.throttleWindow + 1)
            #expect(try await api.call(.post, "/v1/auth/login", json: right).status == 200)
        }
    }

    @Test("one client address is limited across emails")
    func perAddress() async throws {
        try await withAPI(live: true) { api in
            var statuses: [Int] = []
            for index in 0..<(AccountService.maximumAttemptsPerAddress + 3) {
                let body = #"{"email":"guess\#(index)@example.com","password":"wrong-password"}"#
                statuses.append(try await api.call(.post, "/v1/auth/login", json: body).status)
            }
            #expect(statuses.prefix(AccountService.maximumAttemptsPerAddress).allSatisfy { $0 == 401 })
            #expect(statuses.suffix(3).allSatisfy { $0 == 429 })
        }
    }

    @Test("an email field that is not an email is refused before anything is stored")
    func hostileEmails() async throws {
        try await withAPI { api in
            let huge = String(repeating: "a", count: 400_000) + "@example.com"
            let before = try await #require(api.composition.sqlite).loginAttemptCount()
            for email in [huge, "not-an-email", "a@b", String(repeating: "x", count: 250) + "@example.com"] {
                let reply = try await api.call(
                    .post, "/v1/auth/login", json: #"{"email":"\#(email)","password":"password-123"}"#)
                #expect(reply.status == 400 && reply.errorFields == ["email"], "\(reply.status)")
            }
            #expect(try await #require(api.composition.sqlite).loginAttemptCount() == before)
        }
    }
}
