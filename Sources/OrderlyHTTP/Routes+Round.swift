import Foundation
import Hummingbird
import OrderlyModel
import OrderlyServices

extension APIRoutes {
    func addDeliveryRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(
                .post, "/v1/admin/deliveries", "Assign a delivery to a PACKED order", access: .roles([.admin]),
                body: "AssignDeliveryRequest", success: (201, "Delivery"), errors: [409]), in: table
        ) { request, context in
            let actor = try context.requireRole(.admin)
            let body = try await JSONBody.decode(AssignDeliveryRequest.self, from: request, context: context)
            let delivery = try await deliveries.assign(orderID: body.orderId, courierID: body.courierId, by: actor)
            return try JSONResponse.make(DeliveryBody(delivery: delivery), status: .created)
        }

        router.add(
            RouteSpec(
                .patch, "/v1/deliveries/{deliveryId}", "Move a delivery (admin, or its courier); the order follows",
                access: .roles([.admin, .courier]), body: "MoveDeliveryRequest", success: (200, "Delivery"), errors: [409]),
            in: table
        ) { request, context in
            let actor = try context.requireRole(.admin, .courier)
            let id = try context.pathID("deliveryId", as: Delivery.self, what: "delivery")
            let body = try await JSONBody.decode(MoveDeliveryRequest.self, from: request, context: context)
            return try JSONResponse.make(DeliveryBody(delivery: try await deliveries.move(id, to: body.status, note: body.note, by: actor)))
        }

        router.add(
            RouteSpec(
                .get, "/v1/deliveries", "Deliveries: all for admins, their own for couriers", access: .roles([.admin, .courier]),
                query: [
                    ("status", #"{"type":"string","enum":["ASSIGNED","PICKED_UP","IN_TRANSIT","DELIVERED","FAILED","CANCELLED"]}"#),
                    ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", #"{"type":"string"}"#),
                ], success: (200, "DeliveryList")), in: table
        ) { request, context in
            let actor = try context.requireRole(.admin, .courier)
            let input = QueryInput(request: request)
            var status: DeliveryStatus?
            if let text = input.string("status") {
                guard let parsed = DeliveryStatus(rawValue: text) else {
                    throw OrderlyError.validation(field: "status", "must be one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = parsed
            }
            let page = try await deliveries.list(status: status, page: try input.page(), for: actor)
            return try JSONResponse.make(ListBody(items: page.items.map(DeliveryBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(.get, "/v1/orders/{orderId}/delivery", "Track an order's delivery", access: .signedIn,
                success: (200, "Delivery")), in: table
        ) { _, context in
            let actor = try context.requireActor()
            let id = try context.pathID("orderId", as: Order.self, what: "order")
            return try JSONResponse.make(DeliveryBody(delivery: try await deliveries.delivery(ofOrder: id, for: actor)))
        }
    }

    func addSubscriptionRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(
                .post, "/v1/subscriptions", "Subscribe to a recurring order", access: .roles([.customer]),
                body: "CreateSubscriptionRequest", success: (201, "Subscription"), errors: [422], idempotent: true), in: table
        ) { request, context in
            let actor = try context.requireRole(.customer)
            return try await idempotent(request, context: context, actor: actor) { request in
                let body = try await JSONBody.decode(CreateSubscriptionRequest.self, from: request, context: context)
                let subscription = try await subscriptions.create(
                    .init(
                        productID: body.productId, quantity: body.quantity, frequency: body.frequency, startDate: body.startDate,
                        endDate: body.endDate, deliveryTime: body.deliveryTime, paymentMethod: body.paymentMethod,
                        address: body.address), for: actor)
                return (.created, try JSONResponse.encode(SubscriptionBody(subscription: subscription)))
            }
        }

        router.add(
            RouteSpec(.get, "/v1/subscriptions", "The caller's subscriptions", access: .signedIn,
                query: [("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", #"{"type":"string"}"#)],
                success: (200, "SubscriptionList")), in: table
        ) { request, context in
            let actor = try context.requireActor()
            let page = try await subscriptions.list(for: actor, page: try QueryInput(request: request).page())
            return try JSONResponse.make(
                ListBody(items: page.items.map { SubscriptionBody(subscription: $0) }, nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(.get, "/v1/subscriptions/{subscriptionId}", "A subscription with the orders it placed",
                access: .signedIn, success: (200, "Subscription")), in: table
        ) { _, context in
            let actor = try context.requireActor()
            let id = try context.pathID("subscriptionId", as: Subscription.self, what: "subscription")
            let (subscription, orders) = try await subscriptions.subscription(id, for: actor)
            return try JSONResponse.make(SubscriptionBody(subscription: subscription, orders: orders))
        }

        for (verb, status) in [("pause", Subscription.Status.paused), ("resume", .active), ("cancel", .cancelled)] {
            router.add(
                RouteSpec(.post, "/v1/subscriptions/{subscriptionId}/\(verb)", "\(verb.prefix(1).uppercased() + verb.dropFirst()) a subscription",
                    access: .signedIn, success: (200, "Subscription"), errors: [409]), in: table
            ) { _, context in
                let actor = try context.requireActor()
                let id = try context.pathID("subscriptionId", as: Subscription.self, what: "subscription")
                return try JSONResponse.make(SubscriptionBody(subscription: try await subscriptions.move(id, to: status, by: actor)))
            }
        }
    }
}
