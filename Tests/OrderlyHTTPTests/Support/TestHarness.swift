import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import OrderlyApp
import OrderlyPorts
import OrderlyServices
import StoreSQLite
import Testing
import WorkflowEngine

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

    /// Places an order of `quantity` units of `product`, paying with `method` (JSON), and waits for its checkout.
    func order(
        _ product: String, quantity: Int = 1, method: String = #"{"type":"card","token":"tok_visa"}"#, token: String,
        key: String? = nil
    ) async throws -> Reply {
        try await call(
            .post, "/v1/orders?wait=true",
            json: #"{"items":[{"productId":"\#(product)","quantity":\#(quantity)}],"paymentMethod":\#(method)}"#,
            token: token, headers: key.map { ["Idempotency-Key": $0] } ?? [:])
    }

    /// Delivers every pending event to the consumers now.
    func dispatch() async throws {
        while try await composition.dispatcher.dispatchPending() > 0 {}
    }

    /// Delivers pending events, then checks every invariant of the data at rest (what `orderly check` checks),
    /// against the gateway simulator's own ledger; records each violation as a test issue.
    func expectInvariants(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await dispatch()
        let report = try await InvariantCheck.check(#require(composition.sqlite), against: composition.gateway)
        for violation in report.violations { Issue.record("invariant: \(violation)", sourceLocation: sourceLocation) }
    }

    /// A product's stock counts straight from the ledger.
    func ledger(_ product: String) async throws -> StockLedger {
        try #require(try await composition.store.stockLedger(productID: .init(rawValue: product)))
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

/// The engine's time, sped up a hundredfold: retries and timeouts run quickly, yet a 20 s task timeout is still 200 ms.
struct FastEngineClock: EngineClock {
    var factor = 0.01
    func now() -> Date { Date() }
    func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow * factor
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
    }
}

/// The engine's time, moved only by the test: a task timeout or a retry's pause happens when the test says, never
/// because the machine was slow.
final class ManualEngineClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)
    private var sleepers: [UUID: (deadline: Date, continuation: CheckedContinuation<Void, any Error>)] = [:]

    func now() -> Date { lock.withLock { current } }

    func sleep(until deadline: Date) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = lock.withLock { () -> Bool in
                    if deadline <= current || Task.isCancelled { return true }
                    sleepers[id] = (deadline, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
            try Task.checkCancellation()
        } onCancel: {
            lock.withLock { sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time on, waking every sleeper whose deadline has come.
    func advance(seconds: TimeInterval) {
        let due = lock.withLock { () -> [CheckedContinuation<Void, any Error>] in
            current = current.addingTimeInterval(seconds)
            let ready = sleepers.filter { $0.value.deadline <= current }
            for id in ready.keys { sleepers[id] = nil }
            return ready.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }
}

/// A fresh data folder, under this run's folder: removed when the test process exits, whatever its tests did.
func temporaryDataFolder() -> URL {
    testRunFolder.appendingPathComponent("orderly-test-\(UUID().uuidString)")
}

/// One folder for every data folder this test process makes, removed when it exits.
let testRunFolder: URL = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "orderly-http-tests-\(UUID().uuidString)")
    atexit { try? FileManager.default.removeItem(at: testRunFolder) }
    return folder
}()

/// The configuration tests use: the folder, the known admin.
func testConfiguration(folder: URL) -> OrderlyConfiguration {
    var config = OrderlyConfiguration()
    config.dataDirectory = folder.path
    config.adminEmail = TestAPI.adminEmail
    config.adminPassword = TestAPI.adminPassword
    return config
}

/// What tests replace: a fixed clock, cheap bcrypt, fast engine time, no pauses between consumer retries.
func testOverrides(
    clock: TestClock, engineFactor: Double = 0.01, engineClock: (any EngineClock)? = nil,
    extraConsumers: [any EventConsumer] = []
) -> AppOverrides {
    AppOverrides(
        clock: clock, bcryptCost: 4, engineClock: engineClock ?? FastEngineClock(factor: engineFactor),
        dispatcherPause: { _ in }, extraConsumers: extraConsumers)
}

/// Runs `body` against a fresh application: its own data folder, a test clock, the configured admin.
/// - Parameter live: serve over a real socket (concurrent requests then race as they would in production) instead of
///   calling the router directly.
func withAPI(
    configure: (inout OrderlyConfiguration) -> Void = { _ in }, extraConsumers: [any EventConsumer] = [],
    live: Bool = false, engineFactor: Double = 0.01, engineClock: (any EngineClock)? = nil,
    _ body: @escaping @Sendable (TestAPI) async throws -> Void
) async throws {
    let directory = temporaryDataFolder()
    defer { try? FileManager.default.removeItem(at: directory) }
    var config = testConfiguration(folder: directory)
    configure(&config)
    let clock = TestClock()
    // Bcrypt cost 4 keeps the suite fast; production's cost of 10 is checked by its own test.
    let composition = try await Composition(
        config,
        overrides: testOverrides(
            clock: clock, engineFactor: engineFactor, engineClock: engineClock, extraConsumers: extraConsumers))
    try await composition.ensureConfiguredAdmin(logger: Logger(label: "test"))
    let app = Application(
        router: try composition.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    do {
        try await app.test(live ? .ahc(.http) : .router) { client in
            let api = TestAPI(
                execute: { uri, method, headers, body in
                    try await client.execute(uri: uri, method: method, headers: headers, body: body)
                }, composition: composition, clock: clock)
            try await body(api)
        }
    } catch {
        await composition.workflows?.stopAll()
        throw error
    }
    await composition.workflows?.stopAll()
}

/// Waits until `condition` holds, for `limit` at most: what it waits on runs on other tasks, in real time.
/// - Throws: when `limit` passes first, naming what was awaited.
func waitUntil(_ what: String, within limit: Duration = .seconds(10), _ condition: () async throws -> Bool)
    async throws
{
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            throw TestTimeout(description: "waited \(limit) for \(what)")
        }
        try await Task.sleep(for: .milliseconds(2))
    }
}

/// A condition a test waited for did not come in time.
struct TestTimeout: Error, CustomStringConvertible {
    let description: String
}
