import Foundation
import Hummingbird
import OrderlyModel
import OrderlyServices

extension APIRoutes {
    func addSubscriptionRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(
                .post, "/v1/subscriptions", "Subscribe to a recurring order", access: .roles([.customer]),
                body: "CreateSubscriptionRequest", success: (201, "Subscription"), errors: [404, 409, 422],
                idempotent: true),
            in: table
        ) { request, context, actor in
            return try await idempotent(request, context: context, actor: actor) { request in
                let body = try await JSONBody.decode(CreateSubscriptionRequest.self, from: request, context: context)
                let subscription = try await services.subscriptions.create(
                    .init(
                        productID: try body.productId.id("product", field: "productId"), quantity: body.quantity,
                        frequency: body.frequency,
                        startDate: body.startDate,
                        endDate: body.endDate, deliveryTime: body.deliveryTime, paymentMethod: body.paymentMethod,
                        address: body.address), for: actor)
                return (.created, try JSONResponse.encode(SubscriptionBody(subscription: subscription)))
            }
        }

        router.add(
            RouteSpec(
                .get, "/v1/subscriptions", "The caller's subscriptions", access: .signedIn,
                query: [
                    ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", SchemaRule.cursor),
                ],
                success: (200, "SubscriptionList")), in: table
        ) { request, context, actor in
            let page = try await services.subscriptions.list(for: actor, page: try QueryInput(request: request).page())
            return try JSONResponse.make(
                ListBody(
                    items: page.items.map { SubscriptionBody(subscription: $0) },
                    nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(
                .get, "/v1/subscriptions/{subscriptionId}", "A subscription with the orders it placed",
                access: .signedIn, success: (200, "Subscription")), in: table
        ) { _, context, actor in
            let id = try context.pathID("subscriptionId", as: Subscription.self, what: "subscription")
            let (subscription, orders) = try await services.subscriptions.subscription(id, for: actor)
            return try JSONResponse.make(SubscriptionBody(subscription: subscription, orders: orders))
        }

        for (verb, status) in [("pause", Subscription.Status.paused), ("resume", .active), ("cancel", .cancelled)] {
            router.add(
                RouteSpec(
                    .post, "/v1/subscriptions/{subscriptionId}/\(verb)",
                    "\(verb.prefix(1).uppercased() + verb.dropFirst()) a subscription",
                    access: .signedIn, success: (200, "Subscription"), errors: [409]), in: table
            ) { _, context, actor in
                let id = try context.pathID("subscriptionId", as: Subscription.self, what: "subscription")
                return try JSONResponse.make(
                    SubscriptionBody(subscription: try await services.subscriptions.move(id, to: status, by: actor)))
            }
        }
    }
}
