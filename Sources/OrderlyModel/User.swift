import Foundation

/// A person who can sign in: a customer, a courier or an admin.
public struct User: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<User>
    public static let idPrefix = "usr_"

    public var id: ID
    public var email: EmailAddress
    public var name: String
    public var phone: String?
    public var address: Address?
    public var role: Role
    /// The slow salted hash of the password; never leaves the server.
    public var passwordHash: String
    /// Bumped when the password changes: tokens issued before carry an older number and are refused.
    public var tokenGeneration: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID, email: EmailAddress, name: String, phone: String? = nil, address: Address? = nil, role: Role,
        passwordHash: String, tokenGeneration: Int = 0, createdAt: Date, updatedAt: Date
    ) {
        self.tokenGeneration = tokenGeneration
        self.id = id
        self.email = email
        self.name = name
        self.phone = phone
        self.address = address
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What a user may do. The set is fixed by the public API.
public enum Role: String, Hashable, Sendable, Codable, CaseIterable {
    case customer, courier, admin
}

/// An email address as the user typed it, compared case-insensitively through ``key``.
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The address, trimmed, as given.
    public let value: String

    /// Accepts a plausible address: one `@`, a dot in the domain, no spaces, at most 254 characters.
    public init?(_ text: String) {
        let value = text.trimmed
        guard value.utf8.count <= 254, !value.contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...64).contains(parts[0].count) else { return nil }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }),
            domain.unicodeScalars.allSatisfy({
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "."
            })
        else { return nil }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        self.value = value
    }

    /// The form used to compare and look up addresses: lower-cased.
    public var key: String { value.lowercased() }

    public var description: String { value }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let email = EmailAddress(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be a valid email address")
        }
        self = email
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A postal address: `{"line1","line2"?,"city","postalCode","country"}` with an ISO 3166 alpha-2 country.
public struct Address: Hashable, Sendable, Codable {
    public var line1: String
    public var line2: String?
    public var city: String
    public var postalCode: String
    public var country: String

    public init(line1: String, line2: String? = nil, city: String, postalCode: String, country: String) {
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.postalCode = postalCode
        self.country = country
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case line1, line2, city, postalCode, country }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        line1 = try container.decode(String.self, forKey: .line1)
        line2 = try container.decodeIfPresent(String.self, forKey: .line2)
        city = try container.decode(String.self, forKey: .city)
        postalCode = try container.decode(String.self, forKey: .postalCode)
        country = try container.decode(String.self, forKey: .country)
    }

    /// Every problem with this address, each named under `field` (`address.city`).
    public func validate(field: String) -> [FieldIssue] {
        var issues = Validate.text(line1, field: "\(field).line1", length: 1...200)
        if let line2 { issues += Validate.text(line2, field: "\(field).line2", length: 0...200) }
        issues += Validate.text(city, field: "\(field).city", length: 1...100)
        issues += Validate.text(postalCode, field: "\(field).postalCode", length: 1...20)
        if country.utf8.count != 2 || !country.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) {
            issues.append(FieldIssue(field: "\(field).country", message: "must be an ISO 3166 alpha-2 code like US"))
        }
        return issues
    }
}

/// The rules for the fields of a user, shared by registration, profile updates and admin creation.
public enum UserRules {
    public static let passwordLength = 8...128

    public static func password(_ password: String, field: String = "password") -> [FieldIssue] {
        passwordLength.contains(password.count)
            ? [] : [FieldIssue(field: field, message: "must be 8–128 characters")]
    }

    public static func name(_ name: String, field: String = "name") -> [FieldIssue] {
        Validate.text(name, field: field, length: 1...100)
    }

    /// A phone number: an optional `+`, then 7–15 digits, with spaces, dashes or parentheses between them.
    public static func phone(_ phone: String, field: String = "phone") -> [FieldIssue] {
        let digits = phone.filter(\.isASCII).filter(\.isNumber).count
        let allowed =
            phone.allSatisfy { ($0.isASCII && $0.isNumber) || " -()".contains($0) }
            || (phone.first == "+"
                && phone.dropFirst().allSatisfy { ($0.isASCII && $0.isNumber) || " -()".contains($0) })
        return allowed && (7...15).contains(digits) && phone.count <= 24
            ? [] : [FieldIssue(field: field, message: "must be a phone number like +15551234567")]
    }
}
