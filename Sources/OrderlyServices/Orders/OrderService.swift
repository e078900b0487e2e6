import Foundation
import OrderlyModel
import OrderlyPorts

/// Placing, reading and cancelling orders. Checkout itself runs as a workflow.
public struct OrderService: Sendable {
    let orders: any OrderStore
    let carts: any CartStore
    let catalog: any CatalogStore
    let users: any UserStore
    let workflows: any WorkflowRuntime
    let payments: any PaymentStore
    let inventory: any InventoryStore
    let receipts: ReceiptService
    let env: ServiceEnvironment
    /// How long `?wait=true` waits for a checkout or a cancellation to finish.
    public var waitLimit: Duration = .seconds(10)
    /// How many open orders awaiting payment (cash on delivery takes stock with no payment) a customer may have
    /// before another cash order is refused.
    public var unpaidCashLimit = 3

    public init(
        orders: any OrderStore, carts: any CartStore, catalog: any CatalogStore, users: any UserStore,
        workflows: any WorkflowRuntime, payments: any PaymentStore, inventory: any InventoryStore,
        receipts: ReceiptService, env: ServiceEnvironment
    ) {
        self.payments = payments
        self.inventory = inventory
        self.orders = orders
        self.carts = carts
        self.catalog = catalog
        self.users = users
        self.workflows = workflows
        self.receipts = receipts
        self.env = env
    }

    /// What a customer asks for: the cart's lines (when `items` is nil) or the given ones.
    public struct PlaceOrder: Sendable {
        public var items: [Cart.Line]?
        public var paymentMethod: PaymentMethod
        public var deliverySlot: String?
        public var address: Address?
        public var subscriptionID: String?
        /// The request's `Idempotency-Key`: placing again with it answers the order it placed.
        public var idempotencyKey: String?

        public init(
            items: [Cart.Line]?, paymentMethod: PaymentMethod, deliverySlot: String? = nil, address: Address? = nil,
            subscriptionID: String? = nil, idempotencyKey: String? = nil
        ) {
            self.items = items
            self.paymentMethod = paymentMethod
            self.deliverySlot = deliverySlot
            self.address = address
            self.subscriptionID = subscriptionID
            self.idempotencyKey = idempotencyKey
        }
    }

    /// Validates the request, stores the order as `CREATED` with `OrderCreated`, and starts its checkout workflow.
    /// - Throws: `validation_failed`, `cart_empty`, `not_found` (an unknown or inactive product), `forbidden`.
    /// - Parameter orderID: the id the order must have (a subscription run chooses it when claiming the run);
    ///   when an order with that id exists it is answered as it is, so placing twice places once.
    public func place(_ request: PlaceOrder, for actor: Actor, orderID: Order.ID? = nil) async throws -> Order {
        guard actor.role == .customer else { throw OrderlyError.forbidden("Only customers place orders.") }
        if let orderID, let existing = try await orders.order(id: orderID) { return try await startCheckout(existing) }
        let order: Order
        do {
            order = try await newOrder(request, for: actor, orderID: orderID)
            try await orders.insertOrder(
                order, events: [try env.envelope(OrderCreated(order: order))],
                unpaidLimit: request.paymentMethod == .cash ? unpaidCashLimit : nil)
        } catch let error as OrderlyError {
            // An order placed before under the same id (two schedulers recovering one run) or the same
            // Idempotency-Key (a retry of a request whose answer was lost) stands, even where this request would no
            // longer pass (the cart that order emptied, a product withdrawn since). It is looked for only when this
            // request could not be stored, which saves a read on every new order.
            if let orderID, let existing = try await orders.order(id: orderID) {
                return try await startCheckout(existing)
            }
            if let key = request.idempotencyKey,
                let existing = try await orders.order(userID: actor.userID, idempotencyKey: key)
            {
                return try await startCheckout(existing)
            }
            throw error
        }
        return try await startCheckout(order)
    }

    /// The order `request` asks for, validated and priced, with the id of the checkout it will run.
    private func newOrder(_ request: PlaceOrder, for actor: Actor, orderID: Order.ID?) async throws -> Order {
        var issues = request.paymentMethod.validate()
        if let slot = request.deliverySlot { issues += DeliverySlot.validate(slot) }
        if let address = request.address { issues += address.validate(field: "address") }
        let fromCart = request.items == nil
        let lines: [Cart.Line]
        if let items = request.items {
            if !(1...Cart.maximumLines).contains(items.count) {
                issues.append(FieldIssue(field: "items", message: "must hold 1–\(Cart.maximumLines) lines"))
            }
            for (index, item) in items.enumerated() where !Cart.quantityRange.contains(item.quantity) {
                issues.append(FieldIssue(field: "items[\(index)].quantity", message: "must be between 1 and 99"))
            }
            if Set(items.map(\.productID)).count != items.count {
                issues.append(FieldIssue(field: "items", message: "must not name a product twice"))
            }
            lines = items
        } else {
            lines = try await carts.cart(userID: actor.userID)?.lines ?? []
        }
        try OrderlyError.throwIfAny(issues)
        guard !lines.isEmpty else { throw OrderlyError(.cartEmpty, "The cart is empty.") }

        let products = Dictionary(
            uniqueKeysWithValues: try await catalog.products(ids: lines.map(\.productID)).map { ($0.id, $0) })
        var priced: [PricedLine] = []
        for (index, line) in lines.enumerated() {
            guard let product = products[line.productID], product.active else {
                if fromCart {
                    throw OrderlyError(
                        .conflict, "\(line.productID) is no longer sold; remove it from the cart.",
                        fieldIssues: [
                            FieldIssue(field: "cart", message: "holds \(line.productID), which is no longer sold")
                        ])
                }
                throw OrderlyError.notFound("product", field: "items[\(index)].productId")
            }
            priced.append(try PricedLine(product: product, quantity: line.quantity))
        }
        let user = try await users.user(id: actor.userID)
        let now = env.clock.now()
        var order = Order(
            id: orderID ?? env.ids.next(Order.self), userID: actor.userID, lines: priced,
            total: try priced.total(in: env.currency),
            paymentMethod: request.paymentMethod, deliverySlot: request.deliverySlot,
            address: request.address ?? user?.address, subscriptionID: request.subscriptionID, fromCart: fromCart,
            at: now)
        order.idempotencyKey = request.idempotencyKey
        // The checkout's id is known before it starts: the order is written once, with it.
        order.executionID = try workflows.executionID(of: .checkout, name: order.id.rawValue)
        return order
    }

    /// Starts (or finds) the checkout execution of a `CREATED` order, and records its id on the order when an older
    /// version stored the order without it.
    func startCheckout(_ order: Order) async throws -> Order {
        let executionID = try await workflows.start(
            .checkout, name: order.id.rawValue, input: ["orderId": order.id.rawValue])
        guard order.executionID != executionID else { return order }
        return try await orders.updateOrder(id: order.id) { order in
            order.executionID = executionID
            return []
        }
    }

    /// Starts the checkout of every `CREATED` order that has none running: after a crash between storing an order
    /// and starting its workflow. Returns how many it looked at. (An order records its execution's id before the
    /// execution starts, so each is started by name: one that runs already is found, not started again.)
    @discardableResult
    public func startStrandedCheckouts() async throws -> Int {
        var count = 0
        var page = PageRequest(limit: 100)
        repeat {
            let batch = try await orders.orders(matching: OrderQuery(status: .created), page: page)
            for order in batch.items { _ = try await startCheckout(order) }
            count += batch.items.count
            page.after = batch.nextAfter
        } while page.after != nil
        return count
    }

    /// Waits (up to ``waitLimit``) for the order's checkout to finish, then answers the order as it is.
    public func waitForCheckout(_ order: Order) async throws -> Order {
        if let executionID = order.executionID {
            _ = await workflows.waitForEnd(executionID: executionID, timeout: waitLimit)
        }
        return try await orders.order(id: order.id) ?? order
    }

    /// An order its owner or an admin may see; to anyone else it does not exist.
    public func order(_ id: Order.ID, for actor: Actor) async throws -> Order {
        guard let order = try await orders.order(id: id), order.userID == actor.userID || actor.isAdmin else {
            throw OrderlyError.notFound("order")
        }
        return order
    }

    /// The caller's orders, newest first.
    public func orders(for actor: Actor, status: OrderStatus?, page: PageRequest) async throws -> Page<Order> {
        try await orders.orders(matching: OrderQuery(userID: actor.userID, status: status), page: page)
    }

    /// Cancels an order. Every cancellation is a compare-and-set on the status it was decided on:
    /// - `CREATED`: cancelled at once; the running checkout sees it and compensates (refund, release).
    /// - `CONFIRMED` or `PACKED`: cancelled at once (so it can no longer be picked up), then the cancel-order
    ///   workflow refunds and restocks; this answers once it has finished (``waitLimit`` at most).
    /// - `CANCELLED` with money or stock not yet given back (a cancellation whose workflow failed): the workflow is
    ///   run again. Otherwise, and after `OUT_FOR_DELIVERY`, `invalid_transition`.
    /// - Throws: `invalid_transition`; `not_found` for another's order.
    public func cancel(_ id: Order.ID, reason: String?, by actor: Actor) async throws -> Order {
        var order = try await self.order(id, for: actor)
        let reason =
            reason?.trimmed.isEmpty == false
            ? reason!.trimmed : (actor.isAdmin ? "cancelled by admin" : "cancelled by customer")
        try OrderlyError.throwIfAny(Validate.text(reason, field: "reason", length: 1...200))
        // The status may move between reading it and writing (a checkout confirming, a courier picking up): decide
        // again on what it became.
        for _ in 0..<4 {
            let observed = order.status
            switch observed {
            case .created, .confirmed, .packed:
                let now = env.clock.now()
                let env = self.env
                do {
                    order = try await orders.updateOrder(id: id) { order in
                        try order.move(from: observed, to: .cancelled, at: now, note: reason)
                        return [try env.envelope(OrderCancelled(order: order, reason: reason, from: observed))]
                    }
                } catch let error as OrderlyError where error.code == .conflict {
                    order = try await self.order(id, for: actor)
                    continue
                }
                // A running checkout compensates a CREATED order itself when it next looks at it; one that no longer
                // runs (stopped by an operator) left its stock held and perhaps a charge, undone here.
                if observed == .created, !(try await owesCompensation(order)) { return order }
                return try await compensate(order, reason: reason, retry: false)
            case .cancelled where try await owesCompensation(order):
                return try await compensate(order, reason: reason, retry: true)
            default:
                throw OrderlyError(
                    .invalidTransition, "An order that is \(order.status.rawValue) can no longer be cancelled.",
                    fieldIssues: [
                        FieldIssue(field: "status", message: "cannot move from \(order.status.rawValue) to CANCELLED")
                    ])
            }
        }
        throw OrderlyError(.conflict, "The order keeps changing; try again.")
    }

    /// Runs the cancel-order workflow (refund, restock) for a cancelled order and waits for it (``waitLimit``).
    /// A retry gets an execution of its own, since the name of one that ended cannot be used again.
    private func compensate(_ order: Order, reason: String, retry: Bool) async throws -> Order {
        let attempt = retry ? Int(env.clock.now().timeIntervalSince1970 * 1000) : nil
        let executionID = try await startCompensation(of: order.id, reason: reason, attempt: attempt)
        _ = await workflows.waitForEnd(executionID: executionID, timeout: waitLimit)
        return try await orders.order(id: order.id) ?? order
    }

    /// Starts (once: the execution is named by the order) the cancel-order workflow of an order cancelled after its
    /// checkout confirmed it. Also started from its `OrderCancelled` event, so that a process stopping between the
    /// cancel and the start still refunds and restocks.
    /// - Parameter attempt: a later attempt after one that failed (its execution has a name of its own).
    @discardableResult
    public func startCompensation(of orderID: Order.ID, reason: String, attempt: Int? = nil) async throws -> String {
        let name = "cancel-\(orderID.rawValue)" + (attempt.map { "-\($0)" } ?? "")
        return try await workflows.start(
            .cancelOrder, name: name, input: ["orderId": orderID.rawValue, "reason": reason])
    }

    /// Whether a cancelled order still holds money or stock it should give back: a capture not refunded, a charge
    /// whose outcome is unknown, or sold stock not returned. (Not while its checkout is still running: that one
    /// compensates by itself.)
    private func owesCompensation(_ order: Order) async throws -> Bool {
        if let executionID = order.executionID,
            try await workflows.describe(executionID: executionID)?.status == .running
        {
            return false
        }
        if let payment = try await payments.payment(orderID: order.id) {
            if payment.refundable.amount > 0 || (payment.status == .pending && payment.gatewayKey != nil) {
                return true
            }
        }
        let reservation = try await inventory.reservation(id: Reservation.id(for: order.id))
        return reservation?.status == .committed || reservation?.status == .held
    }

    /// The stored HTML receipt of a confirmed order.
    /// - Throws: `not_found` before the order is confirmed (or for another's order).
    public func receipt(_ id: Order.ID, for actor: Actor) async throws -> Data {
        let order = try await self.order(id, for: actor)
        guard order.status != .created, let receipt = try await receipts.receipt(for: order.id) else {
            throw OrderlyError.notFound("receipt (the order is not confirmed yet)")
        }
        return receipt
    }
}
