import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OrderlyHTTP
import OrderlyModel
import OrderlyServices

/// One page or form of the site, declared once: its method, path, who may open it, and what it does. The site is
/// registered from the list of these (``WebRoutes/routes``), the door is checked before the handler runs, and a test
/// walks the same list to prove that every page refuses the roles it does not name.
struct WebRoute: Sendable {
    var method: HTTPRequest.Method
    /// The path template with `{name}` captures, e.g. `/admin/orders/{id}`.
    var path: String
    var access: Access
    var handle: @Sendable (WebRoutes, WebVisit) async throws -> Response

    /// A page.
    static func get(
        _ path: String, _ access: Access, _ handle: @escaping @Sendable (WebRoutes, WebVisit) async throws -> Response
    ) -> WebRoute {
        WebRoute(method: .get, path: path, access: access, handle: handle)
    }

    /// A form's target; the form must carry the visitor's CSRF token.
    static func post(
        _ path: String, _ access: Access, _ handle: @escaping @Sendable (WebRoutes, WebVisit) async throws -> Response
    ) -> WebRoute {
        WebRoute(method: .post, path: path, access: access, handle: handle)
    }
}

/// One request for a page: the visitor's session, who they are (when the page needs someone), the path's parameters,
/// the query and, for a post, the form.
struct WebVisit: Sendable {
    var request: Request
    var session: WebSession
    var parameters: [String: String]
    var form: WebForm
    var clientAddress: String?

    /// The signed-in actor. The door has checked it for every page whose access is not `anyone`.
    var actor: Actor {
        get throws {
            guard let actor = session.actor else { throw WebRoutes.Redirect(location: "/signin") }
            return actor
        }
    }

    /// A query parameter, `nil` when missing or empty.
    func query(_ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The path parameter `name` as a typed id.
    /// - Throws: `not_found` (naming `what`) for text that is not such an id: to a visitor, a page that does not exist.
    func id<Entity: IdentifiedByPrefix>(_ name: String, of entity: Entity.Type, _ what: String) throws
        -> Identifier<Entity>
    {
        guard let text = parameters[name], let id = Identifier<Entity>(validating: text) else {
            throw OrderlyError.notFound(what)
        }
        return id
    }
}

extension WebRoutes {
    struct Redirect: Error { var location: String }

    /// Registers every route of ``routes`` on the API's router (their paths are not the API's).
    func register(_ routes: [WebRoute], on router: Router<AppRequestContext>) {
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                let parameters = Dictionary(
                    context.parameters.map { (String($0.key), String($0.value)) },
                    uniquingKeysWith: { first, _ in first })
                return try await serve(route, request, parameters: parameters, clientAddress: context.clientAddress)
            }
        }
    }

    /// Resolves the session, checks the door and the form's token, runs the handler, and turns an error into a page.
    /// Sets the CSRF cookie on a visitor's first request.
    func serve(_ route: WebRoute, _ request: Request, parameters: [String: String], clientAddress: String?) async throws
        -> Response
    {
        let session = await WebSession.resolve(request, tokens: tokens, accounts: services.accounts)
        var response: Response
        do {
            var visit = WebVisit(
                request: request, session: session, parameters: parameters, form: WebForm(fields: [:]),
                clientAddress: clientAddress)
            try admit(route, session: session, request: request)
            if route.method == .post {
                visit.form = try await WebForm.read(request)
                guard session.accepts(visit.form) else { throw FormExpired() }
            }
            response = try await route.handle(self, visit)
        } catch {
            response = errorPage(error, session: session)
        }
        if session.csrfIsNew {
            response.headers[values: .setCookie].append(
                WebSession.cookie(WebSession.csrfCookie, session.csrf, maxAge: nil, request: request))
        }
        return response
    }

    /// The door: a page for someone signed in sends a visitor to sign in (and back here after); a page for other
    /// roles than the visitor's is refused.
    func admit(_ route: WebRoute, session: WebSession, request: Request) throws {
        guard route.access != .anyone else { return }
        guard let actor = session.actor else {
            let back = route.method == .get ? request.uri.description : "/"
            throw Redirect(
                location: "/signin?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        guard route.access.admits(actor.role) else {
            throw OrderlyError.forbidden("This page is not open to your account.")
        }
    }

    struct FormExpired: Error {}

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Where to go after signing in: the page that sent the visitor here, when it is one of this site's paths.
    static func safeReturn(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count <= 500,
            !next.hasPrefix("/signin"), !next.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { return nil }
        return next
    }

    func errorPage(_ error: any Error, session: WebSession) -> Response {
        switch error {
        case let redirect as Redirect:
            return Self.redirect(redirect.location)
        case is FormExpired:
            return views.page(
                "error", title: "Form expired",
                values: ["heading": "This form has expired", "message": "Go back, reload the page and try again."],
                session: session, status: .forbidden)
        case let error as OrderlyError where error.code != .internal:
            return views.page(
                "error", title: "Sorry", values: ["heading": "Sorry", "message": Self.describe(error)],
                session: session, status: Self.status(of: error))
        case let error as any HTTPResponseError where error.status.code < 500:
            // What Hummingbird refuses itself, such as a form past its size limit.
            return views.page(
                "error", title: "Sorry", values: ["heading": "Sorry", "message": error.status.reasonPhrase],
                session: session, status: error.status)
        default:
            // Logged with what a person needs to find it; the page reveals nothing of it.
            logger.error("web page failed", metadata: ["error": "\(String(reflecting: error))"])
            return views.page(
                "error", title: "Something went wrong",
                values: ["heading": "Something went wrong", "message": "Please try again in a moment."],
                session: session, status: .internalServerError)
        }
    }

    /// The status a page answers with for an error: the API's for the same code.
    static func status(of error: OrderlyError) -> HTTPResponse.Status {
        switch error.code {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .unauthenticated: .unauthorized
        case .rateLimited: .tooManyRequests
        case .paymentDeclined: .init(code: 402)
        case .conflict, .invalidTransition, .insufficientStock, .cartEmpty, .emailTaken, .idempotencyInProgress:
            .conflict
        case .payloadTooLarge: .contentTooLarge
        default: .badRequest
        }
    }

    /// What a person is told of an error: its message, and each field's problem.
    static func describe(_ error: OrderlyError) -> String {
        ([error.message] + error.fieldIssues.map { "\($0.field): \($0.message)" }).joined(separator: " ")
    }
}
