import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The Lambda Runtime API loop of a custom runtime (`provided.al2023`): ask for the next invocation, hand its event to
/// the handler, post the answer or the error; an error while starting is posted as an init error.
///
/// The API is at `http://$AWS_LAMBDA_RUNTIME_API/2018-06-01` (version 2018-06-01).
public struct LambdaRuntime: Sendable {
    /// One invocation: its request id, deadline and event.
    public struct Invocation: Sendable {
        public var requestID: String
        /// When the function times out.
        public var deadline: Date
        public var functionARN: String
        public var traceID: String?
        public var event: Data
    }

    /// An error the way the Runtime API takes it: `errorType` (Step Functions' error name for a task) and a message.
    public struct FunctionError: Error, Sendable, Equatable {
        public var type: String
        public var message: String

        public init(type: String, message: String) {
            self.type = type
            self.message = message
        }
    }

    let base: String
    let http: HTTPClient

    /// - Parameter api: the `AWS_LAMBDA_RUNTIME_API` value, `host:port`.
    public init(api: String, http: HTTPClient = .shared) {
        base = "http://\(api)/2018-06-01/runtime"
        self.http = http
    }

    /// Starts with `initialize` (posting an init error if it throws, then ending), then serves invocations one at a
    /// time until `invocations` have been served (forever when nil) or the Runtime API stops answering.
    /// - Parameter error: turns an error thrown by a handler into what is posted (a ``FunctionError`` as it is,
    ///   anything else as `Unhandled`, by default).
    public func run<Handler: Sendable>(
        invocations: Int? = nil, initialize: () async throws -> Handler,
        handle: @Sendable (Handler, Invocation) async throws -> Data,
        error describe: @Sendable (any Error) -> FunctionError = {
            ($0 as? FunctionError) ?? FunctionError(type: "Unhandled", message: "\($0)")
        }
    ) async throws {
        let handler: Handler
        do {
            handler = try await initialize()
        } catch {
            try await post("/init/error", body: Self.errorBody(describe(error)), errorType: describe(error).type)
            throw error
        }
        var served = 0
        while invocations.map({ served < $0 }) ?? true {
            let invocation = try await next()
            do {
                let answer = try await handle(handler, invocation)
                try await post("/invocation/\(invocation.requestID)/response", body: answer)
            } catch {
                let failure = describe(error)
                try await post(
                    "/invocation/\(invocation.requestID)/error", body: Self.errorBody(failure), errorType: failure.type)
            }
            served += 1
        }
    }

    /// Waits for the next invocation (the Runtime API holds this request until there is one: no timeout).
    func next() async throws -> Invocation {
        let response = try await http.execute(HTTPClientRequest(url: base + "/invocation/next"), timeout: .hours(24))
        let body = try await response.body.collect(upTo: 6 * 1024 * 1024 + 1024)
        guard response.status == .ok, let requestID = response.headers.first(name: "Lambda-Runtime-Aws-Request-Id")
        else {
            throw FunctionError(type: "Runtime.NextFailed", message: "The Runtime API answered \(response.status).")
        }
        let deadline = response.headers.first(name: "Lambda-Runtime-Deadline-Ms").flatMap { Double($0) }
        return Invocation(
            requestID: requestID,
            deadline: deadline.map { Date(timeIntervalSince1970: $0 / 1000) } ?? .distantFuture,
            functionARN: response.headers.first(name: "Lambda-Runtime-Invoked-Function-Arn") ?? "",
            traceID: response.headers.first(name: "Lambda-Runtime-Trace-Id"), event: Data(body.readableBytesView))
    }

    func post(_ path: String, body: Data, errorType: String? = nil) async throws {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        request.headers.add(name: "Content-Type", value: "application/json")
        if let errorType { request.headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType) }
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1024 * 1024)
        guard (200..<300).contains(response.status.code) else {
            throw FunctionError(type: "Runtime.PostFailed", message: "The Runtime API answered \(response.status).")
        }
    }

    static func errorBody(_ error: FunctionError) -> Data {
        let object: [String: Any] = ["errorType": error.type, "errorMessage": error.message, "stackTrace": [String]()]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
