import Foundation
import OrderlyModel
import StatesLanguage

/// What an upgrade adds to tables an earlier version filled: run by `orderly aws provision`, before servers of the
/// new version start, and changing nothing when there is nothing to fill.
extension DynamoStore {
    /// Fills the staff index (`staffRole` on couriers' and admins' items) and, when no category count exists yet,
    /// each category's count of active products.
    /// - Returns: a line for each kind filled.
    public func fillWhatAnUpgradeAdds() async throws -> [String] {
        var lines: [String] = []
        var staff = 0
        for item in try await scan(.users) where item["staffRole"] == nil {
            let user = try Self.decode(User.self, item)
            guard user.role != .customer else { continue }
            _ = try await dynamo.call(
                "UpdateItem",
                [
                    "TableName": .string(name(.users)), "Key": ["id": Attribute.string(user.id.rawValue)],
                    "UpdateExpression": "SET staffRole = :role",
                    "ExpressionAttributeValues": [":role": Attribute.string(user.role.rawValue)],
                ])
            staff += 1
        }
        if staff > 0 { lines.append("staff index: \(staff) couriers and admins added") }

        let counted = try await scan(.uniques).contains { Attribute.string($0["key"])?.hasPrefix("category#") == true }
        if !counted {
            var counts: [String: (name: String, active: Int)] = [:]
            for item in try await scan(.products) where item["active"]?["BOOL"] == .bool(true) {
                let product = try Self.product(from: item)
                let key = product.category.lowercased()
                counts[key] = (product.category, (counts[key]?.active ?? 0) + 1)
            }
            for (key, count) in counts.sorted(by: { $0.key < $1.key }) {
                _ = try await dynamo.call(
                    "PutItem",
                    [
                        "TableName": .string(name(.uniques)),
                        "Item": [
                            "key": Attribute.string("category#" + key), "categoryShard": Attribute.string("catalog"),
                            "name": Attribute.string(count.name), "active": Attribute.number(count.active),
                        ],
                        "ConditionExpression": "attribute_not_exists(#key)",
                        "ExpressionAttributeNames": ["#key": "key"],
                    ])
            }
            if !counts.isEmpty { lines.append("category counts: \(counts.count) categories counted") }
        }
        return lines
    }
}
