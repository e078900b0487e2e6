import Foundation

// Every event Orderly publishes, one struct per `detail-type`. The stored properties are the `detail` JSON, so their
// names are the public field names (`orderId`, not `orderID`). Adding a field is fine; renaming one breaks consumers
// outside this process and is not done.

// MARK: users and catalog

/// A customer (or staff member) got an account.
public struct UserRegistered: DomainEvent {
    public static let detailType = EventName.userRegistered
    public static let source = EventSource.users
    public var userId: User.ID
    public var email: String
    public var name: String
    public var role: Role
    public var aggregateID: String { userId.rawValue }

    public init(userId: User.ID, email: String, name: String, role: Role) {
        self.userId = userId
        self.email = email
        self.name = name
        self.role = role
    }
}

/// A product was added to the catalog with its initial stock.
public struct ProductCreated: DomainEvent {
    public static let detailType = EventName.productCreated
    public static let source = EventSource.catalog
    public var productId: Product.ID
    public var name: String
    public var price: Money
    public var category: String
    public var stock: Int
    public var aggregateID: String { productId.rawValue }

    public init(productId: Product.ID, name: String, price: Money, category: String, stock: Int) {
        self.productId = productId
        self.name = name
        self.price = price
        self.category = category
        self.stock = stock
    }
}

/// An admin restocked or corrected a product's available stock.
public struct InventoryAdjusted: DomainEvent {
    public static let detailType = EventName.inventoryAdjusted
    public static let source = EventSource.inventory
    public var productId: Product.ID
    public var delta: Int
    public var reason: String
    public var adjustedBy: User.ID
    public var aggregateID: String { productId.rawValue }

    public init(productId: Product.ID, delta: Int, reason: String, adjustedBy: User.ID) {
        self.productId = productId
        self.delta = delta
        self.reason = reason
        self.adjustedBy = adjustedBy
    }
}

// MARK: inventory held for orders

/// A checkout reserved the stock of every line of its order.
public struct InventoryReserved: DomainEvent {
    public static let detailType = EventName.inventoryReserved
    public static let source = EventSource.inventory
    public var orderId: Order.ID
    public var userId: User.ID
    public var total: Money
    public var reservationId: String
    public var aggregateID: String { orderId.rawValue }

    public init(order: Order, reservationId: String) {
        orderId = order.id
        userId = order.userID
        total = order.total
        self.reservationId = reservationId
    }
}

/// A checkout's reserved stock was sold.
public struct InventoryCommitted: DomainEvent {
    public static let detailType = EventName.inventoryCommitted
    public static let source = EventSource.inventory
    public var orderId: Order.ID
    public var userId: User.ID
    public var total: Money
    public var aggregateID: String { orderId.rawValue }

    public init(order: Order) {
        orderId = order.id
        userId = order.userID
        total = order.total
    }
}

/// An order's stock went back to available: its checkout failed, it was cancelled, or its reservation expired.
public struct InventoryReleased: DomainEvent {
    public static let detailType = EventName.inventoryReleased
    public static let source = EventSource.inventory
    public var orderId: Order.ID
    /// Known when the order was at hand (not for a reservation the sweeper found expired).
    public var userId: User.ID?
    public var total: Money?
    public var reservationId: String
    /// `expired` (the sweeper) or `released` (compensation or cancellation).
    public var reason: String
    public var aggregateID: String { orderId.rawValue }

    public init(orderId: Order.ID, userId: User.ID?, total: Money?, reservationId: String, reason: String) {
        self.orderId = orderId
        self.userId = userId
        self.total = total
        self.reservationId = reservationId
        self.reason = reason
    }
}

// MARK: deliveries and subscriptions

/// A delivery was assigned or moved.
public struct DeliveryUpdated: DomainEvent {
    public static let detailType = EventName.deliveryUpdated
    public static let source = EventSource.deliveries
    public var deliveryId: Delivery.ID
    public var orderId: Order.ID
    public var userId: User.ID
    public var courierId: User.ID?
    public var status: DeliveryStatus
    public var note: String?
    public var aggregateID: String { orderId.rawValue }

    public init(delivery: Delivery, note: String?) {
        deliveryId = delivery.id
        orderId = delivery.orderID
        userId = delivery.userID
        courierId = delivery.courierID
        status = delivery.status
        self.note = note
    }
}

/// What every subscription event says: which subscription, whose, of what, and its status now.
public protocol SubscriptionEvent: DomainEvent {
    var subscriptionId: Subscription.ID { get }
    var userId: User.ID { get }
}

extension SubscriptionEvent {
    public static var source: EventSource { .subscriptions }
    public var aggregateID: String { subscriptionId.rawValue }
}

/// A customer subscribed to a recurring order.
public struct SubscriptionCreated: SubscriptionEvent {
    public static let detailType = EventName.subscriptionCreated
    public var subscriptionId: Subscription.ID
    public var userId: User.ID
    public var productId: Product.ID
    public var status: Subscription.Status

    public init(_ subscription: Subscription) {
        subscriptionId = subscription.id
        userId = subscription.userID
        productId = subscription.productID
        status = subscription.status
    }
}

/// A subscription was paused: no runs are placed until it is resumed.
public struct SubscriptionPaused: SubscriptionEvent {
    public static let detailType = EventName.subscriptionPaused
    public var subscriptionId: Subscription.ID
    public var userId: User.ID
    public var productId: Product.ID
    public var status: Subscription.Status

    public init(_ subscription: Subscription) {
        subscriptionId = subscription.id
        userId = subscription.userID
        productId = subscription.productID
        status = subscription.status
    }
}

/// A paused subscription was resumed.
public struct SubscriptionResumed: SubscriptionEvent {
    public static let detailType = EventName.subscriptionResumed
    public var subscriptionId: Subscription.ID
    public var userId: User.ID
    public var productId: Product.ID
    public var status: Subscription.Status

    public init(_ subscription: Subscription) {
        subscriptionId = subscription.id
        userId = subscription.userID
        productId = subscription.productID
        status = subscription.status
    }
}

/// A subscription ended: cancelled by its owner or an admin, or past its end date (`reason: ended`).
public struct SubscriptionCancelled: SubscriptionEvent {
    public static let detailType = EventName.subscriptionCancelled
    public var subscriptionId: Subscription.ID
    public var userId: User.ID
    public var productId: Product.ID
    public var status: Subscription.Status
    public var reason: String?

    public init(_ subscription: Subscription, reason: String? = nil) {
        subscriptionId = subscription.id
        userId = subscription.userID
        productId = subscription.productID
        status = subscription.status
        self.reason = reason
    }
}

/// A due run of a subscription could not be placed as an order.
public struct SubscriptionRunFailed: SubscriptionEvent {
    public static let detailType = EventName.subscriptionRunFailed
    public var subscriptionId: Subscription.ID
    public var userId: User.ID
    public var productId: Product.ID
    public var status: Subscription.Status
    public var reason: String
    public var runAt: Date

    public init(_ subscription: Subscription, runAt: Date, reason: String) {
        subscriptionId = subscription.id
        userId = subscription.userID
        productId = subscription.productID
        status = subscription.status
        self.runAt = runAt
        self.reason = reason
    }
}
