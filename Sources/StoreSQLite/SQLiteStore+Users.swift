import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: UserStore {
    public func insertUser(_ user: User, events: [EventEnvelope]) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO users (id, email, email_key, name, phone, address, role, password_hash, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        user.id.rawValue, user.email.value, user.email.key, user.name, user.phone,
                        try user.address.map(JSONColumn.encode), user.role.rawValue, user.passwordHash,
                        user.createdAt.millis, user.updatedAt.millis,
                    ])
                try Self.record(events, in: db)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw OrderlyError(
                .emailTaken, "An account with this email already exists.",
                fieldIssues: [FieldIssue(field: "email", message: "is already registered")], underlying: error)
        }
    }

    public func user(id: User.ID) async throws -> User? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id.rawValue]).map(
                Self.user(from:))
        }
    }

    public func user(email: EmailAddress) async throws -> User? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE email_key = ?", arguments: [email.key])
                .map(Self.user(from:))
        }
    }

    public func updateUser(id: User.ID, patch: UserPatch, at time: Date, events: [EventEnvelope]) async throws -> User {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id.rawValue])
            else {
                throw OrderlyError.notFound("user")
            }
            var user = try Self.user(from: row)
            if let name = patch.name { user.name = name }
            if let phone = patch.phone { user.phone = phone }
            if let address = patch.address { user.address = address }
            if let hash = patch.passwordHash { user.passwordHash = hash }
            user.updatedAt = time
            try db.execute(
                sql:
                    "UPDATE users SET name = ?, phone = ?, address = ?, password_hash = ?, updated_at = ? WHERE id = ?",
                arguments: [
                    user.name, user.phone, try user.address.map(JSONColumn.encode), user.passwordHash,
                    user.updatedAt.millis, id.rawValue,
                ])
            try Self.record(events, in: db)
            return user
        }
    }

    static func user(from row: Row) throws -> User {
        let emailText: String = row["email"]
        let roleText: String = row["role"]
        guard let email = EmailAddress(emailText), let role = Role(rawValue: roleText) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "user \(row["id"] ?? "") has a bad email or role")
        }
        let address: String? = row["address"]
        return User(
            id: .init(rawValue: row["id"]), email: email, name: row["name"], phone: row["phone"],
            address: try address.map { try JSONColumn.decode(Address.self, from: $0) }, role: role,
            passwordHash: row["password_hash"], createdAt: Date(millis: row["created_at"]),
            updatedAt: Date(millis: row["updated_at"]))
    }
}

extension SQLiteStore: LoginAttemptStore {
    public func recordFailedLogin(key: String, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO login_failures (key, at) VALUES (?, ?)", arguments: [key, time.millis])
            // Keep the table small: failures older than a day no longer matter to anyone.
            try db.execute(
                sql: "DELETE FROM login_failures WHERE key = ? AND at < ?", arguments: [key, time.millis - 86_400_000])
        }
    }

    public func failedLogins(key: String, since: Date) async throws -> [Date] {
        try await pool.read { db in
            try Int64.fetchAll(
                db, sql: "SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at",
                arguments: [key, since.millis]
            ).map(Date.init(millis:))
        }
    }

    public func clearFailedLogins(key: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM login_failures WHERE key = ?", arguments: [key])
        }
    }
}
