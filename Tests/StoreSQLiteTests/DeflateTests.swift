import CZlib
import Foundation
import Testing

@testable import StoreSQLite

/// zlib's deflate with its streams reused: what one call leaves in a stream must not reach the next.
@Suite("Deflate")
struct DeflateTests {
    @Test("many records compressed at once each inflate to themselves, as zlib's own compress2 writes them")
    func roundTrips() async throws {
        let records = (0..<400).map { index in
            Data((0..<(index * 37 % 5000)).map { UInt8(truncatingIfNeeded: $0 * index / 7) })
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for record in records {
                group.addTask {
                    let packed = try Deflate.compress(record)
                    #expect(try Deflate.decompress(packed, size: record.count) == record)
                    #expect(try Deflate.decompress(packed) == record)
                    // The same bytes zlib's one-shot call writes at the same level.
                    var length = compressBound(uLong(record.count))
                    var expected = Data(count: Int(length))
                    _ = expected.withUnsafeMutableBytes { target in
                        record.withUnsafeBytes { source in
                            compress2(
                                target.bindMemory(to: Bytef.self).baseAddress, &length,
                                source.bindMemory(to: Bytef.self).baseAddress, uLong(record.count), 6)
                        }
                    }
                    #expect(packed == expected.prefix(Int(length)))
                }
            }
            try await group.waitForAll()
        }
    }
}
