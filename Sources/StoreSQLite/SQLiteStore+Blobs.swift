import Foundation
import GRDB
import OrderlyPorts

/// Receipts and other documents kept by key, in the database (committed with the others' writes in a group).
extension SQLiteStore: BlobStore {
    public func put(_ data: Data, key: String, contentType: String) async throws {
        try await writer.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO blobs (key, content_type, body) VALUES (?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET content_type = excluded.content_type, body = excluded.body
                    """
            ).execute(arguments: [key, contentType, data])
        }
    }

    public func get(key: String) async throws -> Data? {
        try readOne { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM blobs WHERE key = ?"), arguments: [key])
        }
    }
}
