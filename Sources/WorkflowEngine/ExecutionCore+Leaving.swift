import Foundation
import StatesLanguage

/// Leaving a state: its result shaped and assigned, the next state or the frame's end, and a failure's Retry and
/// Catch.
extension ExecutionCore {
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
        var assignments: JSONObject = [:]
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
        let frame = frames[id]!
        let state = frame.state
        var failure = Self.locating(failure, in: frame)
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
                // JSONata: Output and Assign with $states.errorOutput; JSONPath: ResultPath, Assign over the error.
                let jsonata = state.queryLanguage == .jsonata
                let states = StatesBinding(input: frame.input, errorOutput: errorOutput)
                let output =
                    jsonata
                    ? try catcher.output.map { try evaluateQuery($0, states, frame: id) } ?? errorOutput
                    : try applyResultPath(catcher.resultPath, result: errorOutput, to: frame.input)
                let assigned = try catcher.assign.map {
                    jsonata ? try evaluateQuery($0, states, frame: id) : try evaluate($0, input: errorOutput, frame: id)
                }
                record("\(state.typeName)StateExited", ["name": .string(state.name), "output": output], frame: id)
                if case .object(let values)? = assigned { frames[id]!.variables.merge(values) { $1 } }
                transition(id, to: catcher.next, output: output)
                return
            } catch let error as StatesError {
                failure = error
            } catch let queryFailure as QueryEvaluationFailure {
                failure = Self.locating(evaluationFailed(queryFailure, frame: id), in: frame)
            } catch {
                failure = StatesError.runtimeError("\(error)")
            }
        }
        frameFailed(id, failure)
    }

    /// A `States.Runtime` or `States.QueryEvaluationError` cause with the state it happened in, as AWS writes it.
    static func locating(_ failure: StatesError, in frame: Frame) -> StatesError {
        guard failure.error == StatesError.runtime || failure.error == StatesError.queryEvaluationError,
            !failure.cause.hasPrefix("An error occurred")
        else { return failure }
        return StatesError(
            failure.error,
            "An error occurred while executing the state '\(frame.stateName)' (entered at the event id "
                + "#\(frame.enteredEventID)). \(failure.cause)")
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
