import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import Prometheus

/// Gives every request an id (the client's `X-Request-Id` when it is sensible, a new one otherwise), puts it on the
/// logger and on the answer, and logs one line per request.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let id = request.headers[.requestID].flatMap(Self.acceptable) ?? Self.newID()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = id
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "ms": .stringConvertible(
                    Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15),
            ])
        return response
    }

    /// A client id is kept when it is 1–128 visible ASCII characters without spaces.
    static func acceptable(_ value: String) -> String? {
        (1...128).contains(value.utf8.count) && value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) ? value : nil
    }

    /// `req_` and 16 random hex digits, from one draw of the system's generator (each draw is a system call).
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = String(generator.next() as UInt64, radix: 16)
        return "req_" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let orderlySignature = HTTPField.Name("Orderly-Signature")!
}

/// Counts requests and measures their latency by route and status, into a Prometheus registry.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let registry: PrometheusCollectorRegistry

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        .seconds(10),
    ]

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let labels = [
            ("method", request.method.rawValue), ("route", context.endpointPath ?? "NotFound"),
            ("status", String(response.status.code)),
        ]
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "http_requests_total", unitName: "",
                helpText: "Requests answered, by method, route and status"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "http_request_duration", unitName: "seconds",
                helpText: "Time to answer a request, by method, route and status"),
            labels: labels, buckets: Self.buckets
        ).record(ContinuousClock.now - start)
        return response
    }
}

/// Reads `Authorization: Bearer <JWT>` when present; a token that does not verify, or whose user is gone or has
/// changed their password since, is 401 on any route. The caller's role is the user's current one.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let tokens: TokenAuthority
    let accounts: AccountService

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw OrderlyError.unauthenticated("The Authorization header must be 'Bearer <token>'.")
        }
        var context = context
        let claims = try await tokens.verify(String(parts[1]).trimmingCharacters(in: .whitespaces))
        context.actor = try await accounts.actor(for: claims.actor.userID, tokenGeneration: claims.generation)
        context.logger[metadataKey: "user_id"] = .string(context.actor!.userID.rawValue)
        return try await next(request, context)
    }
}

/// Holds every answer until what storage committed before it is on the disk, so that nothing a client is told is
/// lost to a power failure (the embedded database syncs commits in groups; one sync covers every request waiting).
/// An error answer waits too: a request may have written before it failed. When the sync fails, the client is told
/// of an internal error, never of a success.
struct DurableAnswersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let storage: any StorageDurability

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            try await durable()
            throw error
        }
        try await durable()
        return response
    }

    private func durable() async throws {
        do {
            try await storage.makeDurable()
        } catch {
            throw OrderlyError(.internal, "Storage could not make the answer durable.", underlying: error)
        }
    }
}
