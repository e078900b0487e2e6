import Foundation
import Hummingbird
import OrderlyHTTP
import OrderlyModel
import OrderlyServices

extension WebRoutes {
    /// Recurring orders (create, pause, resume, cancel) and anyone's notifications.
    static let subscriptionRoutes: [WebRoute] = [
        .get("/subscriptions", .signedIn) { try await $0.subscriptions($1, error: nil) },
        .post("/subscriptions", .roles([.customer])) { try await $0.subscribe($1) },
        .post("/subscriptions/{id}/{move}", .signedIn) { web, visit in
            let moves: [String: Subscription.Status] = ["pause": .paused, "resume": .active, "cancel": .cancelled]
            let id = try visit.id("id", of: Subscription.self, "subscription")
            guard let status = visit.parameters["move"].flatMap({ moves[$0] }) else {
                throw OrderlyError.notFound("subscription")
            }
            _ = try await web.services.subscriptions.move(id, to: status, by: try visit.actor)
            return Self.redirect("/subscriptions")
        },
        .get("/notifications", .signedIn) { web, visit in
            let page = try await web.services.notifications.list(
                for: try visit.actor, page: PageRequest(limit: 50, after: visit.query("cursor")))
            return web.views.page(
                "notifications", title: "Notifications",
                values: [
                    "notifications": page.items.map {
                        [
                            "subject": $0.subject, "message": $0.message, "channel": $0.channel,
                            "at": RFC3339.format($0.createdAt),
                        ]
                    },
                    "next": page.nextAfter ?? "",
                ], session: visit.session)
        },
    ]

    func subscriptions(_ visit: WebVisit, error: String?) async throws -> Response {
        let actor = try visit.actor
        let form = visit.form
        let page = try await services.subscriptions.list(for: actor, page: PageRequest(limit: 50))
        let products = try await services.catalog.products(
            matching: ProductQuery(inStockOnly: true), page: PageRequest(limit: 100), for: actor)
        let names = Dictionary(products.items.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var values: [String: Any] = [
            "error": error ?? "", "today": Schedule.dayString(clock.now()), "canSubscribe": actor.role == .customer,
            "quantity": form["quantity"] ?? "1", "deliveryTime": form["deliveryTime"] ?? "07:00",
        ]
        values["products"] = products.items.map {
            ["id": $0.id.rawValue, "name": $0.name, "price": $0.price.description]
        }
        values["methods"] = Self.paymentMethods.map { ["value": $0.value, "label": $0.label] }
        values["subscriptions"] = page.items.map { Self.subscriptionValues($0, product: names[$0.productID]) }
        return views.page("subscriptions", title: "Subscriptions", values: values, session: visit.session)
    }

    /// A subscription's row, with the moves its status allows.
    static func subscriptionValues(_ subscription: Subscription, product: String?) -> [String: Any] {
        let moves: [(move: String, label: String)]
        switch subscription.status {
        case .active: moves = [("pause", "Pause"), ("cancel", "Cancel subscription")]
        case .paused: moves = [("resume", "Resume"), ("cancel", "Cancel subscription")]
        case .cancelled: moves = []
        }
        return [
            "id": subscription.id.rawValue, "product": product ?? subscription.productID.rawValue,
            "quantity": subscription.quantity, "frequency": subscription.frequency.rawValue,
            "time": subscription.deliveryTime, "status": subscription.status.rawValue,
            "next": subscription.nextRunAt.map(RFC3339.format) ?? "none",
            "moves": moves.map { ["move": $0.move, "label": $0.label] },
        ]
    }

    func subscribe(_ visit: WebVisit) async throws -> Response {
        let actor = try visit.actor
        let form = visit.form
        guard let productID = form["productId"].flatMap(Product.ID.init(validating:)),
            let method = Self.paymentMethods.first(where: { $0.value == form["payment"] })?.method,
            let frequency = form["frequency"].flatMap(Subscription.Frequency.init(rawValue:))
        else {
            return try await subscriptions(visit, error: "Choose a product, a frequency and a payment method.")
        }
        do {
            _ = try await services.subscriptions.create(
                .init(
                    productID: productID, quantity: form["quantity"].flatMap { Int($0) } ?? 0, frequency: frequency,
                    startDate: form["startDate"] ?? "", endDate: nil, deliveryTime: form["deliveryTime"] ?? "",
                    paymentMethod: method, address: nil), for: actor)
            return Self.redirect("/subscriptions")
        } catch let error as OrderlyError where error.code != .notFound {
            return try await subscriptions(visit, error: Self.describe(error))
        }
    }
}
