import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: SalesStore {
    public func recordSaleFacts(eventID: EventEnvelope.ID, facts: [SaleFact]) async throws {
        try await recordSaleFacts([(eventID, facts)])
    }

    public func recordSaleFacts(_ events: [(eventID: EventEnvelope.ID, facts: [SaleFact])]) async throws {
        try await writer.write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO sale_facts (event_id, seq, kind, day, order_id, product_id, product_name, quantity, amount)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """)
            for (eventID, facts) in events {
                for (seq, fact) in facts.enumerated() {
                    try insert.execute(arguments: [
                        eventID.rawValue, seq, fact.kind.rawValue, fact.day, fact.orderID, fact.productID,
                        fact.productName, fact.quantity, fact.amount,
                    ])
                }
            }
        }
    }

    public func salesFigures(from: String, to: String) async throws -> SalesFigures {
        try readNow { db in
            let days = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT day,
                            SUM(CASE WHEN kind = 'order' THEN 1 ELSE 0 END) AS orders,
                            SUM(CASE WHEN kind = 'order' THEN amount ELSE 0 END) AS revenue,
                            SUM(CASE WHEN kind = 'refund' THEN amount ELSE 0 END) AS refunded
                        FROM sale_facts WHERE day BETWEEN ? AND ? AND kind IN ('order', 'refund')
                        GROUP BY day ORDER BY day
                        """), arguments: [from, to]
            ).map {
                SalesFigures.Day(
                    date: $0["day"], orders: $0["orders"], revenue: $0["revenue"], refunded: $0["refunded"])
            }
            let products = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT product_id, MAX(product_name) AS name, SUM(quantity) AS quantity, SUM(amount) AS revenue
                        FROM sale_facts WHERE day BETWEEN ? AND ? AND kind = 'line'
                        GROUP BY product_id ORDER BY revenue DESC, product_id LIMIT 10
                        """), arguments: [from, to]
            ).map {
                SalesFigures.ProductFigure(
                    productID: $0["product_id"], name: $0["name"], quantity: $0["quantity"], revenue: $0["revenue"])
            }
            return SalesFigures(days: days, topProducts: products)
        }
    }
}
