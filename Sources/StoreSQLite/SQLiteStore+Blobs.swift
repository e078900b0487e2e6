import Foundation
import GRDB
import OrderlyPorts

/// Receipts and other documents kept by key, in the database (committed with the others' writes in a group).
extension SQLiteStore: BlobStore {
    /// Stored deflated (a receipt's HTML takes about half).
    public func put(_ data: Data, key: String, contentType: String) async throws {
        let body = try Deflate.compress(data)
        try await writer.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO blobs (key, content_type, body, size) VALUES (?, ?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET content_type = excluded.content_type, body = excluded.body,
                        size = excluded.size
                    """
            ).execute(arguments: [key, contentType, body, data.count])
        }
    }

    public func get(key: String) async throws -> Data? {
        let row = try readOne { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT body, size FROM blobs WHERE key = ?"), arguments: [key])
        }
        guard let row else { return nil }
        let body: Data = row["body"]
        guard let size = row["size"] as Int? else { return body }
        return try Deflate.decompress(body, size: size)
    }
}
