import Foundation
import StatesLanguage

/// A Map's end, and a distributed Map's ResultWriter: its results written as AWS writes them, one object after
/// another by `s3:putObject` tasks (journaled like any other), and the Map's output then says where they are.
extension ExecutionCore {
    /// Every item of a Map is done: its output, or its ResultWriter's writes first.
    mutating func mapSucceeded(_ id: Int, join: Join) {
        if let run = join.mapRunArn { record("MapRunSucceeded", ["mapRunArn": .string(run)], frame: id) }
        guard case .map(let spec) = frames[id]!.state.kind, let writer = spec.resultWriter else {
            record("MapStateSucceeded", [:], frame: id)
            finishStep(id, result: .array(join.results.map { $0 ?? .null }))
            return
        }
        runProtected(id) { core in try core.writeResults(id, join: join, writer: writer) }
    }

    /// The map run's ARN: the state machine, the Map state, and an id drawn from the execution's generator.
    mutating func mapRunArn(_ id: Int) -> String {
        let high = random.next()
        let low = random.next()
        let hex = String(format: "%016llx%016llx", high, low)
        let chars = Array(hex)
        let uuid = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
        return "arn:aws:states:local:000000000000:mapRun:\(info.stateMachineName)/\(frames[id]!.stateName):\(uuid)"
    }

    private mutating func writeResults(_ id: Int, join: Join, writer: ResultWriter) throws {
        let frame = frames[id]!
        let run = join.mapRunArn ?? mapRunArn(id)
        func entry(_ slot: Int) -> JSON {
            let failed = join.failedSlots.contains(slot)
            var object: JSONObject = [
                "ExecutionArn": .string("\(run):\(slot)"), "Name": .string(String(slot)),
                "Input": .string((slot < join.itemInputs.count ? join.itemInputs[slot] : .null).serialized()),
                "InputDetails": ["Included": true], "Status": .string(failed ? "FAILED" : "SUCCEEDED"),
                "StateMachineArn": .string(info.stateMachineID),
            ]
            let result = join.results[slot] ?? .null
            if failed {
                object["Error"] = result["Error"] ?? .null
                object["Cause"] = result["Cause"] ?? .null
            } else {
                object["Output"] = .string(result.serialized())
                object["OutputDetails"] = ["Included": true]
            }
            return .object(object)
        }
        /// The children's results as the WriterConfig shapes them; a failed child keeps its record.
        func records(_ slots: [Int]) -> [JSON] {
            var records: [JSON] = []
            for slot in slots {
                guard !join.failedSlots.contains(slot), writer.transformation != .none else {
                    records.append(entry(slot))
                    continue
                }
                let output = join.results[slot] ?? .null
                if writer.transformation == .flatten, case .array(let items) = output {
                    records += items
                } else {
                    records.append(output)
                }
            }
            return records
        }
        let slots = Array(join.results.indices)
        guard let template = writer.parameters else {
            // WriterConfig alone: the shaped results are the Map's output, and nothing is written.
            record("MapStateSucceeded", [:], frame: id)
            finishStep(id, result: .array(records(slots)))
            return
        }
        let parameters = try evaluate(template, input: frame.effectiveInput, frame: id)
        guard let bucket = parameters["Bucket"]?.stringValue, !bucket.isEmpty else {
            throw StatesError(StatesError.resultWriterFailed, "The ResultWriter's Bucket is not a string.")
        }
        var prefix = parameters["Prefix"]?.stringValue ?? ""
        if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
        let folder = prefix + String(run.split(separator: ":").last ?? "run") + "/"
        func body(_ records: [JSON]) -> String {
            writer.outputType == .json
                ? JSON.array(records).serialized() : records.map { $0.serialized() }.joined(separator: "\n")
        }
        var files: [(status: String, key: String, body: String)] = [
            ("SUCCEEDED", folder + "SUCCEEDED_0.json", body(records(slots.filter { !join.failedSlots.contains($0) })))
        ]
        if !join.failedSlots.isEmpty {
            files.append(("FAILED", folder + "FAILED_0.json", body(records(join.failedSlots.sorted()))))
        }
        var listed: [String: [JSON]] = ["SUCCEEDED": [], "FAILED": [], "PENDING": []]
        for file in files {
            listed[file.status]!.append(["Key": .string(file.key), "Size": .int(file.body.utf8.count)])
        }
        let manifest: JSON = [
            "DestinationBucket": .string(bucket), "MapRunArn": .string(run),
            "ResultFiles": .object(JSONObject(listed.mapValues(JSON.array))),
        ]
        files.append(("", folder + "manifest.json", manifest.serialized()))
        let base = taskToken(frame: id) + "/ResultWriter/"
        let invocations = files.enumerated().map { number, file in
            TaskInvocation(
                token: base + String(number), resource: ResultWriter.putObject,
                input: ["Bucket": .string(bucket), "Key": .string(file.key), "Body": .string(file.body)],
                stateName: frame.stateName, executionID: info.id, retryCount: frame.retryAttempts.reduce(0, +),
                idempotencyKey: idempotencyKey(frame: id) + "/ResultWriter/" + String(number), timeoutSeconds: nil)
        }
        let output: JSON = [
            "MapRunArn": .string(run),
            "ResultWriterDetails": ["Bucket": .string(bucket), "Key": .string(folder + "manifest.json")],
        ]
        issue(id, ResultWrites(remaining: invocations, output: output))
    }

    /// Makes the next write, or ends the Map when none is left.
    private mutating func issue(_ id: Int, _ writes: ResultWrites) {
        var writes = writes
        guard !writes.remaining.isEmpty else {
            record("MapStateSucceeded", [:], frame: id)
            finishStep(id, result: writes.output)
            return
        }
        let next = writes.remaining.removeFirst()
        pendingTasks[next.token] = PendingTask(frame: id, invocation: next, writesResults: writes)
        frames[id]!.waiting = .task(token: next.token)
        actions.append(.invokeTask(next))
    }

    /// One write answered: the next one, or the Map's end.
    mutating func resultWritten(_ id: Int, writes: ResultWrites) {
        guard frames[id] != nil else { return }
        frames[id]!.waiting = nil
        issue(id, writes)
    }
}
