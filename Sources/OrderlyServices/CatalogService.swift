import Foundation
import OrderlyModel
import OrderlyPorts

/// The product catalog and its stock.
public struct CatalogService: Sendable {
    let catalog: any CatalogStore
    let env: ServiceEnvironment

    public init(catalog: any CatalogStore, env: ServiceEnvironment) {
        self.catalog = catalog
        self.env = env
    }

    /// The fields of a new product.
    public struct NewProduct: Sendable {
        public var name: String
        public var description: String
        public var price: Money
        public var category: String
        public var stock: Int

        public init(name: String, description: String, price: Money, category: String, stock: Int) {
            self.name = name
            self.description = description
            self.price = price
            self.category = category
            self.stock = stock
        }
    }

    /// Adds a product with its initial stock (admin only).
    public func createProduct(_ new: NewProduct, by actor: Actor) async throws -> Product {
        var issues = ProductRules.name(new.name) + ProductRules.description(new.description)
        issues += new.price.validatePrice(field: "price", storeCurrency: env.currency)
        issues += ProductRules.category(new.category)
        issues += Validate.integer(new.stock, field: "stock", in: 0...ProductRules.maximumStock)
        try OrderlyError.throwIfAny(issues)

        let now = env.clock.now()
        let product = Product(
            id: env.ids.next(Product.self), name: new.name.trimmed, description: new.description, price: new.price,
            category: new.category, active: true, stock: StockLevel(available: new.stock, reserved: 0),
            createdAt: now, updatedAt: now)
        let event = try env.envelope(
            ProductCreated(
                productId: product.id, name: product.name, price: product.price, category: product.category,
                stock: new.stock))
        try await catalog.insertProduct(product, events: [event])
        return product
    }

    /// One product. Inactive products are visible to admins only; to others they do not exist.
    public func product(_ id: Product.ID, for actor: Actor?) async throws -> Product {
        guard let product = try await catalog.product(id: id), product.active || actor?.isAdmin == true else {
            throw OrderlyError.notFound("product")
        }
        return product
    }

    /// A page of products matching `query`. Only admins may ask for inactive ones.
    public func products(matching query: ProductQuery, page: PageRequest, for actor: Actor?) async throws
        -> Page<Product>
    {
        if query.includeInactive {
            guard let actor else { throw OrderlyError.unauthenticated() }
            guard actor.isAdmin else { throw OrderlyError.forbidden("Only admins may list inactive products.") }
        }
        var issues: [FieldIssue] = []
        if let category = query.category { issues += ProductRules.category(category) }
        if let text = query.text { issues += Validate.text(text, field: "q", length: 1...100) }
        if let min = query.minPrice { issues += Validate.integer(min, field: "minPrice", in: 0...Money.maximumAmount) }
        if let max = query.maxPrice { issues += Validate.integer(max, field: "maxPrice", in: 0...Money.maximumAmount) }
        if let min = query.minPrice, let max = query.maxPrice, min > max {
            issues.append(FieldIssue(field: "minPrice", message: "must not be greater than maxPrice"))
        }
        try OrderlyError.throwIfAny(issues)
        return try await catalog.products(matching: query, page: page)
    }

    /// The categories shoppers can filter by: each that has an active product, sorted.
    public func categories() async throws -> [String] {
        try await catalog.categories()
    }

    /// Changes a product's details (admin only); stock changes go through ``adjustInventory(_:delta:reason:by:)``.
    public func updateProduct(_ id: Product.ID, _ patch: ProductPatch, by actor: Actor) async throws -> Product {
        var issues: [FieldIssue] = []
        if let name = patch.name { issues += ProductRules.name(name) }
        if let description = patch.description { issues += ProductRules.description(description) }
        if let price = patch.price { issues += price.validatePrice(field: "price", storeCurrency: env.currency) }
        if let category = patch.category { issues += ProductRules.category(category) }
        try OrderlyError.throwIfAny(issues)
        var patch = patch
        patch.name = patch.name?.trimmed
        return try await catalog.updateProduct(id: id, patch: patch, at: env.clock.now(), events: [])
    }

    /// Restocks (positive `delta`) or corrects (negative) the available stock; it never goes below zero.
    /// - Throws: `insufficient_stock` when a correction would take more than is available.
    public func adjustInventory(_ id: Product.ID, delta: Int, reason: String, by actor: Actor) async throws
        -> StockLevel
    {
        var issues = Validate.text(reason, field: "reason", length: 1...200)
        if delta == 0 || delta.magnitude > ProductRules.maximumAdjustment.magnitude {
            issues.append(
                FieldIssue(
                    field: "delta", message: "must be a non-zero whole number within ±\(ProductRules.maximumAdjustment)"
                ))
        }
        try OrderlyError.throwIfAny(issues)
        let event = try env.envelope(
            InventoryAdjusted(productId: id, delta: delta, reason: reason, adjustedBy: actor.userID))
        return try await catalog.adjustInventory(id: id, delta: delta, at: env.clock.now(), events: [event])
    }
}
