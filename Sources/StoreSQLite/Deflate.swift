import CZlib
import Foundation

/// zlib's deflate, for records that are written once and read rarely (a finished execution's journal, the answer
/// an idempotency key replays): about half the bytes of their JSON.
enum Deflate {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "zlib failed with \(code)" }
    }

    static func compress(_ data: Data) throws -> Data {
        var length = compressBound(uLong(data.count))
        var output = Data(count: Int(length))
        let code = output.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                compress2(
                    target.bindMemory(to: Bytef.self).baseAddress, &length,
                    source.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), 6)
            }
        }
        guard code == Z_OK else { throw Failure(code: code) }
        return output.prefix(Int(length))
    }

    /// - Parameter size: the length of the original, when it is known (else it is found by growing the buffer).
    static func decompress(_ data: Data, size: Int? = nil) throws -> Data {
        var capacity = size ?? max(data.count * 4, 256)
        while true {
            var length = uLongf(capacity)
            var output = Data(count: capacity)
            let code = output.withUnsafeMutableBytes { target in
                data.withUnsafeBytes { source in
                    uncompress(
                        target.bindMemory(to: Bytef.self).baseAddress, &length,
                        source.bindMemory(to: Bytef.self).baseAddress, uLong(data.count))
                }
            }
            if code == Z_BUF_ERROR, capacity < 1 << 28 {
                capacity *= 4
                continue
            }
            guard code == Z_OK else { throw Failure(code: code) }
            return output.prefix(Int(length))
        }
    }
}
