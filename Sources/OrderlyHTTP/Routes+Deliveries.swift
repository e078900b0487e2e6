import Foundation
import Hummingbird
import OrderlyModel
import OrderlyServices

extension APIRoutes {
    func addDeliveryRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(
                .post, "/v1/admin/deliveries", "Assign a delivery to a PACKED order", access: .roles([.admin]),
                body: "AssignDeliveryRequest", success: (201, "Delivery"), errors: [404, 409]), in: table
        ) { request, context, actor in
            let body = try await JSONBody.decode(AssignDeliveryRequest.self, from: request, context: context)
            let delivery = try await services.deliveries.assign(
                orderID: try body.orderId.id("order", field: "orderId"),
                courierID: try body.courierId.map { reference in
                    // An id that cannot be a user's is refused as an unknown courier is.
                    guard let id = User.ID(validating: reference.text) else {
                        throw OrderlyError.validation(field: "courierId", "is not a courier")
                    }
                    return id
                }, by: actor)
            return try JSONResponse.make(DeliveryBody(delivery: delivery), status: .created)
        }

        router.add(
            RouteSpec(
                .patch, "/v1/deliveries/{deliveryId}", "Move a delivery (admin, or its courier); the order follows",
                access: .roles([.admin, .courier]), body: "MoveDeliveryRequest", success: (200, "Delivery"),
                errors: [409]),
            in: table
        ) { request, context, actor in
            let id = try context.pathID("deliveryId", as: Delivery.self, what: "delivery")
            let body = try await JSONBody.decode(MoveDeliveryRequest.self, from: request, context: context)
            return try JSONResponse.make(
                DeliveryBody(
                    delivery: try await services.deliveries.move(id, to: body.status, note: body.note, by: actor)))
        }

        router.add(
            RouteSpec(
                .get, "/v1/deliveries", "Deliveries: all for admins, their own for couriers",
                access: .roles([.admin, .courier]),
                query: [
                    (
                        "status",
                        #"{"type":"string","enum":["ASSIGNED","PICKED_UP","IN_TRANSIT","DELIVERED","FAILED","CANCELLED"]}"#
                    ),
                    ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", SchemaRule.cursor),
                ], success: (200, "DeliveryList")), in: table
        ) { request, context, actor in
            let input = QueryInput(request: request)
            var status: DeliveryStatus?
            if let text = input.string("status") {
                guard let parsed = DeliveryStatus(rawValue: text) else {
                    throw OrderlyError.validation(
                        field: "status",
                        "must be one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = parsed
            }
            let page = try await services.deliveries.list(status: status, page: try input.page(), for: actor)
            return try JSONResponse.make(
                ListBody(items: page.items.map(DeliveryBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(
                .get, "/v1/orders/{orderId}/delivery", "Track an order's delivery", access: .signedIn,
                success: (200, "Delivery")), in: table
        ) { _, context, actor in
            let id = try context.pathID("orderId", as: Order.self, what: "order")
            return try JSONResponse.make(
                DeliveryBody(delivery: try await services.deliveries.delivery(ofOrder: id, for: actor)))
        }
    }
}
