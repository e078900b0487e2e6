import OrderlyModel
import OrderlyPorts

/// The payment gateway, asked only once what was committed before the call is on the disk: a charge is never made
/// for an order or a payment record that a power loss could take back (a resumed checkout then finds its records
/// and asks again with the same idempotency key, which charges once).
struct DurableBeforeCharging: PaymentGateway {
    let gateway: any PaymentGateway
    let storage: any StorageDurability

    func charge(amount: Money, method: PaymentMethod, idempotencyKey: String) async throws -> GatewayCharge {
        try await storage.makeDurable()
        return try await gateway.charge(amount: amount, method: method, idempotencyKey: idempotencyKey)
    }

    func lookupCharge(idempotencyKey: String) async throws -> GatewayCharge? {
        try await gateway.lookupCharge(idempotencyKey: idempotencyKey)
    }

    func refund(transactionID: String, amount: Money, idempotencyKey: String) async throws -> String {
        try await storage.makeDurable()
        return try await gateway.refund(transactionID: transactionID, amount: amount, idempotencyKey: idempotencyKey)
    }
}
