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
        let timeout = try taskSeconds(
            id, literal: spec.timeoutSeconds, path: spec.timeoutSecondsPath, expression: spec.timeoutSecondsExpression,
            field: "TimeoutSecondsPath")
        let retries = frame.retryAttempts.reduce(0, +)
        let token = taskToken(frame: id)
        let invocation = TaskInvocation(
            token: token, resource: spec.resource, input: input, stateName: frame.stateName, executionID: info.id,
            retryCount: retries, idempotencyKey: idempotencyKey(frame: id), timeoutSeconds: timeout)
        let heartbeat =
            invocation.waitsForCallback
            ? try taskSeconds(
                id, literal: spec.heartbeatSeconds, path: spec.heartbeatSecondsPath,
                expression: spec.heartbeatSecondsExpression, field: "HeartbeatSecondsPath") : nil
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

    /// A task's `TimeoutSeconds` or `HeartbeatSeconds`: written out, from its `...Path` (AWS's cause when the path's
    /// value is no positive whole number), or from a JSONata expression.
    private mutating func taskSeconds(
        _ id: Int, literal: Int?, path: JSONPath?, expression: QueryExpression?, field: String
    ) throws -> Int? {
        let frame = frames[id]!
        if let expression {
            return try queryInteger(expression, StatesBinding(input: frame.input), frame: id, minimum: 1)
        }
        guard let path else { return literal }
        guard let value = resolve(path, input: frame.effectiveInput, frame: id) else { throw invalidPath(path) }
        guard case .int(let seconds) = value, seconds > 0 else {
            throw StatesError.runtimeError(
                "Expected non-negative integer for \(field), got '\(Self.quoted(value))' instead.")
        }
        return seconds
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
}
