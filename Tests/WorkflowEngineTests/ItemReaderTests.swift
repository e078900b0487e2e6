import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

/// S3 answered from a dictionary of objects, counting reads.
private final class Objects: TaskResolver, TaskHandler, @unchecked Sendable {
    let objects: [String: String]
    private let lock = NSLock()
    private(set) var reads = 0

    init(_ objects: [String: String]) { self.objects = objects }

    func handler(for resource: String) -> (any TaskHandler)? { resource.contains(":s3:") ? self : nil }

    func invoke(_ invocation: TaskInvocation) async throws -> JSON {
        lock.withLock { reads += 1 }
        let bucket = invocation.input["Bucket"]?.stringValue ?? ""
        if invocation.resource.hasSuffix("listObjectsV2") {
            let prefix = bucket + "/" + (invocation.input["Prefix"]?.stringValue ?? "")
            let keys = objects.keys.filter { $0.hasPrefix(prefix) }.sorted()
            return ["Contents": .array(keys.map { ["Key": .string(String($0.dropFirst(bucket.count + 1)))] })]
        }
        guard let body = objects[bucket + "/" + (invocation.input["Key"]?.stringValue ?? "")] else {
            throw StatesError("S3.NoSuchKey", "no such key")
        }
        return ["Body": .string(body)]
    }
}

@Suite("Distributed Map ItemReader")
struct ItemReaderTests {
    static func machine(reader: String, extra: String = "") -> String {
        #"""
        {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemReader": \#(reader),\#(extra)
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}},
          "Catch": [{"ErrorEquals": ["States.ItemReaderFailed"], "Next": "Unread"}], "End": true},
          "Unread": {"Type": "Pass", "End": true}}}
        """#
    }

    static func getObject(_ type: String, key: String = "items", config: String = "") -> String {
        #"""
        {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key.$": "$.\#(key)"},
         "ReaderConfig": {"InputType": "\#(type)"\#(config)}}
        """#
    }

    private func run(_ definition: String, _ objects: Objects, input: JSON = ["items": "k"]) async throws
        -> ExecutionResult
    {
        try await WorkflowEngine(tasks: objects, journal: InMemoryJournal(), clock: VirtualClock())
            .run(definition: definition, stateMachineName: "m", name: "r", input: input)
    }

    @Test("JSON, JSON lines and CSV objects become the Map's items; MaxItems keeps the first ones")
    func inputTypes() async throws {
        let objects = Objects([
            "b/json": #"[{"n": 1}, {"n": 2}, {"n": 3}]"#, "b/jsonl": "{\"n\": 1}\n\n{\"n\": 2}\n",
            "b/csv": "sku,note\r\nmilk,\"fresh, cold\"\r\ncream,\"say \"\"hi\"\"\"\r\n", "b/bare": "milk,2\ncream,1",
        ])
        var result = try await run(Self.machine(reader: Self.getObject("JSON")), objects, input: ["items": "json"])
        #expect(result.outcome.output == [["n": 1], ["n": 2], ["n": 3]])
        result = try await run(
            Self.machine(reader: Self.getObject("JSON", config: #", "MaxItems": 2"#)), objects, input: ["items": "json"]
        )
        #expect(result.outcome.output == [["n": 1], ["n": 2]])
        result = try await run(
            Self.machine(reader: Self.getObject("JSON", config: #", "MaxItemsPath": "$.max""#)), objects,
            input: ["items": "json", "max": 1])
        #expect(result.outcome.output == [["n": 1]])
        result = try await run(Self.machine(reader: Self.getObject("JSONL")), objects, input: ["items": "jsonl"])
        #expect(result.outcome.output == [["n": 1], ["n": 2]])
        result = try await run(
            Self.machine(reader: Self.getObject("CSV", config: #", "CSVHeaderLocation": "FIRST_ROW""#)), objects,
            input: ["items": "csv"])
        #expect(
            result.outcome.output == [["sku": "milk", "note": "fresh, cold"], ["sku": "cream", "note": #"say "hi""#]])
        result = try await run(
            Self.machine(
                reader: Self.getObject("CSV", config: #", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["sku", "qty"]"#)),
            objects, input: ["items": "bare"])
        #expect(result.outcome.output == [["sku": "milk", "qty": "2"], ["sku": "cream", "qty": "1"]])
    }

    @Test("a listing's objects under a prefix are the items")
    func listing() async throws {
        let objects = Objects(["b/in/1.json": "", "b/in/2.json": "", "b/out/x": ""])
        let reader = #"""
            {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b", "Prefix": "in/"}}
            """#
        let result = try await run(Self.machine(reader: reader), objects)
        #expect(result.outcome.output == [["Key": "in/1.json"], ["Key": "in/2.json"]])
    }

    @Test("an object that cannot be read, or is not what its InputType says, fails with States.ItemReaderFailed")
    func failures() async throws {
        let objects = Objects(["b/notarray": #"{"n": 1}"#, "b/broken": "[1,"])
        for key in ["missing", "notarray", "broken"] {
            let result = try await run(
                Self.machine(reader: Self.getObject("JSON")), objects, input: ["items": .string(key)])
            #expect(result.outcome.status == .succeeded)
            #expect(result.outcome.output?["Error"] == "States.ItemReaderFailed", "\(key)")
        }
    }

    @Test("the read is journaled: a resumed execution does not read again")
    func journaled() async throws {
        let objects = Objects(["b/k": "[1, 2]"])
        let journal = InMemoryJournal()
        let engine = WorkflowEngine(tasks: objects, journal: journal, clock: VirtualClock())
        let first = try await engine.run(
            definition: Self.machine(reader: Self.getObject("JSON")), stateMachineName: "m", name: "j",
            input: ["items": "k"])
        let replayed = try #require(try await engine.describe(executionID: first.info.id))
        #expect(replayed.outcome?.output == [1, 2])
        #expect(objects.reads == 1)
    }

    @Test("what AWS refuses of an ItemReader")
    func validation() {
        func locations(_ text: String) -> Set<String> {
            Set(StatesDefinition.validate(text).filter { $0.severity == .error }.map(\.location))
        }
        let inline = Self.machine(reader: Self.getObject("JSON")).replacingOccurrences(
            of: #""ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},"#, with: "")
        #expect(locations(inline) == ["/States/Each/ItemReader"])
        let noType = #"{"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "k"}}"#
        #expect(locations(Self.machine(reader: noType)) == ["/States/Each/ItemReader/ReaderConfig"])
        let wrong = #"{"Resource": "arn:aws:states:::s3:putObject"}"#
        #expect(locations(Self.machine(reader: wrong)) == ["/States/Each/ItemReader/Resource"])
        #expect(
            locations(Self.machine(reader: Self.getObject("CSV", config: #", "CSVHeaderLocation": "GIVEN""#)))
                == ["/States/Each/ItemReader/ReaderConfig/CSVHeaders"])
        #expect(
            locations(Self.machine(reader: Self.getObject("JSON", config: #", "MaxItems": 0"#)))
                == ["/States/Each/ItemReader/ReaderConfig/MaxItems"])
    }
}
