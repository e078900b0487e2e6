import Foundation
import OrderlyModel
import StatesLanguage

/// An EventBridge event pattern: `{"source": ["orderly.orders"], "detail-type": ["OrderConfirmed"],
/// "detail": {"total": {"amount": [{"numeric": [">", 0]}]}}}`.
///
/// Supported: exact values, `prefix`, `suffix`, `anything-but` (a value or a list), `exists`, `numeric` (comparisons
/// joined), and nested objects. An empty pattern matches every event.
public struct EventPattern: Sendable {
    let pattern: JSON

    /// The pattern as EventBridge reads it. An empty pattern (every event) is `{"source":[{"prefix":""}]}` there,
    /// since EventBridge refuses an empty one.
    public var eventBridgeJSON: JSON {
        pattern.objectValue?.isEmpty == true ? ["source": [["prefix": ""]]] : pattern
    }

    public init(_ pattern: JSON) {
        self.pattern = pattern
    }

    /// The pattern `{"detail-type": [...]}` of the given events.
    public init(detailTypes events: [any DomainEvent.Type]) {
        pattern = ["detail-type": .array(events.map { .string($0.detailType.rawValue) })]
    }

    /// Parses pattern text.
    public init(parsing text: String) throws {
        pattern = try JSON(parsing: text)
    }

    /// Whether the event matches. Only the fields the pattern names are made (most name the detail-type alone: the
    /// detail is not parsed then, which every consumer did for every event).
    public func matches(_ event: EventEnvelope) -> Bool {
        var document = JSONObject()
        for key in pattern.objectValue?.keys ?? [] {
            switch key {
            case "id": document[key] = .string(event.id.rawValue)
            case "source": document[key] = .string(event.source)
            case "detail-type": document[key] = .string(event.detailType)
            case "time": document[key] = .string(event.time.formatted(.iso8601))
            case "detail": document[key] = (try? JSON(parsing: event.detail)) ?? [:]
            default: break
            }
        }
        return Self.match(pattern, .object(document))
    }

    static func match(_ pattern: JSON, _ value: JSON?) -> Bool {
        switch pattern {
        case .object(let fields):
            for (key, expected) in fields {
                let child = value?[key]
                if case .array(let alternatives) = expected {
                    if !alternatives.contains(where: { matchValue($0, child) }) { return false }
                } else if !match(expected, child) {
                    return false
                }
            }
            return true
        default:
            return false
        }
    }

    /// One alternative of a field: a literal, or a filter object.
    static func matchValue(_ alternative: JSON, _ value: JSON?) -> Bool {
        guard case .object(let filter) = alternative, filter.count == 1, let (name, argument) = filter.first else {
            // A literal matches the value, or any element of an array value.
            if case .array(let items)? = value { return items.contains(alternative) }
            return value == alternative
        }
        switch name {
        case "prefix": return value?.stringValue.map { $0.hasPrefix(argument.stringValue ?? "\u{0}") } ?? false
        case "suffix": return value?.stringValue.map { $0.hasSuffix(argument.stringValue ?? "\u{0}") } ?? false
        case "exists": return (value != nil) == (argument == .bool(true))
        case "anything-but":
            guard let value else { return false }
            if case .array(let excluded) = argument { return !excluded.contains(value) }
            return value != argument
        case "numeric":
            guard let number = value?.doubleValue, case .array(let terms) = argument, terms.count % 2 == 0 else {
                return false
            }
            var index = 0
            while index < terms.count {
                guard let op = terms[index].stringValue, let bound = terms[index + 1].doubleValue else { return false }
                let holds: Bool
                switch op {
                case "=": holds = number == bound
                case "<": holds = number < bound
                case "<=": holds = number <= bound
                case ">": holds = number > bound
                case ">=": holds = number >= bound
                default: return false
                }
                if !holds { return false }
                index += 2
            }
            return true
        default:
            return false
        }
    }
}

/// The consumers the system runs, each with the pattern of the events it wants: what the in-process dispatcher
/// delivers, and what the EventBridge rules route to each consumer's queue on AWS.
public enum EventRoutes {
    public static let all: [(name: String, pattern: EventPattern)] = [
        (CancellationConsumer.name, CancellationConsumer.pattern),
        (NotificationConsumer.name, NotificationConsumer.pattern),
        (AnalyticsConsumer.name, AnalyticsConsumer.pattern), (SalesConsumer.name, SalesConsumer.pattern),
    ]
}
