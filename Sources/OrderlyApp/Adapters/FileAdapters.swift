import Foundation
import OrderlyPorts

/// Appends each email to the day's mailbox in the mail folder (`<data-dir>/mail/2026-12-01.mbox`): one file a day in
/// the mbox format mail programs open (`mutt -f`, Thunderbird's import), instead of a file per message, whose creation
/// cost more than everything else a checkout writes.
///
/// A message is one `write` to a file opened for appending, so messages never interleave. The mailbox is not synced
/// to disk message by message: what a customer was sent is recorded in the database first (`notifications`), and
/// mail is a copy of it.
public final class FileMailer: Mailer, @unchecked Sendable {
    let folder: URL
    let sender: String
    private let clock: any WallClock
    private let lock = NSLock()
    private var open: (day: String, handle: FileHandle)?

    /// - Parameter clock: what dates each message (the application's clock).
    public init(
        folder: URL, sender: String = "Orderly <no-reply@orderly.local>", clock: any WallClock = SystemClock()
    ) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
        self.sender = sender
        self.clock = clock
    }

    deinit { try? open?.handle.close() }

    public func send(to address: String, subject: String, body: String, messageID: String) async throws {
        let time = MailTime(clock.now())
        let name = FileBlobStore.safeName(messageID)
        let headers = [
            "From: \(sender)", "To: \(Self.header(address))", "Subject: \(Self.header(subject))",
            "Date: \(time.header)", "Message-ID: <\(name)@orderly.local>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        let message = Self.mboxEntry(headers: headers, body: body, stamp: time.separator)
        try lock.withLock {
            if open?.day != time.day {
                try open?.handle.close()
                let url = folder.appendingPathComponent("\(time.day).mbox")
                if !FileManager.default.fileExists(atPath: url.path),
                    !FileManager.default.createFile(atPath: url.path, contents: nil)
                {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
                }
                let handle = try FileHandle(forWritingTo: url)
                try handle.seekToEnd()
                open = (time.day, handle)
            }
            try open!.handle.write(contentsOf: Data(message.utf8))
        }
    }

    /// One message as an mbox entry (mboxrd): the `From ` separator line, the headers, the body with every line that
    /// starts with `From ` (after any `>`s) quoted with one more `>`, and a blank line.
    static func mboxEntry(headers: [String], body: String, stamp: String) -> String {
        let body = body.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map { line in line.drop { $0 == ">" }.hasPrefix("From ") ? ">" + line : String(line) }
        return (["From orderly@orderly.local \(stamp)"] + headers + [""] + body + ["", ""]).joined(separator: "\n")
    }

    /// A header value on one line.
    static func header(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}

/// A message's time in UTC, in the three forms a mailbox uses — worked out from the C library's calendar (Foundation's
/// date formatting made and ran three format styles per message, a third of a message's cost).
struct MailTime {
    /// RFC 5322's `Date:` form: `Sat, 05 Dec 2026 22:44:08 +0000`.
    let header: String
    /// The `From ` line's form, asctime's: `Sat Dec  5 22:44:08 2026`.
    let separator: String
    /// The day's mailbox name: `2026-12-05`.
    let day: String

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let weekday = Self.weekdays[Int(parts.tm_wday)]
        let month = Self.months[Int(parts.tm_mon)]
        let year = parts.tm_year + 1900
        let clock = "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        header = "\(weekday), \(two(parts.tm_mday)) \(month) \(year) \(clock) +0000"
        separator = "\(weekday) \(month) \(parts.tm_mday < 10 ? " " : "")\(parts.tm_mday) \(clock) \(year)"
        day = "\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
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
        func safe(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default: return false
            }
        }
        // ASCII (every key this makes), byte by byte; anything else a character at a time, as files were named.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        }
        return String(decoding: text.utf8.map { safe($0) ? $0 : 0x5F }, as: UTF8.self)
    }
}

/// Blobs in `store`, and those an earlier version wrote as files (`<data-dir>/blobs/`) read where they are.
public struct BlobsWithEarlierFiles: BlobStore {
    let store: any BlobStore
    let files: FileBlobStore

    public init(store: any BlobStore, files: FileBlobStore) {
        self.store = store
        self.files = files
    }

    public func put(_ data: Data, key: String, contentType: String) async throws {
        try await store.put(data, key: key, contentType: contentType)
    }

    public func get(key: String) async throws -> Data? {
        if let data = try await store.get(key: key) { return data }
        return try await files.get(key: key)
    }
}
