import ArgumentParser
import Foundation
import OrderlyApp
import StatesLanguage
import StoreSQLite
import WorkflowEngine

/// `orderly bench`: measured figures, reported against a baseline measured in the same run.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks, each reported with a baseline measured in the same run.",
        subcommands: [StatesBench.self, HTTPBench.self, PagesBench.self]
    )
}

struct StatesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "states",
        abstract: "Executions and transitions per second of the States Language engine, in memory.",
        discussion: """
            Baseline: parsing and serialising the execution input once per execution, the least work any engine must \
            do, measured in the same run. Build with -c release for figures worth comparing.
            """)

    @Option(help: "Seconds to run each case.") var seconds: Double = 2
    @Option(help: "Executions run at once.") var concurrency: Int = 8
    @Option(help: "Run only this case (pass-3, pass-choice-10, map-1000, parallel-4).") var only: String?
    @Option(help: "none (the engine alone), memory, or sqlite (durable: every event committed to SQLite in WAL mode).")
    var journal: String = "none"

    struct Case {
        var name: String
        var definition: String
        var input: JSON
    }

    static var cases: [Case] {
        let pass3 =
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"C"},"C":{"Type":"Pass","End":true}}}"#
        var ten: [String] = []
        for index in 0..<9 {
            ten.append(
                index % 3 == 2
                    ? #""S\#(index)":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":0,"Next":"S\#(index + 1)"}],"Default":"Fail"}"#
                    : #""S\#(index)":{"Type":"Pass","Parameters":{"n.$":"$.n","step":\#(index)},"Next":"S\#(index + 1)"}"#
            )
        }
        ten.append(#""S9":{"Type":"Pass","End":true},"Fail":{"Type":"Fail","Error":"Unexpected"}"#)
        let pass10 = #"{"StartAt":"S0","States":{"# + ten.joined(separator: ",") + "}}"
        let map =
            #"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$"},"End":true}}},"End":true}}}"#
        let branch = #"{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Y"},"Y":{"Type":"Pass","End":true}}}"#
        let parallel =
            #"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":["#
            + Array(repeating: branch, count: 4).joined(separator: ",") + #"],"End":true}}}"#
        return [
            Case(name: "pass-3", definition: pass3, input: ["order": "ord_1"]),
            Case(name: "pass-choice-10", definition: pass10, input: ["n": 1]),
            Case(name: "map-1000", definition: map, input: ["items": .array((0..<1000).map(JSON.int))]),
            Case(name: "parallel-4", definition: parallel, input: ["order": "ord_1"]),
        ] + queryLanguageCases
    }

    /// The same work written in each query language, to compare them: three states that shape their input, ten of
    /// Pass and Choice, a Map whose items are shaped.
    static var queryLanguageCases: [Case] {
        let shapePath =
            #"{"Type":"Pass","Parameters":{"order.$":"$.order","total.$":"States.MathAdd($.total, 1)","lines.$":"$.lines"}"#
        let shapeJSONata =
            #"{"Type":"Pass","Output":{"order":"{% $states.input.order %}","total":"{% $states.input.total + 1 %}","lines":"{% $states.input.lines %}"}"#
        func three(_ state: String, language: String) -> String {
            #"{"QueryLanguage":"\#(language)","StartAt":"A","States":{"A":\#(state),"Next":"B"},"B":\#(state),"Next":"C"},"C":\#(state),"End":true}}}"#
        }
        func ten(jsonata: Bool) -> String {
            var states: [String] = []
            for index in 0..<9 {
                let next = "S\(index + 1)"
                if index % 3 == 2 {
                    states.append(
                        jsonata
                            ? #""S\#(index)":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n > 0 %}","Next":"\#(next)"}],"Default":"Fail"}"#
                            : #""S\#(index)":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":0,"Next":"\#(next)"}],"Default":"Fail"}"#
                    )
                } else {
                    states.append(
                        jsonata
                            ? #""S\#(index)":{"Type":"Pass","Output":{"n":"{% $states.input.n %}","step":\#(index)},"Next":"\#(next)"}"#
                            : #""S\#(index)":{"Type":"Pass","Parameters":{"n.$":"$.n","step":\#(index)},"Next":"\#(next)"}"#
                    )
                }
            }
            states.append(#""S9":{"Type":"Pass","End":true},"Fail":{"Type":"Fail","Error":"Unexpected"}"#)
            return #"{"QueryLanguage":"\#(jsonata ? "JSONata" : "JSONPath")","StartAt":"S0","States":{"#
                + states.joined(separator: ",") + "}}"
        }
        let mapPath =
            #"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#
        let mapJSONata =
            #"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.items %}","ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#
        let order: JSON = [
            "order": "ord_1", "total": 1200, "lines": [["sku": "milk", "qty": 2], ["sku": "eggs", "qty": 1]],
        ]
        let items: JSON = ["items": .array((0..<1000).map(JSON.int))]
        return [
            Case(name: "shape-3-jsonpath", definition: three(shapePath, language: "JSONPath"), input: order),
            Case(name: "shape-3-jsonata", definition: three(shapeJSONata, language: "JSONata"), input: order),
            Case(name: "choice-10-jsonpath", definition: ten(jsonata: false), input: ["n": 1]),
            Case(name: "choice-10-jsonata", definition: ten(jsonata: true), input: ["n": 1]),
            Case(name: "map-1000-jsonpath", definition: mapPath, input: items),
            Case(name: "map-1000-jsonata", definition: mapJSONata, input: items),
        ]
    }

    func run() async throws {
        guard seconds > 0, concurrency > 0 else {
            throw ValidationError("--seconds and --concurrency must be positive")
        }
        let store: (any ExecutionJournal)?
        var folder: URL?
        switch journal {
        case "none": store = nil
        case "memory": store = InMemoryJournal()
        case "sqlite":
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("orderly-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder!, withIntermediateDirectories: true)
            store = try SQLiteStore(path: folder!.appendingPathComponent("bench.sqlite").path)
        default: throw ValidationError("--journal must be none, memory or sqlite")
        }
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        print("journal: \(journal)")
        print("case                executions/s  transitions/s  baseline/s  engine/baseline")
        let cases = Self.cases.filter { only == nil || $0.name == only }
        guard !cases.isEmpty else { throw ValidationError("no case is named \(only ?? "")") }
        for benchCase in cases {
            let prepared = try PreparedDefinition(text: benchCase.definition, name: benchCase.name)
            let engine = WorkflowEngine(
                tasks: TaskRegistry(), journal: store ?? NullJournal(), clock: SystemEngineClock())
            let inputText = benchCase.input.serialized()
            let baseline = try measure(seconds: seconds) {
                _ = try JSON(parsing: inputText).serialized()
            }
            var transitions = 0
            let probe = try await engine.run(prepared, name: "probe-\(UUID().uuidString)", input: benchCase.input)
            guard probe.outcome.status == .succeeded else {
                throw ValidationError("case \(benchCase.name) did not succeed: \(probe.outcome)")
            }
            transitions = probe.history.filter { $0.type.hasSuffix("StateEntered") }.count
            let executions = try await measureAsync(seconds: seconds, concurrency: concurrency) { index in
                _ = try await engine.run(prepared, name: "\(benchCase.name)-\(index)", input: benchCase.input)
            }
            print(
                benchCase.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(
                        format: "%12.0f  %13.0f  %10.0f  %15.3f", executions, executions * Double(transitions),
                        baseline,
                        executions / baseline))
        }
    }

    private func measure(seconds: Double, _ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        while clock.now - start < .milliseconds(Int(seconds * 1000)) {
            for _ in 0..<100 { try body() }
            count += 100
        }
        let elapsed = clock.now - start
        return Double(count) / BenchSupport.seconds(elapsed)
    }

    private func measureAsync(seconds: Double, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> Void)
        async throws -> Double
    {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var count = 0
                    while clock.now < deadline {
                        try await body(worker * 100_000_000 + count)
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - start
        return Double(total) / BenchSupport.seconds(elapsed)
    }
}

/// A journal that keeps nothing: measures the engine alone.
final class NullJournal: ExecutionJournal {
    func create(_ record: ExecutionRecord, started: EngineEvent) async throws {}
    func append(_ event: EngineEvent, sequence: Int, executionID: String) async throws {}
    func finish(executionID: String, outcome: ExecutionOutcome, history: [HistoryEvent]) async throws {}
    func load(executionID: String) async throws -> (ExecutionRecord, [EngineEvent])? { nil }
    func unfinished() async throws -> [String] { [] }
    func list(
        stateMachineName: String, status: ExecutionStatus?, after cursor: String?, limit: Int
    ) async throws -> (items: [ExecutionSummary], next: String?) { ([], nil) }
}
