import Foundation
import StatesLanguage

extension ExecutionCore {
    /// Enters the frame's current state: records it, then runs it (synchronous states run through to the next).
    mutating func enterState(_ id: Int) {
        let state = frames[id]!.state
        frames[id]!.visits[state.name, default: 0] += 1
        frames[id]!.retryAttempts = Array(repeating: 0, count: state.retriers.count)
        frames[id]!.enteredAt = now
        record("\(state.typeName)StateEntered", ["name": .string(state.name), "input": frames[id]!.input], frame: id)
        frames[id]!.enteredEventID = history.count
        runProtected(id) { core in
            let effective = try core.applyInputPath(state.inputPath, to: core.frames[id]!.input, frame: id)
            core.frames[id]!.effectiveInput = effective
            try core.executeStep(id)
        }
    }

    /// Runs `body`; a ``StatesError`` it throws fails the frame's current state (Retry and Catch apply).
    mutating func runProtected(_ id: Int, _ body: (inout ExecutionCore) throws -> Void) {
        do {
            try body(&self)
        } catch let error as StatesError {
            stateFailed(id, error)
        } catch let failure as QueryEvaluationFailure {
            stateFailed(id, evaluationFailed(failure, frame: id))
        } catch {
            stateFailed(id, StatesError.runtimeError("\(error)"))
        }
    }

    /// `Parameters` filled with the effective input, or a JSONata state's `Arguments`; else the effective input.
    mutating func parargs(_ id: Int) throws -> JSON {
        let frame = frames[id]!
        guard let template = frame.state.parameters else { return frame.effectiveInput }
        if frame.state.queryLanguage == .jsonata {
            return try evaluateQuery(template, StatesBinding(input: frame.input), frame: id)
        }
        return try evaluate(template, input: frame.effectiveInput, frame: id)
    }

    /// A JSONata state's `Output` (with `$states.result` when given), else `fallback`.
    mutating func queryOutput(_ id: Int, result: JSON?, fallback: JSON) throws -> JSON {
        let frame = frames[id]!
        guard let output = frame.state.output else { return fallback }
        return try evaluateQuery(output, StatesBinding(input: frame.input, result: result), frame: id)
    }

    /// Does the work of the current state with its effective input (again, on a retry).
    mutating func executeStep(_ id: Int) throws {
        let frame = frames[id]!
        let state = frame.state
        let effective = frame.effectiveInput
        switch state.kind {
        case .pass(let result):
            finishStep(id, result: try result ?? parargs(id))
        case .task(let spec):
            try invokeTask(id, spec: spec, input: try parargs(id))
        case .choice(let rules, let defaultNext):
            try choose(id, rules: rules, defaultNext: defaultNext, input: effective)
        case .wait(let spec):
            let until = try waitUntil(spec, input: effective, frame: id)
            let timerID = "wait:\(id):\(history.count)"
            frames[id]!.waiting = .timer(id: timerID)
            schedule(timerID, .wait(frame: id, at: until))
        case .succeed:
            let output =
                state.queryLanguage == .jsonata
                ? try queryOutput(id, result: nil, fallback: effective)
                : try applyOutputPath(state.outputPath, to: effective, frame: id)
            record("SucceedStateExited", ["name": .string(state.name), "output": output], frame: id)
            frameSucceeded(id, output: output)
        case .fail(let spec):
            let error = try failString(spec.error, field: "ErrorPath", input: frame.input, frame: id)
            let cause = try failString(spec.cause, field: "CausePath", input: frame.input, frame: id)
            frameFailed(id, StatesError(error ?? "", cause ?? ""))
        case .parallel(let branches):
            startParallel(id, branches: branches, input: try parargs(id))
        case .map(let spec):
            try startMap(id, spec: spec, input: effective)
        }
    }

    private mutating func invokeTask(_ id: Int, spec: TaskSpec, input: JSON) throws {
        let frame = frames[id]!
        var timeout = spec.timeoutSeconds
        if let path = spec.timeoutSecondsPath {
            guard let value = resolve(path, input: frame.effectiveInput, frame: id) else { throw invalidPath(path) }
            guard case .int(let seconds) = value, seconds > 0 else {
                throw StatesError.runtimeError(
                    "Expected non-negative integer for TimeoutSecondsPath, got '\(Self.quoted(value))' instead.")
            }
            timeout = seconds
        }
        if let expression = spec.timeoutSecondsExpression {
            timeout = try queryInteger(expression, StatesBinding(input: frame.input), frame: id, minimum: 1)
        }
        let retries = frame.retryAttempts.reduce(0, +)
        let token = taskToken(frame: id)
        let invocation = TaskInvocation(
            token: token, resource: spec.resource, input: input, stateName: frame.stateName, executionID: info.id,
            retryCount: retries, idempotencyKey: idempotencyKey(frame: id), timeoutSeconds: timeout)
        var heartbeat: Int?
        if invocation.waitsForCallback {
            heartbeat = spec.heartbeatSeconds
            if let path = spec.heartbeatSecondsPath {
                guard let value = resolve(path, input: frame.effectiveInput, frame: id) else {
                    throw invalidPath(path)
                }
                guard case .int(let seconds) = value, seconds > 0 else {
                    throw StatesError.runtimeError(
                        "Expected non-negative integer for HeartbeatSecondsPath, got '\(Self.quoted(value))' instead.")
                }
                heartbeat = seconds
            }
            if let expression = spec.heartbeatSecondsExpression {
                heartbeat = try queryInteger(expression, StatesBinding(input: frame.input), frame: id, minimum: 1)
            }
        }
        pendingTasks[token] = PendingTask(frame: id, invocation: invocation, heartbeatSeconds: heartbeat)
        frames[id]!.waiting = .task(token: token)
        record("TaskScheduled", ["resource": .string(spec.resource), "parameters": input], frame: id)
        actions.append(.invokeTask(invocation))
        if let timeout {
            schedule("timeout:\(token)", .taskTimeout(token: token, at: now.addingTimeInterval(TimeInterval(timeout))))
        }
        if let heartbeat {
            schedule(
                "heartbeat:\(token)",
                .heartbeatTimeout(token: token, at: now.addingTimeInterval(TimeInterval(heartbeat))))
        }
    }

    /// The token of the frame's current task attempt: the frame, the state, its visit and the retries so far.
    func taskToken(frame id: Int) -> String {
        guard let frame = frames[id] else { return "" }
        return "\(id).\(frame.stateName).\(frame.visits[frame.stateName] ?? 1).\(frame.retryAttempts.reduce(0, +))"
    }

    /// The same for every attempt of one step: the execution, the branch or item, the state, and its visit.
    func idempotencyKey(frame id: Int) -> String {
        guard let frame = frames[id] else { return "" }
        let visits = frame.visits[frame.stateName] ?? 1
        var key = "\(info.id)/\(frame.label)\(frame.stateName)"
        if visits > 1 { key += "#\(visits)" }
        return key
    }

    private mutating func choose(_ id: Int, rules: [ChoiceRule], defaultNext: String?, input: JSON) throws {
        let state = frames[id]!.state
        if state.queryLanguage == .jsonata {
            try chooseByQuery(id, rules: rules, defaultNext: defaultNext, input: input)
            return
        }
        let resolver: (JSONPath) -> JSON? = { [self] path in self.resolve(path, input: input, frame: id) }
        // A rule that matches assigns its own Assign only; the state's own Assign goes with the Default, as AWS runs it.
        for rule in rules where try rule.condition.evaluate(resolve: resolver) {
            try leaveState(
                id, output: try applyOutputPath(state.outputPath, to: input, frame: id),
                assignInput: input, extraAssign: rule.assign, next: rule.next, stateAssign: false)
            return
        }
        guard let defaultNext else {
            throw StatesError(StatesError.noChoiceMatched, "No Matches!")
        }
        try leaveState(
            id, output: try applyOutputPath(state.outputPath, to: input, frame: id),
            assignInput: input, extraAssign: nil, next: defaultNext)
    }

    /// A JSONata Choice: each rule's `Condition` must give a boolean; the rule taken gives its `Output` and `Assign`
    /// (its own `Output`, else the state's, else the input).
    private mutating func chooseByQuery(_ id: Int, rules: [ChoiceRule], defaultNext: String?, input: JSON) throws {
        let states = StatesBinding(input: input)
        for rule in rules {
            guard case .query(let condition) = rule.condition else { continue }
            let value = try evaluateQuery(condition, states, frame: id)
            guard case .bool(let holds) = value else {
                if case .expression(let expression) = condition { try expectType(value, "boolean", for: expression) }
                continue
            }
            guard holds else { continue }
            let output =
                try rule.output.map { try evaluateQuery($0, states, frame: id) }
                ?? queryOutput(id, result: nil, fallback: input)
            try leaveState(
                id, output: output, assignInput: input, extraAssign: rule.assign, next: rule.next, stateAssign: false)
            return
        }
        guard let defaultNext else {
            throw StatesError(StatesError.noChoiceMatched, "No Matches!")
        }
        try leaveState(
            id, output: try queryOutput(id, result: nil, fallback: input), assignInput: input, extraAssign: nil,
            next: defaultNext)
    }

    private mutating func waitUntil(_ spec: WaitSpec, input: JSON, frame id: Int) throws -> Date {
        switch spec {
        case .seconds(let seconds): return now.addingTimeInterval(TimeInterval(seconds))
        case .timestamp(let date): return date
        case .secondsPath(let path):
            // AWS's causes, word for word.
            guard let value = resolve(path, input: input, frame: id) else {
                throw StatesError.runtimeError("The SecondsPath parameter does not reference an input value: \(path)")
            }
            guard case .int(let seconds) = value else {
                throw StatesError.runtimeError(
                    "The SecondsPath parameter cannot be parsed as a long value: \(path) == \(Self.quoted(value))")
            }
            guard seconds >= 0 else {
                throw StatesError.runtimeError(
                    "The SecondsPath parameter references a negative value: \(path) == \(seconds)")
            }
            return now.addingTimeInterval(TimeInterval(seconds))
        case .secondsExpression(let expression):
            let seconds = try queryInteger(expression, StatesBinding(input: frames[id]!.input), frame: id, minimum: 0)
            return now.addingTimeInterval(TimeInterval(seconds))
        case .timestampExpression(let expression):
            let value = try evaluateQuery(expression, StatesBinding(input: frames[id]!.input), frame: id)
            guard case .string(let text) = value, let date = Timestamp.parse(text) else {
                throw QueryEvaluationFailure(
                    field: expression.field,
                    cause:
                        "The JSONata expression '\(expression.text)' specified for the field 'Timestamp' does not give "
                        + "a valid ISO-8601 extended offset date-time format string: \(Self.quoted(value))")
            }
            return date
        case .timestampPath(let path):
            guard let value = resolve(path, input: input, frame: id) else {
                throw missingPath(path, field: "TimestampPath", input: input)
            }
            guard case .string(let text) = value, let date = Timestamp.parse(text) else {
                throw StatesError.runtimeError(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format "
                        + "string: \(path) == \(Self.quoted(value))")
            }
            return date
        }
    }

    mutating func completeWait(_ id: Int) {
        runProtected(id) { core in
            let effective = core.frames[id]!.effectiveInput
            let state = core.frames[id]!.state
            let output =
                state.queryLanguage == .jsonata
                ? try core.queryOutput(id, result: nil, fallback: effective)
                : try core.applyOutputPath(state.outputPath, to: effective, frame: id)
            try core.leaveState(id, output: output, assignInput: effective, extraAssign: nil, next: state.next)
        }
    }

    /// - Parameter field: `ErrorPath` or `CausePath`, as the causes name it.
    private mutating func failString(_ source: StringSource?, field: String, input: JSON, frame id: Int) throws
        -> String?
    {
        switch source {
        case nil: return nil
        case .literal(let text): return text
        case .path(let path):
            guard let value = resolve(path, input: input, frame: id) else {
                throw missingPath(path, field: field, input: input)
            }
            guard case .string(let text) = value else {
                throw StatesError.runtimeError(
                    "The \(field) field refers to value \"\(Self.quoted(value))\" which is not a valid string: \(path)")
            }
            return text
        case .expression(let expression):
            let value = try evaluateQuery(expression, StatesBinding(input: input), frame: id)
            try expectType(value, "string", for: expression)
            return value.stringValue
        case .call(let call):
            var random = self.random
            defer { self.random = random }
            let core = self
            let value = try call.evaluate(
                resolve: { path in
                    guard let value = core.resolve(path, input: input, frame: id) else { throw core.invalidPath(path) }
                    return value
                }, random: &random)
            guard case .string(let text) = value else {
                throw StatesError.runtimeError("The intrinsic function of a Fail state must give a string.")
            }
            return text
        }
    }

    /// A Pass, Task, Parallel or Map produced `result`: ResultSelector, Assign, ResultPath, OutputPath, then on.
    mutating func finishStep(_ id: Int, result: JSON) {
        runProtected(id) { core in
            let state = core.frames[id]!.state
            if state.queryLanguage == .jsonata {
                // Output and Assign both see the variables as they were before this state assigns any; a Pass
                // has no `$states.result` (it passes its input on).
                let output = try core.queryOutput(id, result: state.hasResult ? result : nil, fallback: result)
                try core.leaveState(id, output: output, assignInput: result, extraAssign: nil, next: state.next)
                return
            }
            let selected: JSON
            if let selector = state.resultSelector {
                selected = try core.evaluate(selector, input: result, frame: id)
            } else {
                selected = result
            }
            let combined = try core.applyResultPath(state.resultPath, result: selected, to: core.frames[id]!.input)
            let output = try core.applyOutputPath(state.outputPath, to: combined, frame: id)
            try core.leaveState(id, output: output, assignInput: selected, extraAssign: nil, next: state.next)
        }
    }

    /// Records the exit, applies the state's (and a choice rule's) `Assign`, and moves on or ends the frame.
    mutating func leaveState(
        _ id: Int, output: JSON, assignInput: JSON, extraAssign: Template?, next: String?, stateAssign: Bool = true
    ) throws {
        let state = frames[id]!.state
        var assignments: [String: JSON] = [:]
        for template in [stateAssign ? state.assign : nil, extraAssign].compactMap({ $0 }) {
            let values: JSON
            if state.queryLanguage == .jsonata {
                values = try evaluateQuery(
                    template, StatesBinding(input: frames[id]!.input, result: state.hasResult ? assignInput : nil),
                    frame: id)
            } else {
                values = try evaluate(template, input: assignInput, frame: id)
            }
            if case .object(let members) = values { assignments.merge(members) { $1 } }
        }
        record("\(state.typeName)StateExited", ["name": .string(state.name), "output": output], frame: id)
        frames[id]!.variables.merge(assignments) { $1 }
        transition(id, to: next, output: output)
    }

    mutating func transition(_ id: Int, to next: String?, output: JSON) {
        guard let next else {
            frameSucceeded(id, output: output)
            return
        }
        frames[id]!.stateName = next
        frames[id]!.input = output
        ready.append(id)
    }

    /// The current state failed: retry it if a retrier matches and has attempts left, else catch, else fail the frame.
    mutating func stateFailed(_ id: Int, _ failure: StatesError) {
        guard frames[id] != nil else { return }
        var failure = failure
        let frame = frames[id]!
        let state = frame.state
        if failure.error == StatesError.runtime || failure.error == StatesError.queryEvaluationError,
            !failure.cause.hasPrefix("An error occurred")
        {
            failure.cause =
                "An error occurred while executing the state '\(state.name)' (entered at the event id #\(frame.enteredEventID)). "
                + failure.cause
        }
        if let index = state.retriers.firstIndex(where: { $0.matches(failure.error) }) {
            let retrier = state.retriers[index]
            let attempt = frame.retryAttempts[index]
            if attempt < retrier.maxAttempts {
                frames[id]!.retryAttempts[index] += 1
                var delay = Double(retrier.intervalSeconds) * pow(retrier.backoffRate, Double(attempt))
                if let cap = retrier.maxDelaySeconds { delay = min(delay, Double(cap)) }
                if retrier.fullJitter { delay = Double.random(in: 0...delay, using: &random) }
                let timerID = "retry:\(id):\(history.count)"
                frames[id]!.waiting = .timer(id: timerID)
                schedule(timerID, .retry(frame: id, at: now.addingTimeInterval(delay)))
                return
            }
        }
        if let catcher = state.catchers.first(where: { $0.matches(failure.error) }) {
            let errorOutput: JSON = ["Error": .string(failure.error), "Cause": .string(failure.cause)]
            do {
                let output: JSON
                var assignments: [String: JSON] = [:]
                if state.queryLanguage == .jsonata {
                    let states = StatesBinding(input: frame.input, errorOutput: errorOutput)
                    output = try catcher.output.map { try evaluateQuery($0, states, frame: id) } ?? errorOutput
                    if let assign = catcher.assign,
                        case .object(let values) = try evaluateQuery(assign, states, frame: id)
                    {
                        assignments = values
                    }
                } else {
                    output = try applyResultPath(catcher.resultPath, result: errorOutput, to: frame.input)
                    if let assign = catcher.assign,
                        case .object(let values) = try evaluate(assign, input: errorOutput, frame: id)
                    {
                        assignments = values
                    }
                }
                record("\(state.typeName)StateExited", ["name": .string(state.name), "output": output], frame: id)
                frames[id]!.variables.merge(assignments) { $1 }
                transition(id, to: catcher.next, output: output)
                return
            } catch let error as StatesError {
                failure = error
            } catch let queryFailure as QueryEvaluationFailure {
                failure = evaluationFailed(queryFailure, frame: id)
                failure.cause =
                    "An error occurred while executing the state '\(state.name)' (entered at the event id #\(frame.enteredEventID)). "
                    + failure.cause
            } catch {
                failure = StatesError.runtimeError("\(error)")
            }
        }
        frameFailed(id, failure)
    }

    /// A frame reached a Succeed state or an end: the execution succeeds, or the parent's join takes the output.
    mutating func frameSucceeded(_ id: Int, output: JSON) {
        guard let frame = frames.removeValue(forKey: id) else { return }
        guard let parent = frame.parent else {
            finish(ExecutionOutcome(status: .succeeded, output: output), type: "ExecutionSucceeded")
            return
        }
        childFinished(parent: parent, child: frame, result: .success(output))
    }

    /// A frame failed without catching: the execution fails, or the parent Parallel or Map state does.
    mutating func frameFailed(_ id: Int, _ failure: StatesError) {
        guard let frame = frames.removeValue(forKey: id) else { return }
        guard let parent = frame.parent else {
            finish(
                ExecutionOutcome(status: .failed, error: failure.error, cause: failure.cause), type: "ExecutionFailed")
            return
        }
        childFinished(parent: parent, child: frame, result: .failure(failure))
    }
}

extension State {
    /// Whether the state has a result of its own (`$states.result`): a Task's, a Parallel's or a Map's.
    var hasResult: Bool {
        switch kind {
        case .task, .parallel, .map: return true
        default: return false
        }
    }
}
