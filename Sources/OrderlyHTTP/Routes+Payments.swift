import Foundation
import Hummingbird
import OrderlyModel
import OrderlyServices
import StatesLanguage

extension APIRoutes {
    func addPaymentRoutes(to router: Router<AppRequestContext>) {
        let paging: [(name: String, schema: String)] = [
            ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", #"{"type":"string"}"#),
        ]
        router.add(
            RouteSpec(.get, "/v1/payments", "The caller's payments, newest first", access: .signedIn, query: paging,
                success: (200, "PaymentList")), in: table
        ) { request, context in
            let actor = try context.requireActor()
            let page = try await payments.payments(for: actor, page: try QueryInput(request: request).page())
            return try JSONResponse.make(
                ListBody(items: page.items.map(PaymentBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(
                .post, "/v1/admin/orders/{orderId}/refunds", "Refund part or all of an order's payment",
                access: .roles([.admin]), body: "RefundRequest", success: (201, "Refund"), errors: [409, 422],
                idempotent: true), in: table
        ) { request, context in
            let actor = try context.requireRole(.admin)
            let id = try context.pathID("orderId", as: Order.self, what: "order")
            return try await idempotent(request, context: context, actor: actor) { request in
                let body = try await JSONBody.decode(RefundRequest.self, from: request, context: context)
                let refund = try await payments.refund(orderID: id, amount: body.amount, reason: body.reason, by: actor)
                return (
                    .created,
                    try JSONResponse.encode(
                        RefundBody(refundId: refund.id, orderId: id, amount: refund.amount, reason: refund.reason, createdAt: refund.createdAt))
                )
            }
        }

        router.add(
            RouteSpec(
                .post, "/v1/payments/webhook", "Events from the payment gateway, signed with Orderly-Signature",
                access: .anyone, body: "GatewayEvent", success: (200, "WebhookReceipt")), in: table
        ) { request, context in
            var request = request
            let body = try await JSONBody.collect(&request)
            try WebhookSignature(secret: webhookSecret).verify(
                header: request.headers[.orderlySignature], body: body, now: clock.now())
            let event: JSON
            do {
                event = try JSON(parsing: String(decoding: body, as: UTF8.self))
            } catch {
                throw OrderlyError(.malformedJSON, "The request body is not valid JSON.")
            }
            let new = try await payments.handleWebhook(event)
            return try JSONResponse.make(["received": true, "duplicate": !new])
        }

        router.add(
            RouteSpec(.get, "/v1/notifications", "The caller's notifications, newest first", access: .signedIn,
                query: paging, success: (200, "NotificationList")), in: table
        ) { request, context in
            let actor = try context.requireActor()
            let page = try await notifier.list(for: actor, page: try QueryInput(request: request).page())
            return try JSONResponse.make(
                ListBody(items: page.items.map(NotificationBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }
    }

    func addAdminWorkflowRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(
                .get, "/v1/admin/executions/{executionId}", "A workflow execution: status, input, output and history",
                access: .roles([.admin]), success: (200, "Execution")), in: table
        ) { _, context in
            _ = try context.requireRole(.admin)
            guard let id = context.parameters.get("executionId")?.removingPercentEncoding, id.count <= 512,
                let snapshot = try await workflows.describe(executionID: id)
            else { throw OrderlyError.notFound("execution") }
            let body: JSON = [
                "executionId": .string(snapshot.info.id), "name": .string(snapshot.info.name),
                "stateMachine": .string(snapshot.info.stateMachineName), "status": .string(snapshot.status.rawValue),
                "input": snapshot.input, "output": snapshot.outcome?.output ?? .null,
                "error": snapshot.outcome?.error.map(JSON.string) ?? .null,
                "cause": snapshot.outcome?.cause.map(JSON.string) ?? .null,
                "startedAt": .string(Timestamp.format(snapshot.startTime)),
                "history": .array(snapshot.history.map(\.json)),
            ]
            return JSONResponse.make(data: Data(body.serialized().utf8), status: .ok)
        }

        router.add(
            RouteSpec(.get, "/v1/admin/workflows", "The workflow definitions in use (Amazon States Language)",
                access: .roles([.admin]), success: (200, "WorkflowList")), in: table
        ) { _, context in
            _ = try context.requireRole(.admin)
            let items = try WorkflowDefinitions.all.map { name, text -> JSON in
                ["name": .string(name), "queryLanguage": "JSONPath", "definition": try JSON(parsing: text)]
            }
            return JSONResponse.make(data: Data(JSON.object(["items": .array(items)]).serialized().utf8), status: .ok)
        }
    }
}
