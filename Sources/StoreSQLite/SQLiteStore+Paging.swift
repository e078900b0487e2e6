import GRDB
import OrderlyModel

extension SQLiteStore {
    /// One page of a list query, newest first by `id` (ids sort by creation): the rows matching every condition, after
    /// the page's cursor, `limit` of them, and the cursor of the next page when there is one.
    /// - Parameters:
    ///   - sql: the query without WHERE, ORDER BY or LIMIT, such as `SELECT document FROM orders`.
    ///   - conditions: SQL conditions joined with AND; `arguments` fill their placeholders in order.
    ///   - decode: one item from a row.
    ///   - key: the cursor of an item (its id).
    func page<Item: Sendable>(
        _ sql: String, where conditions: [String] = [], arguments: StatementArguments = [], page: PageRequest,
        decode: @escaping @Sendable (Row) throws -> Item, key: (Item) -> String
    ) async throws -> Page<Item> {
        var conditions = conditions
        var arguments = arguments
        if let after = page.after {
            conditions.append("id < ?")
            arguments += [after]
        }
        arguments += [page.limit + 1]
        let query =
            sql + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY id DESC LIMIT ?"
        let rows = try readNow { [arguments] db in
            try Row.fetchAll(db, sql: query, arguments: arguments).map(decode)
        }
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextAfter: rows.count > page.limit ? items.last.map(key) : nil)
    }

    /// Decodes the `document` column as `T`.
    static func document<T: Decodable & Sendable>(_ type: T.Type) -> @Sendable (Row) throws -> T {
        { row in try JSONColumn.decode(T.self, from: row["document"]) }
    }
}
