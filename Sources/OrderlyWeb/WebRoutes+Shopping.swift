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

    func addShoppingRoutes(to router: Router<AppRequestContext>) {
        router.get("/cart") { request, _ in try await page(request) { try await cart($0) } }
        router.post("/cart/items") { request, _ in
            try await form(request) { session, form in
                let actor = try signedIn(session)
                guard let id = form["productId"].flatMap(Product.ID.init(validating:)) else {
                    throw OrderlyError.notFound("product")
                }
                let quantity = form["quantity"].flatMap { Int($0) } ?? 1
                _ = try await services.carts.addItem(id, quantity: quantity, for: actor)
                return Self.redirect("/cart")
            }
        }
        router.post("/cart/items/{id}/remove") { request, context in
            try await form(request) { session, _ in
                let actor = try signedIn(session)
                guard let id = context.parameters.get("id").flatMap(Product.ID.init(validating:)) else {
                    throw OrderlyError.notFound("product")
                }
                _ = try await services.carts.removeItem(id, for: actor)
                return Self.redirect("/cart")
            }
        }
        router.get("/checkout") { request, _ in try await page(request) { try await checkout($0, error: nil) } }
        router.post("/checkout") { request, _ in try await form(request) { try await placeOrder($0, $1) } }
        router.get("/orders") { request, _ in try await page(request) { try await orders($0) } }
        router.get("/orders/{id}") { request, context in
            try await page(request) { try await order(context.parameters.get("id") ?? "", $0) }
        }
        router.post("/orders/{id}/cancel") { request, context in
            try await form(request) { session, _ in
                let actor = try signedIn(session)
                guard let id = context.parameters.get("id").flatMap(Order.ID.init(validating:)) else {
                    throw OrderlyError.notFound("order")
                }
                _ = try await services.orders.cancel(id, reason: "cancelled on the website", by: actor)
                return Self.redirect("/orders/\(id)")
            }
        }
    }

    func cart(_ session: WebSession) async throws -> Response {
        let priced = try await services.carts.cart(for: try signedIn(session))
        return views.page("cart", title: "Cart", values: Self.cartValues(priced), session: session)
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
    /// resent form) places one order.
    func checkout(_ session: WebSession, error: String?) async throws -> Response {
        let priced = try await services.carts.cart(for: try signedIn(session))
        guard !priced.lines.isEmpty else { return Self.redirect("/cart") }
        let tomorrow = Calendar(identifier: .gregorian).startOfDay(for: Date().addingTimeInterval(86_400))
        let slots = [7, 9, 17].map { hour in
            let start = tomorrow.addingTimeInterval(Double(hour) * 3600)
            return RFC3339.format(start) + "/" + RFC3339.format(start.addingTimeInterval(7200))
        }
        return views.page(
            "checkout", title: "Check out",
            values: [
                "total": priced.total.description, "idempotencyKey": UUID().uuidString, "slots": slots,
                "error": error ?? "", "methods": Self.paymentMethods.map { ["value": $0.value, "label": $0.label] },
            ], session: session)
    }

    func placeOrder(_ session: WebSession, _ form: WebForm) async throws -> Response {
        let actor = try signedIn(session)
        guard let method = Self.paymentMethods.first(where: { $0.value == form["payment"] })?.method else {
            return try await checkout(session, error: "Choose a payment method.")
        }
        do {
            let order = try await services.orders.place(
                .init(
                    items: nil, paymentMethod: method, deliverySlot: form["deliverySlot"],
                    idempotencyKey: Self.idempotencyKey(form["idempotencyKey"])), for: actor)
            return Self.redirect("/orders/\(order.id)")
        } catch let error as OrderlyError where error.code != .notFound {
            return try await checkout(session, error: Self.describe(error))
        }
    }

    /// The form's key, as the checkout form made it (a UUID); anything else is no key.
    static func idempotencyKey(_ posted: String?) -> String? {
        guard let posted, posted.count <= 64, posted.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { return nil }
        return "web-" + posted
    }

    func orders(_ session: WebSession) async throws -> Response {
        let page = try await services.orders.orders(
            for: try signedIn(session), status: nil, page: PageRequest(limit: 50))
        return views.page(
            "orders", title: "Orders",
            values: [
                "orders": page.items.map {
                    [
                        "id": $0.id.rawValue, "placed": RFC3339.format($0.createdAt), "total": $0.total.description,
                        "status": $0.status.rawValue,
                    ]
                }
            ], session: session)
    }

    /// An order with its status word as the API gives it; while its checkout runs, the page reloads itself.
    func order(_ id: String, _ session: WebSession) async throws -> Response {
        guard let orderID = Order.ID(validating: id) else { throw OrderlyError.notFound("order") }
        let order = try await services.orders.order(orderID, for: try signedIn(session))
        let running = order.status == .created
        return views.page(
            "order", title: "Order \(order.id)",
            values: [
                "id": order.id.rawValue, "status": order.status.rawValue, "paymentStatus": order.paymentStatus.rawValue,
                "total": order.total.description, "running": running,
                "failure": order.failureReason.map {
                    "The checkout failed: \($0.replacingOccurrences(of: "_", with: " "))."
                }
                    ?? "",
                "cancellable": order.status.isCancellable && !running,
                "lines": order.lines.map {
                    ["name": $0.name, "quantity": $0.quantity, "total": $0.lineTotal.description] as [String: Any]
                },
                "timeline": order.timeline.map {
                    ["status": $0.status.rawValue, "at": RFC3339.format($0.at), "note": $0.note ?? false]
                        as [String: Any]
                },
            ], session: session, refresh: running)
    }
}
