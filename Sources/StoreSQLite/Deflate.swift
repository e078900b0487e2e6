import CZlib
import Foundation

/// zlib's deflate, for records that are written once and read rarely (a finished execution's journal, the answer
/// an idempotency key replays): about half the bytes of their JSON.
///
/// Compressing reuses zlib's streams: `compress2` sets up a new one each call, which allocates and clears a quarter
/// of a megabyte of tables — for the kilobyte or two of a record, four fifths of the call (0.17 ms of a checkout's
/// 4 ms went on two of them).
enum Deflate {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "zlib failed with \(code)" }
    }

    /// The same format and level `compress2(…, 6)` writes.
    static func compress(_ data: Data) throws -> Data {
        let stream = try streams.take()
        var output = Data(count: Int(deflateBound(stream, uLong(data.count))))
        let code = output.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: source.bindMemory(to: Bytef.self).baseAddress)
                stream.pointee.avail_in = uInt(source.count)
                stream.pointee.next_out = target.bindMemory(to: Bytef.self).baseAddress
                stream.pointee.avail_out = uInt(target.count)
                return deflate(stream, Z_FINISH)
            }
        }
        let length = Int(stream.pointee.total_out)
        guard code == Z_STREAM_END else {
            streams.discard(stream)
            throw Failure(code: code)
        }
        streams.give(stream)
        return output.prefix(length)
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

    private static let streams = StreamPool()
}

/// Deflate streams set up once and reset between uses: as many as compress at once, a few kept idle.
private final class StreamPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [UnsafeMutablePointer<z_stream>] = []
    private let keep = 8

    func take() throws -> UnsafeMutablePointer<z_stream> {
        if let stream = lock.withLock({ idle.popLast() }) { return stream }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = deflateInit2_(
            stream, 6, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            stream.deallocate()
            throw Deflate.Failure(code: code)
        }
        return stream
    }

    func give(_ stream: UnsafeMutablePointer<z_stream>) {
        guard deflateReset(stream) == Z_OK else { return discard(stream) }
        let kept = lock.withLock {
            guard idle.count < keep else { return false }
            idle.append(stream)
            return true
        }
        if !kept { discard(stream) }
    }

    /// Frees a stream (one that failed, or one more than the pool keeps).
    func discard(_ stream: UnsafeMutablePointer<z_stream>) {
        deflateEnd(stream)
        stream.deallocate()
    }
}
