import AWSAdapters
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The Runtime API loop against a local server speaking the Runtime API (2018-06-01): what it asks, and what it
/// posts for an answer, a handler's error and an error while starting.
@Suite("Lambda Runtime API loop")
struct LambdaRuntimeTests {
    /// A Runtime API: hands out queued events and records what comes back.
    final class FakeRuntimeAPI: @unchecked Sendable {
        let lock = NSLock()
        var queued: [(id: String, event: String)]
        var posted: [(path: String, errorType: String?, body: String)] = []

        init(events: [(id: String, event: String)]) { queued = events }

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.get("/2018-06-01/runtime/invocation/next") { _, _ -> Response in
                let next = self.lock.withLock { self.queued.isEmpty ? nil : self.queued.removeFirst() }
                guard let next else { return Response(status: .gone) }
                var headers = HTTPFields()
                headers[HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!] = next.id
                headers[HTTPField.Name("Lambda-Runtime-Deadline-Ms")!] = "4102444800000"
                headers[HTTPField.Name("Lambda-Runtime-Invoked-Function-Arn")!] =
                    "arn:aws:lambda:us-east-1:1:function:f"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: next.event)))
            }
            for path in [
                "/2018-06-01/runtime/invocation/{id}/response", "/2018-06-01/runtime/invocation/{id}/error",
                "/2018-06-01/runtime/init/error",
            ] {
                router.post(RouterPath(path)) { request, context -> HTTPResponse.Status in
                    let body = try await request.body.collect(upTo: 1 << 20)
                    let errorType = request.headers[HTTPField.Name("Lambda-Runtime-Function-Error-Type")!]
                    var recorded = request.uri.path
                    if let id = context.parameters.get("id") {
                        recorded = recorded.replacingOccurrences(of: id, with: "ID:" + id)
                    }
                    self.lock.withLock { self.posted.append((recorded, errorType, String(buffer: body))) }
                    return .accepted
                }
            }
            return router
        }
    }

    struct Boom: Error {}

    @Test("an answer is posted to the invocation's response, a handler's error to its error with the error type")
    func loop() async throws {
        let api = FakeRuntimeAPI(events: [("req-1", #"{"n":1}"#), ("req-2", #"{"n":2}"#)])
        let app = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await LambdaRuntime(api: "127.0.0.1:\(port)").run(
                invocations: 2, initialize: { "ready" },
                handle: { state, invocation in
                    #expect(state == "ready")
                    #expect(invocation.functionARN == "arn:aws:lambda:us-east-1:1:function:f")
                    #expect(invocation.deadline == Date(timeIntervalSince1970: 4_102_444_800))
                    if invocation.requestID == "req-2" {
                        throw LambdaRuntime.FunctionError(type: "PaymentDeclined", message: "card_declined")
                    }
                    return Data(#"{"echo":\#(String(decoding: invocation.event, as: UTF8.self))}"#.utf8)
                })
        }
        let posted = api.lock.withLock { api.posted }
        #expect(posted.count == 2)
        #expect(posted[0].path == "/2018-06-01/runtime/invocation/ID:req-1/response")
        #expect(posted[0].body == #"{"echo":{"n":1}}"#)
        #expect(posted[0].errorType == nil)
        #expect(posted[1].path == "/2018-06-01/runtime/invocation/ID:req-2/error")
        #expect(posted[1].errorType == "PaymentDeclined")
        let error = try JSONSerialization.jsonObject(with: Data(posted[1].body.utf8)) as? [String: Any]
        #expect(error?["errorType"] as? String == "PaymentDeclined")
        #expect(error?["errorMessage"] as? String == "card_declined")
    }

    @Test("an error while starting is posted as an init error, and no invocation is asked for")
    func initError() async throws {
        let api = FakeRuntimeAPI(events: [("req-1", "{}")])
        let app = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            await #expect(throws: Boom.self) {
                try await LambdaRuntime(api: "127.0.0.1:\(port)").run(
                    invocations: 1, initialize: { () async throws -> String in throw Boom() },
                    handle: { _, _ in Data() },
                    error: { _ in LambdaRuntime.FunctionError(type: "Configuration", message: "no handler") })
            }
        }
        let posted = api.lock.withLock { api.posted }
        #expect(posted.map(\.path) == ["/2018-06-01/runtime/init/error"])
        #expect(posted.first?.errorType == "Configuration")
        #expect(api.lock.withLock { api.queued.count } == 1)
    }
}
