/// Turns passwords into slow salted hashes and checks them.
public protocol PasswordHasher: Sendable {
    /// A new salted hash of `password`.
    func hash(_ password: String) async throws -> String
    /// Whether `password` matches `hash`; false for a malformed hash.
    func verify(_ password: String, against hash: String) async throws -> Bool
}
