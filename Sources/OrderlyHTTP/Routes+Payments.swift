import Foundation
import Hummingbird
import OrderlyModel
import OrderlyServices
import StatesLanguage

extension APIRoutes {
    func addPaymentRoutes(to router: Router<AppRequestContext>) {
        let paging: [(name: String, schema: String)] = [
            ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", SchemaRule.cursor),
        ]
        router.add(
            RouteSpec(
                .get, "/v1/payments", "The caller's payments, newest first", access: .signedIn, query: paging,
                success: (200, "PaymentList")), in: table
        ) { request, context, actor in
            let page = try await services.payments.payments(for: actor, page: try QueryInput(request: request).page())
            return try JSONResponse.make(
                ListBody(items: page.items.map(PaymentBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(
                .post, "/v1/admin/orders/{orderId}/refunds", "Refund part or all of an order's payment",
                access: .roles([.admin]), body: "RefundRequest", success: (201, "Refund"), errors: [409, 422],
                idempotent: true), in: table
        ) { request, context, actor in
            let id = try context.pathID("orderId", as: Order.self, what: "order")
            return try await idempotent(request, context: context, actor: actor) { request in
                let body = try await JSONBody.decode(RefundRequest.self, from: request, context: context)
                let refund = try await services.payments.refund(
                    orderID: id, amount: body.amount, reason: body.reason, by: actor,
                    idempotencyKey: request.headers[.idempotencyKey])
                return (
                    .created,
                    try JSONResponse.encode(
                        RefundBody(
                            refundId: refund.id, orderId: id, amount: refund.amount, reason: refund.reason,
                            createdAt: refund.createdAt))
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
            try WebhookSignature(secret: dependencies.webhookSecret).verify(
                header: request.headers[.orderlySignature], body: body, now: dependencies.clock.now())
            let event: JSON
            do {
                event = try JSON(parsing: String(decoding: body, as: UTF8.self))
            } catch {
                throw OrderlyError(.malformedJSON, "The request body is not valid JSON.")
            }
            let new = try await services.payments.handleWebhook(event)
            return try JSONResponse.make(["received": true, "duplicate": !new])
        }
    }
}
