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

    /// The client's IP address, when the request came over a socket (for per-address limits).
    public var clientAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// A context for a request that did not come over a socket: an API Gateway event in Lambda, whose client
    /// address API Gateway reports.
    public init(logger: Logger, clientAddress: String?) {
        self.coreContext = .init(source: DetachedSource(logger: logger))
        self.clientAddress = clientAddress
    }

    /// Bodies are read by ``JSONBody`` with its own limit; this only bounds Hummingbird's own decoding.
    public var maxUploadSize: Int { JSONBody.maximumBytes }
}

/// What a context not made by a server's channel comes from: a logger.
struct DetachedSource: RequestContextSource {
    var logger: Logger
}
