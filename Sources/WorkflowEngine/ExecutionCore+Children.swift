import Foundation
import StatesLanguage

extension ExecutionCore {
    /// The prefix of the idempotency keys inside a Parallel or Map: the parent's, the state's name, and how often
    /// it was entered when more than once (so a loop through it gives its tasks new keys).
    func childLabel(_ id: Int) -> String {
        let frame = frames[id]!
        let visits = frame.visits[frame.stateName] ?? 1
        return frame.label + frame.stateName + (visits > 1 ? "#\(visits)" : "")
    }

    mutating func startParallel(_ id: Int, branches: [StateMachine], input: JSON) {
        let state = frames[id]!.state
        record("ParallelStateStarted", ["name": .string(state.name)], frame: id)
        var join = Join(
            isMap: false, results: Array(repeating: nil, count: branches.count), queued: [], maxConcurrency: 0)
        let label = childLabel(id)
        for (index, branch) in branches.enumerated() {
            let child = newFrame(
                machine: branch, stateName: branch.startAt, input: input, parent: id, label: "\(label)[\(index)]/",
                slot: index)
            join.running.insert(child)
            ready.append(child)
        }
        frames[id]!.waiting = .children(join)
    }

    mutating func startMap(_ id: Int, spec: MapSpec, input: JSON) throws {
        if let reader = spec.itemReader {
            try readItems(id, reader: reader, input: input)
            return
        }
        var itemsValue: JSON
        switch spec.itemsPath {
        case .standard: itemsValue = input
        case .discard: itemsValue = .array([])
        case .path(let path):
            guard let value = resolve(path, input: input, frame: id) else { throw invalidPath(path) }
            itemsValue = value
        }
        if let template = spec.items {
            itemsValue = try evaluateQuery(template, StatesBinding(input: frames[id]!.input), frame: id)
            if case .expression(let expression) = template { try expectType(itemsValue, "array", for: expression) }
        }
        switch itemsValue {
        case .array(let items): try launchMap(id, spec: spec, input: input, items: items)
        // An object's pairs, in their order: each value is an item, and `$$.Map.Item.Key` holds its key.
        case .object(let object) where spec.items == nil:
            try launchMap(id, spec: spec, input: input, items: object.values, keys: object.keys)
        default:
            throw StatesError.runtimeError(
                "Invalid path '\(spec.itemsPathText)': The ItemsPath must point to an array or an object, not \(itemsValue.typeName)."
            )
        }
    }

    /// Runs a Map over its items (from its input, or read by its ItemReader), with their keys when they are an
    /// object's values.
    mutating func launchMap(_ id: Int, spec: MapSpec, input: JSON, items: [JSON], keys: [String]? = nil) throws {
        var inputs: [JSON] = []
        inputs.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let selector = spec.itemSelector {
                let mapItem = MapItem(index: index, key: keys?[index], value: item)
                inputs.append(try evaluate(selector, input: input, frame: id, mapItem: mapItem))
            } else {
                inputs.append(item)
            }
        }
        if let batcher = spec.batcher { inputs = try batches(inputs, batcher: batcher, input: input, frame: id) }
        // The paths' values as AWS reads them (a string holding a whole number counts), and its causes.
        var maxConcurrency = spec.maxConcurrency ?? 0
        if let path = spec.maxConcurrencyPath {
            guard let value = resolve(path, input: input, frame: id) else {
                throw missingPath(path, field: "MaxConcurrencyPath", input: input)
            }
            guard let number = Self.wholeNumber(value) else {
                throw StatesError.runtimeError(
                    "The MaxConcurrencyPath field refers to value \"\(Self.quoted(value))\" which is not a valid integer: \(path)"
                )
            }
            guard number >= 0 else {
                throw StatesError.runtimeError(
                    "Expected non-negative integer for MaxConcurrency, got '\(number)' instead.")
            }
            maxConcurrency = number
        }
        var toleratedCount = spec.toleratedFailureCount
        if let path = spec.toleratedFailureCountPath {
            guard let value = resolve(path, input: input, frame: id) else {
                throw missingPath(path, field: "ToleratedFailureCountPath", input: input)
            }
            guard let number = Self.wholeNumber(value) else {
                throw StatesError.runtimeError(
                    "The ToleratedFailureCountPath field refers to value \"\(Self.quoted(value))\" which is not a valid integer: \(path)"
                )
            }
            guard number >= 0 else { throw StatesError.runtimeError("ToleratedFailureCount cannot be negative.") }
            toleratedCount = number
        }
        let states = StatesBinding(input: frames[id]!.input)
        if let expression = spec.maxConcurrencyExpression {
            maxConcurrency = try queryInteger(expression, states, frame: id, minimum: 0)
        }
        if let expression = spec.toleratedFailureCountExpression {
            toleratedCount = try queryInteger(expression, states, frame: id, minimum: 0)
        }
        var toleratedPercentage = spec.toleratedFailurePercentage
        if let expression = spec.toleratedFailurePercentageExpression {
            let value = try evaluateQuery(expression, states, frame: id)
            guard let number = value.doubleValue, (0...100).contains(number) else {
                throw QueryEvaluationFailure(
                    field: expression.field,
                    cause:
                        "The JSONata expression '\(expression.text)' specified for the field "
                        + "'ToleratedFailurePercentage' returned an unexpected result type. Expected a number from 0 "
                        + "to 100, but was '\(value.typeName.lowercased())' for value: \(value.serialized())")
            }
            toleratedPercentage = number
        }
        if let path = spec.toleratedFailurePercentagePath {
            guard let value = resolve(path, input: input, frame: id) else {
                throw missingPath(path, field: "ToleratedFailurePercentagePath", input: input)
            }
            guard let number = Self.wholeNumber(value).map(Double.init) ?? value.doubleValue else {
                throw StatesError.runtimeError(
                    "The ToleratedFailurePercentagePath field refers to value \"\(Self.quoted(value))\" which is not a valid float: \(path)"
                )
            }
            guard (0...100).contains(number) else {
                throw StatesError.runtimeError("ToleratedFailurePercentage must be between 0 and 100.")
            }
            toleratedPercentage = number
        }
        record("MapStateStarted", ["length": .int(inputs.count)], frame: id)
        var join = Join(
            isMap: true, results: Array(repeating: nil, count: inputs.count),
            queued: inputs.enumerated().map { (slot: $0.offset, input: $0.element) }, maxConcurrency: maxConcurrency,
            toleratedCount: toleratedCount, toleratedPercentage: toleratedPercentage)
        if spec.distributed {
            let run = mapRunArn(id)
            join.mapRunArn = run
            record("MapRunStarted", ["mapRunArn": .string(run)], frame: id)
        }
        if spec.resultWriter != nil { join.itemInputs = inputs }
        guard !inputs.isEmpty else {
            mapSucceeded(id, join: join)
            return
        }
        launchIterations(id, join: &join, processor: spec.processor, distributed: spec.distributed)
        frames[id]!.waiting = .children(join)
    }

    /// Starts queued iterations up to the concurrency limit (0 means no limit).
    private mutating func launchIterations(_ id: Int, join: inout Join, processor: StateMachine, distributed: Bool) {
        let label = childLabel(id)
        while !join.queued.isEmpty, join.maxConcurrency == 0 || join.running.count < join.maxConcurrency {
            let (slot, input) = join.queued.removeFirst()
            let child = newFrame(
                machine: processor, stateName: processor.startAt, input: input, parent: id, label: "\(label)[\(slot)]/",
                slot: slot, readsOuter: !distributed)
            join.running.insert(child)
            record("MapIterationStarted", ["index": .int(slot), "name": .string(frames[id]!.stateName)], frame: id)
            ready.append(child)
        }
    }

    /// Groups iteration inputs into `{"Items": [...], "BatchInput": ...}` batches.
    private mutating func batches(_ inputs: [JSON], batcher: ItemBatcher, input: JSON, frame id: Int) throws -> [JSON] {
        var maxItems = batcher.maxItemsPerBatch
        if let path = batcher.maxItemsPerBatchPath {
            guard let value = resolve(path, input: input, frame: id)?.intValue, value > 0 else {
                throw StatesError.runtimeError("The MaxItemsPerBatchPath '\(path)' must point to a whole number > 0.")
            }
            maxItems = value
        }
        var maxBytes = batcher.maxInputBytesPerBatch
        if let path = batcher.maxInputBytesPerBatchPath {
            guard let value = resolve(path, input: input, frame: id)?.intValue, value > 0 else {
                throw StatesError.runtimeError(
                    "The MaxInputBytesPerBatchPath '\(path)' must point to a whole number > 0.")
            }
            maxBytes = value
        }
        let states = StatesBinding(input: frames[id]!.input)
        if let expression = batcher.maxItemsPerBatchExpression {
            maxItems = try queryInteger(expression, states, frame: id, minimum: 1)
        }
        if let expression = batcher.maxInputBytesPerBatchExpression {
            maxBytes = try queryInteger(expression, states, frame: id, minimum: 1)
        }
        let batchInput = try batcher.batchInput.map { try evaluate($0, input: input, frame: id) }
        var result: [JSON] = []
        var current: [JSON] = []
        var bytes = 0
        func flush() {
            guard !current.isEmpty else { return }
            var batch: JSONObject = ["Items": .array(current)]
            if let batchInput { batch["BatchInput"] = batchInput }
            result.append(.object(batch))
            current = []
            bytes = 0
        }
        for item in inputs {
            let size = item.serialized().utf8.count
            if let maxBytes, !current.isEmpty, bytes + size > maxBytes { flush() }
            current.append(item)
            bytes += size
            if let maxItems, current.count >= maxItems { flush() }
        }
        flush()
        return result
    }

    /// A branch or iteration ended. Failures of a Map within its tolerance are kept as error objects.
    mutating func childFinished(parent id: Int, child: Frame, result: Result<JSON, StatesError>) {
        guard case .children(var join)? = frames[id]?.waiting else { return }
        join.running.remove(child.id)
        let stateName = frames[id]!.stateName
        switch result {
        case .success(let output):
            join.results[child.slot] = output
            if join.isMap {
                record("MapIterationSucceeded", ["index": .int(child.slot), "name": .string(stateName)], frame: id)
            }
        case .failure(let failure):
            let tolerant = join.isMap && (join.toleratedCount != nil || join.toleratedPercentage != nil)
            if join.isMap {
                record("MapIterationFailed", ["index": .int(child.slot), "name": .string(stateName)], frame: id)
            }
            guard tolerant else {
                failChildren(id, join: join, failure: failure)
                return
            }
            join.failures += 1
            join.failedSlots.insert(child.slot)
            join.results[child.slot] = ["Error": .string(failure.error), "Cause": .string(failure.cause)]
            // Over either threshold that is set, the Map fails (AWS fails as soon as one is exceeded).
            let total = Double(join.results.count)
            let overCount = join.toleratedCount.map { join.failures > $0 } ?? false
            let overPercentage = join.toleratedPercentage.map { Double(join.failures) / total * 100 > $0 } ?? false
            let exceeded = overCount || overPercentage
            if exceeded {
                failChildren(
                    id, join: join,
                    failure: StatesError(
                        StatesError.exceedToleratedFailureThreshold,
                        "The specified tolerated failure threshold was exceeded"))
                return
            }
        }
        if join.isMap, case .map(let spec) = frames[id]!.state.kind {
            launchIterations(id, join: &join, processor: spec.processor, distributed: spec.distributed)
        }
        frames[id]!.waiting = .children(join)
        guard join.running.isEmpty, join.queued.isEmpty else { return }
        frames[id]!.waiting = nil
        if join.isMap {
            mapSucceeded(id, join: join)
            return
        }
        record("ParallelStateSucceeded", [:], frame: id)
        finishStep(id, result: .array(join.results.map { $0 ?? .null }))
    }

    /// Stops the remaining branches or items and fails the Parallel or Map state with `failure`.
    private mutating func failChildren(_ id: Int, join: Join, failure: StatesError) {
        for child in join.running.sorted() { abortFrame(child) }
        frames[id]!.waiting = nil
        if let run = join.mapRunArn { record("MapRunFailed", ["mapRunArn": .string(run)], frame: id) }
        record(
            join.isMap ? "MapStateFailed" : "ParallelStateFailed",
            ["error": .string(failure.error), "cause": .string(failure.cause)], frame: id)
        stateFailed(id, failure)
    }

    /// Removes a frame and everything under it, cancelling their tasks and timers.
    mutating func abortFrame(_ id: Int) {
        guard let frame = frames.removeValue(forKey: id) else { return }
        switch frame.waiting {
        case .task(let token)?:
            pendingTasks.removeValue(forKey: token)
            actions.append(.cancelTask(token: token))
            cancelTimer("timeout:\(token)")
            cancelTimer("heartbeat:\(token)")
        case .timer(let timerID)?:
            cancelTimer(timerID)
        case .children(let join)?:
            for child in join.running.sorted() { abortFrame(child) }
        case nil:
            break
        }
    }
}

extension MapSpec {
    var itemsPathText: String {
        if case .path(let path) = itemsPath { return path.text }
        return "$"
    }
}
