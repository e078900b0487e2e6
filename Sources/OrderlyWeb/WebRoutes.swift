import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OrderlyHTTP
import OrderlyModel
import OrderlyPorts
import OrderlyServices

/// The website, server-rendered over the same use cases as the API: the storefront (browse and search, product
/// pages, register, sign in and out, the cart, checkout, orders with their delivery, subscriptions, notifications),
/// the couriers' deliveries, and the admin side. Every change is a form post carrying the visitor's CSRF token.
public struct WebRoutes: Sendable {
    let services: UseCases
    let tokens: TokenAuthority
    let clock: any WallClock
    let currency: Currency
    let views: Views
    let logger = Logger(label: "orderly.web")

    public init(services: UseCases, tokens: TokenAuthority, clock: any WallClock, currency: Currency) throws {
        self.services = services
        self.tokens = tokens
        self.clock = clock
        self.currency = currency
        views = try Views()
    }

    /// Every page and form of the site, with who may open it: the one place that says so.
    static let routes: [WebRoute] =
        accountRoutes + shoppingRoutes + subscriptionRoutes + deliveryRoutes + adminCatalogRoutes
        + adminOrderRoutes + adminOperationsRoutes

    /// The site's method and path templates with their access, for a test that walks them.
    public static var routeTable: [(method: HTTPRequest.Method, path: String, access: Access)] {
        routes.map { ($0.method, $0.path, $0.access) }
    }

    /// Adds the pages to the API's router (their paths are not the API's).
    public func add(to router: Router<AppRequestContext>) {
        register(Self.routes, on: router)
    }

    // MARK: - Catalog and account

    static let accountRoutes: [WebRoute] = [
        .get("/", .anyone) { try await $0.catalog($1) },
        .get("/products/{id}", .anyone) { web, visit in
            try await web.product(visit.id("id", of: Product.self, "product"), visit.session)
        },
        .get("/signin", .anyone) { web, visit in
            web.views.page(
                "signin", title: "Sign in", values: ["next": safeReturn(visit.query("next")) ?? ""],
                session: visit.session)
        },
        .post("/signin", .anyone) { try await $0.signIn($1) },
        .get("/register", .anyone) { web, visit in
            web.views.page("register", title: "Create account", values: [:], session: visit.session)
        },
        .post("/register", .anyone) { try await $0.register($1) },
        .post("/signout", .anyone) { _, visit in
            var response = Self.redirect("/")
            response.headers[values: .setCookie] = [
                WebSession.cookie(WebSession.sessionCookie, "", maxAge: 0, request: visit.request)
            ]
            return response
        },
    ]

    func catalog(_ visit: WebVisit) async throws -> Response {
        let text = visit.query("q")
        let category = visit.query("category")
        let page = try await services.catalog.products(
            matching: ProductQuery(category: category, text: text),
            page: PageRequest(limit: 24, after: visit.query("cursor")), for: visit.session.actor)
        let categories = try await services.catalog.categories()
        return views.page(
            "catalog", title: "Shop",
            values: [
                "query": text ?? "", "category": category ?? "", "canBuy": visit.session.actor?.role == .customer,
                "categories": categories.map { ["name": $0, "selected": $0.lowercased() == category?.lowercased()] },
                "products": page.items.map(Self.productValues), "next": page.nextAfter ?? "",
                "message": visit.query("added") != nil ? "Added to your cart." : "",
            ], session: visit.session)
    }

    func product(_ id: Product.ID, _ session: WebSession) async throws -> Response {
        let product = try await services.catalog.product(id, for: session.actor)
        var values = Self.productValues(product)
        values["canBuy"] = session.actor?.role == .customer
        values["signedIn"] = session.actor != nil
        return views.page("product", title: product.name, values: values, session: session)
    }

    static func productValues(_ product: Product) -> [String: Any] {
        [
            "id": product.id.rawValue, "name": product.name, "description": product.description,
            "price": product.price.description, "category": product.category,
            "available": product.stock.available > 0,
            "stock": product.stock.available > 0 ? "\(product.stock.available) in stock" : "Out of stock",
        ]
    }

    func signIn(_ visit: WebVisit) async throws -> Response {
        let form = visit.form
        do {
            let user = try await services.accounts.authenticate(
                email: form["email"] ?? "", password: form["password"] ?? "", clientAddress: visit.clientAddress)
            return try await startSession(
                for: user, request: visit.request, then: Self.safeReturn(form["next"]) ?? Self.home(of: user.role))
        } catch let error as OrderlyError {
            return views.page(
                "signin", title: "Sign in",
                values: [
                    "error": Self.describe(error), "email": form["email"] ?? "",
                    "next": Self.safeReturn(form["next"]) ?? "",
                ],
                session: visit.session, status: error.code == .rateLimited ? .tooManyRequests : .unauthorized)
        }
    }

    /// Where a role starts: the shop, the couriers' deliveries, the admin's overview.
    static func home(of role: Role) -> String {
        switch role {
        case .customer: "/"
        case .courier: "/deliveries"
        case .admin: "/admin"
        }
    }

    func register(_ visit: WebVisit) async throws -> Response {
        let form = visit.form
        do {
            let user = try await services.accounts.register(
                .init(email: form["email"] ?? "", password: form["password"] ?? "", name: form["name"] ?? ""))
            return try await startSession(for: user, request: visit.request, then: "/")
        } catch let error as OrderlyError {
            return views.page(
                "register", title: "Create account",
                values: ["error": Self.describe(error), "email": form["email"] ?? "", "name": form["name"] ?? ""],
                session: visit.session, status: error.code == .emailTaken ? .conflict : .badRequest)
        }
    }

    /// Signs the browser in: the API's token in the session cookie, for as long as the token lasts.
    func startSession(for user: User, request: Request, then location: String) async throws -> Response {
        let (token, expiresAt) = try await tokens.issue(for: user)
        var response = Self.redirect(location)
        response.headers[values: .setCookie] = [
            WebSession.cookie(
                WebSession.sessionCookie, token, maxAge: max(0, Int(expiresAt.timeIntervalSince(clock.now()))),
                request: request)
        ]
        return response
    }
}
