import Foundation
import OrderlyModel

/// A charge or refund as the payment gateway's own ledger holds it.
public struct GatewayLedgerEntry: Hashable, Sendable {
    /// The idempotency key it was asked with.
    public var key: String
    public var transactionID: String
    public var amount: Int

    public init(key: String, transactionID: String, amount: Int) {
        self.key = key
        self.transactionID = transactionID
        self.amount = amount
    }
}

/// What an invariant check found: how much it looked at, and every broken rule.
public struct InvariantReport: Sendable {
    /// What was checked and how many of each.
    public var checked: [(what: String, count: Int)] = []
    /// One sentence per broken rule, naming the row.
    public var violations: [String] = []

    public var holds: Bool { violations.isEmpty }

    public init() {}
}

/// The rules no interleaving, crash or hostile request may break, over what a store holds at rest. Every store
/// adapter reads its own tables and hands them here, so SQLite and DynamoDB are held to the same rules. Pure.
public enum StoreInvariants {
    /// Stock is conserved per product (`received = available + reserved + sold`, nothing negative), and what is
    /// reserved and sold is exactly what the held and committed reservations say.
    public static func checkStock(
        ledgers: [(productID: String, ledger: StockLedger)], reservations: [Reservation],
        into report: inout InvariantReport
    ) {
        var held: [String: Int] = [:]
        var committed: [String: Int] = [:]
        for reservation in reservations {
            for line in reservation.lines {
                switch reservation.status {
                case .held: held[line.productID.rawValue, default: 0] += line.quantity
                case .committed: committed[line.productID.rawValue, default: 0] += line.quantity
                case .released, .expired, .returned: break
                }
            }
        }
        report.checked.append(("products", ledgers.count))
        for (product, ledger) in ledgers {
            if !ledger.holds {
                report.violations.append(
                    "\(product): received \(ledger.received) ≠ available \(ledger.available) + reserved \(ledger.reserved) + sold \(ledger.sold)"
                )
            }
            if ledger.reserved != held[product, default: 0] {
                report.violations.append(
                    "\(product): \(ledger.reserved) reserved, but held reservations hold \(held[product, default: 0])")
            }
            if ledger.sold != committed[product, default: 0] {
                report.violations.append(
                    "\(product): \(ledger.sold) sold, but committed reservations hold \(committed[product, default: 0])"
                )
            }
        }
    }

    /// Every payment's capture less its refunds is what its order owes given its status; no refund is left
    /// reserved; a paid status has a payment.
    public static func checkPayments(orders: [Order], payments: [Payment], into report: inout InvariantReport) {
        report.checked.append(("orders", orders.count))
        report.checked.append(("payments", payments.count))
        let byOrder = Dictionary(payments.map { ($0.orderID, $0) }, uniquingKeysWith: { first, _ in first })
        for order in orders {
            guard let payment = byOrder[order.id] else {
                if [.confirmed, .packed, .outForDelivery, .delivered].contains(order.status) {
                    report.violations.append("\(order.id) is \(order.status.rawValue) without a payment")
                }
                continue
            }
            let net = payment.captured.amount - payment.refunded.amount
            if order.paymentStatus != payment.status {
                report.violations.append(
                    "\(order.id) shows payment \(order.paymentStatus.rawValue), its payment is \(payment.status.rawValue)"
                )
            }
            if payment.refunds.contains(where: { $0.status == .pending }) {
                report.violations.append("\(order.id) has a refund reserved but never settled")
            }
            switch order.status {
            case .cancelled:
                if net != 0 { report.violations.append("\(order.id) is CANCELLED but \(net) is still captured") }
                if payment.status == .pending, payment.gatewayKey != nil {
                    report.violations.append("\(order.id) is CANCELLED with a charge whose outcome was never settled")
                }
            case .confirmed, .packed, .outForDelivery, .delivered:
                let isCash = payment.method == .cash
                let paid =
                    payment.status == .success || payment.status == .partiallyRefunded
                    || payment.status == .refunded
                if isCash && order.status != .delivered {
                    if payment.status != .pending {
                        report.violations.append("\(order.id): cash is \(payment.status.rawValue) before delivery")
                    }
                } else if !paid {
                    report.violations.append("\(order.id) is \(order.status.rawValue) but unpaid")
                } else if net < 0 || net > order.total.amount || payment.captured != order.total {
                    report.violations.append("\(order.id) owes \(order.total.amount) but \(net) is captured")
                }
            case .created, .returned:
                if net < 0 || net > order.total.amount {
                    report.violations.append("\(order.id) has \(net) captured of \(order.total.amount)")
                }
            }
        }
    }

    /// The gateway's own ledger agrees with the payments, charge by charge; no charge at the gateway lacks a
    /// payment, and none has two.
    public static func checkGateway(
        payments: [Payment], captures: [GatewayLedgerEntry], refunds: [GatewayLedgerEntry],
        into report: inout InvariantReport
    ) {
        report.checked.append(("gateway charges", captures.count))
        let byKey = Dictionary(
            payments.compactMap { payment in payment.gatewayKey.map { ($0, payment) } },
            uniquingKeysWith: { first, _ in first })
        var capturedPerPayment: [Payment.ID: Int] = [:]
        for capture in captures {
            guard let payment = byKey[capture.key] else {
                report.violations.append(
                    "the gateway captured \(capture.amount) (\(capture.transactionID)) for no payment")
                continue
            }
            capturedPerPayment[payment.id, default: 0] += 1
        }
        for (id, count) in capturedPerPayment where count > 1 {
            report.violations.append("payment \(id) was charged \(count) times")
        }
        var gatewayNet: [String: Int] = [:]
        for capture in captures { gatewayNet[capture.transactionID, default: 0] += capture.amount }
        for refund in refunds { gatewayNet[refund.transactionID, default: 0] -= refund.amount }
        for payment in payments {
            let ours = payment.captured.amount - payment.refunded.amount
            let theirs = payment.transactionID.map { gatewayNet[$0, default: 0] } ?? 0
            if ours != theirs, payment.method != .cash {
                report.violations.append(
                    "\(payment.orderID): Orderly counts \(ours) held, the gateway \(theirs) (\(payment.transactionID ?? "no charge"))"
                )
            }
        }
        let known = Set(payments.compactMap(\.transactionID))
        for (transaction, net) in gatewayNet where !known.contains(transaction) && net != 0 {
            report.violations.append("the gateway holds \(net) on \(transaction), which no payment records")
        }
    }
}
