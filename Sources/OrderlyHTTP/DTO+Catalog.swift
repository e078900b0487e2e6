import Foundation
import OrderlyModel
import OrderlyServices

/// `POST /v1/products`.
struct CreateProductRequest: StrictDecodable {
    var name: String
    var description: String?
    var price: Money
    var category: String
    var stock: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case name, description, price, category, stock }
}

/// `PATCH /v1/products/{productId}`.
struct ProductPatchRequest: StrictDecodable {
    var name: String?
    var description: String?
    var price: Money?
    var category: String?
    var active: Bool?
    enum CodingKeys: String, CodingKey, CaseIterable { case name, description, price, category, active }
}

/// `POST /v1/products/{productId}/inventory`.
struct InventoryAdjustmentRequest: StrictDecodable {
    var delta: Int
    var reason: String
    enum CodingKeys: String, CodingKey, CaseIterable { case delta, reason }
}

/// A product as the API shows it.
struct ProductBody: Encodable {
    var productId: Product.ID
    var name: String
    var description: String
    var price: Money
    var category: String
    var active: Bool
    var stock: StockLevel
    var createdAt: Date
    var updatedAt: Date

    init(_ product: Product) {
        productId = product.id
        name = product.name
        description = product.description
        price = product.price
        category = product.category
        active = product.active
        stock = product.stock
        createdAt = product.createdAt
        updatedAt = product.updatedAt
    }
}

/// The answer to an inventory adjustment.
struct StockBody: Encodable {
    var productId: Product.ID
    var available: Int
    var reserved: Int
}

/// `{"items": [...], "nextCursor": "..." | null}`.
struct ListBody<Item: Encodable>: Encodable {
    var items: [Item]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey { case items, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// `POST /v1/cart/items`.
struct AddCartItemRequest: StrictDecodable {
    var productId: Reference<Product>
    var quantity: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case productId, quantity }
}

/// `PATCH /v1/cart/items/{productId}`.
struct SetCartItemRequest: StrictDecodable {
    var quantity: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case quantity }
}

/// A cart as the API shows it.
struct CartBody: Encodable {
    var cartId: Cart.ID
    var userId: User.ID
    var items: [LineBody]
    var total: Money
    var updatedAt: Date

    init(_ priced: CartService.PricedCart) {
        cartId = priced.cart.id
        userId = priced.cart.userID
        items = priced.lines.map(LineBody.init)
        total = priced.total
        updatedAt = priced.cart.updatedAt
    }
}

/// One priced line: `{"productId","name","unitPrice","quantity","lineTotal"}`.
struct LineBody: Encodable {
    var productId: Product.ID
    var name: String
    var unitPrice: Money
    var quantity: Int
    var lineTotal: Money

    init(_ line: PricedLine) {
        productId = line.productID
        name = line.name
        unitPrice = line.unitPrice
        quantity = line.quantity
        lineTotal = line.lineTotal
    }
}
