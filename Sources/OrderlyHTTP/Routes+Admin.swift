import Foundation
import Hummingbird
import OrderlyModel
import OrderlyPorts
import OrderlyServices

extension APIRoutes {
    func addAdminRoutes(to router: Router<AppRequestContext>) {
        let paging: [(name: String, schema: String)] = [
            ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", SchemaRule.cursor),
        ]
        router.add(
            RouteSpec(
                .get, "/v1/admin/orders", "Every order, newest first", access: .roles([.admin]),
                query: [
                    (
                        "status",
                        #"{"type":"string","enum":["CREATED","CONFIRMED","PACKED","OUT_FOR_DELIVERY","DELIVERED","CANCELLED","RETURNED"]}"#
                    ),
                    ("userId", SchemaRule.id("usr_")),
                ] + paging,
                success: (200, "OrderList")), in: table
        ) { request, context, actor in
            let input = QueryInput(request: request)
            var userID: User.ID?
            if let text = input.string("userId") {
                guard let id = User.ID(validating: text) else {
                    throw OrderlyError.validation(field: "userId", "is not a user id")
                }
                userID = id
            }
            let page = try await services.orders.allOrders(
                userID: userID, status: try orderStatus(input), page: try input.page())
            return try JSONResponse.make(
                ListBody(items: page.items.map(OrderBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(
                .patch, "/v1/admin/orders/{orderId}", "Move an order: PACKED, CANCELLED or RETURNED",
                access: .roles([.admin]), body: "AdminOrderPatchRequest", success: (200, "Order"), errors: [409]),
            in: table
        ) { request, context, actor in
            let id = try context.pathID("orderId", as: Order.self, what: "order")
            let body = try await JSONBody.decode(AdminOrderPatchRequest.self, from: request, context: context)
            return JSONResponse.make(
                OrderBody(order: try await services.orders.adminMove(id, to: body.status, note: body.note, by: actor)))
        }

        router.add(
            RouteSpec(
                .get, "/v1/admin/reports/sales", "Orders, revenue, refunds and top products per day",
                access: .roles([.admin]),
                query: [
                    ("from", SchemaRule.date), ("to", SchemaRule.date),
                    ("granularity", #"{"type":"string","enum":["day"]}"#),
                ],
                success: (200, "SalesReport")), in: table
        ) { request, context, actor in
            let input = QueryInput(request: request)
            let report = try await services.reports.sales(
                from: input.string("from"), to: input.string("to"), granularity: input.string("granularity"))
            return try JSONResponse.make(SalesReportBody(report))
        }

        router.add(
            RouteSpec(
                .get, "/v1/admin/events", "The event log, newest first", access: .roles([.admin]),
                query: [("type", #"{"type":"string"}"#)] + paging, success: (200, "EventList")), in: table
        ) { request, context, _ in
            let input = QueryInput(request: request)
            let page = try await services.operations.events(type: input.string("type"), page: try input.page())
            return try JSONResponse.make(
                ListBody(items: page.items.map { EventBody(event: $0) }, nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(
                .get, "/v1/admin/dead-letters", "Events a consumer could not handle", access: .roles([.admin]),
                query: paging, success: (200, "DeadLetterList")), in: table
        ) { request, context, _ in
            let page = try await services.operations.deadLetters(page: try QueryInput(request: request).page())
            return try JSONResponse.make(
                ListBody(items: page.items.map(DeadLetterBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(
                .post, "/v1/admin/dead-letters/{deadLetterId}/replay", "Deliver a dead letter to its consumer again",
                access: .roles([.admin]), success: (200, "DeadLetter")), in: table
        ) { _, context, _ in
            guard let id = context.parameters.get("deadLetterId") else { throw OrderlyError.notFound("dead letter") }
            return try JSONResponse.make(DeadLetterBody(try await services.operations.replay(deadLetterID: id)))
        }
    }
}
