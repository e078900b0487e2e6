import Foundation
import OrderlyModel
import OrderlyPorts

/// A customer's cart, priced from the catalog.
public struct CartService: Sendable {
    let carts: any CartStore
    let catalog: any CatalogStore
    let env: ServiceEnvironment

    public init(carts: any CartStore, catalog: any CatalogStore, env: ServiceEnvironment) {
        self.carts = carts
        self.catalog = catalog
        self.env = env
    }

    /// A cart with current prices: what `GET /v1/cart` shows.
    public struct PricedCart: Sendable {
        public var cart: Cart
        public var lines: [PricedLine]
        public var total: Money
    }

    /// The caller's cart (empty and new on first use).
    public func cart(for actor: Actor) async throws -> PricedCart {
        try requireCustomer(actor)
        if let cart = try await carts.cart(userID: actor.userID) { return try await priced(cart) }
        return try await priced(try await update(actor) { _ in })
    }

    /// Adds `quantity` units of a product to what the cart already holds.
    /// - Throws: `not_found` for an unknown or inactive product; `validation_failed` past 99 units or 50 lines;
    ///   `insufficient_stock` when the line would hold more than is available.
    public func addItem(_ productID: Product.ID, quantity: Int, for actor: Actor) async throws -> PricedCart {
        try requireCustomer(actor)
        try OrderlyError.throwIfAny(Validate.integer(quantity, field: "quantity", in: Cart.quantityRange))
        let product = try await purchasable(productID)
        let cart = try await update(actor) { cart in
            let wanted = cart.quantity(of: productID) + quantity
            guard wanted <= Cart.quantityRange.upperBound else {
                throw OrderlyError(
                    .conflict, "The cart would hold \(wanted) of this product; a line holds at most 99.",
                    fieldIssues: [FieldIssue(field: "quantity", message: "the line would pass 99 units")])
            }
            guard wanted <= product.stock.available else {
                throw OrderlyError.insufficientStock(productID: productID.rawValue, available: product.stock.available)
            }
            try cart.setQuantity(wanted, of: productID, at: env.clock.now())
        }
        return try await priced(cart)
    }

    /// Sets a line's quantity; 0 removes the line.
    public func setQuantity(_ quantity: Int, of productID: Product.ID, for actor: Actor) async throws -> PricedCart {
        try requireCustomer(actor)
        try OrderlyError.throwIfAny(
            Validate.integer(quantity, field: "quantity", in: 0...Cart.quantityRange.upperBound))
        if quantity == 0 { return try await removeItem(productID, for: actor) }
        let product = try await purchasable(productID)
        guard quantity <= product.stock.available else {
            throw OrderlyError.insufficientStock(productID: productID.rawValue, available: product.stock.available)
        }
        let cart = try await update(actor) { cart in
            guard cart.quantity(of: productID) > 0 else { throw OrderlyError.notFound("cart item", field: "productId") }
            try cart.setQuantity(quantity, of: productID, at: env.clock.now())
        }
        return try await priced(cart)
    }

    /// Removes a line.
    /// - Throws: `not_found` when the cart has no such line.
    public func removeItem(_ productID: Product.ID, for actor: Actor) async throws -> PricedCart {
        try requireCustomer(actor)
        let cart = try await update(actor) { cart in
            guard cart.quantity(of: productID) > 0 else { throw OrderlyError.notFound("cart item", field: "productId") }
            try cart.setQuantity(0, of: productID, at: env.clock.now())
        }
        return try await priced(cart)
    }

    private func requireCustomer(_ actor: Actor) throws {
        guard actor.role == .customer else { throw OrderlyError.forbidden("Only customers have carts.") }
    }

    private func purchasable(_ id: Product.ID) async throws -> Product {
        guard let product = try await catalog.product(id: id), product.active else {
            throw OrderlyError.notFound("product", field: "productId")
        }
        return product
    }

    private func update(_ actor: Actor, _ change: @escaping @Sendable (inout Cart) throws -> Void) async throws -> Cart
    {
        try await carts.updateCart(
            userID: actor.userID, newID: env.ids.next(Cart.self), at: env.clock.now(), change: change)
    }

    /// Joins the catalog's current names and prices. A line whose product has since vanished is left out.
    private func priced(_ cart: Cart) async throws -> PricedCart {
        let products = Dictionary(
            uniqueKeysWithValues: try await catalog.products(ids: cart.lines.map(\.productID)).map { ($0.id, $0) })
        let lines = try cart.lines.compactMap { line in
            try products[line.productID].map { try PricedLine(product: $0, quantity: line.quantity) }
        }
        return PricedCart(cart: cart, lines: lines, total: try lines.total(in: env.currency))
    }
}
