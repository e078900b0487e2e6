import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OrderlyHTTP

/// API Gateway HTTP API events (payload format 2.0) through the same router as the server: the event becomes a
/// request, the router's answer becomes the event's response.
struct APIGatewayBridge: Sendable {
    let responder: RouterResponder<AppRequestContext>
    let logger: Logger

    /// The request event (the fields Orderly reads).
    struct Event: Decodable {
        var rawPath: String
        var rawQueryString: String?
        var headers: [String: String]?
        var cookies: [String]?
        var body: String?
        var isBase64Encoded: Bool?
        var requestContext: Context

        struct Context: Decodable {
            var http: HTTP
            struct HTTP: Decodable {
                var method: String
                var sourceIp: String?
            }
        }
    }

    /// The response API Gateway expects.
    struct Answer: Encodable, Equatable {
        var statusCode: Int
        var headers: [String: String]
        var cookies: [String]
        var body: String
        var isBase64Encoded: Bool
    }

    func handle(_ event: Data) async throws -> Data {
        let event = try JSONDecoder().decode(Event.self, from: event)
        let answer = try await handle(event)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(answer)
    }

    func handle(_ event: Event) async throws -> Answer {
        guard let method = HTTPRequest.Method(event.requestContext.http.method) else {
            return Answer(statusCode: 405, headers: [:], cookies: [], body: "", isBase64Encoded: false)
        }
        let query = event.rawQueryString.flatMap { $0.isEmpty ? nil : "?" + $0 } ?? ""
        var head = HTTPRequest(
            method: method, scheme: "https", authority: event.headers?["host"], path: event.rawPath + query)
        for (name, value) in event.headers ?? [:] {
            guard let field = HTTPField.Name(name) else { continue }
            head.headerFields.append(HTTPField(name: field, value: value))
        }
        if let cookies = event.cookies, !cookies.isEmpty {
            head.headerFields[.cookie] = cookies.joined(separator: "; ")
        }
        let body: Data =
            if event.isBase64Encoded == true {
                Data(base64Encoded: event.body ?? "") ?? Data()
            } else {
                Data((event.body ?? "").utf8)
            }
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body)))
        let context = AppRequestContext(logger: logger, clientAddress: event.requestContext.http.sourceIp)
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        return try await Self.answer(response)
    }

    /// The event response of a router response: text bodies as text, anything else base64.
    static func answer(_ response: Response) async throws -> Answer {
        let collector = Collector()
        try await response.body.write(collector)
        var headers: [String: String] = [:]
        var cookies: [String] = []
        for field in response.headers {
            if field.name == .setCookie {
                cookies.append(field.value)
            } else {
                headers[field.name.canonicalName] =
                    headers[field.name.canonicalName].map { $0 + "," + field.value }
                    ?? field.value
            }
        }
        let bytes = Data(collector.buffer.readableBytesView)
        let type = headers["content-type"] ?? ""
        let isText = type.hasPrefix("text/") || type.contains("json") || type.contains("xml") || bytes.isEmpty
        if isText, let text = String(data: bytes, encoding: .utf8) {
            return Answer(
                statusCode: Int(response.status.code), headers: headers, cookies: cookies, body: text,
                isBase64Encoded: false)
        }
        return Answer(
            statusCode: Int(response.status.code), headers: headers, cookies: cookies,
            body: bytes.base64EncodedString(), isBase64Encoded: true)
    }

    /// Collects a response body.
    final class Collector: ResponseBodyWriter, @unchecked Sendable {
        var buffer = ByteBuffer()

        func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            self.buffer.writeBuffer(&buffer)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
