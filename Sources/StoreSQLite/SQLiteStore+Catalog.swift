import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: CatalogStore {
    static let productColumns = """
        SELECT p.*, i.available, i.reserved FROM products p JOIN inventory i ON i.product_id = p.id
        """

    public func insertProduct(_ product: Product, events: [EventEnvelope]) async throws {
        try await writeProducts { db, touched in
            touched.add(product.id.rawValue)
            try db.cachedStatement(
                sql: """
                    INSERT INTO products (id, name, description, price_amount, currency, category, active, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                product.id.rawValue, product.name, product.description, product.price.amount,
                product.price.currency.rawValue, product.category, product.active, product.createdAt.millis,
                product.updatedAt.millis,
            ])
            try db.cachedStatement(
                sql: """
                    INSERT INTO inventory (product_id, available, reserved, sold, received, updated_at)
                    VALUES (?, ?, ?, 0, ?, ?)
                    """
            ).execute(arguments: [
                product.id.rawValue, product.stock.available, product.stock.reserved,
                product.stock.available + product.stock.reserved, product.createdAt.millis,
            ])
            try Self.record(events, in: db)
        }
    }

    public func product(id: Product.ID) async throws -> Product? {
        try productCache.record(id.rawValue) {
            try readOne { db in
                try Row.fetchOne(db.cachedStatement(sql: Self.productByID), arguments: [id.rawValue])
                    .map(Self.product(from:))
            }
        }
    }

    static let productByID = productColumns + " WHERE p.id = ?"

    /// Each from the cache, as ``product(id:)`` (a cart or an order names a few).
    public func products(ids: [Product.ID]) async throws -> [Product] {
        var products: [Product] = []
        for id in Set(ids) {
            if let product = try await product(id: id) { products.append(product) }
        }
        return products
    }

    public func products(matching query: ProductQuery, page: PageRequest) async throws -> Page<Product> {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if !query.includeInactive { conditions.append("p.active = 1") }
        if let category = query.category {
            conditions.append("p.category = ? COLLATE NOCASE")
            arguments += [category]
        }
        if let text = query.text {
            conditions.append("(p.name LIKE ? ESCAPE '\\' OR p.description LIKE ? ESCAPE '\\')")
            let pattern = "%" + Self.escapeLike(text) + "%"
            arguments += [pattern, pattern]
        }
        if let min = query.minPrice {
            conditions.append("p.price_amount >= ?")
            arguments += [min]
        }
        if let max = query.maxPrice {
            conditions.append("p.price_amount <= ?")
            arguments += [max]
        }
        if query.inStockOnly { conditions.append("i.available > 0") }
        if let after = page.after {
            conditions.append("p.id > ?")
            arguments += [after]
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        arguments += [page.limit + 1]
        let sql = Self.productColumns + whereClause + " ORDER BY p.id LIMIT ?"
        let rows = try readNow { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.product(from:))
        }
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextAfter: rows.count > page.limit ? items.last?.id.rawValue : nil)
    }

    public func categories() async throws -> [String] {
        try readNow { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT min(category) FROM products WHERE active = 1
                        GROUP BY category COLLATE NOCASE ORDER BY category COLLATE NOCASE
                        """))
        }
    }

    public func updateProduct(id: Product.ID, patch: ProductPatch, at time: Date, events: [EventEnvelope]) async throws
        -> Product
    {
        try await writeProducts { db, touched in
            touched.add(id.rawValue)
            guard
                let current = try Row.fetchOne(
                    db, sql: Self.productColumns + " WHERE p.id = ?", arguments: [id.rawValue]
                )
                .map(Self.product(from:))
            else { throw OrderlyError.notFound("product") }
            let product = patch.applied(to: current, at: time)
            try db.cachedStatement(
                sql: """
                    UPDATE products SET name = ?, description = ?, price_amount = ?, currency = ?, category = ?,
                    active = ?, updated_at = ? WHERE id = ?
                    """
            ).execute(arguments: [
                product.name, product.description, product.price.amount, product.price.currency.rawValue,
                product.category, product.active, product.updatedAt.millis, id.rawValue,
            ])
            try Self.record(events, in: db)
            return product
        }
    }

    public func adjustInventory(id: Product.ID, delta: Int, at time: Date, events: [EventEnvelope]) async throws
        -> StockLevel
    {
        try await writeProducts { db, touched in
            touched.add(id.rawValue)
            try db.cachedStatement(
                sql: """
                    UPDATE inventory SET available = available + ?1, received = received + ?1, updated_at = ?2
                    WHERE product_id = ?3 AND available + ?1 >= 0 AND available + ?1 <= ?4
                    """
            ).execute(arguments: [delta, time.millis, id.rawValue, ProductRules.maximumStock])
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT available, reserved FROM inventory WHERE product_id = ?"),
                arguments: [id.rawValue])
            guard let row else { throw OrderlyError.notFound("product") }
            let level = StockLevel(available: row["available"], reserved: row["reserved"])
            guard db.changesCount == 1 else {
                throw ProductRules.adjustmentRefused(delta: delta, available: level.available)
            }
            try db.cachedStatement(sql: "UPDATE products SET updated_at = ? WHERE id = ?").execute(arguments: [
                time.millis, id.rawValue,
            ])
            try Self.record(events, in: db)
            return level
        }
    }

    static func product(from row: Row) throws -> Product {
        let currencyText: String = row["currency"]
        guard let currency = Currency(rawValue: currencyText) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "product \(row["id"] ?? "") has a bad currency")
        }
        return Product(
            id: .init(rawValue: row["id"]), name: row["name"], description: row["description"],
            price: Money(amount: row["price_amount"], currency: currency), category: row["category"],
            active: row["active"], stock: StockLevel(available: row["available"], reserved: row["reserved"]),
            createdAt: Date(millis: row["created_at"]), updatedAt: Date(millis: row["updated_at"]))
    }

    /// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
    static func escapeLike(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

extension SQLiteStore: CartStore {
    public func cart(userID: User.ID) async throws -> Cart? {
        try readNow { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM carts WHERE user_id = ?"), arguments: [userID.rawValue]
            )
            .map(Self.cart(from:))
        }
    }

    public func updateCart(
        userID: User.ID, newID: Cart.ID, at time: Date, change: @escaping @Sendable (inout Cart) throws -> Void
    ) async throws -> Cart {
        try await writer.write { db in
            let existing = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM carts WHERE user_id = ?"), arguments: [userID.rawValue]
            )
            .map(Self.cart(from:))
            var cart = existing ?? Cart(id: newID, userID: userID, lines: [], updatedAt: time)
            try change(&cart)
            try db.cachedStatement(
                sql: """
                    INSERT INTO carts (id, user_id, lines, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET lines = excluded.lines, updated_at = excluded.updated_at
                    """
            ).execute(arguments: [
                cart.id.rawValue, userID.rawValue, try JSONColumn.encode(cart.lines), cart.updatedAt.millis,
            ])
            return cart
        }
    }

    static func cart(from row: Row) throws -> Cart {
        Cart(
            id: .init(rawValue: row["id"]), userID: .init(rawValue: row["user_id"]),
            lines: try JSONColumn.decode([Cart.Line].self, from: row["lines"]),
            updatedAt: Date(millis: row["updated_at"]))
    }
}
