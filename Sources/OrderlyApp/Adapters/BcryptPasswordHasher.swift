import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import OrderlyPorts

/// Bcrypt password hashes (cost 10 by default), computed on the NIO thread pool so they never block an event loop.
///
/// The password is first reduced to base64(SHA-256(password)): bcrypt reads only 72 bytes and stops at a NUL byte,
/// so without this, long passphrases that share a prefix would match each other.
public struct BcryptPasswordHasher: PasswordHasher {
    /// The work factor; the API requires at least 10.
    public let cost: UInt8

    public init(cost: UInt8 = 10) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        let input = Self.prehash(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }
}
