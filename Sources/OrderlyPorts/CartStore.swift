import Foundation
import OrderlyModel

/// Where carts live.
public protocol CartStore: Sendable {
    /// The user's cart, if one was ever made.
    func cart(userID: User.ID) async throws -> Cart?

    /// Reads the user's cart (making an empty one with `newID` if there is none), applies `change` and stores the
    /// result, all as one atomic unit: a concurrent change is never lost. `change` must not do I/O.
    /// - Returns: the cart as stored.
    func updateCart(
        userID: User.ID, newID: Cart.ID, at time: Date, change: @escaping @Sendable (inout Cart) throws -> Void
    ) async throws -> Cart
}
