import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// Products keep their stock counts (`available`, `reserved`, `sold`, `received`) as numbers on the product's item,
/// changed only by `ADD` under a condition (`available >= :quantity`), never through the document: a product edit
/// and a sale never overwrite each other.
extension DynamoStore: CatalogStore {
    public func insertProduct(_ product: Product, events: [EventEnvelope]) async throws {
        var item = try Self.productAttributes(product)
        item["id"] = Attribute.string(product.id.rawValue)
        item["version"] = Attribute.number(1)
        item["catalogShard"] = Attribute.string("catalog")
        item["available"] = Attribute.number(product.stock.available)
        item["reserved"] = Attribute.number(product.stock.reserved)
        item["sold"] = Attribute.number(0)
        item["received"] = Attribute.number(product.stock.available + product.stock.reserved)
        do {
            try await transact(
                [put(.products, item, condition: "attribute_not_exists(id)")]
                    + categoryCounts(from: nil, to: product) + outboxPuts(events))
        } catch let cancelled as TransactionCancelled where cancelled.failed(0) {
            throw OrderlyError(.conflict, "A product with the id \(product.id) exists already.")
        }
    }

    public func product(id: Product.ID) async throws -> Product? {
        try await get(.products, ["id": Attribute.string(id.rawValue)]).map(Self.product(from:))
    }

    public func products(ids: [Product.ID]) async throws -> [Product] {
        var products: [Product] = []
        let unique = Array(Set(ids))
        for chunk in stride(from: 0, to: unique.count, by: 100).map({ unique[$0..<min($0 + 100, unique.count)] }) {
            var keys: JSON = .array(chunk.map { ["id": Attribute.string($0.rawValue)] })
            while keys.arrayValue?.isEmpty == false {
                let answer = try await dynamo.call(
                    "BatchGetItem",
                    ["RequestItems": .object([name(.products): ["Keys": keys, "ConsistentRead": true]])])
                products += try (answer["Responses"]?[name(.products)]?.arrayValue ?? []).map(Self.product(from:))
                keys = answer["UnprocessedKeys"]?[name(.products)]?["Keys"] ?? .array([])
            }
        }
        return products
    }

    public func products(matching query: ProductQuery, page: PageRequest) async throws -> Page<Product> {
        var filters: [String] = []
        var names: [String: String] = [:]
        var values: JSONObject = [:]
        if !query.includeInactive {
            filters.append("#active = :active")
            names["#active"] = "active"
            values[":active"] = .object(["BOOL": true])
        }
        if let text = query.text {
            filters.append("contains(searchText, :text)")
            values[":text"] = Attribute.string(text.lowercased())
        }
        if let min = query.minPrice {
            filters.append("price >= :min")
            values[":min"] = Attribute.number(min)
        }
        if let max = query.maxPrice {
            filters.append("price <= :max")
            values[":max"] = Attribute.number(max)
        }
        if query.inStockOnly {
            filters.append("available > :zero")
            values[":zero"] = Attribute.number(0)
        }
        let (index, hash) =
            if let category = query.category {
                ("byCategory", (name: "categoryKey", value: Attribute.string(category.lowercased())))
            } else {
                ("all", (name: "catalogShard", value: Attribute.string("catalog")))
            }
        let (items, next) = try await self.page(
            .products, index: index, hash: hash, sortKey: "id", newestFirst: false, page: page,
            filter: filters.isEmpty ? nil : filters.joined(separator: " AND "), names: names, values: values)
        return Page(items: try items.map(Self.product(from:)), nextAfter: next)
    }

    public func categories() async throws -> [String] {
        try await all(
            .uniques, index: "categories", condition: "categoryShard = :shard", names: ["#active": "active"],
            values: [":shard": Attribute.string("catalog"), ":zero": Attribute.number(0)], filter: "#active > :zero"
        )
        .compactMap { Attribute.string($0["name"]) }
        .sorted { $0.lowercased() < $1.lowercased() }
    }

    /// The writes that keep each category's count of active products (the `uniques` item `category#<lowercased>`,
    /// listed by the sparse `categories` index) in step with a product going from `old` to `new`.
    func categoryCounts(from old: Product?, to new: Product) -> [JSON] {
        var deltas: [String: (name: String, delta: Int)] = [:]
        if let old, old.active { deltas[old.category.lowercased()] = (old.category, -1) }
        if new.active {
            let key = new.category.lowercased()
            deltas[key] = (new.category, (deltas[key]?.delta ?? 0) + 1)
        }
        // A category is shown as the last spelling that came into it.
        return deltas.filter { $0.value.delta != 0 }.sorted { $0.key < $1.key }.map { key, count in
            count.delta > 0
                ? update(
                    .uniques, ["key": Attribute.string("category#" + key)],
                    "SET categoryShard = :shard, #name = :name ADD #active :delta",
                    names: ["#name": "name", "#active": "active"],
                    values: [
                        ":shard": Attribute.string("catalog"), ":name": Attribute.string(count.name),
                        ":delta": Attribute.number(count.delta),
                    ])
                : update(
                    .uniques, ["key": Attribute.string("category#" + key)], "ADD #active :delta",
                    names: ["#active": "active"], values: [":delta": Attribute.number(count.delta)])
        }
    }

    public func updateProduct(id: Product.ID, patch: ProductPatch, at time: Date, events: [EventEnvelope]) async throws
        -> Product
    {
        try await retryingConflicts {
            guard let item = try await get(.products, ["id": Attribute.string(id.rawValue)]) else {
                throw OrderlyError.notFound("product")
            }
            let current = try Self.product(from: item)
            let product = patch.applied(to: current, at: time)
            var values = try Self.productAttributes(product).reduce(into: JSONObject()) {
                $0[":" + $1.key] = $1.value
            }
            let names = Self.productAttributeNames
            values[":version"] = Attribute.number(Self.version(item))
            values[":next"] = Attribute.number(Self.version(item) + 1)
            let sets = names.keys.sorted().map { "\($0) = :\($0.dropFirst())" } + ["#version = :next"]
            do {
                try await transact(
                    [
                        update(
                            .products, ["id": Attribute.string(id.rawValue)], "SET " + sets.joined(separator: ", "),
                            condition: "#version = :version", names: names.merging(["#version": "version"]) { $1 },
                            values: values)
                    ] + categoryCounts(from: current, to: product) + outboxPuts(events))
            } catch let cancelled as TransactionCancelled where cancelled.failed(0) || cancelled.conflicted {
                throw VersionConflict()
            }
            return product
        }
    }

    public func adjustInventory(id: Product.ID, delta: Int, at time: Date, events: [EventEnvelope]) async throws
        -> StockLevel
    {
        let key: JSONObject = ["id": Attribute.string(id.rawValue)]
        do {
            try await transact(
                [
                    update(
                        .products, key, "ADD available :delta, received :delta SET stockUpdatedAt = :at",
                        condition: "attribute_exists(id) AND available >= :lowest AND available <= :highest",
                        values: [
                            ":delta": Attribute.number(delta), ":at": Attribute.number(Self.millis(time)),
                            ":lowest": Attribute.number(-delta),
                            ":highest": Attribute.number(ProductRules.maximumStock - delta),
                        ])
                ] + outboxPuts(events))
        } catch let cancelled as TransactionCancelled where cancelled.failed(0) {
            guard let product = try await product(id: id) else { throw OrderlyError.notFound("product") }
            throw ProductRules.adjustmentRefused(delta: delta, available: product.stock.available)
        }
        guard let product = try await product(id: id) else { throw OrderlyError.notFound("product") }
        return product.stock
    }

    /// The attributes a product edit rewrites (the document and what the listing filters and keys on).
    static func productAttributes(_ product: Product) throws -> JSONObject {
        [
            "doc": try doc(product), "categoryKey": Attribute.string(product.category.lowercased()),
            "active": .object(["BOOL": .bool(product.active)]), "price": Attribute.number(product.price.amount),
            "searchText": Attribute.string((product.name + "\n" + product.description).lowercased()),
        ]
    }

    /// Placeholders for ``productAttributes(_:)`` (`#doc` for `doc`, ...).
    static let productAttributeNames: [String: String] = [
        "#doc": "doc", "#categoryKey": "categoryKey", "#active": "active", "#price": "price",
        "#searchText": "searchText",
    ]

    /// The product of an item: its document, with the stock counts and the time they last changed.
    static func product(from item: JSON) throws -> Product {
        var product = try decode(Product.self, item)
        product.stock = StockLevel(
            available: Attribute.number(item["available"]) ?? 0, reserved: Attribute.number(item["reserved"]) ?? 0)
        if let millis = Attribute.number(item["stockUpdatedAt"]) {
            product.updatedAt = max(product.updatedAt, Date(timeIntervalSince1970: Double(millis) / 1000))
        }
        return product
    }
}

extension DynamoStore: CartStore {
    public func cart(userID: User.ID) async throws -> Cart? {
        try await get(.carts, ["userId": Attribute.string(userID.rawValue)]).map { try Self.decode(Cart.self, $0) }
    }

    public func updateCart(
        userID: User.ID, newID: Cart.ID, at time: Date, change: @escaping @Sendable (inout Cart) throws -> Void
    ) async throws -> Cart {
        try await retryingConflicts {
            let item = try await get(.carts, ["userId": Attribute.string(userID.rawValue)])
            var cart =
                try item.map { try Self.decode(Cart.self, $0) }
                ?? Cart(id: newID, userID: userID, lines: [], updatedAt: time)
            try change(&cart)
            let version = item.map(Self.version)
            let (condition, names, values) = Self.versionCondition(version, key: "userId")
            do {
                try await transact([
                    put(
                        .carts,
                        [
                            "userId": Attribute.string(userID.rawValue), "doc": try Self.doc(cart),
                            "version": Attribute.number((version ?? 0) + 1),
                        ], condition: condition, names: names, values: values)
                ])
            } catch let cancelled as TransactionCancelled where cancelled.failed(0) || cancelled.conflicted {
                throw VersionConflict()
            }
            return cart
        }
    }
}
