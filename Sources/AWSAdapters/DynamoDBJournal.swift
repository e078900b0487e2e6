import Foundation
import StatesLanguage
import WorkflowEngine

/// The embedded workflow engine's journal in DynamoDB (AWS mode with `ORDERLY_WORKFLOWS=embedded`), with the same
/// contract as the SQLite journal: an execution and its start are written in one transaction, every event is
/// appended once (a second writer of the same sequence number is refused), and what is unfinished can be found.
///
/// Tables (see `docs/dynamodb.md`): `<prefix>-workflow-executions` (key `id`; GSI `byMachine` on `stateMachine` and
/// `sortKey`, GSI `running` on `runningShard` present only while the execution runs) and `<prefix>-workflow-events`
/// (key `executionId`, `seq`).
public struct DynamoDBJournal: ExecutionJournal, ExecutionLeases {
    let dynamo: DynamoDB
    public let executionsTable: String
    public let eventsTable: String

    public init(dynamo: DynamoDB, prefix: String) {
        self.dynamo = dynamo
        executionsTable = "\(prefix)-workflow-executions"
        eventsTable = "\(prefix)-workflow-events"
    }

    /// Creates both tables unless they exist.
    public func createTables() async throws {
        let executions: JSON = [
            "TableName": .string(executionsTable), "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                ["AttributeName": "id", "AttributeType": "S"], ["AttributeName": "stateMachine", "AttributeType": "S"],
                ["AttributeName": "sortKey", "AttributeType": "S"],
                ["AttributeName": "runningShard", "AttributeType": "S"],
            ],
            "KeySchema": [["AttributeName": "id", "KeyType": "HASH"]],
            "GlobalSecondaryIndexes": [
                [
                    "IndexName": "byMachine", "Projection": ["ProjectionType": "ALL"],
                    "KeySchema": [
                        ["AttributeName": "stateMachine", "KeyType": "HASH"],
                        ["AttributeName": "sortKey", "KeyType": "RANGE"],
                    ],
                ],
                [
                    "IndexName": "running", "Projection": ["ProjectionType": "KEYS_ONLY"],
                    "KeySchema": [
                        ["AttributeName": "runningShard", "KeyType": "HASH"],
                        ["AttributeName": "sortKey", "KeyType": "RANGE"],
                    ],
                ],
            ],
        ]
        let events: JSON = [
            "TableName": .string(eventsTable), "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                ["AttributeName": "executionId", "AttributeType": "S"], ["AttributeName": "seq", "AttributeType": "N"],
            ],
            "KeySchema": [
                ["AttributeName": "executionId", "KeyType": "HASH"], ["AttributeName": "seq", "KeyType": "RANGE"],
            ],
        ]
        for table in [executions, events] {
            do {
                _ = try await dynamo.call("CreateTable", table)
            } catch let error as AWSError where error.code == "ResourceInUseException" {
                continue
            }
        }
    }

    public func create(_ record: ExecutionRecord, started: EngineEvent) async throws {
        let info = record.info
        let item: JSONObject = [
            "id": Attribute.string(info.id), "name": Attribute.string(info.name),
            "stateMachine": Attribute.string(info.stateMachineName),
            "stateMachineId": Attribute.string(info.stateMachineID),
            "definition": Attribute.string(record.definition),
            "substitutions": Attribute.string(
                JSON.object(JSONObject(record.substitutions.mapValues(JSON.string))).serialized()),
            "status": Attribute.string(ExecutionStatus.running.rawValue),
            "sortKey": Attribute.string(Self.sortKey(started.time, id: info.id)),
            "runningShard": Attribute.string("running"),
        ]
        do {
            _ = try await dynamo.call(
                "TransactWriteItems",
                [
                    "TransactItems": [
                        [
                            "Put": [
                                "TableName": .string(executionsTable), "Item": .object(item),
                                "ConditionExpression": "attribute_not_exists(id)",
                            ]
                        ],
                        ["Put": eventPut(started, sequence: 0, executionID: info.id)],
                    ]
                ])
        } catch let error as AWSError where error.code == "TransactionCanceledException" {
            throw JournalError.executionAlreadyExists(info.id)
        }
    }

    public func append(_ event: EngineEvent, sequence: Int, executionID: String) async throws {
        do {
            _ = try await dynamo.call("PutItem", eventPut(event, sequence: sequence, executionID: executionID))
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            throw JournalError.eventConflict(executionID, sequence: sequence)
        }
    }

    public func finish(executionID: String, outcome: ExecutionOutcome, history: [HistoryEvent]) async throws {
        // Every name through a placeholder: several (status, output, error) are DynamoDB reserved words.
        var values: JSONObject = [
            ":status": Attribute.string(outcome.status.rawValue),
            ":history": Attribute.string(JSON.array(history.map(\.json)).serialized()),
        ]
        var names: JSONObject = ["#status": "status", "#history": "history", "#running": "runningShard"]
        var sets = ["#status = :status", "#history = :history"]
        for (name, value) in [
            ("output", outcome.output?.serialized()), ("error", outcome.error), ("cause", outcome.cause),
        ] {
            guard let value else { continue }
            sets.append("#\(name) = :\(name)")
            names["#\(name)"] = .string(name)
            values[":\(name)"] = Attribute.string(value)
        }
        _ = try await dynamo.call(
            "UpdateItem",
            [
                "TableName": .string(executionsTable), "Key": ["id": Attribute.string(executionID)],
                "UpdateExpression": .string("SET \(sets.joined(separator: ", ")) REMOVE #running"),
                "ExpressionAttributeNames": .object(names), "ExpressionAttributeValues": .object(values),
            ])
    }

    public func load(executionID: String) async throws -> (ExecutionRecord, [EngineEvent])? {
        let answer = try await dynamo.call(
            "GetItem",
            [
                "TableName": .string(executionsTable), "Key": ["id": Attribute.string(executionID)],
                "ConsistentRead": true,
            ])
        guard let item = answer["Item"] else { return nil }
        let substitutions =
            try Attribute.string(item["substitutions"]).map { try JSON(parsing: $0) }?.objectValue?
            .compactMapValues(\.stringValue) ?? [:]
        let record = ExecutionRecord(
            info: ExecutionInfo(
                id: executionID, name: Attribute.string(item["name"]) ?? "",
                stateMachineID: Attribute.string(item["stateMachineId"]) ?? "",
                stateMachineName: Attribute.string(item["stateMachine"]) ?? ""),
            definition: Attribute.string(item["definition"]) ?? "", substitutions: substitutions)
        var events: [EngineEvent] = []
        var start: JSON?
        repeat {
            var query: JSONObject = [
                "TableName": .string(eventsTable), "KeyConditionExpression": "executionId = :id",
                "ExpressionAttributeValues": [":id": Attribute.string(executionID)], "ConsistentRead": true,
            ]
            if let start { query["ExclusiveStartKey"] = start }
            let page = try await dynamo.call("Query", .object(query))
            for item in page["Items"]?.arrayValue ?? [] {
                events.append(try EngineEvent(json: try JSON(parsing: Attribute.string(item["event"]) ?? "")))
            }
            start = page["LastEvaluatedKey"]
        } while start != nil
        return (record, events)
    }

    public func unfinished() async throws -> [String] {
        var ids: [String] = []
        var start: JSON?
        repeat {
            var query: JSONObject = [
                "TableName": .string(executionsTable), "IndexName": "running",
                "KeyConditionExpression": "runningShard = :running",
                "ExpressionAttributeValues": [":running": Attribute.string("running")],
            ]
            if let start { query["ExclusiveStartKey"] = start }
            let page = try await dynamo.call("Query", .object(query))
            ids += (page["Items"]?.arrayValue ?? []).compactMap { Attribute.string($0["id"]) }
            start = page["LastEvaluatedKey"]
        } while start != nil
        return ids
    }

    public func list(
        stateMachineName: String, status: ExecutionStatus?, after cursor: String?, limit: Int
    ) async throws -> (items: [ExecutionSummary], next: String?) {
        var items: [ExecutionSummary] = []
        var start: JSON? = try cursor.map { try JSON(parsing: $0) }
        // A status filter applies after the key condition, so a page may take several queries to fill.
        while items.count < limit {
            var query: JSONObject = [
                "TableName": .string(executionsTable), "IndexName": "byMachine",
                "KeyConditionExpression": "stateMachine = :machine", "ScanIndexForward": false,
                "ExpressionAttributeValues": [":machine": Attribute.string(stateMachineName)],
                "Limit": .int(limit - items.count),
            ]
            if let status {
                query["FilterExpression"] = "#status = :status"
                query["ExpressionAttributeNames"] = ["#status": "status"]
                query["ExpressionAttributeValues"] = [
                    ":machine": Attribute.string(stateMachineName), ":status": Attribute.string(status.rawValue),
                ]
            }
            if let start { query["ExclusiveStartKey"] = start }
            let page = try await dynamo.call("Query", .object(query))
            for item in page["Items"]?.arrayValue ?? [] { items.append(try await summary(item)) }
            start = page["LastEvaluatedKey"]
            if start == nil { break }
        }
        return (items, start?.serialized())
    }

    func summary(_ item: JSON) async throws -> ExecutionSummary {
        let id = Attribute.string(item["id"]) ?? ""
        let startEvent = try await dynamo.call(
            "GetItem",
            [
                "TableName": .string(eventsTable),
                "Key": ["executionId": Attribute.string(id), "seq": Attribute.number(0)], "ConsistentRead": true,
            ])
        guard
            case .started(let input, let at) = try EngineEvent(
                json: try JSON(parsing: Attribute.string(startEvent["Item"]?["event"]) ?? ""))
        else { throw StatesError("JournalCorrupt", "Execution \(id) has no readable start.") }
        let status = ExecutionStatus(rawValue: Attribute.string(item["status"]) ?? "") ?? .running
        let outcome =
            status == .running
            ? nil
            : ExecutionOutcome(
                status: status, output: try Attribute.string(item["output"]).map { try JSON(parsing: $0) },
                error: Attribute.string(item["error"]), cause: Attribute.string(item["cause"]))
        return ExecutionSummary(
            info: ExecutionInfo(
                id: id, name: Attribute.string(item["name"]) ?? "",
                stateMachineID: Attribute.string(item["stateMachineId"]) ?? "",
                stateMachineName: Attribute.string(item["stateMachine"]) ?? ""),
            status: status, startTime: at, input: input, outcome: outcome)
    }

    func eventPut(_ event: EngineEvent, sequence: Int, executionID: String) -> JSON {
        [
            "TableName": .string(eventsTable),
            "Item": [
                "executionId": Attribute.string(executionID), "seq": Attribute.number(sequence),
                "event": Attribute.string(event.json.serialized()),
            ],
            "ConditionExpression": "attribute_not_exists(executionId)",
        ]
    }

    /// Newest first by start time, then by id: zero-padded milliseconds and the id.
    static func sortKey(_ time: Date, id: String) -> String {
        let millis = max(0, Int64((time.timeIntervalSince1970 * 1000).rounded()))
        let digits = String(millis)
        return String(repeating: "0", count: max(0, 15 - digits.count)) + digits + "#" + id
    }

    public func acquire(executionID: String, owner: String, until: Date, now: Date) async throws -> Bool {
        do {
            _ = try await dynamo.call(
                "UpdateItem",
                [
                    "TableName": .string(executionsTable), "Key": ["id": Attribute.string(executionID)],
                    "UpdateExpression": "SET #owner = :me, leaseUntil = :until",
                    "ConditionExpression":
                        "attribute_exists(id) AND (attribute_not_exists(#owner) OR leaseUntil < :now OR #owner = :me)",
                    "ExpressionAttributeNames": ["#owner": "owner"],
                    "ExpressionAttributeValues": [
                        ":me": Attribute.string(owner), ":until": Attribute.number(Self.millis(until)),
                        ":now": Attribute.number(Self.millis(now)),
                    ],
                ])
            return true
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            return false
        }
    }

    public func release(executionID: String, owner: String) async throws {
        do {
            _ = try await dynamo.call(
                "UpdateItem",
                [
                    "TableName": .string(executionsTable), "Key": ["id": Attribute.string(executionID)],
                    "UpdateExpression": "REMOVE #owner, leaseUntil", "ConditionExpression": "#owner = :me",
                    "ExpressionAttributeNames": ["#owner": "owner"],
                    "ExpressionAttributeValues": [":me": Attribute.string(owner)],
                ])
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            return
        }
    }

    static func millis(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }
}
