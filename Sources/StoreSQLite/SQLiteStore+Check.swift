import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

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
        try readNow { db in
            var report = InvariantReport()
            let ledgers = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM inventory")).map { row in
                (
                    productID: row["product_id"] as String,
                    ledger: StockLedger(
                        received: row["received"], available: row["available"], reserved: row["reserved"],
                        sold: row["sold"])
                )
            }
            let reservations = try String.fetchAll(db.cachedStatement(sql: "SELECT document FROM reservations"))
                .map { try JSONColumn.decode(Reservation.self, from: $0) }
            StoreInvariants.checkStock(ledgers: ledgers, reservations: reservations, into: &report)
            let orders = try String.fetchAll(db.cachedStatement(sql: "SELECT document FROM orders"))
                .map { try JSONColumn.decode(Order.self, from: $0) }
            let payments = try String.fetchAll(db.cachedStatement(sql: "SELECT document FROM payments"))
                .map { try JSONColumn.decode(Payment.self, from: $0) }
            StoreInvariants.checkPayments(orders: orders, payments: payments, into: &report)
            if let captures {
                StoreInvariants.checkGateway(payments: payments, captures: captures, refunds: refunds, into: &report)
            }
            try Self.checkExecutions(db, orders: orders, into: &report)
            let pending =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT count(*) FROM event_log WHERE seq > (SELECT delivered FROM event_delivery)")) ?? 0
            report.checked.append(("outbox events", pending))
            if pending > 0 { report.violations.append("\(pending) outbox events were never delivered") }
            return report
        }
    }

    static func checkExecutions(_ db: Database, orders: [Order], into report: inout InvariantReport) throws {
        report.checked.append(
            ("workflow executions", try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM executions")) ?? 0))
        let startless = try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id FROM executions x WHERE status = 'RUNNING'
                    AND NOT EXISTS (SELECT 1 FROM execution_journal e WHERE e.execution = x.number AND e.seq = 0)
                    """))
        for id in startless { report.violations.append("execution \(id) is unfinished and has no start to resume") }
        let running = Set(
            try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM executions WHERE status = 'RUNNING'")))
        for order in orders where order.status == .created {
            if order.executionID.map({ !running.contains($0) }) ?? false {
                report.violations.append("\(order.id) is CREATED but its checkout ended")
            }
        }
    }
}
