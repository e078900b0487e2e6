import Foundation
import OrderlyModel
import OrderlyPorts
import OrderlyServices

/// `orderly demo seed`: a small dairy with stock, an admin, a courier, customers with carts, orders in several states
/// and an active subscription. Each step looks for what it would make first, so running it twice changes nothing.
public struct DemoSeed {
    let composition: Composition
    let log: (String) -> Void

    public init(composition: Composition, log: @escaping (String) -> Void) {
        self.composition = composition
        self.log = log
    }

    public static let password = "orderly-demo"
    static let products: [(name: String, description: String, price: Int, category: String, stock: Int)] = [
        ("Full Cream Milk 1L", "Fresh full cream milk, delivered before 7.", 129, "milk", 200),
        ("Toned Milk 500ml", "Everyday toned milk.", 65, "milk", 200),
        ("Curd 500g", "Set curd, made overnight.", 90, "curd", 120),
        ("Butter 100g", "Salted table butter.", 110, "butter", 80),
        ("Paneer 200g", "Soft cottage cheese.", 180, "paneer", 60),
        ("Ghee 500ml", "Cultured cow ghee.", 550, "ghee", 40),
        ("Buttermilk 200ml", "Spiced chaas.", 30, "drinks", 150),
    ]

    public func run() async throws {
        let admin = try await user("admin@orderly.demo", "Dairy Admin", .admin)
        let adminActor = Actor(userID: admin.id, role: .admin)
        let courier = try await user("courier@orderly.demo", "Kiran (courier)", .courier)
        var catalog: [String: Product] = [:]
        for item in Self.products {
            catalog[item.name] = try await product(item, by: adminActor)
        }
        let asha = try await user("asha@orderly.demo", "Asha", .customer)
        let ravi = try await user("ravi@orderly.demo", "Ravi", .customer)
        let meera = try await user("meera@orderly.demo", "Meera", .customer)
        let milk = catalog["Full Cream Milk 1L"]!
        let curd = catalog["Curd 500g"]!
        let paneer = catalog["Paneer 200g"]!
        let ghee = catalog["Ghee 500ml"]!

        if try await hasOrders(asha) {
            log("orders: already seeded")
        } else {
            // Asha: delivered (cash), Ravi: packed and confirmed, Meera: declined card.
            let delivered = try await order(asha, [(milk, 2), (curd, 1)], .cash)
            try await deliver(delivered, courier: courier, by: adminActor)
            let packed = try await order(ravi, [(paneer, 1), (ghee, 1)], .card(token: "tok_visa"))
            _ = try await composition.services.orders.adminMove(
                packed.id, to: .packed, note: "packed for the morning round", by: adminActor)
            _ = try await order(ravi, [(milk, 1)], .upi(vpa: "ravi@okbank"))
            _ = try await order(meera, [(ghee, 2)], .card(token: "tok_chargeDeclined"))
            log("orders: delivered, packed, confirmed and declined")
        }
        for (customer, product, quantity) in [(ravi, curd, 2), (meera, milk, 1)] {
            let actor = Actor(userID: customer.id, role: .customer)
            if try await composition.services.carts.cart(for: actor).lines.isEmpty {
                _ = try await composition.services.carts.addItem(product.id, quantity: quantity, for: actor)
            }
        }
        log("carts: Ravi and Meera have items waiting")
        let ashaActor = Actor(userID: asha.id, role: .customer)
        if try await composition.services.subscriptions.list(for: ashaActor, page: PageRequest(limit: 1)).items.isEmpty
        {
            let tomorrow = Schedule.dayString(composition.clock.now().addingTimeInterval(86_400))
            _ = try await composition.services.subscriptions.create(
                .init(
                    productID: milk.id, quantity: 2, frequency: .daily, startDate: tomorrow, endDate: nil,
                    deliveryTime: "07:00",
                    paymentMethod: .card(token: "tok_visa"), address: nil), for: ashaActor)
        }
        log("subscription: Asha gets 2 × milk daily at 07:00 UTC")
        while try await composition.dispatcher.dispatchPending() > 0 {}
        log("")
        log("Sign in with (password \(Self.password) for every account):")
        log("  admin    admin@orderly.demo")
        log("  courier  courier@orderly.demo")
        log("  customer asha@orderly.demo, ravi@orderly.demo, meera@orderly.demo")
    }

    private func user(_ email: String, _ name: String, _ role: Role) async throws -> User {
        if let address = EmailAddress(email), let existing = try await composition.store.user(email: address) {
            return existing
        }
        let address =
            role == .customer
            ? Address(line1: "12 Dairy Lane", city: "Pune", postalCode: "411001", country: "IN") : nil
        let created = try await composition.services.accounts.provision(
            .init(email: email, password: Self.password, name: name, address: address, role: role))
        log("user: \(role.rawValue) \(email)")
        return created
    }

    private func product(
        _ item: (name: String, description: String, price: Int, category: String, stock: Int), by admin: Actor
    ) async throws -> Product {
        let found = try await composition.services.catalog.products(
            matching: ProductQuery(text: item.name, includeInactive: true), page: PageRequest(limit: 10), for: admin)
        if let existing = found.items.first(where: { $0.name == item.name }) { return existing }
        let created = try await composition.services.catalog.createProduct(
            .init(
                name: item.name, description: item.description,
                price: Money(amount: item.price, currency: composition.configuration.currency),
                category: item.category, stock: item.stock), by: admin)
        log("product: \(item.name), \(created.price.formatted), \(item.stock) in stock")
        return created
    }

    private func hasOrders(_ user: User) async throws -> Bool {
        !(try await composition.services.orders.orders(
            for: Actor(userID: user.id, role: .customer), status: nil, page: PageRequest(limit: 1)
        ).items.isEmpty)
    }

    private func order(_ user: User, _ lines: [(Product, Int)], _ method: PaymentMethod) async throws -> Order {
        let placed = try await composition.services.orders.place(
            .init(items: lines.map { Cart.Line(productID: $0.0.id, quantity: $0.1) }, paymentMethod: method),
            for: Actor(userID: user.id, role: .customer))
        return try await composition.services.orders.waitForCheckout(placed)
    }

    private func deliver(_ order: Order, courier: User, by admin: Actor) async throws {
        _ = try await composition.services.orders.adminMove(order.id, to: .packed, note: nil, by: admin)
        let delivery = try await composition.services.deliveries.assign(
            orderID: order.id, courierID: courier.id, by: admin)
        let courierActor = Actor(userID: courier.id, role: .courier)
        for status in [DeliveryStatus.pickedUp, .inTransit, .delivered] {
            _ = try await composition.services.deliveries.move(delivery.id, to: status, note: nil, by: courierActor)
        }
    }
}
