import Foundation
import OrderlyModel
import OrderlyServices

/// `POST /v1/users`.
struct RegisterRequest: StrictDecodable {
    var email: String
    var password: String
    var name: String
    var phone: String?
    var address: Address?
    enum CodingKeys: String, CodingKey, CaseIterable { case email, password, name, phone, address }
}

/// `POST /v1/admin/users`.
struct AdminCreateUserRequest: StrictDecodable {
    var email: String
    var password: String
    var name: String
    var role: Role
    var phone: String?
    var address: Address?
    enum CodingKeys: String, CodingKey, CaseIterable { case email, password, name, role, phone, address }
}

/// `POST /v1/auth/login`.
struct LoginRequest: StrictDecodable {
    var email: String
    var password: String
    enum CodingKeys: String, CodingKey, CaseIterable { case email, password }
}

/// `PATCH /v1/users/me`: `null` clears `phone` or `address`.
struct ProfilePatchRequest: StrictDecodable {
    var name: String?
    var phone: Patch<String>
    var address: Patch<Address>
    var password: String?
    var currentPassword: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case name, phone, address, password, currentPassword }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        phone = try container.decodePatch(String.self, forKey: .phone)
        address = try container.decodePatch(Address.self, forKey: .address)
        password = try container.decodeIfPresent(String.self, forKey: .password)
        currentPassword = try container.decodeIfPresent(String.self, forKey: .currentPassword)
    }
}

/// The answer to a registration: `{"userId","email","name","role","createdAt"}`.
struct UserCreatedBody: Encodable {
    var userId: User.ID
    var email: String
    var name: String
    var role: Role
    var createdAt: Date

    init(_ user: User) {
        userId = user.id
        email = user.email.value
        name = user.name
        role = user.role
        createdAt = user.createdAt
    }
}

/// A profile: `{"userId","email","name","phone","address","role","createdAt","updatedAt"}`, absent values as `null`.
struct ProfileBody: Encodable {
    let user: User

    enum CodingKeys: String, CodingKey { case userId, email, name, phone, address, role, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user.id, forKey: .userId)
        try container.encode(user.email.value, forKey: .email)
        try container.encode(user.name, forKey: .name)
        try container.encode(user.phone, forKey: .phone)
        try container.encode(user.address, forKey: .address)
        try container.encode(user.role, forKey: .role)
        try container.encode(user.createdAt, forKey: .createdAt)
        try container.encode(user.updatedAt, forKey: .updatedAt)
    }
}

/// The answer to a sign-in.
struct TokenBody: Encodable {
    var token: String
    var userId: User.ID
    var role: Role
    var expiresAt: Date
}
