import Foundation
import OrderlyModel

/// Which orders to list.
public struct OrderQuery: Hashable, Sendable {
    public var userID: User.ID?
    public var status: OrderStatus?

    public init(userID: User.ID? = nil, status: OrderStatus? = nil) {
        self.userID = userID
        self.status = status
    }
}

/// Where orders live. Every method is one atomic unit.
public protocol OrderStore: Sendable {
    /// Stores a new order with its events.
    /// - Parameter unpaidLimit: when set, the order is refused if its customer already has this many open orders
    ///   (not cancelled, delivered or returned) whose payment is still `PENDING`, counted in the same write.
    /// - Throws: `conflict` when an order with its id, or with its idempotency key for its user, exists, or past
    ///   `unpaidLimit` (with the field `paymentMethod`).
    func insertOrder(_ order: Order, events: [EventEnvelope], unpaidLimit: Int?) async throws

    /// The order a user placed with an `Idempotency-Key`.
    func order(userID: User.ID, idempotencyKey: String) async throws -> Order?

    func order(id: Order.ID) async throws -> Order?

    /// Orders matching `query`, newest first, `page.limit` at most after `page.after`.
    func orders(matching query: OrderQuery, page: PageRequest) async throws -> Page<Order>

    /// Reads the order, applies `change` (which returns the events to record) and stores both, atomically.
    /// `change` must not do I/O.
    /// - Throws: `not_found`, or what `change` throws (nothing is stored then).
    func updateOrder(
        id: Order.ID, change: @escaping @Sendable (inout Order) throws -> [EventEnvelope]
    ) async throws -> Order

    /// Like ``updateOrder(id:change:)``, and in the same transaction removes the ordered quantities from the
    /// owner's cart (what checkout does when an order from the cart is confirmed).
    func updateOrderClearingCart(
        id: Order.ID, at time: Date, change: @escaping @Sendable (inout Order) throws -> [EventEnvelope]
    ) async throws -> Order
}

/// Stock reservations: every line at once or none, with the stock invariant kept by each method.
public protocol InventoryStore: Sendable {
    /// Moves every line's quantity from available to reserved, on the condition that enough is available for each,
    /// and stores the reservation with its events, all at once. Reserving an id that exists returns it unchanged.
    /// - Throws: `insufficient_stock` naming the first short product (nothing is reserved then); `not_found` for
    ///   an unknown product.
    func reserve(_ reservation: Reservation, events: [EventEnvelope]) async throws -> Reservation

    /// Moves a held reservation's units from reserved to sold. Committing twice is committing once.
    /// - Throws: `conflict` when the reservation was released, or expired (a hold past its `expiresAt` at `time`
    ///   is never committed, even before the sweeper saw it); `not_found`.
    func commitReservation(id: String, at time: Date, events: [EventEnvelope]) async throws -> Reservation

    /// Gives the units back: a held reservation's from reserved (to `RELEASED`), a committed one's from sold (to
    /// `RETURNED`). With `expired` (the sweeper) only a hold still held and past its `expiresAt` at `time` is
    /// released (to `EXPIRED`); anything else is answered unchanged, the condition checked in the same write.
    /// Releasing twice is releasing once; `nil` when there is none.
    func releaseReservation(id: String, expired: Bool, at time: Date, events: [EventEnvelope]) async throws
        -> Reservation?

    func reservation(id: String) async throws -> Reservation?

    /// Held reservations whose expiry has passed.
    func expiredReservations(at time: Date, limit: Int) async throws -> [Reservation]

    /// A product's full stock ledger: received = available + reserved + sold.
    func stockLedger(productID: Product.ID) async throws -> StockLedger?
}

/// Every count of one product's stock.
public struct StockLedger: Hashable, Sendable {
    public var received: Int
    public var available: Int
    public var reserved: Int
    public var sold: Int

    public init(received: Int, available: Int, reserved: Int, sold: Int) {
        self.received = received
        self.available = available
        self.reserved = reserved
        self.sold = sold
    }

    /// received = available + reserved + sold, and nothing is negative.
    public var holds: Bool {
        received == available + reserved + sold && available >= 0 && reserved >= 0 && sold >= 0
    }
}
