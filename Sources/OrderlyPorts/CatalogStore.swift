import Foundation
import OrderlyModel

/// Where products and their stock live. Every method is one atomic write or one read.
public protocol CatalogStore: Sendable {
    /// Stores a new product with its initial stock and its events in one write.
    func insertProduct(_ product: Product, events: [EventEnvelope]) async throws

    /// The product with this id, active or not.
    func product(id: Product.ID) async throws -> Product?

    /// The products with these ids that exist, in no particular order.
    func products(ids: [Product.ID]) async throws -> [Product]

    /// Products matching `query`, ordered by id (creation order), `page.limit` at most after `page.after`.
    func products(matching query: ProductQuery, page: PageRequest) async throws -> Page<Product>

    /// The categories that have an active product, each once (compared case-insensitively), sorted.
    func categories() async throws -> [String]

    /// Applies `patch` in one write and returns the product as it now is.
    /// - Throws: `not_found` when there is no such product.
    func updateProduct(id: Product.ID, patch: ProductPatch, at time: Date, events: [EventEnvelope]) async throws
        -> Product

    /// Adds `delta` (negative to remove) to the available stock, on the condition that it stays ≥ 0, and records the
    /// events in the same write.
    /// - Throws: `not_found`; `insufficient_stock` when fewer than `-delta` units are available.
    func adjustInventory(id: Product.ID, delta: Int, at time: Date, events: [EventEnvelope]) async throws
        -> StockLevel
}
