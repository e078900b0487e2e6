import Foundation
import Hummingbird
import OrderlyHTTP
import OrderlyModel
import OrderlyServices

extension WebRoutes {
    /// The payment methods checkout offers: the simulator's test tokens, each named, UPI and cash.
    static let paymentMethods: [(value: String, label: String, method: PaymentMethod)] = [
        ("tok_visa", "Card tok_visa (succeeds)", .card(token: "tok_visa")),
        ("tok_chargeDeclined", "Card tok_chargeDeclined (declined)", .card(token: "tok_chargeDeclined")),
        ("tok_insufficientFunds", "Card tok_insufficientFunds (declined)", .card(token: "tok_insufficientFunds")),
        (
            "tok_processingError", "Card tok_processingError (fails once, then succeeds)",
            .card(token: "tok_processingError")
        ),
        ("upi", "UPI ann@bank", .upi(vpa: "ann@bank")),
        ("cash", "Cash on delivery", .cash),
    ]

    /// The cart and checkout are the customers' (as in the API); anyone signed in sees their own orders.
    static let shoppingRoutes: [WebRoute] = [
        .get("/cart", .roles([.customer])) { try await $0.cart($1) },
        .post("/cart/items", .roles([.customer])) { web, visit in
            guard let id = visit.form["productId"].flatMap(Product.ID.init(validating:)) else {
                throw OrderlyError.notFound("product")
            }
            let quantity = visit.form["quantity"].flatMap { Int($0) } ?? 1
            _ = try await web.services.carts.addItem(id, quantity: quantity, for: try visit.actor)
            return Self.redirect("/cart")
        },
        .post("/cart/items/{id}/remove", .roles([.customer])) { web, visit in
            _ = try await web.services.carts.removeItem(
                try visit.id("id", of: Product.self, "product"), for: try visit.actor)
            return Self.redirect("/cart")
        },
        .get("/checkout", .roles([.customer])) { try await $0.checkout($1, error: nil) },
        .post("/checkout", .roles([.customer])) { try await $0.placeOrder($1) },
        .get("/orders", .signedIn) { try await $0.orders($1) },
        .get("/orders/{id}", .signedIn) { web, visit in
            try await web.order(try visit.id("id", of: Order.self, "order"), visit)
        },
        .post("/orders/{id}/cancel", .signedIn) { web, visit in
            let id = try visit.id("id", of: Order.self, "order")
            _ = try await web.services.orders.cancel(id, reason: "cancelled on the website", by: try visit.actor)
            return Self.redirect("/orders/\(id)")
        },
    ]

    func cart(_ visit: WebVisit) async throws -> Response {
        let priced = try await services.carts.cart(for: try visit.actor)
        return views.page("cart", title: "Cart", values: Self.cartValues(priced), session: visit.session)
    }

    static func cartValues(_ priced: CartService.PricedCart) -> [String: Any] {
        [
            "hasLines": !priced.lines.isEmpty, "total": priced.total.description,
            "lines": priced.lines.map {
                [
                    "id": $0.productID.rawValue, "name": $0.name, "quantity": $0.quantity,
                    "total": $0.lineTotal.description,
                ] as [String: Any]
            },
        ]
    }

    /// The checkout form. Its idempotency key is made when the form is shown: posting it twice (a double click, a
    /// resent form) places one order. The address is the profile's until the customer changes it.
    func checkout(_ visit: WebVisit, error: String?) async throws -> Response {
        let actor = try visit.actor
        let priced = try await services.carts.cart(for: actor)
        guard !priced.lines.isEmpty else { return Self.redirect("/cart") }
        let tomorrow = Calendar.utc.startOfDay(for: clock.now().addingTimeInterval(86_400))
        let slots = [7, 9, 17].map { hour in
            let start = tomorrow.addingTimeInterval(Double(hour) * 3600)
            return RFC3339.format(start) + "/" + RFC3339.format(start.addingTimeInterval(7200))
        }
        let address = error == nil ? try await services.accounts.profile(of: actor.userID).address : nil
        var values: [String: Any] = [
            "total": priced.total.description, "idempotencyKey": UUID().uuidString,
            "error": error ?? "",
            "methods": Self.paymentMethods.map {
                ["value": $0.value, "label": $0.label, "selected": $0.value == visit.form["payment"]]
            },
            "slots": slots.map { ["slot": $0, "selected": $0 == visit.form["deliverySlot"]] },
        ]
        for field in Self.addressFields {
            values[field] = visit.form[field] ?? address.map { Self.addressValue(field, of: $0) } ?? ""
        }
        return views.page("checkout", title: "Check out", values: values, session: visit.session)
    }

    static let addressFields = ["line1", "line2", "city", "postalCode", "country"]

    static func addressValue(_ field: String, of address: Address) -> String {
        switch field {
        case "line1": address.line1
        case "line2": address.line2 ?? ""
        case "city": address.city
        case "postalCode": address.postalCode
        default: address.country
        }
    }

    /// The address a form gives, `nil` when every field is empty (the profile's is used).
    static func address(from form: WebForm) -> Address? {
        guard addressFields.contains(where: { form[$0] != nil }) else { return nil }
        return Address(
            line1: form["line1"] ?? "", line2: form["line2"], city: form["city"] ?? "",
            postalCode: form["postalCode"] ?? "", country: form["country"] ?? "")
    }

    func placeOrder(_ visit: WebVisit) async throws -> Response {
        let actor = try visit.actor
        guard let method = Self.paymentMethods.first(where: { $0.value == visit.form["payment"] })?.method else {
            return try await checkout(visit, error: "Choose a payment method.")
        }
        do {
            let order = try await services.orders.place(
                .init(
                    items: nil, paymentMethod: method, deliverySlot: visit.form["deliverySlot"],
                    address: Self.address(from: visit.form),
                    idempotencyKey: Self.idempotencyKey(visit.form["idempotencyKey"])), for: actor)
            return Self.redirect("/orders/\(order.id)")
        } catch let error as OrderlyError where error.code != .notFound {
            return try await checkout(visit, error: Self.describe(error))
        }
    }

    /// The form's key, as the checkout form made it (a UUID); anything else is no key.
    static func idempotencyKey(_ posted: String?) -> String? {
        guard let posted, posted.count <= 64, posted.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { return nil }
        return "web-" + posted
    }

    func orders(_ visit: WebVisit) async throws -> Response {
        let page = try await services.orders.orders(
            for: try visit.actor, status: nil, page: PageRequest(limit: 50, after: visit.query("cursor")))
        return views.page(
            "orders", title: "Orders",
            values: ["orders": page.items.map(Self.orderRow), "next": page.nextAfter ?? ""], session: visit.session)
    }

    static func orderRow(_ order: Order) -> [String: Any] {
        [
            "id": order.id.rawValue, "placed": RFC3339.format(order.createdAt), "total": order.total.description,
            "status": order.status.rawValue, "paymentStatus": order.paymentStatus.rawValue,
            "user": order.userID.rawValue,
        ]
    }

    /// An order with its status word as the API gives it, its payment and its delivery. While its checkout runs the
    /// page reloads itself every two seconds, and every 15 while it is out for delivery.
    func order(_ id: Order.ID, _ visit: WebVisit) async throws -> Response {
        let actor = try visit.actor
        let order = try await services.orders.order(id, for: actor)
        let running = order.status == .created
        var values = Self.orderValues(order)
        values["cancellable"] = order.status.isCancellable && !running
        values["running"] = running
        if let delivery = try await latestDelivery(of: id, for: actor) {
            values["delivery"] = Self.deliveryValues(delivery)
        }
        if let payment = try await services.payments.payment(ofOrder: id, for: actor) {
            values["refunds"] = payment.refunds.map(Self.refundValues)
            values["hasRefunds"] = !payment.refunds.isEmpty
        }
        return views.page(
            "order", title: "Order \(order.id)", values: values, session: visit.session,
            refresh: running ? 2 : order.status == .outForDelivery ? 15 : nil)
    }

    /// The order's newest delivery, `nil` when it has none.
    func latestDelivery(of id: Order.ID, for actor: Actor) async throws -> Delivery? {
        do {
            return try await services.deliveries.delivery(ofOrder: id, for: actor)
        } catch let error as OrderlyError where error.code == .notFound {
            return nil
        }
    }

    /// What the customer's and the admin's order pages both show.
    static func orderValues(_ order: Order) -> [String: Any] {
        [
            "id": order.id.rawValue, "status": order.status.rawValue, "paymentStatus": order.paymentStatus.rawValue,
            "total": order.total.description, "user": order.userID.rawValue,
            "slot": order.deliverySlot ?? "",
            "address": order.address.map {
                [$0.line1, $0.line2, $0.city, $0.postalCode, $0.country].compactMap { $0 }.joined(separator: ", ")
            } ?? "",
            "failure": order.failureReason.map {
                "The checkout failed: \($0.replacingOccurrences(of: "_", with: " "))."
            }
                ?? "",
            "lines": order.lines.map {
                [
                    "name": $0.name, "quantity": $0.quantity, "unitPrice": $0.unitPrice.description,
                    "total": $0.lineTotal.description,
                ] as [String: Any]
            },
            "timeline": order.timeline.map {
                ["status": $0.status.rawValue, "at": RFC3339.format($0.at), "note": $0.note ?? ""] as [String: Any]
            },
            "executionId": order.executionID ?? "",
        ]
    }

    static func deliveryValues(_ delivery: Delivery) -> [String: Any] {
        [
            "id": delivery.id.rawValue, "status": delivery.status.rawValue, "order": delivery.orderID.rawValue,
            "courier": delivery.courierID?.rawValue ?? "unassigned", "slot": delivery.deliverySlot ?? "any time",
            "history": delivery.history.map {
                ["status": $0.status.rawValue, "at": RFC3339.format($0.at), "note": $0.note ?? ""] as [String: Any]
            },
        ]
    }

    static func refundValues(_ refund: Refund) -> [String: Any] {
        [
            "amount": refund.amount.description, "reason": refund.reason, "status": refund.status.rawValue,
            "at": RFC3339.format(refund.createdAt),
        ]
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC, as every time on the site is.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
