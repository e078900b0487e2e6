import Foundation
import Hummingbird
import OrderlyHTTP
import OrderlyModel
import OrderlyServices

extension WebRoutes {
    /// The order board, an order as the admin sees it, and what an admin does to one: pack, cancel, mark returned,
    /// refund, give it a delivery.
    static let adminOrderRoutes: [WebRoute] = [
        .get("/admin/orders", .roles([.admin])) { try await $0.orderBoard($1) },
        .get("/admin/orders/{id}", .roles([.admin])) { web, visit in
            try await web.adminOrder(visit.id("id", of: Order.self, "order"), visit, error: nil)
        },
        .post("/admin/orders/{id}/status", .roles([.admin])) { web, visit in
            try await web.adminAction(visit) { id, actor in
                guard let status = visit.form["status"].flatMap(OrderStatus.init(rawValue:)) else {
                    throw OrderlyError.validation(field: "status", "choose a status")
                }
                _ = try await web.services.orders.adminMove(id, to: status, note: visit.form["note"], by: actor)
            }
        },
        .post("/admin/orders/{id}/refunds", .roles([.admin])) { web, visit in
            try await web.adminAction(visit) { id, actor in
                var amount: Money?
                if let text = visit.form["amount"] {
                    guard let money = Money(decimal: text, currency: web.currency) else {
                        throw OrderlyError.validation(field: "amount", "must be an amount such as 2.49")
                    }
                    amount = money
                }
                _ = try await web.services.payments.refund(
                    orderID: id, amount: amount, reason: visit.form["reason"] ?? "", by: actor,
                    idempotencyKey: Self.idempotencyKey(visit.form["idempotencyKey"]))
            }
        },
        .post("/admin/orders/{id}/delivery", .roles([.admin])) { web, visit in
            try await web.adminAction(visit) { id, actor in
                var courier: User.ID?
                if let text = visit.form["courierId"] {
                    guard let id = User.ID(validating: text) else {
                        throw OrderlyError.validation(field: "courierId", "is not a courier")
                    }
                    courier = id
                }
                _ = try await web.services.deliveries.assign(orderID: id, courierID: courier, by: actor)
            }
        },
    ]

    /// Runs an admin's action on the order of the path, then shows the order again: with the outcome, or with why
    /// the action was refused.
    func adminAction(_ visit: WebVisit, _ action: (Order.ID, Actor) async throws -> Void) async throws -> Response {
        let id = try visit.id("id", of: Order.self, "order")
        do {
            try await action(id, try visit.actor)
            return Self.redirect("/admin/orders/\(id)")
        } catch let error as OrderlyError where error.code != .notFound && error.code != .internal {
            return try await adminOrder(id, visit, error: Self.describe(error)).with(status: Self.status(of: error))
        }
    }

    /// The statuses in the order they pass, each a column of the board.
    static let boardColumns: [OrderStatus] = [
        .created, .confirmed, .packed, .outForDelivery, .delivered, .cancelled, .returned,
    ]

    /// Every status with its newest orders and the moves an admin can make from it; with `?status=` one status,
    /// paged.
    func orderBoard(_ visit: WebVisit) async throws -> Response {
        let only = visit.query("status").flatMap(OrderStatus.init(rawValue:))
        var columns: [[String: Any]] = []
        for status in only.map({ [$0] }) ?? Self.boardColumns {
            let page = try await services.orders.allOrders(
                userID: nil, status: status,
                page: PageRequest(limit: only == nil ? 8 : 50, after: only == nil ? nil : visit.query("cursor")))
            columns.append([
                "status": status.rawValue,
                "orders": page.items.map { order in
                    var row = Self.orderRow(order)
                    row["moves"] = Self.adminMoves(of: order)
                    return row
                },
                "more": page.nextAfter ?? "",
            ])
        }
        return views.page(
            "admin-orders", title: "Orders", values: ["columns": columns, "one": only != nil], session: visit.session)
    }

    /// The moves an admin makes by hand from the order's status (deliveries and checkout make the others).
    static func adminMoves(of order: Order) -> [[String: Any]] {
        let labels: [(OrderStatus, String)] = [
            (.packed, "Pack"), (.cancelled, "Cancel order"), (.returned, "Mark returned"),
        ]
        return labels.filter { order.status.allowedMoves.contains($0.0) }.map {
            ["value": $0.0.rawValue, "label": $0.1, "id": order.id.rawValue, "danger": $0.0 == .cancelled]
        }
    }

    func adminOrder(_ id: Order.ID, _ visit: WebVisit, error: String?) async throws -> Response {
        let actor = try visit.actor
        let order = try await services.orders.order(id, for: actor)
        var values = Self.orderValues(order)
        values["error"] = error ?? ""
        values["moves"] = Self.adminMoves(of: order)
        values["hasMoves"] = !Self.adminMoves(of: order).isEmpty
        values["executionLink"] = order.executionID?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let customer = try await services.accounts.profile(of: order.userID)
        values["customer"] = "\(customer.name) <\(customer.email)>"
        let delivery = try await latestDelivery(of: id, for: actor)
        if let delivery {
            var card = Self.deliveryCard(delivery, back: "/admin/orders/\(id)")
            if let courier = delivery.courierID {
                card["courier"] = try await services.accounts.profile(of: courier).name
            }
            values["delivery"] = card
        }
        if order.status == .packed || (order.status == .outForDelivery && delivery?.status.isActive == false) {
            values["canAssign"] = true
            values["assign"] = try await services.accounts.staff(.courier, page: PageRequest(limit: 100)).items.map {
                ["id": $0.id.rawValue, "name": $0.name]
            }
        }
        if let payment = try await services.payments.payment(ofOrder: id, for: actor) {
            values["payment"] = [
                "status": payment.status.rawValue, "captured": payment.captured.description,
                "refundable": payment.refundable.description, "transaction": payment.transactionID ?? "none",
            ]
            values["canRefund"] = payment.transactionID != nil && payment.refundable.amount > 0
            values["refundableText"] = payment.refundable.decimalText
            values["refunds"] = payment.refunds.map(Self.refundValues)
        }
        values["idempotencyKey"] = UUID().uuidString
        return views.page("admin-order", title: "Order \(order.id)", values: values, session: visit.session)
    }
}
