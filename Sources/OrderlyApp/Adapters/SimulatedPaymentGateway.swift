import Crypto
import Foundation
import OrderlyModel
import OrderlyPorts

/// The built-in payment gateway: Stripe-like test tokens, no network.
///
/// `tok_visa` (and any other `tok_…`) succeeds; `tok_chargeDeclined` and `tok_insufficientFunds` are declined;
/// `tok_processingError` fails the first attempt for a key and succeeds after (a transient error); `tok_timeout`
/// never answers (until cancelled). UPI `fail@upi` is declined, every other address succeeds.
///
/// Transaction and refund ids are derived from the idempotency key, so the same key always answers the same charge:
/// a retried or resumed checkout cannot charge twice.
public final class SimulatedPaymentGateway: PaymentGateway, @unchecked Sendable {
    private let lock = NSLock()
    private var attempts: [String: Int] = [:]

    public init() {}

    public func charge(amount: Money, method: PaymentMethod, idempotencyKey: String) async throws -> GatewayCharge {
        let attempt = lock.withLock { () -> Int in
            attempts[idempotencyKey, default: 0] += 1
            return attempts[idempotencyKey]!
        }
        switch method {
        case .card("tok_chargeDeclined"):
            throw GatewayError(.declined, code: "card_declined", message: "Your card was declined.")
        case .card("tok_insufficientFunds"):
            throw GatewayError(.declined, code: "insufficient_funds", message: "Your card has insufficient funds.")
        case .card("tok_processingError") where attempt == 1:
            throw GatewayError(
                .unavailable, code: "processing_error", message: "An error occurred while processing the card.")
        case .card("tok_timeout"):
            try await Task.sleep(for: .seconds(3600))
            throw GatewayError(.timeout, code: "timeout", message: "The gateway did not answer.")
        case .upi("fail@upi"):
            throw GatewayError(.declined, code: "upi_declined", message: "The UPI payment was declined.")
        case .cash:
            throw GatewayError(.declined, code: "not_chargeable", message: "Cash is collected on delivery.")
        default:
            return GatewayCharge(transactionID: "txn_" + Self.digest(idempotencyKey))
        }
    }

    public func refund(transactionID: String, amount: Money, idempotencyKey: String) async throws -> String {
        "re_" + Self.digest(idempotencyKey)
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
