import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import OrderlyApp
import OrderlyPorts
import Testing

/// A clock the test moves by hand.
final class TestClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = start
    }

    func now() -> Date { lock.withLock { current } }

    func advance(seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// An answer: status, headers, and the body as bytes and as parsed JSON.
struct Reply: @unchecked Sendable {
    let status: Int
    let headers: HTTPFields
    let body: Data

    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
    subscript(key: String) -> Any? { object[key] }
    func string(_ key: String) -> String? { object[key] as? String }
    /// The problem code of an error answer.
    var code: String? { string("code") }
    /// The fields named by a problem's `errors`.
    var errorFields: [String] { (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
    func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
}

/// Drives the real router over a real SQLite database in a fresh temporary folder.
struct TestAPI: Sendable {
    static let adminEmail = "admin@orderly.test"
    static let adminPassword = "admin-password-1"

    let execute: @Sendable (String, HTTPRequest.Method, HTTPFields, ByteBuffer?) async throws -> TestResponse
    let composition: Composition
    let clock: TestClock

    /// Sends a request; `json` is sent as the body as is.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, json: String? = nil, token: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var fields: HTTPFields = [:]
        if json != nil { fields[.contentType] = "application/json" }
        if let token { fields[.authorization] = "Bearer \(token)" }
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let response = try await execute(path, method, fields, json.map { ByteBuffer(string: $0) })
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
    }

    /// Signs in and returns the token.
    func login(_ email: String, _ password: String) async throws -> String {
        let reply = try await call(.post, "/v1/auth/login", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        try #require(reply.status == 200, "login failed: \(reply.text)")
        return try #require(reply.string("token"))
    }

    /// The configured admin's token.
    func adminToken() async throws -> String { try await login(Self.adminEmail, Self.adminPassword) }

    /// Registers a customer and returns its token and id.
    func customer(_ email: String = "c\(UInt32.random(in: 0...UInt32.max))@example.com") async throws
        -> (token: String, userID: String)
    {
        let reply = try await call(
            .post, "/v1/users", json: #"{"email":"\#(email)","password":"password-123","name":"Customer"}"#)
        try #require(reply.status == 201, "register failed: \(reply.text)")
        return (try await login(email, "password-123"), try #require(reply.string("userId")))
    }

    /// Creates a product as the admin and returns its id.
    func product(
        name: String = "Milk 1L", price: Int = 129, category: String = "dairy", stock: Int = 10, admin: String
    ) async throws -> String {
        let reply = try await call(
            .post, "/v1/products",
            json: #"""
                {"name":"\#(name)","description":"Fresh","price":{"amount":\#(price),"currency":"USD"},
                 "category":"\#(category)","stock":\#(stock)}
                """#, token: admin)
        try #require(reply.status == 201, "create product failed: \(reply.text)")
        return try #require(reply.string("productId"))
    }
}

/// Runs `body` against a fresh application: its own data folder, a test clock, the configured admin.
func withAPI(
    configure: (inout OrderlyConfiguration) -> Void = { _ in }, _ body: @escaping @Sendable (TestAPI) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orderly-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var config = OrderlyConfiguration()
    config.dataDirectory = directory.path
    config.adminEmail = TestAPI.adminEmail
    config.adminPassword = TestAPI.adminPassword
    configure(&config)
    let clock = TestClock()
    // Bcrypt cost 4 keeps the suite fast; production's cost of 10 is checked by its own test.
    let composition = try await Composition(config, overrides: AppOverrides(clock: clock, bcryptCost: 4))
    try await composition.ensureConfiguredAdmin(logger: Logger(label: "test"))
    let app = Application(router: try composition.router())
    try await app.test(.router) { client in
        let api = TestAPI(
            execute: { uri, method, headers, body in
                try await client.execute(uri: uri, method: method, headers: headers, body: body)
            }, composition: composition, clock: clock)
        try await body(api)
    }
}
