import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import WorkflowEngine

/// The Task handlers of the checkout and cancel-order workflows: each a function from JSON to JSON, or a named
/// error the workflow's Retry and Catch act on. Each acts once however often it is called for the same step:
/// by domain state (one reservation and one payment per order) and by the idempotency key the engine gives it.
public struct CheckoutTasks: Sendable {
    let orders: any OrderStore
    let inventory: any InventoryStore
    let payments: any PaymentStore
    let gateway: any PaymentGateway
    let outbox: any EventOutbox
    let paymentService: PaymentService
    let deliveries: DeliveryService
    let notifier: Notifier
    let receipts: ReceiptService
    let env: ServiceEnvironment
    let reservationTTL: TimeInterval

    public init(
        orders: any OrderStore, inventory: any InventoryStore, payments: any PaymentStore, gateway: any PaymentGateway,
        outbox: any EventOutbox, paymentService: PaymentService, deliveries: DeliveryService, notifier: Notifier,
        receipts: ReceiptService, env: ServiceEnvironment, reservationTTL: TimeInterval
    ) {
        self.paymentService = paymentService
        self.deliveries = deliveries
        self.orders = orders
        self.inventory = inventory
        self.payments = payments
        self.gateway = gateway
        self.outbox = outbox
        self.notifier = notifier
        self.receipts = receipts
        self.env = env
        self.reservationTTL = reservationTTL
    }

    /// Every handler under the resource the embedded engine gives it, plus the optimised integrations
    /// (`events:putEvents`, `sns:publish`) mapped onto the local event bus and notifier.
    public func registry() -> TaskRegistry {
        var registry = TaskRegistry()
        let handlers: [String: @Sendable (TaskInvocation) async throws -> JSON] = [
            "ValidateOrder": validateOrder, "ReserveInventory": reserveInventory, "ProcessPayment": processPayment,
            "CommitInventory": commitInventory, "ConfirmOrder": confirmOrder, "GenerateReceipt": generateReceipt,
            "RefundPayment": refundPayment, "ReleaseInventory": releaseInventory, "CancelOrder": cancelOrder,
        ]
        for (name, handler) in handlers {
            registry.register(WorkflowDefinitions.localResource(name), ClosureTaskHandler(handler))
        }
        registry.register("arn:aws:states:::events:putEvents", ClosureTaskHandler(putEvents))
        registry.register("arn:aws:states:::sns:publish", ClosureTaskHandler(publishNotification))
        return registry
    }

    // MARK: helpers

    func orderID(_ invocation: TaskInvocation) throws -> Order.ID {
        guard let text = invocation.input["orderId"]?.stringValue, let id = Order.ID(validating: text) else {
            throw StatesError("InvalidOrder", "The task input has no valid orderId.")
        }
        return id
    }

    func loadOrder(_ invocation: TaskInvocation) async throws -> Order {
        let id = try orderID(invocation)
        guard let order = try await orders.order(id: id) else { throw StatesError("InvalidOrder", "No order \(id).") }
        return order
    }

    /// Runs a store call, turning a domain error into a named States error and anything else into a retriable one.
    func step<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StatesError {
            throw error
        } catch let error as OrderlyError {
            switch error.code {
            case .insufficientStock: throw StatesError("InsufficientStock", error.message)
            case .notFound: throw StatesError("InvalidOrder", error.message)
            case .invalidTransition, .conflict: throw StatesError("InvalidOrder", error.message)
            default: throw StatesError("StoreUnavailable", error.message)
            }
        } catch {
            throw StatesError("StoreUnavailable", "\(error)")
        }
    }

    // MARK: checkout steps

    func validateOrder(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        guard order.status == .created else {
            throw StatesError("InvalidOrder", "The order is \(order.status.rawValue), not CREATED.")
        }
        return [
            "orderId": .string(order.id.rawValue), "total": .int(order.total.amount), "lines": .int(order.lines.count),
        ]
    }

    func reserveInventory(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        let now = env.clock.now()
        let reservation = Reservation(
            id: Reservation.id(for: order.id), orderID: order.id,
            lines: order.lines.map { Cart.Line(productID: $0.productID, quantity: $0.quantity) },
            expiresAt: now.addingTimeInterval(reservationTTL), at: now)
        let held = try await step {
            try await inventory.reserve(
                reservation, events: [try env.envelope(InventoryReserved(order: order, reservationId: reservation.id))])
        }
        return [
            "reserved": .bool(held.status == .held || held.status == .committed), "reservationId": .string(held.id),
            "expiresAt": .string(Timestamp.format(held.expiresAt)),
        ]
    }

    func commitInventory(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        do {
            let reservation = try await inventory.commitReservation(
                id: Reservation.id(for: order.id), at: env.clock.now(),
                events: [try env.envelope(InventoryCommitted(order: order))])
            return ["committed": true, "reservationId": .string(reservation.id)]
        } catch let error as OrderlyError where error.code == .conflict {
            throw StatesError("ReservationExpired", error.message)
        }
    }

    func confirmOrder(_ invocation: TaskInvocation) async throws -> JSON {
        let id = try orderID(invocation)
        let now = env.clock.now()
        let env = self.env
        let change: @Sendable (inout Order) throws -> [EventEnvelope] = { order in
            if order.status == .confirmed { return [] }
            guard order.status == .created else {
                throw StatesError("InvalidOrder", "The order is \(order.status.rawValue) and cannot be confirmed.")
            }
            try order.move(to: .confirmed, at: now)
            return [try env.envelope(OrderConfirmed(order: order))]
        }
        let current = try await loadOrder(invocation)
        let order = try await step {
            current.fromCart
                ? try await orders.updateOrderClearingCart(id: id, at: now, change: change)
                : try await orders.updateOrder(id: id, change: change)
        }
        return ["status": .string(order.status.rawValue)]
    }

    func generateReceipt(_ invocation: TaskInvocation) async throws -> JSON {
        let order = try await loadOrder(invocation)
        let key = try await step {
            try await receipts.store(order: order, payment: try await payments.payment(orderID: order.id))
        }
        return ["receiptKey": .string(key)]
    }

    /// `arn:aws:states:::sns:publish`: the order-confirmed message to the customer.
    func publishNotification(_ invocation: TaskInvocation) async throws -> JSON {
        let attributes = invocation.input["MessageAttributes"]
        guard let orderText = attributes?["orderId"]?["StringValue"]?.stringValue,
            let id = Order.ID(validating: orderText),
            let order = try await orders.order(id: id)
        else { throw StatesError("InvalidOrder", "The notification names no order.") }
        let type = attributes?["type"]?["StringValue"]?.stringValue ?? "ORDER_CONFIRMED"
        try await step {
            try await notifier.notify(
                userID: order.userID, type: type, subject: invocation.input["Subject"]?.stringValue ?? "Your order",
                message: invocation.input["Message"]?.stringValue ?? "", dedupeKey: invocation.idempotencyKey)
        }
        return ["MessageId": .string(invocation.idempotencyKey)]
    }

    /// `arn:aws:states:::events:putEvents`: entries become events on the local bus, one id per step and entry.
    func putEvents(_ invocation: TaskInvocation) async throws -> JSON {
        guard let entries = invocation.input["Entries"]?.arrayValue else {
            throw StatesError("States.Runtime", "putEvents needs Entries.")
        }
        var results: [JSON] = []
        for (index, entry) in entries.enumerated() {
            let detail = entry["Detail"] ?? [:]
            let id = EventEnvelope.ID(
                rawValue: "evt_" + StableHash.hex("\(invocation.idempotencyKey)#\(index)", length: 26))
            let event = EventEnvelope(
                id: id, source: entry["Source"]?.stringValue ?? "orderly",
                detailType: entry["DetailType"]?.stringValue ?? "Event",
                time: env.clock.now(), aggregateID: detail["orderId"]?.stringValue ?? "", detail: detail.serialized())
            try await step { try await outbox.publish(event) }
            results.append(["EventId": .string(id.rawValue)])
        }
        return ["Entries": .array(results), "FailedEntryCount": 0]
    }
}
