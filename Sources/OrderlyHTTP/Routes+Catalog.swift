import Hummingbird
import OrderlyModel
import OrderlyServices

extension APIRoutes {
    func addCatalogRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(
                .get, "/v1/products", "Browse the catalog", access: .anyone,
                query: [
                    ("category", SchemaRule.category), ("q", SchemaRule.text(1, 100)),
                    ("minPrice", #"{"type":"integer","minimum":0,"maximum":1000000000000}"#),
                    ("maxPrice", #"{"type":"integer","minimum":0,"maximum":1000000000000}"#),
                    ("inStock", #"{"type":"boolean"}"#), ("includeInactive", #"{"type":"boolean"}"#),
                    ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", SchemaRule.cursor),
                ], success: (200, "ProductList"), errors: [401, 403]), in: table
        ) { request, context in
            let input = QueryInput(request: request)
            let includeInactive = try input.bool("includeInactive") ?? false
            let query = ProductQuery(
                category: input.string("category"), text: input.string("q"),
                minPrice: try input.int("minPrice", in: 0...Int.max),
                maxPrice: try input.int("maxPrice", in: 0...Int.max),
                inStockOnly: try input.bool("inStock") ?? false, includeInactive: includeInactive)
            let page = try await services.catalog.products(matching: query, page: try input.page(), for: context.actor)
            return try JSONResponse.make(
                ListBody(items: page.items.map(ProductBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }

        router.add(
            RouteSpec(.get, "/v1/products/{productId}", "One product", access: .anyone, success: (200, "Product")),
            in: table
        ) { _, context in
            let id = try context.pathID("productId", as: Product.self, what: "product")
            let product = try await services.catalog.product(id, for: context.actor)
            return try JSONResponse.make(ProductBody(product), from: product)
        }

        router.add(
            RouteSpec(
                .post, "/v1/products", "Add a product with its initial stock", access: .roles([.admin]),
                body: "CreateProductRequest", success: (201, "Product")), in: table
        ) { request, context, actor in
            let body = try await JSONBody.decode(CreateProductRequest.self, from: request, context: context)
            let product = try await services.catalog.createProduct(
                .init(
                    name: body.name, description: body.description ?? "", price: body.price, category: body.category,
                    stock: body.stock), by: actor)
            return try JSONResponse.make(ProductBody(product), status: .created)
        }

        router.add(
            RouteSpec(
                .patch, "/v1/products/{productId}", "Change a product's details", access: .roles([.admin]),
                body: "ProductPatchRequest", success: (200, "Product")), in: table
        ) { request, context, actor in
            let id = try context.pathID("productId", as: Product.self, what: "product")
            let body = try await JSONBody.decode(ProductPatchRequest.self, from: request, context: context)
            let patch = ProductPatch(
                name: body.name, description: body.description, price: body.price, category: body.category,
                active: body.active)
            return try JSONResponse.make(ProductBody(try await services.catalog.updateProduct(id, patch, by: actor)))
        }

        router.add(
            RouteSpec(
                .post, "/v1/products/{productId}/inventory", "Restock or correct the available stock",
                access: .roles([.admin]), body: "InventoryAdjustmentRequest", success: (200, "Stock"), errors: [409]),
            in: table
        ) { request, context, actor in
            let id = try context.pathID("productId", as: Product.self, what: "product")
            let body = try await JSONBody.decode(InventoryAdjustmentRequest.self, from: request, context: context)
            let level = try await services.catalog.adjustInventory(
                id, delta: body.delta, reason: body.reason, by: actor)
            return try JSONResponse.make(StockBody(productId: id, available: level.available, reserved: level.reserved))
        }
    }

    func addCartRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(.get, "/v1/cart", "The caller's cart", access: .roles([.customer]), success: (200, "Cart")),
            in: table
        ) { _, context, actor in
            return try JSONResponse.make(CartBody(try await services.carts.cart(for: actor)))
        }

        router.add(
            RouteSpec(
                .post, "/v1/cart/items", "Add units of a product to the cart", access: .roles([.customer]),
                body: "AddCartItemRequest", success: (200, "Cart"), errors: [404, 409]), in: table
        ) { request, context, actor in
            let body = try await JSONBody.decode(AddCartItemRequest.self, from: request, context: context)
            return try JSONResponse.make(
                CartBody(
                    try await services.carts.addItem(
                        try body.productId.id("product", field: "productId"), quantity: body.quantity, for: actor)))
        }

        router.add(
            RouteSpec(
                .patch, "/v1/cart/items/{productId}", "Set a line's quantity (0 removes it)",
                access: .roles([.customer]), body: "SetCartItemRequest", success: (200, "Cart"), errors: [409]),
            in: table
        ) { request, context, actor in
            let id = try context.pathID("productId", as: Product.self, what: "cart item")
            let body = try await JSONBody.decode(SetCartItemRequest.self, from: request, context: context)
            return try JSONResponse.make(
                CartBody(try await services.carts.setQuantity(body.quantity, of: id, for: actor)))
        }

        router.add(
            RouteSpec(
                .delete, "/v1/cart/items/{productId}", "Remove a line", access: .roles([.customer]),
                success: (200, "Cart")), in: table
        ) { _, context, actor in
            let id = try context.pathID("productId", as: Product.self, what: "cart item")
            return try JSONResponse.make(CartBody(try await services.carts.removeItem(id, for: actor)))
        }
    }
}
