import Foundation
import Logging
import OrderlyApp
import Testing

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("one JSON object a line, keys in order, metadata over the fixed members, text escaped, nesting kept")
    func line() throws {
        var handler = JSONLogHandler(label: "orderly", level: .info)
        handler[metadataKey: "request_id"] = "req_1"
        handler[metadataKey: "label"] = "overridden"
        let event = LogEvent(
            level: .warning, message: "storage \"unreachable\"\n/retrying",
            metadata: ["path": "/v1/orders", "ids": ["a", "b"], "error": ["code": "io", "ß": "\u{1}"]],
            source: nil, file: #fileID, function: #function, line: #line)
        let bytes = handler.line(for: event, at: Date(timeIntervalSince1970: 1_796_000_000))
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(bytes.dropLast().contains(UInt8(ascii: "\n")) == false)
        let text = String(decoding: bytes.dropLast(), as: UTF8.self)
        #expect(
            text == #"{"error":{"code":"io","ß":"\u0001"},"ids":["a","b"],"label":"overridden","level":"warning","#
                + #""message":"storage \"unreachable\"\n/retrying","path":"/v1/orders","request_id":"req_1","#
                + #""time":"2026-11-30T00:53:20Z"}"#)
        let object = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["message"] as? String == "storage \"unreachable\"\n/retrying")
    }
}
