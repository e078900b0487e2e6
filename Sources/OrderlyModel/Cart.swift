import Foundation

/// A customer's cart as stored: product ids and quantities. Prices are joined from the catalog when shown.
public struct Cart: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<Cart>
    public static let idPrefix = "crt_"

    public var id: ID
    public var userID: User.ID
    /// Lines in the order they were first added.
    public var lines: [Line]
    public var updatedAt: Date

    /// One product and how many of it.
    public struct Line: Hashable, Sendable, Codable {
        public var productID: Product.ID
        public var quantity: Int

        public init(productID: Product.ID, quantity: Int) {
            self.productID = productID
            self.quantity = quantity
        }
    }

    public init(id: ID, userID: User.ID, lines: [Line], updatedAt: Date) {
        self.id = id
        self.userID = userID
        self.lines = lines
        self.updatedAt = updatedAt
    }

    /// Quantity limits of the public API: 1–99 per line, at most 50 lines.
    public static let quantityRange = 1...99
    public static let maximumLines = 50

    /// The quantity of `productID` in the cart, 0 when absent.
    public func quantity(of productID: Product.ID) -> Int {
        lines.first { $0.productID == productID }?.quantity ?? 0
    }

    /// Sets a line's quantity (0 removes it), enforcing the limits. Pure: the store persists the result atomically.
    ///
    /// - Throws: `validation_failed` for a quantity outside 0–99 or a 51st line.
    public mutating func setQuantity(_ quantity: Int, of productID: Product.ID, at time: Date) throws {
        guard quantity == 0 || Cart.quantityRange.contains(quantity) else {
            throw OrderlyError.validation(field: "quantity", "the quantity of one line must be between 1 and 99")
        }
        if let index = lines.firstIndex(where: { $0.productID == productID }) {
            if quantity == 0 { lines.remove(at: index) } else { lines[index].quantity = quantity }
        } else if quantity > 0 {
            guard lines.count < Cart.maximumLines else {
                throw OrderlyError(
                    .conflict, "The cart is full.",
                    fieldIssues: [
                        FieldIssue(field: "productId", message: "a cart holds at most \(Cart.maximumLines) lines")
                    ])
            }
            lines.append(Line(productID: productID, quantity: quantity))
        }
        updatedAt = time
    }
}

/// A cart line with the catalog's current price.
public struct PricedLine: Hashable, Sendable, Codable {
    public var productID: Product.ID
    public var name: String
    public var unitPrice: Money
    public var quantity: Int
    public var lineTotal: Money

    /// Prices `quantity` units of `product`.
    public init(product: Product, quantity: Int) throws {
        self.productID = product.id
        self.name = product.name
        self.unitPrice = product.price
        self.quantity = quantity
        self.lineTotal = try product.price.multiplied(by: quantity)
    }
}

extension Array where Element == PricedLine {
    /// The sum of the line totals, in `currency` (zero when empty).
    public func total(in currency: Currency) throws -> Money {
        try reduce(Money.zero(currency)) { try $0.adding($1.lineTotal) }
    }
}
