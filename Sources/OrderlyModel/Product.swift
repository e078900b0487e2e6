import Foundation

/// Something the shop sells, with its current price and stock.
public struct Product: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<Product>
    public static let idPrefix = "prd_"

    public var id: ID
    public var name: String
    public var description: String
    public var price: Money
    public var category: String
    /// Inactive products are hidden from the catalog and cannot be bought.
    public var active: Bool
    public var stock: StockLevel
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID, name: String, description: String, price: Money, category: String, active: Bool, stock: StockLevel,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.price = price
        self.category = category
        self.active = active
        self.stock = stock
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// How many units can still be bought (`available`) and how many are held by checkouts in flight (`reserved`).
public struct StockLevel: Hashable, Sendable, Codable {
    public var available: Int
    public var reserved: Int

    public init(available: Int, reserved: Int) {
        self.available = available
        self.reserved = reserved
    }
}

/// The rules for product fields.
public enum ProductRules {
    /// The most units one product may hold in stock.
    public static let maximumStock = 1_000_000_000

    /// Why an inventory adjustment of `delta` was refused with `available` units in stock: past the maximum for
    /// an addition, below zero for a removal.
    public static func adjustmentRefused(delta: Int, available: Int) -> OrderlyError {
        if delta > 0 {
            return OrderlyError(
                .conflict, "The stock would pass \(maximumStock) units.",
                fieldIssues: [FieldIssue(field: "delta", message: "stock may not exceed \(maximumStock)")])
        }
        return OrderlyError(
            .insufficientStock, "Only \(available) units are available to remove.",
            fieldIssues: [FieldIssue(field: "delta", message: "would take available stock below zero")])
    }
    /// The highest price: a full cart or order (50 lines of 99 units) at this price stays within
    /// ``Money/maximumAmount``, so no total can overflow.
    public static let maximumPrice = 200_000_000
    /// The largest single inventory adjustment.
    public static let maximumAdjustment = 1_000_000

    public static func name(_ value: String) -> [FieldIssue] { Validate.text(value, field: "name", length: 1...200) }

    public static func description(_ value: String) -> [FieldIssue] {
        Validate.text(value, field: "description", length: 0...5000, allowNewlines: true)
    }

    /// A category: 1–50 characters of letters, digits, spaces, `-` or `_` (compared case-insensitively).
    public static func category(_ value: String, field: String = "category") -> [FieldIssue] {
        let ok =
            (1...50).contains(value.count) && value.trimmed == value
            && value.allSatisfy { $0.isLetter || $0.isNumber || " -_".contains($0) }
        return ok ? [] : [FieldIssue(field: field, message: "must be 1–50 letters, digits, spaces, '-' or '_'")]
    }
}

/// What a catalog search asks for: every filter is optional.
public struct ProductQuery: Hashable, Sendable {
    public var category: String?
    /// Matched case-insensitively against name and description.
    public var text: String?
    public var minPrice: Int?
    public var maxPrice: Int?
    /// Only products with at least one unit available.
    public var inStockOnly: Bool
    /// Include inactive products (admins only).
    public var includeInactive: Bool

    public init(
        category: String? = nil, text: String? = nil, minPrice: Int? = nil, maxPrice: Int? = nil,
        inStockOnly: Bool = false, includeInactive: Bool = false
    ) {
        self.category = category
        self.text = text
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.inStockOnly = inStockOnly
        self.includeInactive = includeInactive
    }
}

/// A change to a product's details; `nil` fields are left as they are. Stock changes go through inventory adjustments.
public struct ProductPatch: Hashable, Sendable {
    public var name: String?
    public var description: String?
    public var price: Money?
    public var category: String?
    public var active: Bool?

    public init(
        name: String? = nil, description: String? = nil, price: Money? = nil, category: String? = nil,
        active: Bool? = nil
    ) {
        self.name = name
        self.description = description
        self.price = price
        self.category = category
        self.active = active
    }

    /// True when the patch changes nothing.
    public var isEmpty: Bool { name == nil && description == nil && price == nil && category == nil && active == nil }

    /// This patch applied to `product` (pure; the store does the same in one write).
    public func applied(to product: Product, at time: Date) -> Product {
        var product = product
        if let name { product.name = name }
        if let description { product.description = description }
        if let price { product.price = price }
        if let category { product.category = category }
        if let active { product.active = active }
        product.updatedAt = time
        return product
    }
}
