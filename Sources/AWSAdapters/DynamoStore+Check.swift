import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import WorkflowEngine

extension DynamoStore {
    /// Every item of a table, all pages of a `Scan`: for checks at rest, never for serving requests.
    func scan(_ table: Table) async throws -> [JSON] {
        var items: [JSON] = []
        var start: JSON?
        repeat {
            var request: JSONObject = ["TableName": .string(name(table)), "ConsistentRead": true]
            if let start { request["ExclusiveStartKey"] = start }
            let answer = try await dynamo.call("Scan", .object(request))
            items += answer["Items"]?.arrayValue ?? []
            start = answer["LastEvaluatedKey"]
        } while start != nil
        return items
    }

    /// Checks the tables at rest against the rules every store keeps (``StoreInvariants``: stock conserved and
    /// matching the reservations, payments matching their orders), and what is DynamoDB's own: each customer's
    /// unpaid-order count is the number of their unpaid open orders. With the embedded engine's `journal`, also
    /// every order still `CREATED` has a checkout that can resume. Every outbox event must have been relayed.
    public func checkInvariants(journal: DynamoDBJournal?) async throws -> InvariantReport {
        var report = InvariantReport()
        let products = try await scan(.products)
        let ledgers = products.map { item in
            (
                productID: Attribute.string(item["id"]) ?? "",
                ledger: StockLedger(
                    received: Attribute.number(item["received"]) ?? 0,
                    available: Attribute.number(item["available"]) ?? 0,
                    reserved: Attribute.number(item["reserved"]) ?? 0, sold: Attribute.number(item["sold"]) ?? 0)
            )
        }
        let reservations = try await scan(.reservations).map { try Self.decode(Reservation.self, $0) }
        StoreInvariants.checkStock(ledgers: ledgers, reservations: reservations, into: &report)
        let orders = try await scan(.orders).map { try Self.decode(Order.self, $0) }
        let payments = try await scan(.payments).map { try Self.decode(Payment.self, $0) }
        StoreInvariants.checkPayments(orders: orders, payments: payments, into: &report)

        var unpaid: [String: Int] = [:]
        for order in orders { unpaid[order.userID.rawValue, default: 0] += Self.unpaid(order) }
        var counted: [String: Int] = [:]
        var categories: [String: Int] = [:]
        for item in try await scan(.uniques) {
            guard let key = Attribute.string(item["key"]) else { continue }
            if key.hasPrefix("unpaid#") {
                counted[String(key.dropFirst("unpaid#".count))] = Attribute.number(item["count"]) ?? 0
            } else if key.hasPrefix("category#") {
                categories[String(key.dropFirst("category#".count))] = Attribute.number(item["active"]) ?? 0
            }
        }
        var active: [String: Int] = [:]
        for product in products where product["active"]?["BOOL"] == .bool(true) {
            active[Attribute.string(product["categoryKey"]) ?? "", default: 0] += 1
        }
        for category in Set(active.keys).union(categories.keys)
        where active[category, default: 0] != categories[category, default: 0] {
            report.violations.append(
                "category \(category) has \(active[category, default: 0]) active products, but its count says \(categories[category, default: 0])"
            )
        }
        for user in Set(unpaid.keys).union(counted.keys) where unpaid[user, default: 0] != counted[user, default: 0] {
            report.violations.append(
                "\(user) has \(unpaid[user, default: 0]) unpaid open orders, but the count says \(counted[user, default: 0])"
            )
        }

        if let journal {
            let running = Set(try await journal.unfinished())
            report.checked.append(("unfinished workflow executions", running.count))
            for id in running where try await journal.load(executionID: id)?.1.first == nil {
                report.violations.append("execution \(id) is unfinished and has no start to resume")
            }
            for order in orders where order.status == .created {
                if order.executionID.map({ !running.contains($0) }) ?? false {
                    report.violations.append("\(order.id) is CREATED but its checkout ended")
                }
            }
        }
        let (pending, _) = try await backlog()
        report.checked.append(("outbox events pending", pending))
        if pending > 0 { report.violations.append("\(pending) outbox events were never relayed") }
        return report
    }
}
