import ArgumentParser
import AsyncHTTPClient
import Foundation
import GRDB
import NIOCore
import NIOHTTP1
import StoreSQLite

/// `orderly serve` started from this same binary (or the one named) as a child process, on its own data folder and
/// a free port.
final class BenchServer {
    static let adminEmail = "bench-admin@orderly.test"
    static let adminPassword = "bench-admin-password"
    let process = Process()
    let base: String
    let data: URL
    /// Where the server's standard error goes.
    let log: URL

    /// - Parameter logLevel: the server's `ORDERLY_LOG_LEVEL`, when not its default; its log (standard error) is
    ///   written to `server.log` beside the data folder, as a deployment's would go to a file or a pipe.
    init(data: URL, binary: String? = nil, logLevel: String? = nil) throws {
        self.data = data
        log = data.deletingLastPathComponent().appendingPathComponent("server.log")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let port = try ServerSocketProbe().port
        base = "http://127.0.0.1:\(port)"
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = Bundle.main.executableURL
        }
        if let binary {
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw ValidationError("--server \(binary) is not an executable")
            }
            process.executableURL = URL(fileURLWithPath: binary)
        }
        process.arguments = ["serve", "--port", "\(port)", "--data-dir", data.path]
        var environment = ProcessInfo.processInfo.environment
        environment["ORDERLY_ADMIN_EMAIL"] = Self.adminEmail
        environment["ORDERLY_ADMIN_PASSWORD"] = Self.adminPassword
        environment["ORDERLY_LOG_LEVEL"] = logLevel
        environment["ORDERLY_MAX_UNPAID_ORDERS"] = "1000"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw ValidationError("cannot write the server's log at \(log.path)")
        }
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    /// Nil while the server runs; once it has stopped, its exit status and the end of its log.
    func exitReport() -> String? {
        guard !process.isRunning else { return nil }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n").suffix(20).joined(separator: "\n")
        return "exit status \(process.terminationStatus); its log ends:\n\(tail)"
    }

    /// Asks the server to stop (SIGTERM) and waits for it, 30 s at most: then it is killed, and said so.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        guard process.isRunning else { return }
        print("the server did not stop within 30 s of SIGTERM; killed")
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { usleep(20_000) }
    }

    /// The processor time the server has used so far, user and system, from Linux's /proc (0 elsewhere).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return 0 }
        // After the command's name in parentheses: state is field 3, utime and stime fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Counts of what the server has done so far, from Linux's /proc (zeros elsewhere).
    struct Work {
        var switches = 0
        var systemCalls = 0
        var written = 0
        /// Seconds the database's writer thread spent on a processor, and ready but waiting for one.
        var writerRunning = 0.0
        var writerWaiting = 0.0
        /// The same, summed over the server's other threads.
        var othersRunning = 0.0
        var othersWaiting = 0.0
        /// The whole machine's processor time, and how much of it was idle (waiting on the disk included), in ticks.
        var machineTicks = 0
        var machineIdleTicks = 0
        /// When these were read; in a difference (see `-`), the seconds between the two readings.
        var at = ContinuousClock.now
        var seconds = 0.0

        static func - (lhs: Work, rhs: Work) -> Work {
            Work(
                switches: lhs.switches - rhs.switches, systemCalls: lhs.systemCalls - rhs.systemCalls,
                written: lhs.written - rhs.written, writerRunning: lhs.writerRunning - rhs.writerRunning,
                writerWaiting: lhs.writerWaiting - rhs.writerWaiting,
                othersRunning: lhs.othersRunning - rhs.othersRunning,
                othersWaiting: lhs.othersWaiting - rhs.othersWaiting, machineTicks: lhs.machineTicks - rhs.machineTicks,
                machineIdleTicks: lhs.machineIdleTicks - rhs.machineIdleTicks, at: lhs.at,
                seconds: BenchSupport.seconds(lhs.at - rhs.at))
        }
    }

    /// Thread switches (voluntary and not, summed over the server's threads), system calls (reads and writes), bytes
    /// written, the threads' time on and waiting for a processor, and the machine's idle time.
    func work() -> Work {
        let root = "/proc/\(process.processIdentifier)"
        var work = Work()
        func value(_ text: String, _ key: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return Int(line.dropFirst(key.count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        for thread in (try? FileManager.default.contentsOfDirectory(atPath: root + "/task")) ?? [] {
            let folder = "\(root)/task/\(thread)"
            guard let status = try? String(contentsOfFile: folder + "/status", encoding: .utf8) else { continue }
            work.switches +=
                value(status, "voluntary_ctxt_switches:") + value(status, "nonvoluntary_ctxt_switches:")
            // Nanoseconds on a processor and waiting in its run queue.
            let schedule = ((try? String(contentsOfFile: folder + "/schedstat", encoding: .utf8)) ?? "")
                .split(separator: " ").prefix(2).map { (Double($0) ?? 0) / 1e9 }
            guard schedule.count == 2 else { continue }
            let name = (try? String(contentsOfFile: folder + "/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if name == SQLiteStore.writerThreadName {
                work.writerRunning += schedule[0]
                work.writerWaiting += schedule[1]
            } else {
                work.othersRunning += schedule[0]
                work.othersWaiting += schedule[1]
            }
        }
        // The first line: user, nice, system, idle, iowait, irq, softirq, steal.
        if let line = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8))?.split(separator: "\n").first {
            let ticks = line.split(separator: " ").dropFirst().prefix(8).map { Int($0) ?? 0 }
            work.machineTicks = ticks.reduce(0, +)
            work.machineIdleTicks = ticks.count > 4 ? ticks[3] + ticks[4] : 0
        }
        if let io = try? String(contentsOfFile: root + "/io", encoding: .utf8) {
            work.systemCalls = value(io, "syscr:") + value(io, "syscw:")
            work.written = value(io, "wchar:")
        }
        return work
    }

    /// The server's peak resident memory (VmHWM), from Linux's /proc.
    func peakRSSKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    /// The database's bytes: the SQLite file and its write-ahead log, after a checkpoint has moved what the log
    /// holds into the file (the log's own size is a buffer, bounded, not a cost of each order).
    func databaseBytes() -> Int {
        if let queue = try? DatabaseQueue(path: data.appendingPathComponent("orderly.sqlite").path) {
            _ = try? queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try? queue.close()
        }
        return ["orderly.sqlite", "orderly.sqlite-wal"].reduce(0) { total, name in
            let size =
                (try? FileManager.default.attributesOfItem(atPath: data.appendingPathComponent(name).path))?[
                    .size] as? Int
            return total + (size ?? 0)
        }
    }
}

/// The few API calls the benchmark makes.
struct BenchAPI: Sendable {
    let client: HTTPClient
    let base: String

    func call(_ method: HTTPMethod, _ path: String, body: String? = nil, token: String? = nil, key: String? = nil)
        async throws -> (status: UInt, body: [String: Any])
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 16 << 20))
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (response.status.code, object)
    }

    func login(_ email: String, _ password: String) async throws -> String {
        let answer = try await call(.POST, "/v1/auth/login", body: #"{"email":"\#(email)","password":"\#(password)"}"#)
        return try (answer.body["token"] as? String).unwrap("a token for \(email) (\(answer.status))")
    }

    func createProduct(admin: String) async throws -> String {
        let answer = try await call(
            .POST, "/v1/products",
            body:
                #"{"name":"Bench Milk","description":"For the benchmark","price":{"amount":129,"currency":"USD"},"category":"bench","stock":1000000}"#,
            token: admin)
        return try (answer.body["productId"] as? String).unwrap("the product (\(answer.status))")
    }

    func customer(_ index: Int) async throws -> String {
        let email = "buyer\(index)@bench.test"
        _ = try await call(
            .POST, "/v1/users", body: #"{"email":"\#(email)","password":"bench-password","name":"Buyer"}"#)
        return try await login(email, "bench-password")
    }

    /// One checkout, which must end CONFIRMED.
    func checkout(product: String, token: String, key: String) async throws {
        let answer = try await call(
            .POST, "/v1/orders?wait=true",
            body:
                #"{"items":[{"productId":"\#(product)","quantity":1}],"paymentMethod":{"type":"card","token":"tok_visa"}}"#,
            token: token, key: key)
        guard answer.body["status"] as? String == "CONFIRMED" else {
            throw ValidationError("a checkout answered \(answer.status): \(answer.body)")
        }
    }

    /// The server's backlog of events not yet delivered (its outbox gauge).
    func pendingEvents() async throws -> Int {
        Int(try await metrics(["outbox_pending_events"])["outbox_pending_events"] ?? 0)
    }

    /// The values of the server's unlabelled metrics named, from `/metrics` (a name it does not report is left out).
    func metrics(_ names: Set<String>) async throws -> [String: Double] {
        let response = try await client.execute(HTTPClientRequest(url: base + "/metrics"), timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, names.contains(String(parts[0])), let value = Double(parts[1]) {
                values[String(parts[0])] = value
            }
        }
        return values
    }

    /// Until the server has delivered every event, 120 s at most; answers the seconds it took.
    func waitForQuiet() async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        while try await pendingEvents() > 0, clock.now - start < .seconds(120) {
            try await Task.sleep(for: .milliseconds(100))
        }
        return BenchSupport.seconds(clock.now - start)
    }
}
