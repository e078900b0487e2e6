import CZlib
import Foundation

/// zlib's deflate, for records that are written once and read rarely (a finished execution's journal, the answer
/// an idempotency key replays, a receipt): with a preset dictionary of what such records share
/// (``DeflateDictionary``), about a quarter of the bytes of their text.
///
/// Compressing reuses zlib's streams: `compress2` sets up a new one each call, which allocates and clears a quarter
/// of a megabyte of tables — for the kilobyte or two of a record, four fifths of the call (0.17 ms of a checkout's
/// 4 ms went on two of them).
enum Deflate {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "zlib failed with \(code)" }
    }

    /// zlib's format at level 6, with the current dictionary.
    static func compress(_ data: Data) throws -> Data {
        let stream = try streams.take()
        // After the stream's set-up or reset, before its first bytes (and before its bound, which counts the
        // dictionary's id in the header).
        let set = DeflateDictionary.current.bytes.withUnsafeBufferPointer {
            deflateSetDictionary(stream, $0.baseAddress, uInt($0.count))
        }
        guard set == Z_OK else {
            streams.discard(stream)
            throw Failure(code: set)
        }
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

    /// Inflates a record written by ``compress(_:)`` with any dictionary it has known, or written without one (as
    /// records were before dictionaries, and as `compress2` writes).
    /// - Parameter size: the length of the original, when it is known (else it is found by growing the buffer).
    static func decompress(_ data: Data, size: Int? = nil) throws -> Data {
        // At an address of its own: zlib's state points back at its stream and checks that it does.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        var code = inflateInit_(stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else { throw Failure(code: code) }
        defer { inflateEnd(stream) }
        var output = [UInt8](repeating: 0, count: max(size ?? data.count * 4, 64))
        code = data.withUnsafeBytes { source -> Int32 in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
            stream.pointee.avail_in = uInt(source.count)
            while true {
                let written = Int(stream.pointee.total_out)
                if written == output.count {
                    guard output.count < 1 << 28 else { return Z_BUF_ERROR }
                    output.append(contentsOf: repeatElement(0, count: output.count * 3))
                }
                let code = output.withUnsafeMutableBufferPointer { target -> Int32 in
                    stream.pointee.next_out = target.baseAddress! + written
                    stream.pointee.avail_out = uInt(target.count - written)
                    return inflate(stream, Z_NO_FLUSH)
                }
                switch code {
                case Z_STREAM_END:
                    return code
                case Z_NEED_DICT:
                    // zlib's header names the dictionary by its Adler-32, now in `adler`.
                    guard let dictionary = DeflateDictionary.known[UInt32(stream.pointee.adler)] else {
                        return Z_NEED_DICT
                    }
                    let set = dictionary.bytes.withUnsafeBufferPointer {
                        inflateSetDictionary(stream, $0.baseAddress, uInt($0.count))
                    }
                    guard set == Z_OK else { return set }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.pointee.avail_out == 0:
                    continue  // room for more
                default:
                    return code == Z_BUF_ERROR ? Z_DATA_ERROR : code  // the input ended before the stream did
                }
            }
        }
        guard code == Z_STREAM_END else { throw Failure(code: code) }
        return Data(output.prefix(Int(stream.pointee.total_out)))
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
