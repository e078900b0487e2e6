import Hummingbird
import Logging
import OrderlyModel
import OrderlyServices

/// The request context of every Orderly route: Hummingbird's core storage plus who is asking.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller, set by ``AuthMiddleware`` from a valid bearer token.
    public var actor: Actor?
    /// The request id echoed in `X-Request-Id` and carried by every log line.
    public var requestID: String = ""

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Bodies are read by ``JSONBody`` with its own limit; this only bounds Hummingbird's own decoding.
    public var maxUploadSize: Int { JSONBody.maximumBytes }

    /// The caller, or `unauthenticated` when the request carried no token.
    public func requireActor() throws -> Actor {
        guard let actor else { throw OrderlyError.unauthenticated() }
        return actor
    }

    /// The caller when they have `role`; `forbidden` otherwise.
    public func requireRole(_ roles: Role...) throws -> Actor {
        let actor = try requireActor()
        guard roles.contains(actor.role) else { throw OrderlyError.forbidden() }
        return actor
    }
}
