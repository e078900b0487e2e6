import Foundation
import HTTPTypes
import Testing

/// A browser's cookie jar, kept across calls.
final class WebBrowser: @unchecked Sendable {
    let api: TestAPI
    var cookies: [String: String] = [:]
    init(_ api: TestAPI) { self.api = api }

    var csrf: String { cookies["orderly_csrf"] ?? "" }

    @discardableResult
    func get(_ path: String) async throws -> Reply { try await send(.get, path, form: nil) }

    @discardableResult
    func post(_ path: String, _ fields: [String: String], csrf: Bool = true) async throws -> Reply {
        var fields = fields
        if csrf { fields["_csrf"] = self.csrf }
        let body = fields.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        .joined(separator: "&")
        return try await send(.post, path, form: body)
    }

    func send(_ method: HTTPRequest.Method, _ path: String, form: String?) async throws -> Reply {
        var headers = ["Cookie": cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
        if form != nil { headers["Content-Type"] = "application/x-www-form-urlencoded" }
        let reply = try await api.call(method, path, json: form, headers: headers)
        for cookie in reply.headers[values: .setCookie] {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            cookies[pair[0]] = pair.count > 1 && !cookie.contains("Max-Age=0") ? pair[1] : nil
        }
        return reply
    }
}

extension WebBrowser {
    /// Signs in through the sign-in form.
    @discardableResult
    func signIn(_ email: String, _ password: String) async throws -> Reply {
        if csrf.isEmpty { try await get("/signin") }
        let reply = try await post("/signin", ["email": email, "password": password])
        try #require(reply.status == 303, "sign-in failed: \(reply.status) \(reply.text)")
        return reply
    }
}
