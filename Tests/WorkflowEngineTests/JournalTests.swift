import Foundation
import StatesLanguage
import Testing
import WorkflowEngine

@Suite("Durable executions")
struct JournalTests {
    /// A checkout-like machine: tasks, a retry, a Parallel and a Map, so that every kind of step is interrupted.
    static let definition = """
        {"StartAt": "Reserve", "States": {
          "Reserve": {"Type": "Task", "Resource": "arn:reserve", "ResultPath": "$.reservation", "Next": "Charge"},
          "Charge": {"Type": "Task", "Resource": "arn:charge", "ResultPath": "$.payment",
            "Retry": [{"ErrorEquals": ["Gateway.Unavailable"], "IntervalSeconds": 1, "MaxAttempts": 2}], "Next": "Notify"},
          "Notify": {"Type": "Parallel", "ResultPath": "$.sent", "Next": "Lines", "Branches": [
            {"StartAt": "Email", "States": {"Email": {"Type": "Task", "Resource": "arn:email", "End": true}}},
            {"StartAt": "Receipt", "States": {"Receipt": {"Type": "Task", "Resource": "arn:receipt", "End": true}}}]},
          "Lines": {"Type": "Map", "ItemsPath": "$.lines", "MaxConcurrency": 1, "ResultPath": "$.committed",
            "ItemProcessor": {"StartAt": "Commit", "States": {"Commit": {"Type": "Task", "Resource": "arn:commit", "End": true}}},
            "Next": "Done"},
          "Done": {"Type": "Succeed"}}}
        """
    static let input: JSON = ["order": "ord_1", "lines": ["milk", "curd"]]
    static let script: [String: [JSON]] = [
        "Charge": [["Throw": ["Error": "Gateway.Unavailable", "Cause": "503"]], ["Return": ["charge": "ch_1"]]]
    ]

    @Test("stopped after any event and resumed, an execution ends the same and runs no recorded task again")
    func resumeAfterEveryEvent() async throws {
        // A run that is never interrupted: the reference.
        let referenceJournal = InMemoryJournal()
        let reference = try await WorkflowEngine(
            tasks: ScriptedTasks(Self.script, byAttempt: true), journal: referenceJournal, clock: VirtualClock()
        ).run(definition: Self.definition, stateMachineName: "checkout", name: "ref", input: Self.input)
        #expect(reference.outcome.status == .succeeded)
        let eventCount = referenceJournal.eventCount(executionID: reference.info.id)
        let scheduled = reference.history.filter { $0.type == "TaskScheduled" }.count
        #expect(scheduled == 7)

        for cut in 1..<eventCount {
            // Given a journal that stops after `cut` events, as after a crash,
            let journal = InMemoryJournal()
            let firstTasks = ScriptedTasks(Self.script, byAttempt: true)
            let first = try await WorkflowEngine(tasks: firstTasks, journal: journal, clock: VirtualClock())
                .run(definition: Self.definition, stateMachineName: "checkout", name: "ref", input: Self.input)
            journal.truncate(executionID: first.info.id, to: cut)
            let (_, kept) = try #require(try await journal.load(executionID: first.info.id))
            let recordedResults = kept.filter {
                if case .taskSucceeded = $0 { return true }
                if case .taskFailed = $0 { return true }
                return false
            }.count

            // when a new engine resumes it,
            let resumedTasks = ScriptedTasks(Self.script, byAttempt: true)
            let resumed = try await WorkflowEngine(tasks: resumedTasks, journal: journal, clock: VirtualClock())
                .resume(executionID: first.info.id)

            // then it ends as the reference did, with the same history, having run only the unrecorded tasks.
            #expect(resumed.outcome.status == .succeeded, "cut \(cut)")
            #expect(resumed.outcome.output?["order"] == "ord_1", "cut \(cut)")
            #expect(resumed.history.map(\.type) == reference.history.map(\.type), "cut \(cut)")
            #expect(resumedTasks.totalInvocations == scheduled - recordedResults, "cut \(cut)")
        }
    }

    @Test("an execution recorded without its start (by an older version) is ended, not waited on forever")
    func recordedWithoutStart() async throws {
        let journal = InMemoryJournal()
        let engine = WorkflowEngine(tasks: ScriptedTasks(Self.script), journal: journal, clock: VirtualClock())
        let info = try await engine.begin(
            try PreparedDefinition(text: Self.definition, name: "checkout"), name: "lost", input: Self.input)
        journal.truncate(executionID: info.id, to: 0)
        let results = try await engine.resumeAll()
        #expect(results.map(\.outcome.status) == [.aborted])
        #expect(try await journal.unfinished().isEmpty)
    }

    @Test("resumeAll finds every unfinished execution")
    func resumeAll() async throws {
        let journal = InMemoryJournal()
        let engine = WorkflowEngine(
            tasks: ScriptedTasks(Self.script, byAttempt: true), journal: journal, clock: VirtualClock())
        var ids: [String] = []
        for index in 0..<3 {
            let result = try await engine.run(
                definition: Self.definition, stateMachineName: "checkout", name: "e\(index)", input: Self.input)
            journal.truncate(executionID: result.info.id, to: 2 + index)
            ids.append(result.info.id)
        }
        #expect(Set(try await journal.unfinished()) == Set(ids))
        let results = try await engine.resumeAll()
        #expect(results.count == 3)
        #expect(results.allSatisfy { $0.outcome.status == .succeeded })
        #expect(try await journal.unfinished().isEmpty)
    }

    @Test("the idempotency key is the same for every attempt of a step and differs between steps")
    func idempotencyKeys() async throws {
        let tasks = ScriptedTasks(Self.script, byAttempt: true)
        let result = try await WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: VirtualClock())
            .run(definition: Self.definition, stateMachineName: "checkout", name: "keys", input: Self.input)
        let prefix = result.info.id
        #expect(tasks.effects["\(prefix)/Charge"] == 2)
        #expect(tasks.effects["\(prefix)/Reserve"] == 1)
        #expect(tasks.effects["\(prefix)/Notify[0]/Email"] == 1)
        #expect(tasks.effects["\(prefix)/Lines[1]/Commit"] == 1)
        #expect(tasks.effects.count == 6)
    }

    @Test("a Parallel or Map entered again gives the tasks inside it new keys, with how often it was entered")
    func keysInsideLoops() async throws {
        let definition = #"""
            {"StartAt": "Zero", "States": {
              "Zero": {"Type": "Pass", "Assign": {"n": 0}, "Next": "Round"},
              "Round": {"Type": "Parallel", "Branches": [{"StartAt": "Email", "States": {"Email": {"Type": "Task", "Resource": "arn:mail", "End": true}}}],
                "ResultPath": null, "Next": "Each"},
              "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Ship", "States": {"Ship": {"Type": "Task", "Resource": "arn:ship", "End": true}}},
                "ResultPath": null, "Next": "Count"},
              "Count": {"Type": "Pass", "Assign": {"n.$": "States.MathAdd($n, 1)"}, "Next": "Again?"},
              "Again?": {"Type": "Choice", "Choices": [{"Variable": "$n", "NumericLessThan": 2, "Next": "Round"}], "Default": "Done"},
              "Done": {"Type": "Succeed"}}}
            """#
        let tasks = ScriptedTasks([:])
        let result = try await WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: VirtualClock())
            .run(definition: definition, stateMachineName: "m", name: "loop", input: ["items": [1]])
        #expect(result.outcome.status == .succeeded)
        let prefix = result.info.id
        #expect(tasks.effects["\(prefix)/Round[0]/Email"] == 1)
        #expect(tasks.effects["\(prefix)/Round#2[0]/Email"] == 1)
        #expect(tasks.effects["\(prefix)/Each[0]/Ship"] == 1)
        #expect(tasks.effects["\(prefix)/Each#2[0]/Ship"] == 1)
    }

    @Test("the pure core replays the same events to the same history")
    func deterministicReplay() async throws {
        let machine = try StatesDefinition.parse(Self.definition)
        let info = ExecutionInfo(id: "exe_1", name: "exe_1", stateMachineID: "sm", stateMachineName: "checkout")
        let start = Date(timeIntervalSince1970: 1_000)
        func drive() -> [HistoryEvent] {
            var core = ExecutionCore(machine: machine, info: info)
            var queue = core.handle(.started(input: Self.input, at: start))
            while let action = queue.first {
                queue.removeFirst()
                switch action {
                case .invokeTask(let invocation):
                    queue += core.handle(.taskSucceeded(token: invocation.token, output: ["ok": true], at: start))
                case .scheduleTimer(let id, let at):
                    queue += core.handle(.timerFired(id: id, at: at))
                default: break
                }
            }
            #expect(core.status == .succeeded)
            return core.history
        }
        #expect(drive() == drive())
    }
}
