import Crypto
import Foundation
import OrderlyModel
import OrderlyPorts

/// The built-in payment gateway: Stripe-like test tokens, no network, and a ledger of every charge and refund.
///
/// `tok_visa` (and any other `tok_…`) succeeds; `tok_chargeDeclined` and `tok_insufficientFunds` are declined;
/// `tok_processingError` fails the first attempt for a key and succeeds after (a transient error); `tok_timeout`
/// never answers (until cancelled) and captures nothing. UPI `fail@upi` is declined, every other address succeeds.
///
/// Transaction and refund ids are derived from the idempotency key, so the same key always answers the same charge:
/// a retried or resumed checkout cannot charge twice. Refunds past a charge's capture are declined, as a real gateway
/// declines them. The ledger keeps the newest ``ledgerLimit`` entries of each kind; given a file, each charge and
/// refund is appended to it before it is answered, so the ledger outlives a crash of Orderly's process as a real
/// gateway's records do (the simulator does not sync to disk: a power loss is beyond what it stands in for).
public final class SimulatedPaymentGateway: PaymentGateway, @unchecked Sendable {
    /// A capture as the gateway recorded it.
    public struct Capture: Hashable, Sendable {
        /// The idempotency key it was asked with.
        public var key: String
        public var transactionID: String
        public var amount: Money
    }

    /// A refund as the gateway made it.
    public struct RefundMade: Hashable, Sendable {
        public var refundID: String
        public var transactionID: String
        public var amount: Money
    }

    /// How many charges, refunds and attempts the simulator remembers before it forgets the oldest.
    public let ledgerLimit: Int
    private let lock = NSLock()
    private var captures = BoundedLedger<Capture>()
    private var refunds = BoundedLedger<RefundMade>()
    private var attempts = BoundedLedger<Int>()

    private let journal: LedgerFile?

    /// - Parameters:
    ///   - ledgerFile: where the ledger is kept across restarts (JSON lines); in memory only when nil.
    ///   - ledgerLimit: how many entries of each kind are remembered.
    public init(ledgerFile: URL? = nil, ledgerLimit: Int = 100_000) throws {
        self.ledgerLimit = ledgerLimit
        journal = try ledgerFile.map { try LedgerFile(url: $0) }
        for entry in try journal?.load() ?? [] {
            switch entry.kind {
            case "capture":
                captures.set(
                    entry.key, Capture(key: entry.key, transactionID: entry.transactionID, amount: entry.money),
                    limit: ledgerLimit)
            case "refund":
                refunds.set(
                    entry.key,
                    RefundMade(
                        refundID: entry.refundID ?? "", transactionID: entry.transactionID, amount: entry.money),
                    limit: ledgerLimit)
            default:
                continue
            }
        }
    }

    public func charge(amount: Money, method: PaymentMethod, idempotencyKey: String) async throws -> GatewayCharge {
        let attempt = lock.withLock { () -> Int in
            let next = (attempts[idempotencyKey] ?? 0) + 1
            attempts.set(idempotencyKey, next, limit: ledgerLimit)
            return next
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
            let capture = Capture(
                key: idempotencyKey, transactionID: "txn_" + Self.digest(idempotencyKey), amount: amount)
            try lock.withLock {
                guard captures[idempotencyKey] == nil else { return }
                try journal?.append(
                    LedgerFile.Entry(
                        kind: "capture", key: idempotencyKey, transactionID: capture.transactionID,
                        amount: amount.amount, currency: amount.currency.rawValue, refundID: nil))
                captures.set(idempotencyKey, capture, limit: ledgerLimit)
            }
            return GatewayCharge(transactionID: capture.transactionID)
        }
    }

    public func lookupCharge(idempotencyKey: String) async throws -> GatewayCharge? {
        lock.withLock { captures[idempotencyKey].map { GatewayCharge(transactionID: $0.transactionID) } }
    }

    public func refund(transactionID: String, amount: Money, idempotencyKey: String) async throws -> String {
        try lock.withLock {
            if let made = refunds[idempotencyKey] { return made.refundID }
            guard let capture = captures.values.first(where: { $0.transactionID == transactionID }) else {
                throw GatewayError(.declined, code: "no_such_charge", message: "No charge \(transactionID).")
            }
            let refunded = refunds.values.filter { $0.transactionID == transactionID }.reduce(0) {
                $0 + $1.amount.amount
            }
            guard amount.amount > 0, refunded + amount.amount <= capture.amount.amount else {
                throw GatewayError(
                    .declined, code: "amount_too_large",
                    message: "The refunds would exceed the charge \(transactionID).")
            }
            let made = RefundMade(
                refundID: "re_" + Self.digest(idempotencyKey), transactionID: transactionID, amount: amount)
            try journal?.append(
                LedgerFile.Entry(
                    kind: "refund", key: idempotencyKey, transactionID: transactionID, amount: amount.amount,
                    currency: amount.currency.rawValue, refundID: made.refundID))
            refunds.set(idempotencyKey, made, limit: ledgerLimit)
            return made.refundID
        }
    }

    /// Every capture the gateway remembers, for tests that assert "charged once" at the gateway itself.
    public var capturesMade: [Capture] { lock.withLock { captures.values } }

    /// Every refund the gateway remembers.
    public var refundsMade: [RefundMade] { lock.withLock { refunds.values } }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(12).hexString
    }
}

/// The simulator's ledger on disk: one JSON object a line, appended and synced; a torn last line (a crash while
/// writing) is ignored.
final class LedgerFile: @unchecked Sendable {
    struct Entry: Codable {
        var kind: String
        var key: String
        var transactionID: String
        var amount: Int
        var currency: String
        var refundID: String?

        var money: Money { Money(amount: amount, currency: Currency(rawValue: currency) ?? .usd) }
    }

    let url: URL
    private let descriptor: Int32

    init(url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    deinit { close(descriptor) }

    /// Every whole entry, oldest first.
    func load() throws -> [Entry] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(Entry.self, from: Data($0.utf8)) }
    }

    /// Appends one entry: once this returns it is in the file, whatever becomes of the process.
    func append(_ entry: Entry) throws {
        var line = try JSONEncoder().encode(entry)
        line.append(0x0A)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { throw CocoaError(.fileWriteUnknown) }
    }
}

/// A map that forgets its oldest entries past a limit.
struct BoundedLedger<Value> {
    private var entries: [String: Value] = [:]
    private var order: [String] = []
    private var start = 0

    subscript(key: String) -> Value? { entries[key] }

    /// The values, oldest first.
    var values: [Value] { order[start...].compactMap { entries[$0] } }

    mutating func set(_ key: String, _ value: Value, limit: Int) {
        if entries.updateValue(value, forKey: key) == nil { order.append(key) }
        while order.count - start > limit {
            entries[order[start]] = nil
            start += 1
        }
        if start > limit {
            order.removeFirst(start)
            start = 0
        }
    }
}
