import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// What the HTTP benchmarks share: a client that does not follow redirects, timing, percentiles, a free port.
enum BenchSupport {
    /// Runs `executable` with `arguments` to its end and answers what it printed.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output
    }

    static func client(connections: Int = 8) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// - Parameter exited: whether the server has stopped, and what it said (it is not waited for then).
    static func waitUntilUp(
        _ client: HTTPClient, _ base: String, exited: () -> String? = { nil }
    ) async throws {
        for _ in 0..<600 {
            if let said = exited() { throw ValidationError("the server stopped:\n\(said)") }
            if let response = try? await client.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(1)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("the server did not start")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1000 }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
    }

    /// Runs `body` on `workers` loops at once until `seconds` have passed; answers how often it ran and each run's
    /// milliseconds.
    static func load(
        workers: Int, seconds: Double, _ body: @escaping @Sendable (_ worker: Int, _ run: Int) async throws -> Void
    ) async throws -> (count: Int, elapsed: Double, latencies: [Double]) {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var times: [Double] = []
                    var run = 0
                    while clock.now < deadline {
                        let began = clock.now
                        try await body(worker, run)
                        times.append(milliseconds(clock.now - began))
                        run += 1
                    }
                    return times
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        return (latencies.count, BenchSupport.seconds(clock.now - start), latencies)
    }
}

/// What a checkout measurement gives, whichever client drove it: confirmed checkouts, seconds, and the median and
/// 99th percentile in milliseconds.
struct CheckoutRun {
    var count: Int
    var elapsed: Double
    var p50: Double
    var p99: Double
}

/// A port the system says is free now (bound and let go).
struct ServerSocketProbe {
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ValidationError("no socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw ValidationError("no free port") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}

extension Optional {
    func unwrap(_ what: String) throws -> Wrapped {
        guard let value = self else { throw ValidationError("\(what) is not there") }
        return value
    }
}
