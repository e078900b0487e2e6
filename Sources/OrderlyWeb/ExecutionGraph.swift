import Foundation
import OrderlyPorts
import StatesLanguage

/// What happened to each state of an execution, read from its history as AWS's `GetExecutionHistory` gives it (and
/// the embedded engine records it the same way). Pure: history in, runs out.
struct StateRuns {
    /// How a state fared, in the Step Functions console's words.
    enum Status: String {
        case notRun = "Not run", running = "In progress", succeeded = "Succeeded", caught = "Caught error"
        case failed = "Failed"
    }

    /// One state's last run (and how often it was entered and retried).
    struct Run {
        var status = Status.notRun
        var entered: Date?
        var exited: Date?
        var input: String?
        var output: String?
        var error: String?
        var cause: String?
        var entries = 0
        var failures = 0
    }

    private(set) var runs: [String: Run] = [:]

    subscript(state: String) -> Run { runs[state] ?? Run() }

    init(_ history: [WorkflowExecution.HistoryEntry], executionStatus: WorkflowExecution.Status) {
        let byID = Dictionary(history.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var stateOfEvent: [Int: String] = [:]
        // The state an event belongs to: follow `previousEventId` back to the `…StateEntered` that began it.
        func state(of entry: WorkflowExecution.HistoryEntry) -> String? {
            var current: WorkflowExecution.HistoryEntry? = entry
            var seen = 0
            while let event = current, seen < 10_000 {
                if let name = stateOfEvent[event.id] { return name }
                current = byID[event.previousEventID]
                seen += 1
            }
            return nil
        }
        for entry in history {
            let details = (try? JSON(parsing: entry.details)) ?? [:]
            let name = details["name"]?.stringValue
            if entry.type.hasSuffix("StateEntered"), let name {
                stateOfEvent[entry.id] = name
                var run = runs[name] ?? Run()
                run.entries += 1
                run.status = .running
                run.entered = entry.timestamp
                run.exited = nil
                run.input = details["input"].map(Self.text)
                run.output = nil
                run.error = nil
                run.cause = nil
                runs[name] = run
            } else if entry.type.hasSuffix("StateExited"), let name, var run = runs[name] {
                stateOfEvent[entry.id] = name
                run.exited = entry.timestamp
                run.output = details["output"].map(Self.text)
                run.status = run.error == nil ? .succeeded : .caught
                runs[name] = run
            } else if entry.type.hasPrefix("Execution") {
                guard ["ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"].contains(entry.type) else {
                    continue
                }
                for (name, run) in runs where run.status == .running {
                    runs[name]?.status = .failed
                    runs[name]?.exited = entry.timestamp
                    runs[name]?.error = run.error ?? details["error"]?.stringValue ?? entry.type
                    runs[name]?.cause = run.cause ?? details["cause"]?.stringValue
                }
            } else if let name = state(of: entry) {
                stateOfEvent[entry.id] = name
                if entry.type.hasSuffix("Failed") || entry.type.hasSuffix("TimedOut") {
                    runs[name]?.failures += 1
                    runs[name]?.error = details["error"]?.stringValue ?? entry.type
                    runs[name]?.cause = details["cause"]?.stringValue
                } else if entry.type.hasSuffix("Succeeded") {
                    // A retry that worked: the earlier failure is no longer the state's outcome.
                    runs[name]?.error = nil
                    runs[name]?.cause = nil
                }
            }
        }
        if executionStatus == .failed || executionStatus == .timedOut || executionStatus == .aborted {
            for (name, run) in runs where run.status == .running { runs[name]?.status = .failed }
        }
    }

    /// A value from the history as text: AWS gives inputs and outputs as JSON text, the embedded engine as JSON.
    static func text(_ value: JSON) -> String {
        if case .string(let text) = value, let parsed = try? JSON(parsing: text) { return PrettyJSON.text(parsed) }
        return PrettyJSON.text(value)
    }
}

/// An Amazon States Language state machine drawn as a graph, top to bottom as the Step Functions console draws it:
/// each state a box in the row of its longest path from the start, `Next` and Choice arrows solid, `Catch` arrows
/// dashed, a Parallel's branches (and a Map's processor) drawn inside its box. Pure: definition and runs in, SVG out.
struct ExecutionGraph {
    struct Box {
        var name: String
        var type: String
        var x: Double
        var y: Double
        var width: Double
        var height: Double
        /// Branches drawn inside (Parallel, Map).
        var inner: [Block]
    }

    struct Arrow {
        var from: String
        var to: String
        var caught: Bool
    }

    /// A laid-out machine: its boxes, arrows and size, at the origin.
    struct Block {
        var boxes: [Box]
        var arrows: [Arrow]
        var width: Double
        var height: Double
    }

    static let rowGap = 34.0
    static let columnGap = 18.0
    static let boxHeight = 44.0
    static let padding = 12.0

    /// Lays out `machine`.
    static func layout(_ machine: StateMachine) -> Block {
        let order = discoveryOrder(machine)
        var ranks: [String: Int] = [:]
        let forward = forwardEdges(machine, order: order)
        // Longest path over the forward edges, in discovery order (a topological order of them).
        for name in topological(order, forward) {
            let rank = ranks[name] ?? 0
            ranks[name] = rank
            for next in forward[name] ?? [] { ranks[next] = max(ranks[next] ?? 0, rank + 1) }
        }
        var boxes: [String: Box] = [:]
        for name in order {
            guard let state = machine.states[name] else { continue }
            var inner: [Block] = []
            switch state.kind {
            case .parallel(let branches): inner = branches.map(layout)
            case .map(let spec): inner = [layout(spec.processor)]
            default: break
            }
            // The name in 13px type, and under it type, status and time in 11px ("Parallel · Caught error · 1.2 s").
            let label = max(Double(name.count) * 7.8 + 24, Double(state.typeName.count + 28) * 6.3 + 16)
            let innerWidth = inner.reduce(0) { $0 + $1.width } + Double(max(inner.count - 1, 0)) * columnGap
            let innerHeight = inner.map(\.height).max() ?? 0
            boxes[name] = Box(
                name: name, type: state.typeName, x: 0, y: 0,
                width: max(170, label, inner.isEmpty ? 0 : innerWidth + 2 * padding),
                height: inner.isEmpty ? boxHeight : boxHeight + innerHeight + padding, inner: inner)
        }
        let rows = Dictionary(grouping: order.filter { boxes[$0] != nil }, by: { ranks[$0] ?? 0 })
        var predecessors: [String: [String]] = [:]
        for (from, targets) in forward { for target in targets { predecessors[target, default: []].append(from) } }
        // Row by row, each state as near as it can be below the middle of the states that lead to it (barycentres:
        // fewer crossings, and a chain of single steps stays in one column).
        var centres: [String: Double] = [:]
        var y = padding
        for rank in rows.keys.sorted() {
            let wanted = rows[rank]!.enumerated().map { index, name -> (name: String, centre: Double?, index: Int) in
                let from = (predecessors[name] ?? []).compactMap { centres[$0] }
                return (name, from.isEmpty ? nil : from.reduce(0, +) / Double(from.count), index)
            }
            let row = wanted.sorted {
                switch ($0.centre, $1.centre) {
                case let (a?, b?): return a == b ? $0.index < $1.index : a < b
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return $0.index < $1.index
                }
            }
            var right = -Double.infinity
            var shift = 0.0
            for item in row {
                let width = boxes[item.name]!.width
                let next = right.isFinite ? right + columnGap : 0
                let left = item.centre.map { max($0 - width / 2, next) } ?? next
                boxes[item.name]!.x = left
                boxes[item.name]!.y = y
                right = left + width
                if let centre = item.centre { shift += left + width / 2 - centre }
            }
            // Pushed apart to the right, the row moves back so that on average each state is under its middle.
            let placed = row.filter { $0.centre != nil }.count
            for item in row {
                if placed > 0 { boxes[item.name]!.x -= shift / Double(placed) }
                centres[item.name] = boxes[item.name]!.x + boxes[item.name]!.width / 2
            }
            y += (row.map { boxes[$0.name]!.height }.max() ?? boxHeight) + rowGap
        }
        let left = boxes.values.map(\.x).min() ?? 0
        for name in boxes.keys { boxes[name]!.x += padding - left }
        let width = (boxes.values.map { $0.x + $0.width }.max() ?? 0) + padding
        var arrows: [Arrow] = []
        for name in order {
            guard let state = machine.states[name] else { continue }
            for next in successors(state) { arrows.append(Arrow(from: name, to: next, caught: false)) }
            for catcher in state.catchers { arrows.append(Arrow(from: name, to: catcher.next, caught: true)) }
        }
        return Block(
            boxes: order.compactMap { boxes[$0] }, arrows: arrows, width: width, height: y - rowGap + padding)
    }

    /// Every state of a laid-out machine as a reader meets it, row by row, each Parallel's or Map's states after it.
    static func readingOrder(_ block: Block) -> [String] {
        block.boxes.sorted { ($0.y, $0.x) < ($1.y, $1.x) }.flatMap { [$0.name] + $0.inner.flatMap(readingOrder) }
    }

    /// Where a state goes when it does not fail: `Next`, or every Choice rule's and the default's.
    static func successors(_ state: State) -> [String] {
        if case .choice(let rules, let defaultNext) = state.kind {
            var seen = Set<String>()
            return (rules.map(\.next) + (defaultNext.map { [$0] } ?? [])).filter { seen.insert($0).inserted }
        }
        return state.next.map { [$0] } ?? []
    }

    /// The states in the order a walk from `StartAt` meets them (the rest after, by name).
    static func discoveryOrder(_ machine: StateMachine) -> [String] {
        var order: [String] = []
        var seen = Set<String>()
        var queue = [machine.startAt]
        while !queue.isEmpty {
            let name = queue.removeFirst()
            guard machine.states[name] != nil, seen.insert(name).inserted else { continue }
            order.append(name)
            let state = machine.states[name]!
            queue += successors(state) + state.catchers.map(\.next)
        }
        return order + machine.states.keys.filter { !seen.contains($0) }.sorted()
    }

    /// Every arrow except those that close a loop (found by a depth-first walk), so that rows can be ranked.
    static func forwardEdges(_ machine: StateMachine, order: [String]) -> [String: [String]] {
        var edges: [String: [String]] = [:]
        var state: [String: Int] = [:]  // 1 on the walk's path, 2 done
        func visit(_ name: String) {
            state[name] = 1
            guard let node = machine.states[name] else { return }
            for next in successors(node) + node.catchers.map(\.next) where machine.states[next] != nil {
                if state[next] == 1 { continue }
                edges[name, default: []].append(next)
                if state[next] == nil { visit(next) }
            }
            state[name] = 2
        }
        for name in order where state[name] == nil { visit(name) }
        return edges
    }

    /// The names in an order where every edge goes forward (Kahn's algorithm, ties in discovery order).
    static func topological(_ order: [String], _ edges: [String: [String]]) -> [String] {
        var incoming: [String: Int] = [:]
        for targets in edges.values { for target in targets { incoming[target, default: 0] += 1 } }
        var ready = order.filter { incoming[$0, default: 0] == 0 }
        var sorted: [String] = []
        while !ready.isEmpty {
            let name = ready.removeFirst()
            sorted.append(name)
            for next in edges[name] ?? [] {
                incoming[next]! -= 1
                if incoming[next] == 0 { ready.append(next) }
            }
        }
        return sorted
    }
}
