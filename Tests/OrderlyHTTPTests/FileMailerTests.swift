import Foundation
import OrderlyApp
import OrderlyPorts
import Testing

@Suite("Mail folder")
struct FileMailerTests {
    @Test("messages are appended to the day's mailbox, each after its From line, a From in the body quoted")
    func mailbox() async throws {
        let folder = temporaryDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mailer = try FileMailer(folder: folder)
        try await mailer.send(
            to: "ann@example.com", subject: "Your order\r\nBcc: eve@example.com",
            body: "Hello\nFrom the dairy\n>From us",
            messageID: "m/1")
        try await mailer.send(to: "bob@example.com", subject: "Welcome", body: "Hi", messageID: "m2")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 1 && files[0].hasSuffix(".mbox"))
        let text = try String(contentsOf: folder.appendingPathComponent(files[0]), encoding: .utf8)
        let separators = text.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("From ") }
        #expect(separators.count == 2)
        #expect(text.contains("\n>From the dairy\n") && text.contains("\n>>From us\n"))
        // A header cannot be broken into two by what it carries.
        #expect(text.contains("Subject: Your order  Bcc: eve@example.com\n"))
        #expect(text.contains("Message-ID: <m_1@orderly.local>") && text.contains("To: bob@example.com"))
    }

    @Test("a message is dated as mail programs read it (RFC 5322), after an asctime From line, in its day's mailbox")
    func dates() async throws {
        struct Fixed: WallClock {
            let date: Date
            func now() -> Date { date }
        }
        let folder = temporaryDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Saturday 5 December 2026, 09:04:08.75 UTC; then the first instant of 2027.
        for (seconds, file, header, separator) in [
            (
                1_796_461_448.75, "2026-12-05.mbox", "Date: Sat, 05 Dec 2026 09:04:08 +0000",
                "From orderly@orderly.local Sat Dec  5 09:04:08 2026"
            ),
            (
                1_798_761_600.0, "2027-01-01.mbox", "Date: Fri, 01 Jan 2027 00:00:00 +0000",
                "From orderly@orderly.local Fri Jan  1 00:00:00 2027"
            ),
        ] {
            let mailer = try FileMailer(folder: folder, clock: Fixed(date: Date(timeIntervalSince1970: seconds)))
            try await mailer.send(to: "ann@example.com", subject: "Hi", body: "Hello", messageID: "m")
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(text.hasPrefix(separator + "\n"))
            #expect(text.contains("\n" + header + "\n"))
        }
    }
}
