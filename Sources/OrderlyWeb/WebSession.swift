import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OrderlyHTTP
import OrderlyServices

/// Who is browsing: the signed-in actor from the session cookie, and the visitor's CSRF token.
///
/// The session is the API's own token, kept in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` when the request came
/// over TLS, directly or through a proxy that says so). Every form carries the visitor's CSRF token, which must equal
/// the `orderly_csrf` cookie (double submit): another site can make a browser post, but cannot read the cookie to
/// fill the field.
struct WebSession: Sendable {
    static let sessionCookie = "orderly_session"
    static let csrfCookie = "orderly_csrf"

    var actor: Actor?
    var name: String?
    /// The visitor's CSRF token; new (and to be set as a cookie) when the request had none.
    var csrf: String
    var csrfIsNew: Bool

    /// Reads the cookies; a session whose token no longer verifies (expired, password changed) is no session.
    static func resolve(_ request: Request, tokens: TokenAuthority, accounts: AccountService) async -> WebSession {
        let cookies = Self.cookies(request)
        var session = WebSession(actor: nil, name: nil, csrf: "", csrfIsNew: false)
        if let token = cookies[sessionCookie], let claims = try? await tokens.verify(token),
            let actor = try? await accounts.actor(for: claims.actor.userID, tokenGeneration: claims.generation)
        {
            session.actor = actor
            session.name = try? await accounts.profile(of: actor.userID).name
        }
        if let csrf = cookies[csrfCookie], csrf.count == 64, csrf.allSatisfy(\.isHexDigit) {
            session.csrf = csrf
        } else {
            session.csrf = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }
                .joined()
            session.csrfIsNew = true
        }
        return session
    }

    /// Whether a posted form's `_csrf` is this visitor's token (compared in constant time).
    func accepts(_ form: WebForm) -> Bool {
        guard !csrfIsNew, let posted = form["_csrf"], posted.utf8.count == csrf.utf8.count else { return false }
        return zip(posted.utf8, csrf.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func cookies(_ request: Request) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                cookies[parts[0].trimmingCharacters(in: .whitespaces)] = String(parts[1]).trimmingCharacters(
                    in: .whitespaces)
            }
        }
        return cookies
    }

    /// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, path `/`, `Secure` over TLS; `maxAge` 0 deletes it.
    static func cookie(_ name: String, _ value: String, maxAge: Int?, request: Request) -> String {
        var cookie = "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax"
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        if request.head.scheme == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" {
            cookie += "; Secure"
        }
        return cookie
    }
}

/// An `application/x-www-form-urlencoded` body.
struct WebForm: Sendable {
    var fields: [String: String]

    subscript(name: String) -> String? {
        fields[name].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
    }

    /// Reads the body (at most 64 KB).
    static func read(_ request: Request) async throws -> WebForm {
        let body = try await request.body.collect(upTo: 64 * 1024)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first, !name.isEmpty { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return WebForm(fields: fields)
    }
}
