import Foundation
import Hummingbird
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import StatesLanguage

extension APIRoutes {
    func addWorkflowRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(
                .get, "/v1/admin/executions", "Executions of a workflow, newest first", access: .roles([.admin]),
                query: [
                    ("workflow", #"{"type":"string","enum":["checkout","cancel-order"]}"#),
                    ("status", #"{"type":"string","enum":["RUNNING","SUCCEEDED","FAILED","TIMED_OUT","ABORTED"]}"#),
                    ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", SchemaRule.cursor),
                ], success: (200, "ExecutionList")), in: table
        ) { request, _, _ in
            let input = QueryInput(request: request)
            let workflow = WorkflowName(rawValue: input.string("workflow") ?? WorkflowName.checkout.rawValue)
            var status: WorkflowExecution.Status?
            if let text = input.string("status") {
                guard let parsed = WorkflowExecution.Status(rawValue: text) else {
                    throw OrderlyError.validation(
                        field: "status",
                        "must be one of \(WorkflowExecution.Status.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = parsed
            }
            let page = try await services.operations.executions(of: workflow, status: status, page: try input.page())
            let body: JSON = [
                "items": .array(try page.items.map { try Self.executionJSON($0, withHistory: false) }),
                "nextCursor": page.nextAfter.map { .string(Cursor.encode($0)) } ?? .null,
            ]
            return JSONResponse.make(data: Data(body.serialized().utf8), status: .ok)
        }

        router.add(
            RouteSpec(
                .get, "/v1/admin/executions/{executionId}", "A workflow execution: status, input, output and history",
                access: .roles([.admin]), success: (200, "Execution")), in: table
        ) { _, context, _ in
            guard let id = context.parameters.get("executionId")?.removingPercentEncoding else {
                throw OrderlyError.notFound("execution")
            }
            let body = try Self.executionJSON(try await services.operations.execution(id), withHistory: true)
            return JSONResponse.make(data: Data(body.serialized().utf8), status: .ok)
        }

        router.add(
            RouteSpec(
                .post, "/v1/admin/executions/{executionId}/stop",
                "Stop a running execution (ABORTED; no compensation runs, as with Step Functions' StopExecution)",
                access: .roles([.admin]), body: "StopExecutionRequest", success: (200, "Execution")), in: table
        ) { request, context, _ in
            guard let id = context.parameters.get("executionId")?.removingPercentEncoding else {
                throw OrderlyError.notFound("execution")
            }
            let body = try await JSONBody.decodeOptional(StopExecutionRequest.self, from: request, context: context)
            let execution = try await services.operations.stop(executionID: id, error: body?.error, cause: body?.cause)
            let answer = try Self.executionJSON(execution, withHistory: true)
            return JSONResponse.make(data: Data(answer.serialized().utf8), status: .ok)
        }

        for (kind, summary) in [
            ("success", "Send a task waiting for its token its output (SendTaskSuccess)"),
            ("failure", "Fail a task waiting for its token (SendTaskFailure)"),
            ("heartbeat", "Tell a task waiting for its token that its worker is alive (SendTaskHeartbeat)"),
        ] {
            router.add(
                RouteSpec(
                    .post, "/v1/admin/task-tokens/\(kind)", summary, access: .roles([.admin]),
                    body: "TaskToken\(kind.prefix(1).uppercased() + kind.dropFirst())Request",
                    success: (200, "TaskAnswerAccepted"), errors: [409]), in: table
            ) { request, context, _ in
                let body = try await JSONBody.decode(TaskTokenRequest.self, from: request, context: context)
                let answer: TaskAnswer.Kind
                switch kind {
                case "success":
                    guard let output = body.output else {
                        throw OrderlyError.validation(field: "output", "is required: the task's output as JSON text")
                    }
                    answer = .success(output: output)
                case "failure": answer = .failure(error: body.error, cause: body.cause)
                default: answer = .heartbeat
                }
                try await services.operations.answerTask(TaskAnswer(taskToken: body.taskToken, kind: answer))
                return try JSONResponse.make(["status": "accepted"])
            }
        }

        router.add(
            RouteSpec(
                .get, "/v1/admin/workflows", "The workflow definitions in use (Amazon States Language)",
                access: .roles([.admin]), success: (200, "WorkflowList")), in: table
        ) { _, _, _ in
            let items = try WorkflowDefinitions.all.map { name, text -> JSON in
                ["name": .string(name), "queryLanguage": "JSONPath", "definition": try JSON(parsing: text)]
            }
            return JSONResponse.make(data: Data(JSON.object(["items": .array(items)]).serialized().utf8), status: .ok)
        }
    }

    /// An execution as the API shows it; the history (AWS's `GetExecutionHistory` events) only when asked.
    static func executionJSON(_ execution: WorkflowExecution, withHistory: Bool) throws -> JSON {
        var body: JSONObject = [
            "executionId": .string(execution.id), "name": .string(execution.name),
            "stateMachine": .string(execution.workflow), "status": .string(execution.status.rawValue),
            "input": try JSON(parsing: execution.input),
            "output": try execution.output.map { try JSON(parsing: $0) } ?? .null,
            "error": execution.error.map(JSON.string) ?? .null, "cause": execution.cause.map(JSON.string) ?? .null,
            "startedAt": .string(Timestamp.format(execution.startedAt)),
        ]
        if withHistory {
            body["history"] = .array(
                try execution.history.map { entry in
                    [
                        "id": .int(entry.id), "previousEventId": .int(entry.previousEventID),
                        "timestamp": .string(Timestamp.format(entry.timestamp)), "type": .string(entry.type),
                        "details": try JSON(parsing: entry.details),
                    ]
                })
        }
        return .object(body)
    }
}
