import Foundation
import GRDB
import StatesLanguage
import WorkflowEngine

/// The durable journal of the embedded workflow engine: every event is committed before the engine applies it.
extension SQLiteStore: ExecutionJournal {
    public func create(_ record: ExecutionRecord, started: EngineEvent) async throws {
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
                try db.execute(
                    sql: "INSERT INTO workflow_events (execution_id, seq, event) VALUES (?, 0, ?)",
                    arguments: [record.info.id, started.json.serialized()])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw JournalError.executionAlreadyExists(record.info.id)
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
            throw JournalError.eventConflict(executionID, sequence: sequence)
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
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM workflow_executions WHERE id = ?", arguments: [executionID])
            else { return nil }
            let substitutions =
                try JSON(parsing: row["substitutions"]).objectValue?.compactMapValues(\.stringValue) ?? [:]
            let record = ExecutionRecord(
                info: ExecutionInfo(
                    id: row["id"], name: row["name"], stateMachineID: row["state_machine_id"],
                    stateMachineName: row["state_machine"]),
                definition: row["definition"], substitutions: substitutions)
            let events = try String.fetchAll(
                db, sql: "SELECT event FROM workflow_events WHERE execution_id = ? ORDER BY seq",
                arguments: [executionID]
            ).map { try EngineEvent(json: try JSON(parsing: $0)) }
            return (record, events)
        }
    }

    public func unfinished() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM workflow_executions WHERE status = 'RUNNING' ORDER BY rowid")
        }
    }

    public func list(
        stateMachineName: String, status: ExecutionStatus?, after cursor: String?, limit: Int
    ) async throws -> (items: [ExecutionSummary], next: String?) {
        var conditions = ["x.state_machine = ?"]
        var arguments: StatementArguments = [stateMachineName]
        if let status {
            conditions.append("x.status = ?")
            arguments += [status.rawValue]
        }
        if let cursor {
            conditions.append("x.rowid < ?")
            arguments += [Int64(cursor) ?? 0]
        }
        arguments += [limit + 1]
        let sql = """
            SELECT x.rowid AS position, x.id, x.name, x.state_machine, x.state_machine_id, x.status, x.output, x.error,
                x.cause, e.event AS started
            FROM workflow_executions x JOIN workflow_events e ON e.execution_id = x.id AND e.seq = 0
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY x.rowid DESC LIMIT ?
            """
        return try await pool.read { [arguments] db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            var items: [ExecutionSummary] = []
            for row in rows.prefix(limit) {
                guard case .started(let input, let at) = try EngineEvent(json: try JSON(parsing: row["started"])),
                    let status = ExecutionStatus(rawValue: row["status"])
                else { throw StatesError("JournalCorrupt", "Execution \(row["id"] as String) has no readable start.") }
                let outcome =
                    status == .running
                    ? nil
                    : ExecutionOutcome(
                        status: status, output: try (row["output"] as String?).map { try JSON(parsing: $0) },
                        error: row["error"], cause: row["cause"])
                items.append(
                    ExecutionSummary(
                        info: ExecutionInfo(
                            id: row["id"], name: row["name"], stateMachineID: row["state_machine_id"],
                            stateMachineName: row["state_machine"]),
                        status: status, startTime: at, input: input, outcome: outcome))
            }
            let next: String? = rows.count > limit ? String(rows[limit - 1]["position"] as Int64) : nil
            return (items, next)
        }
    }
}
