import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: UserStore {
    public func insertUser(_ user: User, events: [EventEnvelope]) async throws {
        defer { userCache.invalidate([user.id.rawValue]) }
        do {
            try await writer.write { db in
                try db.cachedStatement(
                    sql: """
                        INSERT INTO users (id, email, email_key, name, phone, address, role, password_hash, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
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
        try userCache.record(id.rawValue) { try user(id: id) }
    }

    private func user(id: User.ID) throws -> User? {
        try readOne { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id.rawValue]).map(
                Self.user(from:))
        }
    }

    public func user(email: EmailAddress) async throws -> User? {
        try readOne { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE email_key = ?"), arguments: [email.key])
                .map(Self.user(from:))
        }
    }

    public func staff(role: Role, page: PageRequest) async throws -> Page<User> {
        guard role != .customer else { return Page(items: [], nextAfter: nil) }
        return try await self.page(
            "SELECT * FROM users", where: ["role = ?", "role != 'customer'"], arguments: [role.rawValue], page: page,
            decode: Self.user(from:),
            key: \.id.rawValue)
    }

    public func updateUser(id: User.ID, patch: UserPatch, at time: Date, events: [EventEnvelope]) async throws -> User {
        defer { userCache.invalidate([id.rawValue]) }
        return try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id.rawValue])
            else {
                throw OrderlyError.notFound("user")
            }
            let user = patch.applied(to: try Self.user(from: row), at: time)
            try db.cachedStatement(
                sql: """
                    UPDATE users SET name = ?, phone = ?, address = ?, password_hash = ?, token_generation = ?,
                    updated_at = ? WHERE id = ?
                    """
            ).execute(arguments: [
                user.name, user.phone, try user.address.map(JSONColumn.encode), user.passwordHash,
                user.tokenGeneration, user.updatedAt.millis, id.rawValue,
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
            passwordHash: row["password_hash"], tokenGeneration: row["token_generation"],
            createdAt: Date(millis: row["created_at"]),
            updatedAt: Date(millis: row["updated_at"]))
    }
}

extension SQLiteStore: LoginAttemptStore {
    public func takeLoginAttempt(limits: [LoginLimit], at time: Date) async throws -> LoginAttemptDecision {
        try await writer.write { db in
            let longest = limits.map(\.window).max() ?? 0
            try db.cachedStatement(sql: "DELETE FROM login_attempts WHERE at < ?").execute(arguments: [
                (time - longest).millis
            ])
            for limit in limits {
                let since = (time - limit.window).millis
                let times = try Int64.fetchAll(
                    db.cachedStatement(
                        sql: "SELECT at FROM login_attempts WHERE key = ? AND at >= ? ORDER BY at LIMIT ?"),
                    arguments: [limit.key, since, limit.limit])
                if times.count >= limit.limit {
                    return .refused(retryAt: Date(millis: times[0]) + limit.window)
                }
            }
            let attempt = Int64.random(in: 1...Int64.max)
            for limit in limits {
                try db.cachedStatement(sql: "INSERT INTO login_attempts (attempt, key, at) VALUES (?, ?, ?)").execute(
                    arguments: [attempt, limit.key, time.millis])
            }
            return .allowed(attemptID: attempt)
        }
    }

    public func forgetLoginAttempt(_ attemptID: Int64, clearing key: String) async throws {
        try await writer.write { db in
            try db.cachedStatement(sql: "DELETE FROM login_attempts WHERE attempt = ? OR key = ?").execute(arguments: [
                attemptID, key,
            ])
        }
    }

    /// How many attempt rows the throttle holds (for tests and checks of bounded storage).
    public func loginAttemptCount() async throws -> Int {
        try readNow { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM login_attempts")) ?? 0
        }
    }
}
