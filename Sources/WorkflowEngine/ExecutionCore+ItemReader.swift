import Foundation
import StatesLanguage

/// A distributed Map's ItemReader: the read is a task (its answer journaled like any other, so a resumed execution
/// reads the same items), and its answer is turned into items here, purely.
extension ExecutionCore {
    mutating func readItems(_ id: Int, reader: ItemReader, input: JSON) throws {
        let parameters = try reader.parameters.map { try evaluate($0, input: input, frame: id) } ?? [:]
        let frame = frames[id]!
        let token = taskToken(frame: id) + "/ItemReader"
        let invocation = TaskInvocation(
            token: token, resource: reader.resource, input: parameters, stateName: frame.stateName,
            executionID: info.id, retryCount: frame.retryAttempts.reduce(0, +),
            idempotencyKey: idempotencyKey(frame: id) + "/ItemReader", timeoutSeconds: nil)
        pendingTasks[token] = PendingTask(frame: id, invocation: invocation, readsItemsFor: input)
        frames[id]!.waiting = .task(token: token)
        actions.append(.invokeTask(invocation))
    }

    /// The read answered: its items feed the Map.
    mutating func itemsRead(_ id: Int, output: JSON, input: JSON) {
        guard frames[id] != nil else { return }
        frames[id]!.waiting = nil
        runProtected(id) { core in
            guard case .map(let spec) = core.frames[id]!.state.kind, let reader = spec.itemReader else { return }
            var items = try Self.items(from: output, reader: reader)
            var limit = reader.maxItems
            if let path = reader.maxItemsPath {
                guard let value = core.resolve(path, input: input, frame: id) else {
                    throw core.missingPath(path, field: "MaxItemsPath", input: input)
                }
                guard let number = Self.wholeNumber(value), number >= 0 else {
                    throw StatesError.runtimeError(
                        "The MaxItemsPath field refers to value \"\(Self.quoted(value))\" which is not a valid integer: \(path)"
                    )
                }
                limit = number == 0 ? nil : number
            }
            if let expression = reader.maxItemsExpression {
                let number = try core.queryInteger(
                    expression, StatesBinding(input: core.frames[id]!.input), frame: id, minimum: 0)
                limit = number == 0 ? nil : number
            }
            if let limit, items.count > limit { items = Array(items.prefix(limit)) }
            try core.launchMap(id, spec: spec, input: input, items: items)
        }
    }

    /// The items of a read's answer: an S3 listing's objects, or the object's `Body` read as JSON (an array), JSON
    /// lines, or CSV (each row an object of strings by column name).
    static func items(from output: JSON, reader: ItemReader) throws -> [JSON] {
        func failed(_ cause: String) -> StatesError { StatesError(StatesError.itemReaderFailed, cause) }
        if reader.resource == ItemReader.listObjects {
            guard case .array(let objects)? = output["Contents"] ?? .array([]) else {
                throw failed("The listing has no 'Contents' array.")
            }
            return objects
        }
        guard case .string(let body)? = output["Body"] else {
            throw failed("The object's answer has no 'Body' text.")
        }
        switch reader.inputType {
        case "JSON":
            guard case .array(let items) = try parsed(body, failed) else {
                throw failed("The object does not hold a JSON array.")
            }
            return items
        case "JSONL":
            return try body.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }.map {
                try parsed(String($0), failed)
            }
        default:
            var rows = try CSV.rows(body, failed)
            let headers: [String]
            if let given = reader.csvHeaders {
                headers = given
            } else {
                guard !rows.isEmpty else { return [] }
                headers = rows.removeFirst()
            }
            return try rows.enumerated().map { number, row in
                guard row.count <= headers.count else {
                    throw failed("Row \(number + 1) has \(row.count) fields; the header names \(headers.count).")
                }
                var object: JSONObject = [:]
                for (index, name) in headers.enumerated() {
                    object[name] = .string(index < row.count ? row[index] : "")
                }
                return .object(object)
            }
        }
    }

    private static func parsed(_ text: String, _ failed: (String) -> StatesError) throws -> JSON {
        do {
            return try JSON(parsing: text)
        } catch {
            throw failed("The object is not valid JSON: \(error)")
        }
    }
}

/// RFC 4180 CSV: fields split by commas, quoted fields with `""` for a quote, rows by CRLF or LF.
enum CSV {
    static func rows(_ text: String, _ failed: (String) -> StatesError) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var fieldStarted = false
        var characters = text.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = characters.next()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty:
                quoted = true
                fieldStarted = true
            case ",":
                row.append(field)
                field = ""
                fieldStarted = true
            case "\n", "\r\n", "\r":
                if fieldStarted || !field.isEmpty || !row.isEmpty {
                    row.append(field)
                    rows.append(row)
                }
                row = []
                field = ""
                fieldStarted = false
            default:
                field.append(character)
                fieldStarted = true
            }
        }
        if quoted { throw failed("A quoted CSV field is not closed.") }
        if fieldStarted || !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
