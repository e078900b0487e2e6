import Crypto
import Foundation
import OrderlyModel

/// Checks `Orderly-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` against the shared secret.
struct WebhookSignature {
    let secret: String
    /// How far the signed time may be from now.
    static let tolerance: TimeInterval = 300

    func verify(header: String?, body: Data, now: Date) throws {
        guard let header else { throw Self.invalid("the Orderly-Signature header is missing") }
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1].lowercased()) }
        }
        guard let timestamp, !signatures.isEmpty else { throw Self.invalid("the signature must be t=...,v1=...") }
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= Self.tolerance else {
            throw Self.invalid("the signature is too old or from the future")
        }
        let expected = Self.sign(body: body, timestamp: timestamp, secret: secret)
        guard signatures.contains(where: { Self.constantTimeEqual($0, expected) }) else {
            throw Self.invalid("the signature does not match")
        }
    }

    static func sign(body: Data, timestamp: Int, secret: String) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return code.hexString
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func invalid(_ message: String) -> OrderlyError {
        OrderlyError.validation(field: "Orderly-Signature", message)
    }
}
