import Foundation
import Hummingbird
import OrderlyModel
import OrderlyServices

extension APIRoutes {
    func addOrderRoutes(to router: Router<AppRequestContext>) {
        let waitQuery: [(name: String, schema: String)] = [("wait", #"{"type":"boolean"}"#)]
        router.add(
            RouteSpec(
                .post, "/v1/checkout", "Check out the cart: the order is created and its checkout workflow started",
                access: .roles([.customer]), query: waitQuery, body: "CheckoutRequest", success: (202, "Order"),
                errors: [409, 422], idempotent: true, alsoSucceeds: [200]), in: table
        ) { request, context, actor in
            let wait = try QueryInput(request: request).bool("wait") ?? false
            return try await idempotent(request, context: context, actor: actor) { request in
                let body = try await JSONBody.decode(CheckoutRequest.self, from: request, context: context)
                return try await place(
                    .init(
                        items: nil, paymentMethod: body.paymentMethod, deliverySlot: body.deliverySlot,
                        address: body.address, idempotencyKey: request.headers[.idempotencyKey]),
                    actor: actor, wait: wait)
            }
        }

        router.add(
            RouteSpec(
                .post, "/v1/orders", "Order the given items (not the cart)", access: .roles([.customer]),
                query: waitQuery,
                body: "PlaceOrderRequest", success: (202, "Order"), errors: [404, 409, 422], idempotent: true,
                alsoSucceeds: [200]), in: table
        ) { request, context, actor in
            let wait = try QueryInput(request: request).bool("wait") ?? false
            return try await idempotent(request, context: context, actor: actor) { request in
                let body = try await JSONBody.decode(PlaceOrderRequest.self, from: request, context: context)
                return try await place(
                    .init(
                        items: try body.items.enumerated().map { index, item in
                            Cart.Line(
                                productID: try item.value.productId.id("product", field: "items[\(index)].productId"),
                                quantity: item.value.quantity)
                        },
                        paymentMethod: body.paymentMethod, deliverySlot: body.deliverySlot, address: body.address,
                        idempotencyKey: request.headers[.idempotencyKey]),
                    actor: actor, wait: wait)
            }
        }

        router.add(
            RouteSpec(
                .get, "/v1/orders", "The caller's orders, newest first", access: .signedIn,
                query: [
                    (
                        "status",
                        #"{"type":"string","enum":["CREATED","CONFIRMED","PACKED","OUT_FOR_DELIVERY","DELIVERED","CANCELLED","RETURNED"]}"#
                    ),
                    ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", SchemaRule.cursor),
                ], success: (200, "OrderList")), in: table
        ) { request, context, actor in
            let input = QueryInput(request: request)
            let page = try await services.orders.orders(
                for: actor, status: try orderStatus(input), page: try input.page())
            return try JSONResponse.make(
                ListBody(items: page.items.map(OrderBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(
                .get, "/v1/orders/{orderId}", "One order with its timeline", access: .signedIn, success: (200, "Order")),
            in: table
        ) { _, context, actor in
            let id = try context.pathID("orderId", as: Order.self, what: "order")
            return JSONResponse.make(OrderBody(order: try await services.orders.order(id, for: actor)))
        }

        router.add(
            RouteSpec(
                .post, "/v1/orders/{orderId}/cancel",
                "Cancel an order (refunds and restocks); allowed until OUT_FOR_DELIVERY",
                access: .signedIn, body: "CancelRequest", success: (200, "Order"), errors: [409]), in: table
        ) { request, context, actor in
            let id = try context.pathID("orderId", as: Order.self, what: "order")
            let body = try await JSONBody.decodeOptional(CancelRequest.self, from: request, context: context)
            return JSONResponse.make(
                OrderBody(order: try await services.orders.cancel(id, reason: body?.reason, by: actor)))
        }

        router.add(
            RouteSpec(
                .get, "/v1/orders/{orderId}/receipt", "The HTML receipt of a confirmed order", access: .signedIn,
                success: (200, nil), produces: "text/html"), in: table
        ) { _, context, actor in
            let id = try context.pathID("orderId", as: Order.self, what: "order")
            let receipt = try await services.orders.receipt(id, for: actor)
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: receipt)))
        }
    }

    /// Places an order; with `wait`, answers 200 once its checkout finished (10 s at most), else 202 at once.
    func place(_ request: OrderService.PlaceOrder, actor: Actor, wait: Bool) async throws -> (
        status: HTTPResponse.Status, body: Data
    ) {
        var order = try await services.orders.place(request, for: actor)
        if wait {
            order = try await services.orders.waitForCheckout(order)
            return (.ok, JSONResponse.encode(OrderBody(order: order)))
        }
        return (.accepted, JSONResponse.encode(OrderBody(order: order)))
    }

    func orderStatus(_ input: QueryInput) throws -> OrderStatus? {
        guard let text = input.string("status") else { return nil }
        guard let status = OrderStatus(rawValue: text) else {
            throw OrderlyError.validation(
                field: "status", "must be one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }
}
