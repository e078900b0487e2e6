import Foundation
import Hummingbird

/// Builds JSON responses with one encoder setup: RFC 3339 dates, no escaped slashes.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as a JSON response with `status`.
    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, contentType: String = "application/json"
    ) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A JSON answer from bytes already encoded.
    static func make(data: Data, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encode(_ value: some Encodable) throws -> Data { try encoder.encode(value) }

    /// An order, by its hand-written encoding (the same bytes).
    static func encode(_ order: OrderBody) -> Data { order.json }

    /// An order as a JSON response, by its hand-written encoding.
    static func make(_ order: OrderBody, status: HTTPResponse.Status = .ok) -> Response {
        make(data: order.json, status: status)
    }

    /// `body` as a JSON response, its bytes remembered by the value they were made from (`source`): a product read
    /// again and again is encoded once. Keyed by the whole value, the bytes can never be those of another state.
    static func make<Source: Hashable & Sendable>(
        _ body: @autoclosure () -> some Encodable, from source: Source
    ) throws -> Response {
        let bytes = try encodedBodies.bytes(for: source) { ByteBuffer(bytes: try encoder.encode(body())) }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: bytes))
    }

    static let encodedBodies = EncodedBodies()
}

/// Response bodies by the value they were encoded from: the newest few thousand.
final class EncodedBodies: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [AnyHashable: ByteBuffer] = [:]
    private var order: [AnyHashable] = []
    private var next = 0
    private let capacity = 2048

    func bytes<Source: Hashable & Sendable>(for source: Source, encode: () throws -> ByteBuffer) rethrows
        -> ByteBuffer
    {
        let key = AnyHashable(source)
        if let bytes = lock.withLock({ bodies[key] }) { return bytes }
        let bytes = try encode()
        lock.withLock {
            guard bodies.updateValue(bytes, forKey: key) == nil else { return }
            if order.count < capacity {
                order.append(key)
            } else {
                bodies.removeValue(forKey: order[next])
                order[next] = key
                next = (next + 1) % capacity
            }
        }
        return bytes
    }
}
