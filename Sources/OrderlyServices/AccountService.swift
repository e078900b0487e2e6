import Foundation
import OrderlyModel
import OrderlyPorts

/// Registration, sign-in and profiles.
public struct AccountService: Sendable {
    let users: any UserStore
    let loginAttempts: any LoginAttemptStore
    let hasher: any PasswordHasher
    let env: ServiceEnvironment

    /// Failed sign-ins allowed for one email within ``throttleWindow`` before further attempts are refused.
    public static let maximumFailedLogins = 5
    /// The window over which failed sign-ins are counted, in seconds.
    public static let throttleWindow: TimeInterval = 15 * 60
    /// Sign-in attempts allowed from one client address within ``throttleWindow`` (failures and ones in flight).
    public static let maximumAttemptsPerAddress = 30
    /// Sign-in attempts allowed a minute from everyone together: a ceiling on the bcrypt work guessing can cause.
    public static let maximumAttemptsOverall = 1200

    public init(
        users: any UserStore, loginAttempts: any LoginAttemptStore, hasher: any PasswordHasher,
        env: ServiceEnvironment
    ) {
        self.users = users
        self.loginAttempts = loginAttempts
        self.hasher = hasher
        self.env = env
    }

    /// The fields of a new account.
    public struct NewAccount: Sendable {
        public var email: String
        public var password: String
        public var name: String
        public var phone: String?
        public var address: Address?
        public var role: Role

        public init(
            email: String, password: String, name: String, phone: String? = nil, address: Address? = nil,
            role: Role = .customer
        ) {
            self.email = email
            self.password = password
            self.name = name
            self.phone = phone
            self.address = address
            self.role = role
        }
    }

    /// Makes a customer account (the public sign-up): the role is always `customer`.
    /// - Throws: `validation_failed`, `email_taken`.
    public func register(_ account: NewAccount) async throws -> User {
        var account = account
        account.role = .customer
        return try await create(account)
    }

    /// Makes an account of any role; only an admin may.
    public func createAccount(_ account: NewAccount, by actor: Actor) async throws -> User {
        return try await create(account)
    }

    /// The accounts of a staff role (couriers to give deliveries to, admins), newest first.
    public func staff(_ role: Role, page: PageRequest) async throws -> Page<User> {
        try await users.staff(role: role, page: page)
    }

    /// Makes an account of any role on behalf of the operator (the command line, the configuration): never reachable
    /// over HTTP, where ``createAccount(_:by:)`` applies.
    public func provision(_ account: NewAccount) async throws -> User {
        try await create(account)
    }

    /// Makes sure an admin with this email exists; creates it when missing, changes nothing when present.
    /// - Returns: the user and whether it was created now.
    public func ensureAdmin(email: String, password: String, name: String) async throws -> (User, created: Bool) {
        if let address = EmailAddress(email), let existing = try await users.user(email: address) {
            return (existing, false)
        }
        do {
            return (try await create(NewAccount(email: email, password: password, name: name, role: .admin)), true)
        } catch let error as OrderlyError where error.code == .emailTaken {
            // Made concurrently by another process: the admin exists, which is what was asked.
            guard let address = EmailAddress(email), let existing = try await users.user(email: address) else {
                throw error
            }
            return (existing, false)
        }
    }

    private func create(_ account: NewAccount) async throws -> User {
        let email = EmailAddress(account.email)
        var issues: [FieldIssue] = []
        if email == nil { issues.append(FieldIssue(field: "email", message: "must be a valid email address")) }
        issues += UserRules.password(account.password)
        issues += UserRules.name(account.name)
        if let phone = account.phone { issues += UserRules.phone(phone) }
        if let address = account.address { issues += address.validate(field: "address") }
        try OrderlyError.throwIfAny(issues)

        let now = env.clock.now()
        let user = User(
            id: env.ids.next(User.self), email: email!, name: account.name.trimmed, phone: account.phone,
            address: account.address, role: account.role, passwordHash: try await hasher.hash(account.password),
            createdAt: now, updatedAt: now)
        let event = try env.envelope(
            UserRegistered(userId: user.id, email: user.email.value, name: user.name, role: user.role))
        try await users.insertUser(user, events: [event])
        return user
    }

    /// Checks an email and password. Wrong email and wrong password fail alike (`unauthenticated`).
    ///
    /// Each attempt is counted before the password is checked, atomically with the limits: at most
    /// ``maximumFailedLogins`` per email and ``maximumAttemptsPerAddress`` per client address within
    /// ``throttleWindow``, and ``maximumAttemptsOverall`` a minute in all; past one, `rate_limited` with the time to
    /// wait. A success forgets the email's failures.
    /// - Parameter clientAddress: where the request came from, when known.
    /// - Throws: `validation_failed` for an email that is not an email address (nothing is stored for it).
    public func authenticate(email: String, password: String, clientAddress: String? = nil) async throws -> User {
        guard let address = EmailAddress(email) else {
            throw OrderlyError.validation(field: "email", "must be an email address of at most 254 characters")
        }
        let now = env.clock.now()
        let emailKey = "email:" + address.key
        var limits = [
            LoginLimit(key: emailKey, limit: Self.maximumFailedLogins, window: Self.throttleWindow),
            LoginLimit(key: "all", limit: Self.maximumAttemptsOverall, window: 60),
        ]
        if let clientAddress, !clientAddress.isEmpty {
            limits.append(
                LoginLimit(
                    key: "address:" + clientAddress.prefix(64), limit: Self.maximumAttemptsPerAddress,
                    window: Self.throttleWindow))
        }
        let attempt: Int64
        switch try await loginAttempts.takeLoginAttempt(limits: limits, at: now) {
        case .refused(let retryAt):
            let retryAfter = max(1, Int(retryAt.timeIntervalSince(now).rounded(.up)))
            throw OrderlyError(
                .rateLimited, "Too many sign-in attempts. Try again later.", retryAfterSeconds: retryAfter)
        case .allowed(let id):
            attempt = id
        }
        let user = try await users.user(email: address)
        // Verify against a real hash even for an unknown email, so the answer takes as long either way.
        let matches = try await hasher.verify(password, against: user?.passwordHash ?? Self.decoyHash)
        guard let user, matches else { throw OrderlyError.unauthenticated("The email or password is wrong.") }
        try await loginAttempts.forgetLoginAttempt(attempt, clearing: emailKey)
        return user
    }

    /// A valid bcrypt hash (cost 10) of a random string, used to spend the same time on unknown emails.
    static let decoyHash = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8e3yEuqqZ6MyfWzTZdkBZEmKNHrQPS"

    /// The caller a verified token names, as the user is now.
    /// - Throws: `unauthenticated` when the user no longer exists or the token was issued before a password change.
    public func actor(for userID: User.ID, tokenGeneration: Int) async throws -> Actor {
        guard let user = try await users.user(id: userID), user.tokenGeneration == tokenGeneration else {
            throw OrderlyError(.unauthenticated, "The token was revoked; sign in again.")
        }
        return Actor(userID: user.id, role: user.role)
    }

    /// The profile of a user.
    public func profile(of userID: User.ID) async throws -> User {
        guard let user = try await users.user(id: userID) else { throw OrderlyError.notFound("user") }
        return user
    }

    /// A change to one's own profile.
    public struct ProfileChange: Sendable {
        public var name: String?
        public var phone: String??
        public var address: Address??
        public var password: String?
        /// Required with `password`: the password being replaced.
        public var currentPassword: String?

        public init(
            name: String? = nil, phone: String?? = nil, address: Address?? = nil, password: String? = nil,
            currentPassword: String? = nil
        ) {
            self.name = name
            self.phone = phone
            self.address = address
            self.password = password
            self.currentPassword = currentPassword
        }
    }

    /// Checks the password a signed-in user gives to change it, counted by the sign-in throttle like a sign-in.
    private func checkCurrentPassword(_ password: String, of userID: User.ID) async throws {
        guard let user = try await users.user(id: userID) else { throw OrderlyError.notFound("user") }
        let key = "email:" + user.email.key
        let limits = [LoginLimit(key: key, limit: Self.maximumFailedLogins, window: Self.throttleWindow)]
        switch try await loginAttempts.takeLoginAttempt(limits: limits, at: env.clock.now()) {
        case .refused(let retryAt):
            throw OrderlyError(
                .rateLimited, "Too many wrong passwords. Try again later.",
                retryAfterSeconds: max(1, Int(retryAt.timeIntervalSince(env.clock.now()).rounded(.up))))
        case .allowed(let attempt):
            guard try await hasher.verify(password, against: user.passwordHash) else {
                throw OrderlyError.validation(field: "currentPassword", "is not the current password")
            }
            try await loginAttempts.forgetLoginAttempt(attempt, clearing: key)
        }
    }

    /// Updates one's own profile; the role can never be changed this way. A new password needs the current one,
    /// and ends every token issued before (sign in again).
    public func updateProfile(of userID: User.ID, _ change: ProfileChange) async throws -> User {
        var issues: [FieldIssue] = []
        if let name = change.name { issues += UserRules.name(name) }
        if case .some(.some(let phone)) = change.phone { issues += UserRules.phone(phone) }
        if case .some(.some(let address)) = change.address { issues += address.validate(field: "address") }
        if let password = change.password {
            issues += UserRules.password(password)
            if change.currentPassword == nil {
                issues.append(FieldIssue(field: "currentPassword", message: "is required to change the password"))
            }
        }
        try OrderlyError.throwIfAny(issues)
        if change.password != nil, let current = change.currentPassword {
            try await checkCurrentPassword(current, of: userID)
        }

        var patch = UserPatch(name: change.name?.trimmed, phone: change.phone, address: change.address)
        if let password = change.password { patch.passwordHash = try await hasher.hash(password) }
        return try await users.updateUser(id: userID, patch: patch, at: env.clock.now(), events: [])
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
