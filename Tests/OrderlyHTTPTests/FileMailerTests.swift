import Foundation
import OrderlyApp
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
}
