import Foundation
import HTTPTypes
import Hummingbird
import OrderlyHTTP
import OrderlyModel
import OrderlyPorts
import OrderlyServices

/// The storefront, server-rendered over the same use cases as the API: browse and search, product pages, register,
/// sign in and out, the cart, checkout with the test payment methods, order history and an order page that follows
/// its checkout. Every change is a form post carrying the visitor's CSRF token.
public struct WebRoutes: Sendable {
    let services: UseCases
    let tokens: TokenAuthority
    let clock: any WallClock
    let views: Views

    public init(services: UseCases, tokens: TokenAuthority, clock: any WallClock) throws {
        self.services = services
        self.tokens = tokens
        self.clock = clock
        views = try Views()
    }

    /// Adds the pages to the API's router (their paths are not the API's).
    public func add(to router: Router<AppRequestContext>) {
        router.get("/") { request, _ in try await page(request) { try await catalog(request, $0) } }
        router.get("/products/{id}") { request, context in
            try await page(request) { try await product(context.parameters.get("id") ?? "", $0) }
        }
        router.get("/signin") { request, _ in
            try await page(request) { views.page("signin", title: "Sign in", values: [:], session: $0) }
        }
        router.post("/signin") { request, context in
            try await form(request) { try await signIn($0, $1, request: request, client: context.clientAddress) }
        }
        router.get("/register") { request, _ in
            try await page(request) { views.page("register", title: "Create account", values: [:], session: $0) }
        }
        router.post("/register") { request, _ in try await form(request) { try await register($0, $1, request) } }
        router.post("/signout") { request, _ in
            try await form(request) { _, _ in
                var response = Self.redirect("/")
                response.headers[values: .setCookie] = [
                    WebSession.cookie(WebSession.sessionCookie, "", maxAge: 0, request: request)
                ]
                return response
            }
        }
        addShoppingRoutes(to: router)
        addSubscriptionRoutes(to: router)
    }

    // MARK: - Plumbing

    /// Resolves the session, renders, and sets the CSRF cookie on a first visit; an error becomes an error page.
    func page(_ request: Request, render: (WebSession) async throws -> Response) async throws -> Response {
        let session = await WebSession.resolve(request, tokens: tokens, accounts: services.accounts)
        var response: Response
        do {
            response = try await render(session)
        } catch {
            response = errorPage(error, session: session)
        }
        if session.csrfIsNew {
            response.headers[values: .setCookie].append(
                WebSession.cookie(WebSession.csrfCookie, session.csrf, maxAge: nil, request: request))
        }
        return response
    }

    /// A form post: refused (403) unless it carries the visitor's CSRF token.
    func form(_ request: Request, handle: (WebSession, WebForm) async throws -> Response) async throws -> Response {
        try await page(request) { session in
            let form = try await WebForm.read(request)
            guard session.accepts(form) else {
                return views.page(
                    "error", title: "Form expired",
                    values: ["heading": "This form has expired", "message": "Go back, reload the page and try again."],
                    session: session, status: .forbidden)
            }
            return try await handle(session, form)
        }
    }

    /// The signed-in actor, or a redirect to the sign-in page.
    func signedIn(_ session: WebSession) throws -> Actor {
        guard let actor = session.actor else { throw Redirect(location: "/signin") }
        return actor
    }

    struct Redirect: Error { var location: String }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func errorPage(_ error: any Error, session: WebSession) -> Response {
        switch error {
        case let redirect as Redirect:
            return Self.redirect(redirect.location)
        case let error as OrderlyError:
            let status: HTTPResponse.Status =
                switch error.code {
                case .notFound: .notFound
                case .forbidden: .forbidden
                case .unauthenticated: .unauthorized
                case .rateLimited: .tooManyRequests
                case .paymentDeclined: .init(code: 402)
                case .conflict, .invalidTransition, .insufficientStock, .cartEmpty, .emailTaken: .conflict
                default: .badRequest
                }
            return views.page(
                "error", title: "Sorry", values: ["heading": "Sorry", "message": Self.describe(error)],
                session: session,
                status: status)
        case let error as any HTTPResponseError where error.status.code < 500:
            // What Hummingbird refuses itself, such as a form past its size limit.
            return views.page(
                "error", title: "Sorry", values: ["heading": "Sorry", "message": error.status.reasonPhrase],
                session: session, status: error.status)
        default:
            return views.page(
                "error", title: "Something went wrong",
                values: ["heading": "Something went wrong", "message": "Please try again in a moment."],
                session: session, status: .internalServerError)
        }
    }

    /// What a person is told of an error: its message, and each field's problem.
    static func describe(_ error: OrderlyError) -> String {
        ([error.message] + error.fieldIssues.map { "\($0.field): \($0.message)" }).joined(separator: " ")
    }

    // MARK: - Catalog and account

    func catalog(_ request: Request, _ session: WebSession) async throws -> Response {
        let query = request.uri.queryParameters
        let text = query["q"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let category = query["category"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let page = try await services.catalog.products(
            matching: ProductQuery(category: category, text: text),
            page: PageRequest(limit: 24, after: query["cursor"].map(String.init)), for: session.actor)
        let categories = Set(
            try await services.catalog.products(matching: ProductQuery(), page: PageRequest(limit: 100), for: nil)
                .items.map(\.category)
        ).sorted()
        return views.page(
            "catalog", title: "Shop",
            values: [
                "query": text ?? "", "category": category ?? "", "signedIn": session.actor != nil,
                "categories": categories.map { ["name": $0, "selected": $0 == category] },
                "products": page.items.map(Self.productValues), "next": page.nextAfter ?? "",
                "message": request.uri.queryParameters["added"] != nil ? "Added to your cart." : "",
            ], session: session)
    }

    func product(_ id: String, _ session: WebSession) async throws -> Response {
        guard let productID = Product.ID(validating: id) else { throw OrderlyError.notFound("product") }
        let product = try await services.catalog.product(productID, for: session.actor)
        var values = Self.productValues(product)
        values["signedIn"] = session.actor != nil
        return views.page("product", title: product.name, values: values, session: session)
    }

    static func productValues(_ product: Product) -> [String: Any] {
        [
            "id": product.id.rawValue, "name": product.name, "description": product.description,
            "price": product.price.description, "category": product.category,
            "available": product.stock.available > 0 ? product.stock.available : false,
        ]
    }

    func signIn(_ session: WebSession, _ form: WebForm, request: Request, client: String?) async throws -> Response {
        do {
            let user = try await services.accounts.authenticate(
                email: form["email"] ?? "", password: form["password"] ?? "", clientAddress: client)
            return try await startSession(for: user, request: request)
        } catch let error as OrderlyError {
            return views.page(
                "signin", title: "Sign in", values: ["error": Self.describe(error), "email": form["email"] ?? ""],
                session: session, status: error.code == .rateLimited ? .tooManyRequests : .unauthorized)
        }
    }

    func register(_ session: WebSession, _ form: WebForm, _ request: Request) async throws -> Response {
        do {
            let user = try await services.accounts.register(
                .init(email: form["email"] ?? "", password: form["password"] ?? "", name: form["name"] ?? ""))
            return try await startSession(for: user, request: request)
        } catch let error as OrderlyError {
            return views.page(
                "register", title: "Create account",
                values: ["error": Self.describe(error), "email": form["email"] ?? "", "name": form["name"] ?? ""],
                session: session, status: error.code == .emailTaken ? .conflict : .badRequest)
        }
    }

    /// Signs the browser in: the API's token in the session cookie, for as long as the token lasts.
    func startSession(for user: User, request: Request) async throws -> Response {
        let (token, expiresAt) = try await tokens.issue(for: user)
        var response = Self.redirect("/")
        response.headers[values: .setCookie] = [
            WebSession.cookie(
                WebSession.sessionCookie, token, maxAge: max(0, Int(expiresAt.timeIntervalSince(clock.now()))),
                request: request)
        ]
        return response
    }
}
