import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

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

/// What ``SQLiteStore/checkInvariants(captures:refunds:)`` found: how much it looked at, and every broken rule.
public struct InvariantReport: Sendable {
    /// What was checked and how many of each.
    public var checked: [(what: String, count: Int)] = []
    /// One sentence per broken rule, naming the row.
    public var violations: [String] = []

    public var holds: Bool { violations.isEmpty }
}

extension SQLiteStore {
    /// Checks the rules no interleaving, crash or hostile request may break, on a database at rest (no server
    /// writing to it):
    /// - stock is conserved per product (`received = available + reserved + sold`, nothing negative), and what is
    ///   reserved and sold is exactly what the held and committed reservations say;
    /// - every payment's capture less its refunds is what its order owes given its status, and the gateway's own
    ///   ledger agrees, charge by charge; no charge at the gateway lacks a payment, and none has two;
    /// - every order still `CREATED` has a checkout that can resume, and every unfinished execution has its start;
    /// - every outbox event was delivered (or dead-lettered).
    /// - Parameters:
    ///   - captures: every capture the gateway holds; `nil` to skip the comparison with the gateway.
    ///   - refunds: every refund the gateway made.
    public func checkInvariants(
        captures: [GatewayLedgerEntry]?, refunds: [GatewayLedgerEntry]
    ) async throws -> InvariantReport {
        try await pool.read { db in
            var report = InvariantReport()
            try Self.checkStock(db, into: &report)
            let orders = try String.fetchAll(db, sql: "SELECT document FROM orders")
                .map { try JSONColumn.decode(Order.self, from: $0) }
            let payments = try String.fetchAll(db, sql: "SELECT document FROM payments")
                .map { try JSONColumn.decode(Payment.self, from: $0) }
            Self.checkPayments(orders: orders, payments: payments, into: &report)
            if let captures {
                Self.checkGateway(payments: payments, captures: captures, refunds: refunds, into: &report)
            }
            try Self.checkExecutions(db, orders: orders, into: &report)
            let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE dispatched_at IS NULL") ?? 0
            report.checked.append(("outbox events", try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0))
            if pending > 0 { report.violations.append("\(pending) outbox events were never delivered") }
            return report
        }
    }

    static func checkStock(_ db: Database, into report: inout InvariantReport) throws {
        var held: [String: Int] = [:]
        var committed: [String: Int] = [:]
        for text in try String.fetchAll(db, sql: "SELECT document FROM reservations") {
            let reservation = try JSONColumn.decode(Reservation.self, from: text)
            for line in reservation.lines {
                switch reservation.status {
                case .held: held[line.productID.rawValue, default: 0] += line.quantity
                case .committed: committed[line.productID.rawValue, default: 0] += line.quantity
                case .released, .expired, .returned: break
                }
            }
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM inventory")
        report.checked.append(("products", rows.count))
        for row in rows {
            let product: String = row["product_id"]
            let (received, available, reserved, sold): (Int, Int, Int, Int) =
                (row["received"], row["available"], row["reserved"], row["sold"])
            if received != available + reserved + sold || min(available, reserved, sold) < 0 {
                report.violations.append(
                    "\(product): received \(received) ≠ available \(available) + reserved \(reserved) + sold \(sold)")
            }
            if reserved != held[product, default: 0] {
                report.violations.append(
                    "\(product): \(reserved) reserved, but held reservations hold \(held[product, default: 0])")
            }
            if sold != committed[product, default: 0] {
                report.violations.append(
                    "\(product): \(sold) sold, but committed reservations hold \(committed[product, default: 0])")
            }
        }
    }

    static func checkPayments(orders: [Order], payments: [Payment], into report: inout InvariantReport) {
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

    static func checkGateway(
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

    static func checkExecutions(_ db: Database, orders: [Order], into report: inout InvariantReport) throws {
        report.checked.append(
            ("workflow executions", try Int.fetchOne(db, sql: "SELECT count(*) FROM workflow_executions") ?? 0))
        let startless = try String.fetchAll(
            db,
            sql: """
                SELECT id FROM workflow_executions x WHERE status = 'RUNNING'
                AND NOT EXISTS (SELECT 1 FROM workflow_events e WHERE e.execution_id = x.id AND e.seq = 0)
                """)
        for id in startless { report.violations.append("execution \(id) is unfinished and has no start to resume") }
        let running = Set(try String.fetchAll(db, sql: "SELECT id FROM workflow_executions WHERE status = 'RUNNING'"))
        for order in orders where order.status == .created {
            if order.executionID.map({ !running.contains($0) }) ?? false {
                report.violations.append("\(order.id) is CREATED but its checkout ended")
            }
        }
    }
}
