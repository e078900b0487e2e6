import Crypto
import Foundation
import Hummingbird
import NIOCore
import OrderlyModel
import OrderlyPorts
import OrderlyServices

extension APIRoutes {
    /// Runs a creating or charging request under its `Idempotency-Key`, when it has one: the first answer is kept
    /// and replayed for the same request (`Idempotent-Replayed: true`), per user, for 24 hours.
    func idempotent(
        _ request: Request, context: AppRequestContext, actor: Actor,
        _ handler: @escaping (Request) async throws -> (status: HTTPResponse.Status, body: Data)
    ) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            let (status, body) = try await handler(request)
            return JSONResponse.make(data: body, status: status)
        }
        var request = request
        let body = try await JSONBody.collect(&request)
        var digest = SHA256()
        digest.update(data: Data("\(request.method.rawValue) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8))
        digest.update(data: body)
        let fingerprint = digest.finalize().hexString
        let bufferedRequest = request
        let (stored, replayed) = try await services.idempotency.run(
            key: key, scope: actor.userID.rawValue, fingerprint: fingerprint
        ) {
            let (status, body) = try await handler(bufferedRequest)
            return StoredResponse(status: Int(status.code), contentType: "application/json", body: body)
        }
        var response = JSONResponse.make(data: stored.body, status: .init(code: stored.status))
        if replayed { response.headers[.idempotentReplayed] = "true" }
        return response
    }
}
