import Foundation
import Hummingbird
import OrderlyHTTP
import OrderlyModel
import OrderlyServices

extension WebRoutes {
    /// The admin's overview, the products and their stock, and the staff accounts.
    static let adminCatalogRoutes: [WebRoute] = [
        .get("/admin", .roles([.admin])) { try await $0.overview($1) },
        .get("/admin/products", .roles([.admin])) { try await $0.adminProducts($1, error: nil) },
        .post("/admin/products", .roles([.admin])) { try await $0.createProduct($1) },
        .get("/admin/products/{id}", .roles([.admin])) { web, visit in
            try await web.adminProduct(visit.id("id", of: Product.self, "product"), visit, error: nil)
        },
        .post("/admin/products/{id}", .roles([.admin])) { try await $0.editProduct($1) },
        .post("/admin/products/{id}/stock", .roles([.admin])) { try await $0.adjustStock($1) },
        .get("/admin/staff", .roles([.admin])) { try await $0.staff($1, error: nil) },
        .post("/admin/staff", .roles([.admin])) { try await $0.createStaff($1) },
    ]

    /// What needs doing: orders to pack and to send out, deliveries on the road, events a consumer could not take.
    func overview(_ visit: WebVisit) async throws -> Response {
        func count(_ status: OrderStatus) async throws -> String {
            let page = try await services.orders.allOrders(userID: nil, status: status, page: PageRequest(limit: 100))
            return page.nextAfter == nil ? String(page.items.count) : "100+"
        }
        let letters = try await services.operations.deadLetters(page: PageRequest(limit: 100))
        let today = try await services.reports.sales(from: nil, to: nil, granularity: nil)
        return views.page(
            "admin-overview", title: "Admin",
            values: [
                "toPack": try await count(.confirmed), "packed": try await count(.packed),
                "outForDelivery": try await count(.outForDelivery), "checkingOut": try await count(.created),
                "deadLetters": letters.nextAfter == nil ? String(letters.items.count) : "100+",
                "revenueToday": today.revenue.description, "ordersToday": today.orders,
            ], session: visit.session)
    }

    func adminProducts(_ visit: WebVisit, error: String?) async throws -> Response {
        let text = visit.query("q")
        let page = try await services.catalog.products(
            matching: ProductQuery(text: text, includeInactive: true),
            page: PageRequest(limit: 50, after: visit.query("cursor")), for: try visit.actor)
        var values: [String: Any] = [
            "query": text ?? "", "error": error ?? "", "next": page.nextAfter ?? "", "currency": currency.rawValue,
            "products": page.items.map {
                [
                    "id": $0.id.rawValue, "name": $0.name, "category": $0.category, "price": $0.price.description,
                    "available": $0.stock.available, "reserved": $0.stock.reserved,
                    "state": $0.active ? "active" : "inactive",
                ] as [String: Any]
            },
        ]
        for field in ["name", "description", "price", "category", "stock"] { values[field] = visit.form[field] ?? "" }
        return views.page("admin-products", title: "Products", values: values, session: visit.session)
    }

    func createProduct(_ visit: WebVisit) async throws -> Response {
        let form = visit.form
        do {
            guard let price = Money(decimal: form["price"] ?? "", currency: currency) else {
                throw OrderlyError.validation(field: "price", "must be an amount such as 2.49")
            }
            guard let stock = Int(form["stock"] ?? "0") else {
                throw OrderlyError.validation(field: "stock", "must be a whole number")
            }
            let product = try await services.catalog.createProduct(
                .init(
                    name: form["name"] ?? "", description: form["description"] ?? "", price: price,
                    category: form["category"] ?? "", stock: stock), by: try visit.actor)
            return Self.redirect("/admin/products/\(product.id)?saved=created")
        } catch let error as OrderlyError where error.code == .validationFailed {
            return try await adminProducts(visit, error: Self.describe(error)).with(status: .badRequest)
        }
    }

    func adminProduct(_ id: Product.ID, _ visit: WebVisit, error: String?) async throws -> Response {
        let product = try await services.catalog.product(id, for: try visit.actor)
        let form = visit.form
        let saved: [String: String] = [
            "created": "Product created.", "edited": "Changes saved.", "stock": "Stock adjusted.",
        ]
        return views.page(
            "admin-product", title: product.name,
            values: [
                "id": product.id.rawValue, "name": form["name"] ?? product.name,
                "description": form["description"] ?? product.description,
                "price": form["price"] ?? product.price.decimalText, "currency": currency.rawValue,
                "category": form["category"] ?? product.category, "active": product.active,
                "available": product.stock.available, "reserved": product.stock.reserved,
                "error": error ?? "", "message": visit.query("saved").flatMap { saved[$0] } ?? "",
                "delta": form["delta"] ?? "", "reason": form["reason"] ?? "",
            ], session: visit.session)
    }

    func editProduct(_ visit: WebVisit) async throws -> Response {
        let id = try visit.id("id", of: Product.self, "product")
        let form = visit.form
        do {
            guard let price = Money(decimal: form["price"] ?? "", currency: currency) else {
                throw OrderlyError.validation(field: "price", "must be an amount such as 2.49")
            }
            _ = try await services.catalog.updateProduct(
                id,
                ProductPatch(
                    name: form["name"] ?? "", description: form["description"] ?? "", price: price,
                    category: form["category"] ?? "", active: form["active"] == "on"), by: try visit.actor)
            return Self.redirect("/admin/products/\(id)?saved=edited")
        } catch let error as OrderlyError where error.code == .validationFailed {
            return try await adminProduct(id, visit, error: Self.describe(error)).with(status: .badRequest)
        }
    }

    func adjustStock(_ visit: WebVisit) async throws -> Response {
        let id = try visit.id("id", of: Product.self, "product")
        do {
            guard let delta = visit.form["delta"].flatMap({ Int($0) }) else {
                throw OrderlyError.validation(field: "delta", "must be a whole number such as 12 or -3")
            }
            _ = try await services.catalog.adjustInventory(
                id, delta: delta, reason: visit.form["reason"] ?? "", by: try visit.actor)
            return Self.redirect("/admin/products/\(id)?saved=stock")
        } catch let error as OrderlyError where [.validationFailed, .insufficientStock].contains(error.code) {
            return try await adminProduct(id, visit, error: Self.describe(error)).with(
                status: Self.status(of: error))
        }
    }

    func staff(_ visit: WebVisit, error: String?) async throws -> Response {
        func people(_ role: Role) async throws -> [[String: Any]] {
            try await services.accounts.staff(role, page: PageRequest(limit: 100)).items.map {
                ["id": $0.id.rawValue, "name": $0.name, "email": $0.email.value, "role": $0.role.rawValue]
            }
        }
        return views.page(
            "admin-staff", title: "Staff",
            values: [
                "couriers": try await people(.courier), "admins": try await people(.admin), "error": error ?? "",
                "name": visit.form["name"] ?? "", "email": visit.form["email"] ?? "",
                "roles": [Role.courier, .admin].map {
                    ["value": $0.rawValue, "selected": $0.rawValue == visit.form["role"]] as [String: Any]
                },
            ], session: visit.session)
    }

    func createStaff(_ visit: WebVisit) async throws -> Response {
        let form = visit.form
        do {
            guard let role = form["role"].flatMap(Role.init(rawValue:)), role != .customer else {
                throw OrderlyError.validation(field: "role", "must be courier or admin")
            }
            _ = try await services.accounts.createAccount(
                .init(
                    email: form["email"] ?? "", password: form["password"] ?? "", name: form["name"] ?? "",
                    role: role), by: try visit.actor)
            return Self.redirect("/admin/staff")
        } catch let error as OrderlyError where [.validationFailed, .emailTaken].contains(error.code) {
            return try await staff(visit, error: Self.describe(error)).with(status: Self.status(of: error))
        }
    }
}

extension Response {
    /// The same response with another status (a form shown again with its error).
    func with(status: HTTPResponse.Status) -> Response {
        var response = self
        response.status = status
        return response
    }
}
