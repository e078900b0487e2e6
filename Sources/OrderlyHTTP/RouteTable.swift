import Hummingbird
import OrderlyModel
import OrderlyServices

/// Who may call an endpoint. Declared once per route in its ``RouteSpec``; the router enforces it before the handler
/// runs, and the OpenAPI document states it.
public enum Access: Sendable, Hashable {
    /// No token needed; a signed-in caller is still known to the handler.
    case anyone
    /// Any valid token.
    case signedIn
    /// A valid token of one of these roles.
    case roles([Role])

    /// Whether `role` may call a route with this access.
    public func admits(_ role: Role) -> Bool {
        switch self {
        case .anyone, .signedIn: return true
        case .roles(let roles): return roles.contains(role)
        }
    }

    /// The caller, when this access lets them in.
    /// - Throws: `unauthenticated` without a caller where one is needed; `forbidden` for a role not named.
    func admit(_ actor: Actor?) throws -> Actor? {
        if self == .anyone { return actor }
        guard let actor else { throw OrderlyError.unauthenticated() }
        guard admits(actor.role) else { throw OrderlyError.forbidden() }
        return actor
    }
}

/// One endpoint as documented: method, path template, who may call it, what goes in and what comes out.
///
/// Every route is registered through a spec, so the OpenAPI document and the 405 answers are made from the same
/// list the router serves.
public struct RouteSpec: Sendable {
    public var method: HTTPRequest.Method
    /// The path template with `{name}` captures, e.g. `/v1/products/{productId}`.
    public var path: String
    public var summary: String
    public var access: Access
    /// Query parameters: name and a JSON schema fragment such as `{"type":"string"}`.
    public var query: [(name: String, schema: String)]
    /// The component schema of the request body, if it has one.
    public var body: String?
    /// The success status and the component schema of its body (`nil` for a non-JSON body).
    public var success: (status: Int, schema: String?)
    /// The error statuses this endpoint can answer besides the ones every endpoint can.
    public var errors: [Int]
    /// Whether the endpoint takes an `Idempotency-Key` header.
    public var idempotent: Bool
    /// The media type of a success body that is not JSON (a receipt is `text/html`).
    public var produces: String
    /// Other success statuses with the same body (`?wait=true` answers 200 where the default is 202).
    public var alsoSucceeds: [Int]

    public init(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: Access,
        query: [(name: String, schema: String)] = [], body: String? = nil, success: (status: Int, schema: String?),
        errors: [Int] = [], idempotent: Bool = false, produces: String = "text/plain", alsoSucceeds: [Int] = []
    ) {
        self.produces = produces
        self.alsoSucceeds = alsoSucceeds
        self.method = method
        self.path = path
        self.summary = summary
        self.access = access
        self.query = query
        self.body = body
        self.success = success
        self.errors = errors
        self.idempotent = idempotent
    }
}

/// The list of every route the server answers, in registration order.
public final class RouteTable: @unchecked Sendable {
    public private(set) var specs: [RouteSpec] = []

    public init() {}

    func add(_ spec: RouteSpec) { specs.append(spec) }

    /// The methods registered for a concrete path such as `/v1/products/prd_1`, for a 405's `Allow` header.
    func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return specs.filter { spec in
            let template = spec.path.split(separator: "/", omittingEmptySubsequences: true)
            return template.count == segments.count
                && zip(template, segments).allSatisfy { $0.first == "{" || $0 == $1 }
        }.map(\.method.rawValue)
    }
}

extension Router where Context == AppRequestContext {
    /// Registers a route open to anyone (`access: .anyone`); a signed-in caller is `context.actor`.
    func add(
        _ spec: RouteSpec, in table: RouteTable,
        _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        precondition(spec.access == .anyone, "\(spec.path) needs a caller: give it a handler that takes the actor")
        table.add(spec)
        on(RouterPath(spec.path), method: spec.method, use: handler)
    }

    /// Registers a route that needs a caller: the router lets in only the callers `spec.access` names (401 without
    /// a token, 403 for another role) and hands the handler the signed-in actor.
    func add(
        _ spec: RouteSpec, in table: RouteTable,
        _ handler: @escaping @Sendable (Request, AppRequestContext, Actor) async throws -> Response
    ) {
        precondition(spec.access != .anyone, "\(spec.path) is open to anyone: give it a handler without an actor")
        table.add(spec)
        let access = spec.access
        on(RouterPath(spec.path), method: spec.method) { request, context in
            guard let actor = try access.admit(context.actor) else { throw OrderlyError.unauthenticated() }
            return try await handler(request, context, actor)
        }
    }
}
