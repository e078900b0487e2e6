import Foundation
import GRDB
import OrderlyApp
import OrderlyModel
import StatesLanguage
import Testing
import WorkflowEngine

@testable import StoreSQLite

/// Migrations move what a database already holds: opened by a newer build, nothing is lost.
@Suite("SQLite migrations")
struct MigrationTests {
    @Test("executions journaled before the compact layout keep their definition, outcome and events")
    func compactExecutions() async throws {
        // Given a database as the build before the compact layout left it: two executions of one definition
        let path = try TestStorage.sqlitePath("migrations")
        let queue = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(queue, upTo: "2026-12-01-09-staff")
        let definition = #"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#
        let start = EngineEvent.started(input: ["n": 1], at: Date(timeIntervalSince1970: 1_000)).json.serialized()
        try await queue.write { db in
            for (id, status) in [("exe-1", "SUCCEEDED"), ("exe-2", "RUNNING")] {
                try db.execute(
                    sql: """
                        INSERT INTO workflow_executions (id, name, state_machine, state_machine_id, definition,
                            substitutions, status, output, history)
                        VALUES (?, ?, 'm', 'sm', ?, '{"A":"b"}', ?, ?, '[]')
                        """, arguments: [id, id, definition, status, status == "SUCCEEDED" ? #"{"n":1}"# : nil])
                try db.execute(
                    sql: "INSERT INTO workflow_events (execution_id, seq, event) VALUES (?, 0, ?)",
                    arguments: [id, start])
            }
        }
        try queue.close()

        // When the current build opens it
        let store = try SQLiteStore(path: path)

        // Then the definition is stored once, and each execution reads back as it was
        let versions = try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM workflow_versions") }
        #expect(versions == 1)
        let (record, events) = try #require(try await store.load(executionID: "exe-1"))
        #expect(record.definition == definition && record.substitutions == ["A": "b"])
        #expect(record.info.stateMachineID == "sm" && record.info.stateMachineName == "m")
        #expect(events.map { $0.json.serialized() } == [start])
        #expect(try await store.unfinished() == ["exe-2"])
        let listed = try await store.list(stateMachineName: "m", status: .succeeded, after: nil, limit: 10)
        #expect(listed.items.map(\.info.id) == ["exe-1"] && listed.items.first?.outcome?.output == ["n": 1])
    }

    @Test("a finished execution's journal is folded into one compressed value, read back whole; a running one is not")
    func compactedJournal() async throws {
        let store = try SQLiteStore(path: try TestStorage.sqlitePath("compacted"))
        let engine = WorkflowEngine(tasks: TaskRegistry(), journal: store, clock: SystemEngineClock())
        let definition = try PreparedDefinition(
            text:
                #"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"ok":true},"Next":"B"},"B":{"Type":"Pass","End":true}}}"#,
            name: "m")
        let done = try await engine.run(definition, name: "done", input: ["n": 1])
        let waiting = try await engine.begin(definition, name: "waiting", input: ["n": 2])
        let rows = try await store.pool.read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(*) FROM execution_journal e JOIN executions x ON x.number = e.execution WHERE x.id = ?",
                arguments: [done.info.id])
        }
        #expect(rows == 0)
        let snapshot = try #require(try await engine.describe(executionID: done.info.id))
        #expect(snapshot.status == .succeeded && snapshot.history.map(\.type) == done.history.map(\.type))
        #expect(try await store.load(executionID: waiting.id)?.1.count == 1)
        let listed = try await store.list(stateMachineName: "m", status: nil, after: nil, limit: 10).items
        #expect(listed.map(\.input) == [["n": 2], ["n": 1]])
    }

    @Test("the outbox keeps what waits, in order, and drops what an older build kept after delivering it")
    func outboxRows() async throws {
        let path = try TestStorage.sqlitePath("outbox-rows")
        let queue = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(queue, upTo: "2026-12-01-12-compressed")
        try await queue.write { db in
            for (id, dispatched) in [("evt_a", false), ("evt_b", true), ("evt_c", false), ("evt_d", true)] {
                try db.execute(
                    sql: """
                        INSERT INTO outbox (id, source, detail_type, time, aggregate_id, detail, dispatched_at)
                        VALUES (?, 'orderly.test', 'Tested', 1000, 'agg', '{}', ?)
                        """, arguments: [id, dispatched ? 2000 : nil])
            }
        }
        try queue.close()

        let store = try SQLiteStore(path: path)
        #expect(try await store.pendingEvents(limit: 10).map(\.id.rawValue) == ["evt_a", "evt_c"])
        #expect(try await store.backlog().count == 2)
        // What comes next is delivered after them, and a delivered event leaves.
        try await store.publish(
            EventEnvelope(
                id: .init(rawValue: "evt_e"), source: "orderly.test", detailType: "Tested", time: Date(),
                aggregateID: "agg", detail: "{}"))
        try await store.markDispatched([.init(rawValue: "evt_a")], at: Date())
        #expect(try await store.pendingEvents(limit: 10).map(\.id.rawValue) == ["evt_c", "evt_e"])
        // The event log is the outbox now: the waiting events were moved into it, and no rowid counter is kept.
        let (outboxes, sequences) = try await store.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema WHERE name = 'outbox'"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_sequence")
            )
        }
        #expect(outboxes == 0 && sequences == 0)
        #expect(
            try await store.loggedEvents(type: nil, page: .init(limit: 10)).items.map(\.id.rawValue) == [
                "evt_e", "evt_c", "evt_a",
            ])
    }

    @Test("the event log becomes the outbox: an event logged but not yet delivered still waits, in its place, once")
    func eventLogOutbox() async throws {
        let path = try TestStorage.sqlitePath("event-log-outbox")
        let queue = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(queue, upTo: "2026-12-02-13-outbox-rows")
        try await queue.write { db in
            // evt_1 and evt_2 were delivered (logged, gone from the outbox); evt_3 was logged while its batch was
            // being delivered; evt_4 had not been delivered to anyone.
            for id in ["evt_1", "evt_2", "evt_3"] {
                try db.execute(
                    sql: """
                        INSERT INTO event_log (event_id, source, detail_type, time, aggregate_id, detail)
                        VALUES (?, 'orderly.test', 'Tested', 1000, 'agg', '{}')
                        """, arguments: [id])
            }
            for id in ["evt_3", "evt_4"] {
                try db.execute(
                    sql: """
                        INSERT INTO outbox (id, source, detail_type, time, aggregate_id, detail)
                        VALUES (?, 'orderly.test', 'Tested', 1000, 'agg', '{}')
                        """, arguments: [id])
            }
        }
        try queue.close()

        let store = try SQLiteStore(path: path)
        #expect(try await store.pendingEvents(limit: 10).map(\.id.rawValue) == ["evt_3", "evt_4"])
        #expect(try await store.backlog().count == 2)
        #expect(
            try await store.loggedEvents(type: "Tested", page: .init(limit: 10)).items.map(\.id.rawValue) == [
                "evt_4", "evt_3", "evt_2", "evt_1",
            ])
        // An event recorded with a change afterwards follows them, and the mark moves over what was delivered.
        try await store.markDispatched([.init(rawValue: "evt_3")], at: Date())
        try await store.insertUser(
            User(
                id: .init(rawValue: "usr_1"), email: try #require(EmailAddress("a@example.com")), name: "A",
                role: .customer, passwordHash: "x", createdAt: Date(), updatedAt: Date()),
            events: [
                EventEnvelope(
                    id: .init(rawValue: "evt_5"), source: "orderly.test", detailType: "Tested", time: Date(),
                    aggregateID: "usr_1", detail: "{}")
            ])
        #expect(try await store.pendingEvents(limit: 10).map(\.id.rawValue) == ["evt_4", "evt_5"])
        // Marked out of order, nothing moves: evt_4 still waits, and evt_5 with it.
        try await store.markDispatched([.init(rawValue: "evt_5")], at: Date())
        #expect(try await store.pendingEvents(limit: 10).map(\.id.rawValue) == ["evt_4", "evt_5"])
        try await store.markDispatched([.init(rawValue: "evt_4"), .init(rawValue: "evt_5")], at: Date())
        #expect(try await store.pendingEvents(limit: 10).isEmpty)
        #expect(try await store.backlog().count == 0)
    }
}
