import Foundation
import Logging
import OrderlyModel

/// Writes one JSON object a line to standard error: `{"time","level","message","label",...metadata}`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Written by hand, keys in byte order: Foundation's `JSONSerialization` with sorted keys compared them through
    /// ICU's collation, and the line cost twice as much as answering the request it logs.
    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data(line(for: event, at: Date())))
    }

    /// The event's line, newline included: metadata (the handler's, the provider's, the event's) over the four
    /// fixed members.
    public func line(for event: LogEvent, at time: Date) -> [UInt8] {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var members: [(key: String, value: Logger.Metadata.Value)] = [
            ("label", .string(label)), ("level", .string(event.level.rawValue)),
            ("message", .string("\(event.message)")), ("time", .string(time.formatted(.iso8601))),
        ]
        members.removeAll { merged[$0.key] != nil }
        members += merged.map { ($0.key, $0.value) }
        var line = JSONWriter(escapesSlashes: false)
        Self.write(members, to: &line)
        line.raw("\n")
        return line.bytes
    }

    private static func write(_ members: [(key: String, value: Logger.Metadata.Value)], to line: inout JSONWriter) {
        line.raw("{")
        for (index, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if index > 0 { line.raw(",") }
            line.string(member.key)
            line.raw(":")
            write(member.value, to: &line)
        }
        line.raw("}")
    }

    private static func write(_ value: Logger.Metadata.Value, to line: inout JSONWriter) {
        switch value {
        case .string(let text): line.string(text)
        case .stringConvertible(let convertible): line.string(convertible.description)
        case .array(let values): line.array(values) { write($1, to: &$0) }
        case .dictionary(let dictionary): write(dictionary.map { ($0.key, $0.value) }, to: &line)
        }
    }
}
