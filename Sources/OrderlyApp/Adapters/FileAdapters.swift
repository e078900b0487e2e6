import Foundation
import OrderlyPorts

/// Writes each email as an `.eml` file in the mail folder (`<data-dir>/mail/`).
public struct FileMailer: Mailer {
    let folder: URL
    let sender: String

    public init(folder: URL, sender: String = "Orderly <no-reply@orderly.local>") throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
        self.sender = sender
    }

    public func send(to address: String, subject: String, body: String, messageID: String) async throws {
        let name = FileBlobStore.safeName(messageID)
        let message = [
            "From: \(sender)", "To: \(address)", "Subject: \(Self.header(subject))",
            "Date: \(Date().formatted(.iso8601))", "Message-ID: <\(name)@orderly.local>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", body,
        ].joined(separator: "\r\n")
        try Data(message.utf8).write(to: folder.appendingPathComponent("\(name).eml"), options: .atomic)
    }

    /// A header value on one line.
    static func header(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}

/// Stores blobs as files under a folder (`<data-dir>/blobs/`); keys are paths made of safe characters only.
public struct FileBlobStore: BlobStore {
    let folder: URL

    public init(folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
    }

    public func put(_ data: Data, key: String, contentType: String) async throws {
        let url = try path(for: key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }

    public func get(key: String) async throws -> Data? {
        let url = try path(for: key)
        return FileManager.default.fileExists(atPath: url.path) ? try Data(contentsOf: url) : nil
    }

    private func path(for key: String) throws -> URL {
        let parts = key.split(separator: "/").map(String.init)
        guard !parts.isEmpty, parts.allSatisfy({ $0 == Self.safeName($0) && $0 != "." && $0 != ".." }) else {
            throw CocoaError(.fileWriteInvalidFileName)
        }
        return parts.reduce(folder) { $0.appendingPathComponent($1) }
    }

    /// Letters, digits, `.`, `_` and `-`; anything else becomes `_`.
    static func safeName(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }
}
