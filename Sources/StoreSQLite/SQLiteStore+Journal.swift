import Foundation
import GRDB
import StatesLanguage
import WorkflowEngine

/// The durable journal of the embedded workflow engine.
///
/// An execution is one `executions` row pointing at its definition (stored once in `workflow_versions`) and the
/// events it was driven by (`execution_journal`, one row each while it runs; once it has finished, folded into one
/// deflated value on its row); its history is rebuilt from those events when asked for, never stored a second time. The start is durable before ``create(_:started:)`` returns. Later events are appended in
/// order without waiting for their commit (group commit makes them durable a moment later): losing the last few in
/// a crash only means the resumed execution runs those steps again, which every task allows (each acts once per
/// idempotency key). What the system tells anyone is durable through the tasks' own writes.
extension SQLiteStore: ExecutionJournal {
    public func create(_ record: ExecutionRecord, started: EngineEvent) async throws {
        let substitutions = JSON.object(JSONObject(record.substitutions.mapValues(JSON.string))).serialized()
        let event = started.json.serialized()
        let key = StoredVersions.Key(
            stateMachine: record.info.stateMachineName, id: record.info.stateMachineID, definition: record.definition,
            substitutions: substitutions)
        let known = versions[key]
        do {
            let version = try await writer.write { db in
                let version =
                    try known
                    ?? Self.version(
                        db, stateMachine: key.stateMachine, id: key.id, definition: key.definition,
                        substitutions: key.substitutions)
                try db.cachedStatement(
                    sql: "INSERT INTO executions (id, name, version, state_machine, start) VALUES (?, ?, ?, ?, ?)"
                ).execute(arguments: [record.info.id, record.info.name, version, record.info.stateMachineName, event])
                try db.cachedStatement(sql: "INSERT INTO execution_journal (execution, seq, event) VALUES (?, 0, ?)")
                    .execute(arguments: [db.lastInsertedRowID, event])
                return version
            }
            // Remembered once committed: a version inserted by a group that failed was never stored.
            if known == nil { versions[key] = version }
            journalTexts.started(record.info.id, event)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw JournalError.executionAlreadyExists(record.info.id)
        }
    }

    /// The id of a state machine's definition, stored the first time an execution uses it.
    static func version(
        _ db: Database, stateMachine: String, id: String, definition: String, substitutions: String
    ) throws -> Int64 {
        let arguments: StatementArguments = [stateMachine, id, definition, substitutions]
        if let version = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id FROM workflow_versions
                    WHERE state_machine = ? AND state_machine_id = ? AND definition = ? AND substitutions = ?
                    """), arguments: arguments)
        {
            return version
        }
        try db.cachedStatement(
            sql:
                "INSERT INTO workflow_versions (state_machine, state_machine_id, definition, substitutions) VALUES (?, ?, ?, ?)"
        ).execute(arguments: arguments)
        return db.lastInsertedRowID
    }

    public func append(_ event: EngineEvent, sequence: Int, executionID: String) async throws {
        if let failure = journalFailures.take(executionID) { throw failure }
        let text = event.json.serialized()
        journalTexts.appended(text, sequence: sequence, executionID: executionID)
        let failures = journalFailures
        writer.submit(
            statement: { db in
                try db.cachedStatement(
                    sql: """
                        INSERT INTO execution_journal (execution, seq, event)
                        VALUES ((SELECT number FROM executions WHERE id = ?), ?, ?)
                        """
                ).execute(arguments: [executionID, sequence, text])
            },
            failed: { error in
                let conflict = (error as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT
                failures.record(
                    conflict ? JournalError.eventConflict(executionID, sequence: sequence) : error, for: executionID)
            })
    }

    /// Records the outcome and folds the journal's rows into one deflated value on the execution's row: a finished
    /// execution is read back whole or not at all (its history), never resumed.
    ///
    /// The journal of an execution this process drove from its start is folded from the events as they were
    /// appended, and compressed before the write: inside it, reading the rows back and deflating them took a quarter
    /// of a millisecond in which every other writer waited. (One whose appends failed is read back, as is one resumed
    /// after a restart.)
    public func finish(executionID: String, outcome: ExecutionOutcome, history: [HistoryEvent]) async throws {
        let folded = try journalTexts.take(executionID).map(Self.fold)
        let failures = journalFailures
        let output = try outcome.output.map { try Deflate.compress(Data($0.serialized().utf8)) }
        try await writer.write { db in
            guard
                let number = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT number FROM executions WHERE id = ?"), arguments: [executionID])
            else { return }
            // Decided here, after the appends queued before: one that failed is not in the rows.
            let journal =
                try (failures.contains(executionID) ? nil : folded)
                ?? Self.fold(
                    String.fetchAll(
                        db.cachedStatement(
                            sql: "SELECT event FROM execution_journal WHERE execution = ? ORDER BY seq"),
                        arguments: [number]))
            try db.cachedStatement(
                sql: """
                    UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, finished_at = ?, journal = ?
                    WHERE number = ?
                    """
            ).execute(arguments: [
                outcome.status.rawValue, output, outcome.error, outcome.cause, history.last.map { $0.timestamp.millis },
                journal, number,
            ])
            try db.cachedStatement(sql: "DELETE FROM execution_journal WHERE execution = ?").execute(arguments: [number]
            )
        }
        // An event that could not be written (the disk failed its group) ends the execution here with an error.
        if let failure = journalFailures.take(executionID) { throw failure }
    }

    public func load(executionID: String) async throws -> (ExecutionRecord, [EngineEvent])? {
        try readNow { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT x.number, x.id, x.name, x.journal, v.state_machine, v.state_machine_id, v.definition,
                                v.substitutions
                            FROM executions x JOIN workflow_versions v ON v.id = x.version WHERE x.id = ?
                            """), arguments: [executionID])
            else { return nil }
            let substitutions =
                try JSON(parsing: row["substitutions"]).objectValue?.compactMapValues(\.stringValue) ?? [:]
            let record = ExecutionRecord(
                info: ExecutionInfo(
                    id: row["id"], name: row["name"], stateMachineID: row["state_machine_id"],
                    stateMachineName: row["state_machine"]),
                definition: row["definition"], substitutions: substitutions)
            if let journal = row["journal"] as Data? {
                let text = String(decoding: try Deflate.decompress(journal), as: UTF8.self)
                return (record, try (JSON(parsing: text).arrayValue ?? []).map { try EngineEvent(json: $0) })
            }
            let events = try String.fetchAll(
                db.cachedStatement(sql: "SELECT event FROM execution_journal WHERE execution = ? ORDER BY seq"),
                arguments: [row["number"] as Int64]
            ).map { try EngineEvent(json: try JSON(parsing: $0)) }
            return (record, events)
        }
    }

    public func unfinished() async throws -> [String] {
        try readNow { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM executions WHERE status = 'RUNNING' ORDER BY number"))
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
            conditions.append("x.number < ?")
            arguments += [Int64(cursor) ?? 0]
        }
        arguments += [limit + 1]
        let sql = """
            SELECT x.number, x.id, x.name, x.state_machine, v.state_machine_id, x.status, x.output, x.error, x.cause,
                x.start AS started
            FROM executions x JOIN workflow_versions v ON v.id = x.version
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY x.number DESC LIMIT ?
            """
        return try readNow { [arguments] db in
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
                        status: status, output: try Self.output(row["output"]),
                        error: row["error"], cause: row["cause"])
                items.append(
                    ExecutionSummary(
                        info: ExecutionInfo(
                            id: row["id"], name: row["name"], stateMachineID: row["state_machine_id"],
                            stateMachineName: row["state_machine"]),
                        status: status, startTime: at, input: input, outcome: outcome))
            }
            let next: String? = rows.count > limit ? String(rows[limit - 1]["number"] as Int64) : nil
            return (items, next)
        }
    }
}

extension SQLiteStore {
    /// A finished execution's journal as stored: its events' JSON texts, in order, as one deflated array.
    static func fold(_ events: [String]) throws -> Data {
        try Deflate.compress(Data(("[" + events.joined(separator: ",") + "]").utf8))
    }

    /// An execution's output as stored: JSON text, or (once it has finished) deflated JSON.
    static func output(_ value: DatabaseValue) throws -> JSON? {
        switch value.storage {
        case .null: return nil
        case .string(let text): return try JSON(parsing: text)
        case .blob(let data): return try JSON(parsing: String(decoding: try Deflate.decompress(data), as: UTF8.self))
        default: throw StatesError("JournalCorrupt", "An execution's output is neither JSON text nor deflated JSON.")
        }
    }
}

/// The ids of stored definitions by what identifies them.
final class StoredVersions: @unchecked Sendable {
    struct Key: Hashable {
        let stateMachine: String
        let id: String
        let definition: String
        let substitutions: String
    }

    private let lock = NSLock()
    private var ids: [Key: Int64] = [:]

    subscript(key: Key) -> Int64? {
        get { lock.withLock { ids[key] } }
        set {
            // A deployment uses a few definitions; past a few dozen, start over rather than grow.
            lock.withLock {
                if ids.count >= 64 { ids.removeAll() }
                ids[key] = newValue
            }
        }
    }
}

/// Journal appends that failed after their callers had moved on, by execution, told at that execution's next call.
final class JournalFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String: any Error] = [:]

    func record(_ error: any Error, for executionID: String) {
        lock.withLock { if failures[executionID] == nil { failures[executionID] = error } }
    }

    func take(_ executionID: String) -> (any Error)? {
        lock.withLock { failures.removeValue(forKey: executionID) }
    }

    func contains(_ executionID: String) -> Bool {
        lock.withLock { failures[executionID] != nil }
    }
}

/// The journal texts of the executions this process started, as they were appended, until each finishes: the whole
/// journal from its start, with no gap (an execution resumed after a restart, or one whose appends came out of
/// order, has none here and is read back from its rows).
final class JournalTexts: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String: [String]] = [:]
    /// Executions waiting for days (a callback, a long Wait) keep theirs; past this many, new ones are not kept.
    private let capacity = 10_000

    func started(_ executionID: String, _ text: String) {
        lock.withLock { if texts.count < capacity { texts[executionID] = [text] } }
    }

    func appended(_ text: String, sequence: Int, executionID: String) {
        lock.withLock {
            guard texts[executionID]?.count == sequence else {
                texts[executionID] = nil
                return
            }
            texts[executionID]!.append(text)
        }
    }

    func take(_ executionID: String) -> [String]? {
        lock.withLock { texts.removeValue(forKey: executionID) }
    }
}
