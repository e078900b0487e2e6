import Foundation
import Hummingbird
import Logging
import OrderlyModel

/// An RFC 9457 problem document: `{"type","title","status","detail","code","errors":[{"field","message"}]}`.
struct Problem: Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var code: String
    var errors: [FieldIssue]
    var requestId: String?
}

/// Turns every error thrown below it into an `application/problem+json` answer.
///
/// Domain errors keep their code and fields; Hummingbird's own errors are mapped to the nearest code; anything else is
/// logged with the request id and answered as a 500 that reveals nothing.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OrderlyError {
            if error.code == .internal { context.logger.error("internal error", metadata: ["error": "\(error)"]) }
            return Self.response(for: error, requestID: context.requestID)
        } catch let error as HTTPError {
            if error.status == .notFound {
                let allowed = routes.methods(forPath: request.uri.path)
                if !allowed.isEmpty {
                    let problem = OrderlyError(.methodNotAllowed, "\(request.method) is not allowed here.")
                    return Self.response(for: problem, requestID: context.requestID, allow: allowed)
                }
            }
            return Self.response(for: translate(error), requestID: context.requestID)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return Self.response(
                for: OrderlyError(.internal, "Something went wrong on our side.", underlying: error),
                requestID: context.requestID)
        }
    }

    /// Hummingbird's own errors, mapped to the nearest code by status.
    private func translate(_ error: HTTPError) -> OrderlyError {
        switch error.status {
        case .notFound:
            return OrderlyError(.notFound, "No such resource.")
        case .contentTooLarge:
            return OrderlyError(.payloadTooLarge, "The request body is larger than 1 MiB.")
        case .badRequest:
            return OrderlyError(.validationFailed, error.body ?? "The request is not valid.")
        case .unauthorized:
            return OrderlyError.unauthenticated()
        default:
            return OrderlyError(.internal, "Something went wrong on our side.", underlying: error)
        }
    }

    /// The problem+json answer for `error`.
    static func response(for error: OrderlyError, requestID: String, allow: [String] = []) -> Response {
        let status = HTTPResponse.Status(code: error.code.httpStatus)
        let isInternal = error.code == .internal
        let problem = Problem(
            type: "urn:orderly:problem:\(error.code.rawValue)", title: error.code.title, status: status.code,
            detail: isInternal ? "Something went wrong on our side. Quote request id \(requestID)." : error.message,
            code: error.code.rawValue, errors: isInternal ? [] : error.fieldIssues, requestId: requestID)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retry = error.retryAfterSeconds { headers[.retryAfter] = String(retry) }
        if error.code == .unauthenticated { headers[.wwwAuthenticate] = "Bearer" }
        if !allow.isEmpty { headers[.allow] = allow.joined(separator: ", ") }
        let data = (try? JSONResponse.encoder.encode(problem)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension OrderlyError.Code {
    /// The code in words: `validation_failed` → "Validation failed".
    var title: String {
        let words = rawValue.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "json", with: "JSON")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// The HTTP status of this code, as the public API lists it.
    var httpStatus: Int {
        switch self {
        case .validationFailed, .malformedJSON: return 400
        case .unauthenticated: return 401
        case .paymentDeclined: return 402
        case .forbidden: return 403
        case .notFound: return 404
        case .methodNotAllowed: return 405
        case .emailTaken, .conflict, .invalidTransition, .insufficientStock, .cartEmpty, .idempotencyInProgress:
            return 409
        case .payloadTooLarge: return 413
        case .idempotencyKeyReused: return 422
        case .rateLimited: return 429
        default: return 500
        }
    }
}
