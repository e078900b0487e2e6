import ArgumentParser
import AsyncHTTPClient
import Foundation
import GRDB
import Logging

/// `orderly bench http`: reads and checkouts against a real `orderly serve`, with the baselines measured in the same
/// run (the bare route; raw single-row durable SQLite commits on the same disk), the server's peak memory and the
/// bytes each order takes.
struct HTTPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Reads and checkouts per second against a real orderly serve, with in-run baselines.",
        discussion: """
            Starts this binary's `serve` as a child process on a new data folder and a free port, makes a product \
            and the buyers, then measures: GET /health and GET /v1/products/{id} with --connections connections \
            (wrk when it is on the PATH, else this process's HTTP client); confirmed checkouts (POST \
            /v1/orders?wait=true, tok_visa, one unit) with 1, 8 and 32 buyers at once; raw single-row SQLite \
            commits in the same folder with synchronous=FULL and NORMAL; the server's peak RSS; database bytes per \
            order. Prints a table, and the figures as JSON with --json. Benchmarks report; they never fail on a \
            timing. Build with -c release for figures worth comparing.
            """)

    @Option(help: "Seconds per measurement.") var seconds: Double = 10
    @Option(help: "Connections for the read measurements.") var connections: Int = 64
    @Option(help: "Concurrent buyers, comma-separated.") var buyers: String = "1,8,32"
    @Option(help: "Write the figures as JSON to this file.") var json: String?
    @Option(help: "The data folder's parent (default: the system's temporary folder).") var folder: String?
    @Flag(help: "Keep the server's data folder afterwards, to look at.") var keep = false
    @Flag(help: "Checkouts only (no read measurements), as when profiling them.") var checkoutsOnly = false
    @Option(help: "The orderly binary whose server is measured (default: this one), to compare two builds.")
    var server: String?
    @Option(help: "The server's ORDERLY_LOG_LEVEL (default: its own, info: a line a request, to server.log).")
    var logLevel: String?

    func run() async throws {
        let buyerCounts = buyers.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard seconds > 0, connections > 0, !buyerCounts.isEmpty, buyerCounts.allSatisfy({ (1...1024).contains($0) })
        else { throw ValidationError("--seconds, --connections and --buyers (1–1024 each) must be positive") }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let parent = folder.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let work = parent.appendingPathComponent("orderly-bench-http-\(UUID())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer {
            if keep { print("data kept in \(work.path)") } else { try? FileManager.default.removeItem(at: work) }
        }
        var figures: [String: Any] = [
            "machine": Self.machine(), "seconds": seconds, "serverLogLevel": logLevel ?? "info",
        ]

        // Raw commits first, on the same disk, before the server loads it.
        let commits = try Self.rawCommits(in: work, seconds: min(seconds, 3))
        figures["rawCommitsPerSecond"] = ["full": commits.full, "normal": commits.normal]

        let server = try BenchServer(
            data: work.appendingPathComponent("data"), binary: self.server, logLevel: logLevel)
        defer { server.stop() }
        let client = BenchSupport.client(connections: max(connections, buyerCounts.max()! + 4))
        defer { _ = client.shutdown() }
        try await BenchSupport.waitUntilUp(client, server.base, exited: server.exitReport)
        let api = BenchAPI(client: client, base: server.base)
        let admin = try await api.login(BenchServer.adminEmail, BenchServer.adminPassword)
        let product = try await api.createProduct(admin: admin)
        var buyerTokens: [String] = []
        for index in 0..<buyerCounts.max()! { buyerTokens.append(try await api.customer(index)) }
        let tokens = buyerTokens

        let wrk = Self.wrkPath()
        let driver = wrk == nil ? "in-process" : "wrk"
        figures["readClient"] = driver
        figures["checkoutClient"] = driver
        if !checkoutsOnly {
            let health = try await Self.reads(
                server.base + "/health", client: client, wrk: wrk, seconds: seconds, connections: connections)
            let productRead = try await Self.reads(
                server.base + "/v1/products/\(product)", client: client, wrk: wrk, seconds: seconds,
                connections: connections)
            figures["reads"] = [
                "healthPerSecond": health, "productPerSecond": productRead, "productOverHealth": productRead / health,
            ]
        }
        print("measuring checkouts (server pid \(server.process.processIdentifier))")

        var checkoutFigures: [[String: Any]] = []
        var orders = 0
        for count in buyerCounts {
            let cpuBefore = server.cpuSeconds()
            let workBefore = server.work()
            let commitsBefore = try await api.metrics(Self.commitMetrics)
            let run: CheckoutRun
            if let wrk {
                run = try WrkCheckouts(wrk: wrk, base: server.base, product: product, tokens: tokens).run(
                    buyers: count, seconds: seconds, keyPrefix: "bench-\(count)")
            } else {
                let load = try await BenchSupport.load(workers: count, seconds: seconds) { worker, attempt in
                    try await api.checkout(
                        product: product, token: tokens[worker], key: "bench-\(count)-\(worker)-\(attempt)")
                }
                run = CheckoutRun(
                    count: load.count, elapsed: load.elapsed, p50: BenchSupport.percentile(load.latencies, 0.5),
                    p99: BenchSupport.percentile(load.latencies, 0.99))
            }
            orders += run.count
            let perSecond = Double(run.count) / run.elapsed
            let (p50, p99) = (run.p50, run.p99)
            // Events still to deliver when the buyers stop, and how long they take: a backlog that grew through the
            // run means the rate was not one the server keeps up with.
            let backlog = try await api.pendingEvents()
            let drain = try await api.waitForQuiet()
            // What the server keeps up with: the checkouts over the run and the time its events took after it.
            let sustained = Double(run.count) / (run.elapsed + drain)
            // The server's processor time per checkout, its events' delivery included: less noisy than a rate on a
            // shared machine, and what throughput on a busy one comes down to.
            let cpuPerCheckout = run.count == 0 ? 0 : (server.cpuSeconds() - cpuBefore) * 1000 / Double(run.count)
            // Counts that depend on what the server does, not on how busy the machine is: thread switches (each a
            // hand-off between threads), system calls and bytes written, per checkout.
            let work = server.work() - workBefore
            let per = { (count: Int) in run.count == 0 ? 0 : Double(count) / Double(run.count) }
            // The database's transactions, writes and syncs per checkout, as the server counts them (a server built
            // before it did reports none).
            let commitsAfter = try await api.metrics(Self.commitMetrics)
            let commitsPer = { (name: String) -> Double? in
                guard let after = commitsAfter[name], let before = commitsBefore[name], run.count > 0 else {
                    return nil
                }
                return (after - before) / Double(run.count)
            }
            var row: [String: Any] = [
                "buyers": count, "confirmedPerSecond": perSecond, "p50ms": p50, "p99ms": p99, "p99OverP50": p99 / p50,
                "overRawFullCommits": perSecond / commits.full, "overRawNormalCommits": perSecond / commits.normal,
                "eventsPendingAtEnd": backlog, "drainSeconds": drain, "sustainedPerSecond": sustained,
                "serverCPUMillisecondsPerCheckout": cpuPerCheckout, "threadSwitchesPerCheckout": per(work.switches),
                "systemCallsPerCheckout": per(work.systemCalls),
                "kilobytesWrittenPerCheckout": per(work.written) / 1024,
            ]
            // Where the limit is: how busy the database's writer thread was (on a processor, and ready but waiting
            // for one), how long the server's other threads waited for a processor, and what the machine left idle.
            if work.seconds > 0 {
                row["writerRunningShare"] = work.writerRunning / work.seconds
                row["writerWaitingShare"] = work.writerWaiting / work.seconds
                row["otherThreadsRunningCores"] = work.othersRunning / work.seconds
                row["otherThreadsWaitingCores"] = work.othersWaiting / work.seconds
            }
            if work.machineTicks > 0 {
                row["machineIdleShare"] = Double(work.machineIdleTicks) / Double(work.machineTicks)
            }
            row["transactionsPerCheckout"] = commitsPer("sqlite_transactions_total")
            row["writesPerCheckout"] = commitsPer("sqlite_writes_total")
            row["syncsPerCheckout"] = commitsPer("sqlite_syncs_total")
            checkoutFigures.append(row)
        }
        figures["checkouts"] = checkoutFigures
        figures["peakRSSMegabytes"] = Double(server.peakRSSKilobytes() ?? 0) / 1024
        let bytes = server.databaseBytes()
        figures["orders"] = orders
        figures["databaseBytes"] = bytes
        figures["databaseBytesPerOrder"] = orders == 0 ? 0 : bytes / orders

        Self.report(figures)
        if let json {
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: json))
        }
    }

    /// The server's counts of its database's commits (see `CommitMetrics`).
    static let commitMetrics: Set<String> = ["sqlite_transactions_total", "sqlite_writes_total", "sqlite_syncs_total"]

    static func report(_ figures: [String: Any]) {
        let commits = figures["rawCommitsPerSecond"] as? [String: Double] ?? [:]
        let reads = figures["reads"] as? [String: Double] ?? [:]
        print("machine: \(figures["machine"] ?? "")")
        print("server log level: \(figures["serverLogLevel"] ?? "") (at info a line a request, to server.log)")
        print(
            String(
                format: "raw single-row SQLite commits/s: FULL %.0f, NORMAL %.0f", commits["full"] ?? 0,
                commits["normal"] ?? 0))
        print(
            String(
                format: "reads/s (%@): GET /health %.0f, GET /v1/products/{id} %.0f, ratio %.2f",
                figures["readClient"] as? String ?? "", reads["healthPerSecond"] ?? 0, reads["productPerSecond"] ?? 0,
                reads["productOverHealth"] ?? 0))
        print("checkouts driven by: \(figures["checkoutClient"] ?? "")")
        print(
            "buyers  confirmed/s    p50 ms    p99 ms  p99/p50  ÷ raw FULL  ÷ raw NORMAL  events left  drain s  sustained/s"
                + "  CPU ms/checkout  switches  syscalls  KB written  transactions  writes  syncs"
                + "  writer run  writer wait  others run  others wait  machine idle"
        )
        for row in figures["checkouts"] as? [[String: Any]] ?? [] {
            print(
                String(
                    format: "%6d %12.1f %9.2f %9.2f %8.2f %10.3f %13.4f %12d %8.1f %12.1f %16.2f %9.1f %9.1f %11.1f",
                    row["buyers"] as? Int ?? 0,
                    row["confirmedPerSecond"] as? Double ?? 0, row["p50ms"] as? Double ?? 0,
                    row["p99ms"] as? Double ?? 0,
                    row["p99OverP50"] as? Double ?? 0, row["overRawFullCommits"] as? Double ?? 0,
                    row["overRawNormalCommits"] as? Double ?? 0, row["eventsPendingAtEnd"] as? Int ?? 0,
                    row["drainSeconds"] as? Double ?? 0, row["sustainedPerSecond"] as? Double ?? 0,
                    row["serverCPUMillisecondsPerCheckout"] as? Double ?? 0,
                    row["threadSwitchesPerCheckout"] as? Double ?? 0, row["systemCallsPerCheckout"] as? Double ?? 0,
                    row["kilobytesWrittenPerCheckout"] as? Double ?? 0)
                    // Figures an older server may not give ("—"): per checkout, then shares of the run (as %).
                    + [
                        ("transactionsPerCheckout", 14, false), ("writesPerCheckout", 8, false),
                        ("syncsPerCheckout", 7, false), ("writerRunningShare", 12, true),
                        ("writerWaitingShare", 13, true), ("otherThreadsRunningCores", 12, false),
                        ("otherThreadsWaitingCores", 13, false), ("machineIdleShare", 14, true),
                    ].map { key, width, percent in
                        let text =
                            (row[key] as? Double).map {
                                percent ? String(format: "%.0f%%", $0 * 100) : String(format: "%.2f", $0)
                            } ?? "—"
                        return String(repeating: " ", count: max(1, width - text.count)) + text
                    }.joined())
        }
        print(
            String(
                format: "peak RSS %.1f MB; %d orders, %d database bytes, %d bytes per order",
                figures["peakRSSMegabytes"] as? Double ?? 0, figures["orders"] as? Int ?? 0,
                figures["databaseBytes"] as? Int ?? 0, figures["databaseBytesPerOrder"] as? Int ?? 0))
    }

    /// Single-row commits per second into a new SQLite file in WAL mode, each its own transaction.
    static func rawCommits(in folder: URL, seconds: Double) throws -> (full: Double, normal: Double) {
        func measure(_ mode: String) throws -> Double {
            var configuration = Configuration()
            configuration.prepareDatabase { try $0.execute(sql: "PRAGMA synchronous = \(mode)") }
            let path = folder.appendingPathComponent("raw-\(mode).sqlite").path
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
            try queue.write { try $0.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
            let clock = ContinuousClock()
            let start = clock.now
            var count = 0
            while clock.now - start < .milliseconds(Int(seconds * 1000)) {
                try queue.write { try $0.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["row \(count)"]) }
                count += 1
            }
            return Double(count) / BenchSupport.seconds(clock.now - start)
        }
        return (try measure("FULL"), try measure("NORMAL"))
    }

    static func wrkPath() -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.map { "\($0)/wrk" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Requests per second of GET `url` over `connections` connections.
    static func reads(_ url: String, client: HTTPClient, wrk: String?, seconds: Double, connections: Int) async throws
        -> Double
    {
        if let wrk {
            let output = try BenchSupport.run(
                wrk, ["-t", "2", "-c", "\(connections)", "-d", "\(Int(seconds.rounded(.up)))s", url])
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
                let value = Double(line.split(separator: " ").last ?? "")
            else { throw ValidationError("wrk said: \(output)") }
            return value
        }
        let run = try await BenchSupport.load(workers: connections, seconds: seconds) { _, _ in
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else { throw ValidationError("\(url) answered \(response.status)") }
        }
        return Double(run.count) / run.elapsed
    }

    static func machine() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map {
                String($0.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces)
            }
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu ?? "unknown CPU"), "
            + "\(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }
}
