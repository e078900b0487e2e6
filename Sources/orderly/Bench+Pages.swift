import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import OrderlyApp
import OrderlyModel
import StoreSQLite

/// `orderly bench pages`: how long the website's pages take on a catalog of thousands of products, against the
/// server's bare `/health` answered in the same run.
struct PagesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages",
        abstract: "Server time of the storefront's and admin's pages over a large catalog, against GET /health.",
        discussion: """
            Seeds the demo shop plus --products products into a new data folder, starts the real server on a free \
            port, signs a customer and an admin in through the forms, and asks each page --requests times, one \
            request at a time. Reports each page's median and 99th percentile, and the median minus /health's \
            (what the page itself costs, without the HTTP round trip). Build with -c release for figures worth \
            comparing.
            """)

    @Option(help: "Products in the catalog besides the demo's.") var products: Int = 10_000
    @Option(help: "Requests per page.") var requests: Int = 200

    func run() async throws {
        guard products >= 0, products <= 1_000_000, requests > 0 else {
            throw ValidationError("--products must be 0–1000000 and --requests positive")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("orderly-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = OrderlyConfiguration()
        config.dataDirectory = folder.path
        config.port = try ServerSocketProbe().port
        config.logLevel = .error
        config.logFormat = .text
        _ = bootstrapLogging(config)

        print("seeding the demo shop and \(products) products in \(folder.path)")
        let seeding = try await Composition(config)
        try await DemoSeed(composition: seeding) { _ in }.run()
        try await Self.insertProducts(products, into: try seeding.sqlite.unwrap("the embedded store"))
        await seeding.workflows?.stopAll()

        let app = try await buildApplication(config)
        let server = Task { try await app.run() }
        defer { server.cancel() }
        let base = "http://127.0.0.1:\(config.port)"
        let client = BenchSupport.client()
        defer { _ = client.shutdown() }
        try await BenchSupport.waitUntilUp(client, base)

        let customer = try await Self.signIn(client, base, "asha@orderly.demo")
        let admin = try await Self.signIn(client, base, "admin@orderly.demo")
        let order = try await Self.firstMatch(
            client, base + "/orders", cookie: customer, of: /href="\/orders\/(ord_[^"]+)"/)
        let execution = try await Self.firstMatch(
            client, base + "/admin/workflows", cookie: admin, of: /href="\/admin\/executions\?id=([^"]+)"/)
        let product = try await Self.firstMatch(client, base + "/", cookie: nil, of: /href="\/products\/(prd_[^"]+)"/)
        let pages: [(name: String, path: String, cookie: String?)] = [
            ("GET /health (baseline)", "/health", nil),
            ("shop: catalog", "/", nil),
            ("shop: search", "/?q=milk", nil),
            ("shop: category", "/?category=bench-7", nil),
            ("shop: product", "/products/\(product)", nil),
            ("customer: cart", "/cart", customer),
            ("customer: orders", "/orders", customer),
            ("customer: order", "/orders/\(order)", customer),
            ("admin: overview", "/admin", admin),
            ("admin: products", "/admin/products", admin),
            ("admin: order board", "/admin/orders", admin),
            ("admin: sales report", "/admin/reports", admin),
            ("admin: workflows", "/admin/workflows", admin),
            ("admin: execution viewer", "/admin/executions?id=\(execution)", admin),
        ]
        print("page                        p50 ms   p99 ms   p50 − baseline ms")
        var baseline = 0.0
        for page in pages {
            let times = try await Self.time(client, base + page.path, cookie: page.cookie, count: requests)
            let p50 = BenchSupport.percentile(times, 0.5)
            if page.path == "/health" { baseline = p50 }
            print(
                page.name.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: "%8.2f %8.2f %12.2f", p50, BenchSupport.percentile(times, 0.99), p50 - baseline))
        }
    }

    /// Products straight into the store, in one transaction per thousand: `bench-0` … `bench-49` categories.
    static func insertProducts(_ count: Int, into store: SQLiteStore) async throws {
        let now = Date()
        for start in stride(from: 0, to: count, by: 1000) {
            let batch = (start..<min(start + 1000, count)).map { index in
                Product(
                    id: .init(rawValue: "prd_bench" + String(format: "%021d", index)), name: "Bench product \(index)",
                    description: "A product for the benchmark, number \(index).",
                    price: Money(amount: 100 + index % 900, currency: .usd), category: "bench-\(index % 50)",
                    active: true, stock: StockLevel(available: 100, reserved: 0), createdAt: now, updatedAt: now)
            }
            for product in batch { try await store.insertProduct(product, events: []) }
        }
    }

    /// Signs in through the form (the CSRF cookie first) and answers the Cookie header of the session.
    static func signIn(_ client: HTTPClient, _ base: String, _ email: String) async throws -> String {
        let form = try await client.execute(HTTPClientRequest(url: base + "/signin"), timeout: .seconds(10))
        let csrf = try cookie("orderly_csrf", in: form.headers["set-cookie"])
        var request = HTTPClientRequest(url: base + "/signin")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Cookie", value: "orderly_csrf=\(csrf)")
        let email = email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? email
        request.body = .bytes(ByteBuffer(string: "_csrf=\(csrf)&email=\(email)&password=\(DemoSeed.password)"))
        let answer = try await client.execute(request, timeout: .seconds(10))
        let session = try cookie("orderly_session", in: answer.headers["set-cookie"])
        return "orderly_csrf=\(csrf); orderly_session=\(session)"
    }

    static func cookie(_ name: String, in headers: [String]) throws -> String {
        for header in headers where header.hasPrefix(name + "=") {
            return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        throw ValidationError("the server set no \(name) cookie")
    }

    static func body(_ client: HTTPClient, _ url: String, cookie: String?) async throws -> String {
        var request = HTTPClientRequest(url: url)
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        let response = try await client.execute(request, timeout: .seconds(30))
        guard response.status == .ok else { throw ValidationError("\(url) answered \(response.status)") }
        return String(buffer: try await response.body.collect(upTo: 64 << 20))
    }

    static func firstMatch(
        _ client: HTTPClient, _ url: String, cookie: String?, of pattern: Regex<(Substring, Substring)>
    ) async throws -> String {
        guard let match = try await body(client, url, cookie: cookie).firstMatch(of: pattern) else {
            throw ValidationError("\(url) has nothing to measure")
        }
        return String(match.1)
    }

    /// Milliseconds of each of `count` requests, one after the other, after ten to warm up.
    static func time(_ client: HTTPClient, _ url: String, cookie: String?, count: Int) async throws -> [Double] {
        for _ in 0..<10 { _ = try await body(client, url, cookie: cookie) }
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<count {
            let start = clock.now
            _ = try await body(client, url, cookie: cookie)
            times.append(BenchSupport.milliseconds(clock.now - start))
        }
        return times
    }
}
