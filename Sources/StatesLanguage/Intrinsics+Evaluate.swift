import Crypto
import Foundation

extension IntrinsicCall {
    /// Evaluates the call.
    /// - Parameters:
    ///   - resolve: gives the value of a path argument, throwing a ``StatesError`` when it selects nothing.
    ///   - random: the source for `States.MathRandom` and `States.UUID` (deterministic in the engine).
    /// - Throws: ``StatesError`` `States.IntrinsicFailure` with a cause for arguments of the wrong kind.
    public func evaluate(
        resolve: (JSONPath) throws -> JSON, random: inout some RandomNumberGenerator
    ) throws -> JSON {
        var values: [JSON] = []
        for argument in arguments {
            switch argument {
            case .literal(let value): values.append(value)
            case .path(let path): values.append(try resolve(path))
            case .call(let call): values.append(try call.evaluate(resolve: resolve, random: &random))
            }
        }
        return try apply(values, random: &random)
    }

    private func failure(_ message: String) -> StatesError {
        StatesError(StatesError.intrinsicFailure, "Invalid arguments in \(name): \(message)")
    }

    private func string(_ value: JSON, _ what: String) throws -> String {
        guard case .string(let text) = value else { throw failure("\(what) must be a string, not \(value.typeName)") }
        return text
    }

    private func integer(_ value: JSON, _ what: String) throws -> Int {
        guard let number = value.intValue else { throw failure("\(what) must be an integer, not \(value)") }
        return number
    }

    /// A number rounded to a whole one as AWS rounds `States.MathAdd`'s arguments (Java's `Math.round`: halves up).
    private func rounded(_ value: JSON, _ what: String) throws -> Int {
        if case .int(let number) = value { return number }
        guard case .double(let number) = value, number.isFinite else {
            throw failure("\(what) must be a number, not \(value)")
        }
        let whole = (number + 0.5).rounded(.down)
        guard let result = Int(exactly: whole) else { throw failure("\(what) is out of range") }
        return result
    }

    private func array(_ value: JSON, _ what: String) throws -> [JSON] {
        guard case .array(let items) = value else { throw failure("\(what) must be an array, not \(value.typeName)") }
        return items
    }

    private func apply(_ values: [JSON], random: inout some RandomNumberGenerator) throws -> JSON {
        switch name {
        case "States.Format": return .string(try format(values))
        case "States.StringToJson":
            // An empty (or blank) string is null, as AWS answers it (LocalStack's AWS-recorded behaviour).
            if values[0] == .null { return .null }
            let text = try string(values[0], "the argument")
            if text.allSatisfy(\.isWhitespace) { return .null }
            do {
                return try JSON(parsing: text)
            } catch let error as JSONParseError {
                throw failure("the string is not JSON (\(error))")
            }
        case "States.JsonToString": return .string(values[0].serialized())
        case "States.Array": return .array(values)
        case "States.ArrayPartition":
            let items = try array(values[0], "the first argument")
            let size = try integer(values[1], "the chunk size")
            guard size > 0 else { throw failure("the chunk size must be greater than 0") }
            return .array(
                stride(from: 0, to: items.count, by: size).map {
                    .array(Array(items[$0..<min($0 + size, items.count)]))
                })
        case "States.ArrayContains":
            return .bool(try array(values[0], "the first argument").contains(values[1]))
        case "States.ArrayRange":
            let start = try integer(values[0], "the start")
            let end = try integer(values[1], "the end")
            let step = try integer(values[2], "the step")
            guard step != 0 else { throw failure("the step must not be 0") }
            // Counted before anything is allocated: States.ArrayRange(0, 9223372036854775807, 1) is refused, not built.
            let (span, overflow) = end.subtractingReportingOverflow(start)
            let quotient = span.dividedReportingOverflow(by: step)
            let steps =
                overflow || quotient.overflow ? Int.max : (span.signum() == step.signum() ? quotient.partialValue : 0)
            guard steps < 1000 else { throw failure("the range may hold at most 1000 elements") }
            return .array(Array(stride(from: start, through: end, by: step)).map(JSON.int))
        case "States.ArrayGetItem":
            let items = try array(values[0], "the first argument")
            let index = try integer(values[1], "the index")
            guard items.indices.contains(index) else { throw failure("index \(index) is out of bounds") }
            return items[index]
        case "States.ArrayLength": return .int(try array(values[0], "the argument").count)
        case "States.ArrayUnique":
            var seen = Set<JSON>()
            return .array(try array(values[0], "the argument").filter { seen.insert($0).inserted })
        case "States.Base64Encode":
            let text = try string(values[0], "the argument")
            guard text.count <= 10_000 else { throw failure("the input may be at most 10000 characters") }
            return .string(Data(text.utf8).base64EncodedString())
        case "States.Base64Decode":
            let text = try string(values[0], "the argument")
            guard text.count <= 10_000 else { throw failure("the input may be at most 10000 characters") }
            guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else {
                throw failure("the input is not base64-encoded UTF-8")
            }
            return .string(decoded)
        case "States.Hash": return .string(try hash(values))
        case "States.JsonMerge":
            guard case .object(var left) = values[0], case .object(let right) = values[1] else {
                throw failure("the first two arguments must be objects")
            }
            guard values[2] == .bool(false) else {
                throw failure("only a shallow merge is supported: the third argument must be false")
            }
            left.merge(right) { $1 }
            return .object(left)
        case "States.MathRandom":
            let start = try integer(values[0], "the start")
            let end = try integer(values[1], "the end")
            guard start < end else { throw failure("the start must be less than the end") }
            if values.count == 3 {
                var seeded = SplitMix64(seed: UInt64(bitPattern: Int64(try integer(values[2], "the seed"))))
                return .int(Int.random(in: start..<end, using: &seeded))
            }
            return .int(Int.random(in: start..<end, using: &random))
        case "States.MathAdd":
            let (sum, overflow) = try rounded(values[0], "the first number").addingReportingOverflow(
                try rounded(values[1], "the second number"))
            guard !overflow else { throw failure("the sum overflows") }
            return .int(sum)
        case "States.StringSplit":
            let text = try string(values[0], "the first argument")
            let separators = Set(try string(values[1], "the delimiter"))
            return .array(text.split(whereSeparator: { separators.contains($0) }).map { .string(String($0)) })
        case "States.UUID":
            return .string(Self.uuid(random: &random))
        default:
            throw failure("unknown function")
        }
    }

    /// A value as `States.Format` writes it, which is how AWS's Java runtime prints it: a string as it is, an object
    /// `{Id=1, Name=Milk}` and an array `[1, two]` (their members printed the same way), numbers, `true` and `null` as
    /// in JSON. Members are printed in the order they were written in.
    static func formatted(_ value: JSON) -> String {
        switch value {
        case .string(let text): return text
        case .array(let items): return "[" + items.map(formatted).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { "\($0.key)=\(formatted($0.value))" }.joined(separator: ", ") + "}"
        default: return value.serialized()
        }
    }

    /// `States.Format('{} and {}', a, b)`: each value as ``formatted(_:)`` writes it.
    private func format(_ values: [JSON]) throws -> String {
        let template = Array(try string(values[0], "the template"))
        var output = ""
        var next = 1
        var index = 0
        while index < template.count {
            let character = template[index]
            if character == "\\", index + 1 < template.count, "{}\\".contains(template[index + 1]) {
                output.append(template[index + 1])
                index += 2
                continue
            }
            if character == "{", index + 1 < template.count, template[index + 1] == "}" {
                guard next < values.count else { throw failure("the template has more {} than there are arguments") }
                output += Self.formatted(values[next])
                next += 1
                index += 2
                continue
            }
            output.append(character)
            index += 1
        }
        guard next == values.count else { throw failure("there are more arguments than {} in the template") }
        return output
    }

    private func hash(_ values: [JSON]) throws -> String {
        let data = Data(try string(values[0], "the data").utf8)
        guard data.count <= 10_000 else { throw failure("the data may be at most 10000 characters") }
        guard let digest = Self.hexDigest(of: data, algorithm: try string(values[1], "the algorithm")) else {
            throw failure("the algorithm must be MD5, SHA-1, SHA-256, SHA-384 or SHA-512")
        }
        return digest
    }

    /// The digest as lowercase hex, by the name `States.Hash` and JSONata's `$hash` take; nil for another name.
    static func hexDigest(of data: Data, algorithm: String) -> String? {
        let digest: any Sequence<UInt8>
        switch algorithm {
        case "MD5": digest = Insecure.MD5.hash(data: data)
        case "SHA-1": digest = Insecure.SHA1.hash(data: data)
        case "SHA-256": digest = SHA256.hash(data: data)
        case "SHA-384": digest = SHA384.hash(data: data)
        case "SHA-512": digest = SHA512.hash(data: data)
        default: return nil
        }
        return digest.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }

    /// A version 4 UUID from `random`.
    static func uuid(random: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
            hex.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }
}

/// A small, fast, seedable random number generator, so that runs can be replayed exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// Seeds from a string, such as an execution id.
    public init(seed text: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        state = hash
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
