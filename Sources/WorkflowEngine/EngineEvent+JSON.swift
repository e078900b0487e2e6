import Foundation
import StatesLanguage

extension EngineEvent {
    /// The event as JSON, for journals that store text: `{"type","at",...}` with times in epoch milliseconds.
    public var json: JSON {
        let at = JSON.int(Int((time.timeIntervalSince1970 * 1000).rounded()))
        switch self {
        case .started(let input, _): return ["type": "started", "at": at, "input": input]
        case .taskSucceeded(let token, let output, _):
            return ["type": "taskSucceeded", "at": at, "token": .string(token), "output": output]
        case .taskFailed(let token, let error, let cause, _):
            return [
                "type": "taskFailed", "at": at, "token": .string(token), "error": .string(error),
                "cause": .string(cause),
            ]
        case .timerFired(let id, _): return ["type": "timerFired", "at": at, "id": .string(id)]
        case .aborted(let error, let cause, _):
            return ["type": "aborted", "at": at, "error": .string(error), "cause": .string(cause)]
        case .taskSubmitted(let token, let output, _):
            return ["type": "taskSubmitted", "at": at, "token": .string(token), "output": output]
        case .taskHeartbeat(let token, _):
            return ["type": "taskHeartbeat", "at": at, "token": .string(token)]
        }
    }

    /// Reads an event written by ``json``.
    /// - Throws: ``StatesError`` `JournalCorrupt` for anything else.
    public init(json: JSON) throws {
        func string(_ key: String) throws -> String {
            guard let value = json[key]?.stringValue else {
                throw StatesError("JournalCorrupt", "event without '\(key)'")
            }
            return value
        }
        guard let millis = json["at"]?.intValue else { throw StatesError("JournalCorrupt", "event without a time") }
        let at = Date(timeIntervalSince1970: Double(millis) / 1000)
        switch try string("type") {
        case "started": self = .started(input: json["input"] ?? .null, at: at)
        case "taskSucceeded": self = .taskSucceeded(token: try string("token"), output: json["output"] ?? .null, at: at)
        case "taskFailed":
            self = .taskFailed(
                token: try string("token"), error: try string("error"), cause: try string("cause"), at: at)
        case "timerFired": self = .timerFired(id: try string("id"), at: at)
        case "aborted": self = .aborted(error: try string("error"), cause: try string("cause"), at: at)
        case "taskSubmitted":
            self = .taskSubmitted(token: try string("token"), output: json["output"] ?? .null, at: at)
        case "taskHeartbeat": self = .taskHeartbeat(token: try string("token"), at: at)
        case let other: throw StatesError("JournalCorrupt", "unknown event type '\(other)'")
        }
    }
}
