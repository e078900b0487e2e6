import Foundation

/// The data folder: the SQLite database, receipts, the mail folder and generated secrets.
public struct DataDirectory: Sendable {
    public let url: URL

    /// Opens the folder at `path`, creating it (mode 0700) when missing.
    public init(path: String) throws {
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The SQLite database file.
    public var databasePath: String { url.appendingPathComponent("orderly.sqlite").path }

    /// The token signing secret: the one given, else the one generated on first start and kept in `jwt-secret`
    /// with mode 0600. Two processes starting at once agree on one secret (the file is created exclusively).
    public func jwtSecret(configured: String?) throws -> String {
        try secret(named: "jwt-secret", configured: configured)
    }

    /// A secret: the one given, else one generated on first start and kept in the file `name` with mode 0600.
    public func secret(named name: String, configured: String?) throws -> String {
        if let configured { return configured }
        let path = url.appendingPathComponent(name).path
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.utf8.count >= 32 {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var bytes = [UInt8](repeating: 0, count: 48)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let secret = Data(bytes).base64EncodedString()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor < 0 {
            if errno == EEXIST, let existing = try? String(contentsOfFile: path, encoding: .utf8),
                existing.utf8.count >= 32
            {
                return existing.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            throw ConfigurationError(variable: "ORDERLY_DATA_DIR", message: "cannot write \(path) (errno \(errno))")
        }
        defer { close(descriptor) }
        let written = secret.withCString { write(descriptor, $0, strlen($0)) }
        guard written == secret.utf8.count else {
            throw ConfigurationError(variable: "ORDERLY_DATA_DIR", message: "cannot write \(path)")
        }
        return secret
    }
}
