import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

/// S3 answered from a dictionary of objects, counting reads; `putObject` stores (or, for a refused bucket, fails).
private final class Objects: TaskResolver, TaskHandler, @unchecked Sendable {
    private(set) var objects: [String: String]
    private let lock = NSLock()
    private(set) var reads = 0
    private(set) var written: [String] = []

    init(_ objects: [String: String]) { self.objects = objects }

    func handler(for resource: String) -> (any TaskHandler)? { resource.contains(":s3:") ? self : nil }

    func invoke(_ invocation: TaskInvocation) async throws -> JSON {
        let bucket = invocation.input["Bucket"]?.stringValue ?? ""
        if invocation.resource.hasSuffix("putObject") {
            guard bucket != "refused" else { throw StatesError("S3.AccessDenied", "no") }
            let key = bucket + "/" + (invocation.input["Key"]?.stringValue ?? "")
            lock.withLock {
                objects[key] = invocation.input["Body"]?.stringValue ?? ""
                written.append(key)
            }
            return ["ETag": "e"]
        }
        lock.withLock { reads += 1 }
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

@Suite("Distributed Map ItemReader and ResultWriter")
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
        let inlineWriter = Self.writerMachine.replacingOccurrences(
            of: #""ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},"#, with: ""
        ).replacingOccurrences(of: #" "ToleratedFailureCount": 1,"#, with: "")
        #expect(locations(inlineWriter) == ["/States/Each/ResultWriter"])
        #expect(
            locations(Self.writerMachine.replacingOccurrences(of: ":::s3:putObject", with: ":::s3:getObject"))
                == ["/States/Each/ResultWriter/Resource"])
    }

    static let writerMachine = #"""
        {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1,
          "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket.$": "$.bucket", "Prefix": "runs"}},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Odd?", "States": {
              "Odd?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 2, "Next": "Broken"}], "Default": "Echo"},
              "Broken": {"Type": "Fail", "Error": "Odd", "Cause": "two"},
              "Echo": {"Type": "Pass", "End": true}}},
          "Catch": [{"ErrorEquals": ["States.ResultWriterFailed"], "Next": "Unwritten"}], "End": true},
          "Unwritten": {"Type": "Pass", "End": true}}}
        """#

    @Test("ResultWriter writes SUCCEEDED_0, FAILED_0 and the manifest as AWS does; the Map answers where they are")
    func resultWriter() async throws {
        let objects = Objects([:])
        let result = try await run(
            Self.writerMachine, objects, input: ["bucket": "out", "items": [["n": 1], ["n": 2], ["n": 3]]])
        #expect(result.outcome.status == .succeeded)
        let output = try #require(result.outcome.output)
        let run = try #require(output["MapRunArn"]?.stringValue)
        #expect(run.contains(":mapRun:m/Each:"))
        let folder = "runs/" + String(run.split(separator: ":").last!) + "/"
        #expect(output["ResultWriterDetails"] == ["Bucket": "out", "Key": .string(folder + "manifest.json")])
        #expect(
            objects.written == [
                "out/" + folder + "SUCCEEDED_0.json", "out/" + folder + "FAILED_0.json",
                "out/" + folder + "manifest.json",
            ])
        let succeeded = try JSON(parsing: try #require(objects.objects["out/" + folder + "SUCCEEDED_0.json"]))
        #expect(succeeded.arrayValue?.compactMap { $0["Output"]?.stringValue } == [#"{"n":1}"#, #"{"n":3}"#])
        #expect(succeeded.arrayValue?.allSatisfy { $0["Status"] == "SUCCEEDED" } == true)
        let failed = try JSON(parsing: try #require(objects.objects["out/" + folder + "FAILED_0.json"]))
        #expect(failed.arrayValue?.map { $0["Error"] } == ["Odd"])
        let manifest = try JSON(parsing: try #require(objects.objects["out/" + folder + "manifest.json"]))
        #expect(manifest["DestinationBucket"] == "out" && manifest["MapRunArn"] == .string(run))
        #expect(
            manifest["ResultFiles"]?["SUCCEEDED"]?.arrayValue?.first?["Key"] == .string(folder + "SUCCEEDED_0.json"))
        #expect(
            manifest["ResultFiles"]?["FAILED"]?.arrayValue?.first?["Size"]?.intValue
                == objects.objects["out/" + folder + "FAILED_0.json"]?.utf8.count)
        let types = result.history.map(\.type)
        #expect(types.contains("MapRunStarted") && types.contains("MapRunSucceeded"))
    }

    @Test("WriterConfig alone shapes the Map's output: COMPACT the outputs, FLATTEN arrays spread, failures kept whole")
    func writerConfigAlone() async throws {
        // Each item answers an array of itself twice; the item 2 fails.
        let machine = Self.writerMachine.replacingOccurrences(
            of:
                #""ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket.$": "$.bucket", "Prefix": "runs"}},"#,
            with: #""ResultWriter": {"WriterConfig": {"Transformation": "TRANSFORM"}},"#
        ).replacingOccurrences(
            of: #""Echo": {"Type": "Pass", "End": true}"#,
            with:
                #""Echo": {"Type": "Pass", "Parameters": {"pair.$": "States.Array($.n, $.n)"}, "OutputPath": "$.pair", "End": true}"#
        )
        let items: JSON = ["items": [["n": 1], ["n": 2], ["n": 3]]]
        let objects = Objects([:])
        let flat = try await run(machine.replacingOccurrences(of: "TRANSFORM", with: "FLATTEN"), objects, input: items)
        let flattened = try #require(flat.outcome.output?.arrayValue)
        #expect(Array(flattened.prefix(2)) == [1, 1] && Array(flattened.suffix(2)) == [3, 3] && flattened.count == 5)
        #expect(flattened[2]["Status"] == "FAILED" && flattened[2]["Error"] == "Odd")
        let compact = try await run(
            machine.replacingOccurrences(of: "TRANSFORM", with: "COMPACT"), objects, input: items)
        #expect(compact.outcome.output?.arrayValue?.first == [1, 1] && compact.outcome.output?.arrayValue?.count == 3)
        let whole = try await run(machine.replacingOccurrences(of: "TRANSFORM", with: "NONE"), objects, input: items)
        #expect(whole.outcome.output?.arrayValue?.first?["Output"] == "[1,1]")
        // Nothing was written to the blob store.
        #expect(objects.written.isEmpty)
    }

    @Test("WriterConfig with a Resource writes its shape: JSONL files of the compact outputs, failures in their file")
    func writerConfigWritten() async throws {
        let machine = Self.writerMachine.replacingOccurrences(
            of: #""Prefix": "runs"}},"#,
            with: #""Prefix": "runs"}, "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSONL"}},"#)
        let objects = Objects([:])
        let result = try await run(
            machine, objects, input: ["bucket": "out", "items": [["n": 1], ["n": 2], ["n": 3]]])
        let run = try #require(result.outcome.output?["MapRunArn"]?.stringValue)
        let folder = "out/runs/" + String(run.split(separator: ":").last!) + "/"
        #expect(objects.objects[folder + "SUCCEEDED_0.json"] == "{\"n\":1}\n{\"n\":3}")
        let failed = try JSON(parsing: try #require(objects.objects[folder + "FAILED_0.json"]))
        #expect(failed["Status"] == "FAILED" && failed["Error"] == "Odd")
    }

    @Test("what AWS refuses of a WriterConfig")
    func writerConfigRefused() {
        func locations(_ writer: String) -> [String] {
            let machine = Self.writerMachine.replacingOccurrences(
                of:
                    #""ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket.$": "$.bucket", "Prefix": "runs"}},"#,
                with: #""ResultWriter": \#(writer),"#)
            return StatesDefinition.validate(machine).filter { $0.severity == .error }.map(\.location)
        }
        #expect(locations(#"{"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSONL"}}"#).isEmpty)
        #expect(
            locations(#"{"WriterConfig": {"Transformation": "SQUASH"}}"#) == [
                "/States/Each/ResultWriter/WriterConfig/Transformation"
            ])
        #expect(
            locations(#"{"WriterConfig": {"OutputType": "CSV"}}"#) == [
                "/States/Each/ResultWriter/WriterConfig/OutputType"
            ])
        #expect(locations(#"{"WriterConfig": {"Extra": 1}}"#) == ["/States/Each/ResultWriter/WriterConfig/Extra"])
        #expect(locations("{}") == ["/States/Each/ResultWriter/Resource"])
        #expect(
            locations(#"{"WriterConfig": {}, "Parameters": {"Bucket": "b"}}"#) == ["/States/Each/ResultWriter/Resource"]
        )
    }

    @Test("a write that fails is States.ResultWriterFailed")
    func resultWriterFails() async throws {
        let result = try await run(Self.writerMachine, Objects([:]), input: ["bucket": "refused", "items": [["n": 1]]])
        #expect(result.outcome.output?["Error"] == "States.ResultWriterFailed")
    }
}
