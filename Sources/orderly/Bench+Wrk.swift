import ArgumentParser
import Foundation

/// Checkouts driven by `wrk` (Debian's), with a Lua script that gives each request its buyer's token and an
/// `Idempotency-Key` of its own and counts every answer that is not a confirmed order. A C client costs the shared
/// two cores a fraction of what this process's HTTP client does (a lone buyer's next checkout waited half a
/// millisecond on it), so the figures are more the server's.
struct WrkCheckouts {
    let wrk: String
    let base: String
    let product: String
    let tokens: [String]

    /// `buyers` connections checking out at once for `seconds`; each answer must be `CONFIRMED`.
    /// - Throws: when an answer was anything else, a connection failed, or wrk printed no figures.
    func run(buyers: Int, seconds: Double, keyPrefix: String) throws -> CheckoutRun {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("orderly-checkouts-\(UUID()).lua")
        try Self.script(product: product, tokens: Array(tokens.prefix(buyers)), keyPrefix: keyPrefix)
            .write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let output = try BenchSupport.run(
            wrk,
            [
                "-t", "\(min(buyers, 2))", "-c", "\(buyers)", "-d", "\(Int(seconds.rounded(.up)))s", "--timeout",
                "30s", "-s", script.path, base + "/v1/orders?wait=true",
            ])
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("ORDERLY ") }),
            let figures = try JSONSerialization.jsonObject(with: Data(line.dropFirst(8).utf8)) as? [String: Any],
            let requests = figures["requests"] as? Int, let micros = figures["durationMicros"] as? Double,
            let p50 = figures["p50Micros"] as? Double, let p99 = figures["p99Micros"] as? Double
        else { throw ValidationError("wrk printed no checkout figures: \(output)") }
        let failed = figures["failed"] as? Int ?? 0
        let errors = figures["errors"] as? Int ?? 0
        guard failed == 0, errors == 0 else {
            throw ValidationError("\(failed) checkouts were not confirmed and \(errors) requests failed: \(output)")
        }
        return CheckoutRun(count: requests, elapsed: micros / 1e6, p50: p50 / 1000, p99: p99 / 1000)
    }

    /// The Lua script: requests round-robin over the buyers' tokens, keys unique per thread and request, answers
    /// checked in `response`, the figures printed by `done` as one JSON line.
    static func script(product: String, tokens: [String], keyPrefix: String) -> String {
        let body =
            #"{"items":[{"productId":"\#(product)","quantity":1}],"#
            + #""paymentMethod":{"type":"card","token":"tok_visa"}}"#
        return """
            local tokens = {\(tokens.map { "\"\($0)\"" }.joined(separator: ","))}
            local body = '\(body)'
            local threads = {}

            function setup(thread)
              thread:set("id", #threads)
              table.insert(threads, thread)
            end

            function init(args)
              sent = 0
              failed = 0
            end

            function request()
              sent = sent + 1
              local token = tokens[(sent + id) % #tokens + 1]
              return wrk.format("POST", nil, {
                ["Content-Type"] = "application/json",
                ["Authorization"] = "Bearer " .. token,
                ["Idempotency-Key"] = "\(keyPrefix)-" .. id .. "-" .. sent,
              }, body)
            end

            function response(status, headers, body)
              if status ~= 200 or not string.find(body, '"status":"CONFIRMED"', 1, true) then
                failed = failed + 1
              end
            end

            function done(summary, latency, requests)
              local failed = 0
              for _, thread in ipairs(threads) do failed = failed + thread:get("failed") end
              local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                + summary.errors.timeout
              io.write(string.format(
                'ORDERLY {"requests":%d,"durationMicros":%d,"p50Micros":%d,"p99Micros":%d,"failed":%d,"errors":%d}\\n',
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), failed, errors))
            end
            """
    }
}
