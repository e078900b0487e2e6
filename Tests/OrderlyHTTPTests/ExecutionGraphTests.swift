import Foundation
import OrderlyPorts
import OrderlyServices
import StatesLanguage
import Testing

@testable import OrderlyWeb

/// The execution viewer's two pure parts: the graph's layout, and each state's fate read from a history.
@Suite("Execution graph")
struct ExecutionGraphTests {
    static func checkout() throws -> StateMachine {
        try StatesDefinition.parse(
            try #require(WorkflowDefinitions.text(of: .checkout)), substitutions: WorkflowDefinitions.localSubstitutions
        )
    }

    @Test("the checkout is laid out top to bottom: no two states overlap, and every forward arrow points down")
    func layout() throws {
        let machine = try Self.checkout()
        let block = ExecutionGraph.layout(machine)
        func check(_ block: ExecutionGraph.Block) {
            for (index, a) in block.boxes.enumerated() {
                #expect(a.x >= 0 && a.y >= 0 && a.x + a.width <= block.width && a.y + a.height <= block.height)
                for b in block.boxes[(index + 1)...] {
                    let apart =
                        a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
                    #expect(apart, "\(a.name) overlaps \(b.name)")
                }
                for inner in a.inner { check(inner) }
            }
        }
        check(block)
        let boxes = Dictionary(uniqueKeysWithValues: block.boxes.map { ($0.name, $0) })
        #expect(Set(boxes.keys) == Set(machine.states.keys))
        #expect(boxes["ValidateOrder"]!.y == block.boxes.map(\.y).min())
        // The checkout has no loop: every arrow goes down the page.
        for arrow in block.arrows { #expect(boxes[arrow.to]!.y > boxes[arrow.from]!.y, "\(arrow.from) → \(arrow.to)") }
        #expect(boxes["NotifyAndReceipt"]!.inner.count == 2)
        #expect(ExecutionGraph.readingOrder(block).count == machine.states.count + 2)
        #expect(ExecutionGraph.anchor("Stock reserved?") == "state-Stock_20reserved_3f")
    }

    @Test("a history as AWS gives it: a retried task succeeded, a caught one, the Fail state, and one still running")
    func runs() throws {
        var id = 0
        var previous = 0
        var history: [WorkflowExecution.HistoryEntry] = []
        func event(_ type: String, _ details: String, after: Int? = nil) {
            id += 1
            history.append(
                .init(
                    id: id, previousEventID: after ?? previous, timestamp: Date(timeIntervalSince1970: Double(id)),
                    type: type, details: details))
            previous = id
        }
        event("ExecutionStarted", #"{"input":"{}"}"#)
        event("TaskStateEntered", #"{"name":"Pay","input":"{\"order\":1}"}"#)
        event("TaskScheduled", #"{"resource":"x"}"#)
        event("TaskFailed", #"{"error":"Gateway.Timeout","cause":"slow"}"#)
        event("TaskScheduled", #"{"resource":"x"}"#)
        event("TaskSucceeded", #"{"output":"{}"}"#)
        event("TaskStateExited", #"{"name":"Pay","output":"{\"paid\":true}"}"#)
        event("TaskStateEntered", #"{"name":"Ship","input":"{}"}"#)
        event("TaskFailed", #"{"error":"States.TaskFailed","cause":"no courier"}"#)
        event("TaskStateExited", #"{"name":"Ship","output":"{}"}"#)
        event("FailStateEntered", #"{"name":"Failed","input":"{}"}"#)
        let ended = history
        event("ExecutionFailed", #"{"error":"States.TaskFailed","cause":"no courier"}"#)

        let runs = StateRuns(history, executionStatus: .failed)
        #expect(runs["Pay"].status == .succeeded && runs["Pay"].failures == 1 && runs["Pay"].error == nil)
        #expect(runs["Pay"].output?.contains(#""paid": true"#) == true)
        #expect(runs["Pay"].exited!.timeIntervalSince(runs["Pay"].entered!) == 5)
        #expect(runs["Ship"].status == .caught && runs["Ship"].error == "States.TaskFailed")
        #expect(runs["Failed"].status == .failed && runs["Failed"].cause == "no courier")
        #expect(runs["Never"].status == .notRun)
        #expect(StateRuns(ended, executionStatus: .running)["Failed"].status == .running)
    }
}
