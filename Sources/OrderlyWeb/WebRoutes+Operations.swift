import Foundation
import Hummingbird
import OrderlyHTTP
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import StatesLanguage

extension WebRoutes {
    /// Dead letters and their replay, the event log, the sales report with its charts, the workflows and the
    /// execution viewer.
    static let adminOperationsRoutes: [WebRoute] = [
        .get("/admin/dead-letters", .roles([.admin])) { try await $0.deadLetters($1) },
        .post("/admin/dead-letters/{id}/replay", .roles([.admin])) { web, visit in
            guard let id = visit.parameters["id"], id.count <= 200 else { throw OrderlyError.notFound("dead letter") }
            _ = try await web.services.operations.replay(deadLetterID: id)
            return Self.redirect("/admin/dead-letters?replayed=1")
        },
        .get("/admin/events", .roles([.admin])) { try await $0.events($1) },
        .get("/admin/reports", .roles([.admin])) { try await $0.salesReport($1) },
        .get("/admin/workflows", .roles([.admin])) { try await $0.workflows($1) },
        .get("/admin/executions", .roles([.admin])) { try await $0.execution($1) },
    ]

    func deadLetters(_ visit: WebVisit) async throws -> Response {
        let page = try await services.operations.deadLetters(page: PageRequest(limit: 50, after: visit.query("cursor")))
        return views.page(
            "admin-dead-letters", title: "Dead letters",
            values: [
                "message": visit.query("replayed") != nil ? "Delivered again." : "", "next": page.nextAfter ?? "",
                "letters": page.items.map {
                    [
                        "id": $0.id, "consumer": $0.consumer, "type": $0.event.detailType,
                        "event": $0.event.id.rawValue, "error": $0.error, "attempts": $0.attempts,
                        "at": RFC3339.format($0.createdAt), "detail": PrettyText.json($0.event.detail),
                    ] as [String: Any]
                },
            ], session: visit.session)
    }

    func events(_ visit: WebVisit) async throws -> Response {
        let type = visit.query("type")
        let page = try await services.operations.events(
            type: type, page: PageRequest(limit: 50, after: visit.query("cursor")))
        return views.page(
            "admin-events", title: "Events",
            values: [
                "type": type ?? "", "next": page.nextAfter ?? "",
                "types": EventName.all.map { ["name": $0.rawValue, "selected": $0.rawValue == type] as [String: Any] },
                "events": page.items.map {
                    [
                        "id": $0.id.rawValue, "type": $0.detailType, "source": $0.source,
                        "at": RFC3339.format($0.time), "detail": PrettyText.json($0.detail),
                    ]
                },
            ], session: visit.session)
    }

    /// The sales report for a range of days (the last 14 by default) with revenue by day and the top products drawn.
    func salesReport(_ visit: WebVisit) async throws -> Response {
        let today = clock.now()
        let from = visit.query("from") ?? Schedule.dayString(today.addingTimeInterval(-13 * 86_400))
        let to = visit.query("to") ?? Schedule.dayString(today)
        let report: SalesReport
        do {
            report = try await services.reports.sales(from: from, to: to, granularity: nil)
        } catch let error as OrderlyError where error.code == .validationFailed {
            return views.page(
                "admin-reports", title: "Sales",
                values: ["from": from, "to": to, "error": Self.describe(error)], session: visit.session,
                status: .badRequest)
        }
        let money = { (amount: Int) in Money(amount: amount, currency: self.currency).description }
        return views.page(
            "admin-reports", title: "Sales",
            values: [
                "from": report.from, "to": report.to, "orders": report.orders, "revenue": report.revenue.description,
                "refunded": report.refunded.description,
                "revenueChart": Charts.columns(
                    report.days.map { (String($0.date.dropFirst(5)), $0.revenue) },
                    title: "Revenue by day, \(report.from) to \(report.to)", format: money),
                "productsChart": report.topProducts.isEmpty
                    ? ""
                    : Charts.rows(
                        report.topProducts.map { ($0.name, $0.revenue) }, title: "Top products by revenue",
                        format: money),
                "days": report.days.map {
                    [
                        "date": $0.date, "orders": $0.orders, "revenue": money($0.revenue),
                        "refunded": money($0.refunded),
                    ]
                        as [String: Any]
                },
                "products": report.topProducts.map {
                    ["name": $0.name, "quantity": $0.quantity, "revenue": money($0.revenue)] as [String: Any]
                },
            ], session: visit.session)
    }

    /// The workflows in use: each definition drawn and as text, and its newest executions.
    func workflows(_ visit: WebVisit) async throws -> Response {
        let status = visit.query("status").flatMap(WorkflowExecution.Status.init(rawValue:))
        var workflows: [[String: Any]] = []
        for (name, definition) in WorkflowDefinitions.all {
            let machine = try StatesDefinition.parse(definition, substitutions: WorkflowDefinitions.localSubstitutions)
            let executions = try await services.operations.executions(
                of: WorkflowName(rawValue: name), status: status, page: PageRequest(limit: 10))
            workflows.append([
                "name": name, "graph": ExecutionGraph.svg(machine, runs: nil, title: "The \(name) workflow"),
                "definition": definition,
                "executions": executions.items.map(Self.executionRow),
            ])
        }
        return views.page(
            "admin-workflows", title: "Workflows",
            values: [
                "workflows": workflows,
                "statuses": WorkflowExecution.Status.allCases.map {
                    ["value": $0.rawValue, "selected": $0 == status] as [String: Any]
                },
            ], session: visit.session)
    }

    static func executionRow(_ execution: WorkflowExecution) -> [String: Any] {
        [
            "id": execution.id, "name": execution.name, "status": execution.status.rawValue,
            "started": RFC3339.format(execution.startedAt),
            "link": "/admin/executions?id="
                + (execution.id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
        ]
    }

    /// The execution viewer: the workflow's graph with each state's status and time, and every state's input and
    /// output, from the execution's history.
    func execution(_ visit: WebVisit) async throws -> Response {
        guard let id = visit.query("id") else { throw OrderlyError.notFound("execution") }
        let execution = try await services.operations.execution(id)
        let runs = StateRuns(execution.history, executionStatus: execution.status)
        var values: [String: Any] = [
            "id": execution.id, "name": execution.name, "workflow": execution.workflow,
            "status": execution.status.rawValue, "started": RFC3339.format(execution.startedAt),
            "input": PrettyText.json(execution.input), "output": execution.output.map(PrettyText.json) ?? "",
            "error": execution.error ?? "", "cause": execution.cause ?? "",
            "eventCount": execution.history.count,
            "events": execution.history.map {
                [
                    "id": $0.id, "type": $0.type, "at": RFC3339.format($0.timestamp),
                    "details": PrettyText.json($0.details),
                ] as [String: Any]
            },
        ]
        if let text = WorkflowDefinitions.text(of: WorkflowName(rawValue: execution.workflow)) {
            let machine = try StatesDefinition.parse(text, substitutions: WorkflowDefinitions.localSubstitutions)
            values["graph"] = ExecutionGraph.svg(
                machine, runs: runs, title: "\(execution.workflow) execution \(execution.name)")
            values["states"] = ExecutionGraph.readingOrder(ExecutionGraph.layout(machine)).map {
                name -> [String: Any] in
                let run = runs[name]
                return [
                    "anchor": ExecutionGraph.anchor(name), "name": name, "status": run.status.rawValue,
                    "class": ExecutionGraph.cssClass(run.status),
                    "entered": run.entered.map(RFC3339.format) ?? "",
                    "duration": run.entered.flatMap { entered in
                        run.exited.map { Durations.text($0.timeIntervalSince(entered)) }
                    } ?? "",
                    "retries": run.failures > 0 ? run.failures : false, "input": run.input ?? "",
                    "output": run.output ?? "",
                    "stateError": run.error ?? "", "stateCause": run.cause ?? "",
                ]
            }
        }
        return views.page(
            "admin-execution", title: "Execution \(execution.name)", values: values, session: visit.session,
            refresh: execution.status == .running ? 3 : nil)
    }
}

/// Text for the pages' `<pre>` blocks.
enum PrettyText {
    /// JSON text indented, or the text as it is when it is not JSON.
    static func json(_ text: String) -> String {
        (try? JSON(parsing: text)).map { PrettyJSON.text($0) } ?? text
    }
}
