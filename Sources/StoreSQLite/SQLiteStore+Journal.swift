import Foundation
import GRDB
import StatesLanguage
import WorkflowEngine

/// The durable journal of the embedded workflow engine: every event is committed before the engine applies it.
extension SQLiteStore: ExecutionJournal {
    public func create(_ record: ExecutionRecord) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO workflow_executions (id, name, state_machine, state_machine_id, definition, substitutions)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.info.id, record.info.name, record.info.stateMachineName, record.info.stateMachineID,
                        record.definition, JSON.object(record.substitutions.mapValues(JSON.string)).serialized(),
                    ])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StatesError("ExecutionAlreadyExists", "Execution \(record.info.id) already exists.")
        }
    }

    public func append(_ event: EngineEvent, sequence: Int, executionID: String) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT INTO workflow_events (execution_id, seq, event) VALUES (?, ?, ?)",
                    arguments: [executionID, sequence, event.json.serialized()])
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StatesError("JournalConflict", "Event \(sequence) of \(executionID) was already recorded.")
        }
    }

    public func finish(executionID: String, outcome: ExecutionOutcome, history: [HistoryEvent]) async throws {
        let historyText = JSON.array(history.map(\.json)).serialized()
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE workflow_executions SET status = ?, output = ?, error = ?, cause = ?, history = ?,
                    finished_at = ? WHERE id = ?
                    """,
                arguments: [
                    outcome.status.rawValue, outcome.output?.serialized(), outcome.error, outcome.cause, historyText,
                    history.last.map { $0.timestamp.millis }, executionID,
                ])
        }
    }

    public func load(executionID: String) async throws -> (ExecutionRecord, [EngineEvent])? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM workflow_executions WHERE id = ?", arguments: [executionID])
            else { return nil }
            let substitutions = try JSON(parsing: row["substitutions"]).objectValue?.compactMapValues(\.stringValue) ?? [:]
            let record = ExecutionRecord(
                info: ExecutionInfo(
                    id: row["id"], name: row["name"], stateMachineID: row["state_machine_id"],
                    stateMachineName: row["state_machine"]),
                definition: row["definition"], substitutions: substitutions)
            let events = try String.fetchAll(
                db, sql: "SELECT event FROM workflow_events WHERE execution_id = ? ORDER BY seq", arguments: [executionID]
            ).map { try EngineEvent(json: try JSON(parsing: $0)) }
            return (record, events)
        }
    }

    public func unfinished() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM workflow_executions WHERE status = 'RUNNING' ORDER BY rowid")
        }
    }
}
