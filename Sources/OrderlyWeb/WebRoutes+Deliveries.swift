import Foundation
import Hummingbird
import OrderlyHTTP
import OrderlyModel
import OrderlyServices

extension WebRoutes {
    /// Deliveries: a courier sees and moves their own, an admin every one (the service decides which).
    static let deliveryRoutes: [WebRoute] = [
        .get("/deliveries", .roles([.admin, .courier])) { try await $0.deliveries($1) },
        .post("/deliveries/{id}", .roles([.admin, .courier])) { web, visit in
            let id = try visit.id("id", of: Delivery.self, "delivery")
            guard let status = visit.form["status"].flatMap(DeliveryStatus.init(rawValue:)) else {
                throw OrderlyError.validation(field: "status", "choose what happened to the delivery")
            }
            _ = try await web.services.deliveries.move(id, to: status, note: visit.form["note"], by: try visit.actor)
            return Self.redirect(visit.form["back"].flatMap(Self.safeReturn) ?? "/deliveries")
        },
    ]

    /// What a move of a delivery is called on its button.
    static func label(of status: DeliveryStatus) -> String {
        switch status {
        case .assigned: "Assigned"
        case .pickedUp: "Picked up"
        case .inTransit: "In transit"
        case .delivered: "Delivered"
        case .failed: "Failed"
        case .cancelled: "Cancel delivery"
        }
    }

    func deliveries(_ visit: WebVisit) async throws -> Response {
        let actor = try visit.actor
        let status = visit.query("status").flatMap(DeliveryStatus.init(rawValue:))
        let page = try await services.deliveries.list(
            status: status, page: PageRequest(limit: 50, after: visit.query("cursor")), for: actor)
        return views.page(
            "deliveries", title: "Deliveries",
            values: [
                "isAdmin": actor.isAdmin,
                "deliveries": page.items.map { Self.deliveryCard($0, back: "/deliveries") },
                "statuses": DeliveryStatus.allCases.map {
                    ["value": $0.rawValue, "selected": $0 == status] as [String: Any]
                },
                "next": page.nextAfter ?? "", "status": status?.rawValue ?? "",
            ], session: visit.session)
    }

    /// A delivery with a button for every move its status allows, in the order a courier makes them.
    static func deliveryCard(_ delivery: Delivery, back: String) -> [String: Any] {
        var values = deliveryValues(delivery)
        values["back"] = back
        let moves = DeliveryStatus.allCases.filter { delivery.status.allowedMoves.contains($0) }
        values["moves"] = moves.map { ["value": $0.rawValue, "label": label(of: $0)] }
        values["hasMoves"] = !moves.isEmpty
        return values
    }
}
