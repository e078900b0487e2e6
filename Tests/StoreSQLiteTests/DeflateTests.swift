import CZlib
import Foundation
import Testing

@testable import StoreSQLite

/// zlib's deflate with its streams reused and a preset dictionary: what one call leaves in a stream must not reach
/// the next, and every record stored before or since must inflate.
@Suite("Deflate")
struct DeflateTests {
    @Test("many records compressed at once each inflate to themselves, and name the current dictionary")
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
                    #expect(Self.dictionaryID(of: packed) == DeflateDictionary.current.id)
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("a record written without a dictionary, as every record was before them, still inflates")
    func recordsWithoutDictionary() throws {
        for record in [Data(), Data("{\"orderId\":\"ord_01\"}".utf8), Data(repeating: 7, count: 100_000)] {
            let packed = Self.compress2(record)
            #expect(Self.dictionaryID(of: packed) == nil)
            #expect(try Deflate.decompress(packed) == record)
            #expect(try Deflate.decompress(packed, size: record.count) == record)
        }
    }

    @Test("a checkout's journal takes a fraction of the bytes it takes without the dictionary")
    func dictionaryShrinksRecords() throws {
        let journal = Data(
            #"""
            [{"type":"started","at":1796509956141,"input":{"orderId":"ord_01M945CY1B8TCKQ8Q1JQ6BNZ0N"}},{"type":\#
            "taskSucceeded","at":1796509956142,"token":"0.ValidateOrder.1.0","output":{"orderId":\#
            "ord_01M945CY1B8TCKQ8Q1JQ6BNZ0N","total":129,"lines":1}},{"type":"taskSucceeded","at":1796509956142,\#
            "token":"0.ReserveInventory.1.0","output":{"reserved":true,"reservationId":"rsv_01M945CY1B8TCKQ8Q1JQ6BNZ0N",\#
            "expiresAt":"2026-12-05T22:47:36.141Z"}},{"type":"taskSucceeded","at":1796509956144,"token":\#
            "0.ProcessPayment.1.0","output":{"paymentId":"pay_01M945CY1EPF6KQHW2EV380KK8","status":"SUCCESS",\#
            "transactionId":"txn_5168f75bc7f1dfdfae9f34e7"}}]
            """#.utf8)
        let packed = try Deflate.compress(journal)
        #expect(packed.count * 2 < Self.compress2(journal).count)
        #expect(try Deflate.decompress(packed) == journal)
    }

    @Test("a record naming a dictionary no build knew, or cut short, or not deflated at all, is an error")
    func damagedRecords() throws {
        let record = Data(String(repeating: "receipt ", count: 50).utf8)
        let packed = try Deflate.compress(record)
        #expect(throws: Deflate.Failure.self) { try Deflate.decompress(packed.prefix(packed.count - 5)) }
        #expect(throws: Deflate.Failure.self) { try Deflate.decompress(Data("not deflated".utf8)) }
        // The header's dictionary id (bytes 2–5, big-endian) changed to one no dictionary has: its checksum no longer
        // matches either, and neither may crash or answer bytes.
        var unknown = packed
        unknown.replaceSubrange(2..<6, with: [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(throws: Deflate.Failure.self) { try Deflate.decompress(unknown) }
    }

    @Test("a shipped dictionary's text never changes: stored records name it by its checksum")
    func dictionariesAreFixed() {
        // Written with the first dictionary since 2026-12-05: a change to its text (an edit, a reformatting of the
        // literal) would leave every such record unreadable. Add a new dictionary instead.
        #expect(DeflateDictionary.first.bytes.count == 3211)
        #expect(DeflateDictionary.first.id == 0xF9D8_02A9)
        #expect(DeflateDictionary.known[DeflateDictionary.current.id] != nil)
    }

    /// zlib's one-shot compression at level 6, without a dictionary.
    static func compress2(_ record: Data) -> Data {
        var length = compressBound(uLong(record.count))
        var packed = Data(count: Int(length))
        _ = packed.withUnsafeMutableBytes { target in
            record.withUnsafeBytes { source in
                CZlib.compress2(
                    target.bindMemory(to: Bytef.self).baseAddress, &length,
                    source.bindMemory(to: Bytef.self).baseAddress, uLong(record.count), 6)
            }
        }
        return packed.prefix(Int(length))
    }

    /// The dictionary a zlib stream's header names (RFC 1950: the FDICT bit, then its Adler-32), or nil.
    static func dictionaryID(of packed: Data) -> UInt32? {
        let bytes = [UInt8](packed.prefix(6))
        guard bytes.count == 6, bytes[1] & 0x20 != 0 else { return nil }
        return bytes[2..<6].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
