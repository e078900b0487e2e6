import Foundation
import OrderlyModel
import OrderlyPorts

/// Releases reservations whose checkout took longer than the reservation time.
public struct ReservationSweeper: Sendable {
    let inventory: any InventoryStore
    let env: ServiceEnvironment

    public init(inventory: any InventoryStore, env: ServiceEnvironment) {
        self.inventory = inventory
        self.env = env
    }

    /// Releases every expired held reservation. Returns how many.
    @discardableResult
    public func sweep() async throws -> Int {
        var released = 0
        while true {
            let expired = try await inventory.expiredReservations(at: env.clock.now(), limit: 100)
            for reservation in expired {
                let event = try env.envelope(
                    InventoryReleased(
                        orderId: reservation.orderID, userId: nil, total: nil, reservationId: reservation.id,
                        reason: "expired"))
                _ = try await inventory.releaseReservation(
                    id: reservation.id, expired: true, at: env.clock.now(), events: [event])
                released += 1
            }
            if expired.count < 100 { return released }
        }
    }
}
