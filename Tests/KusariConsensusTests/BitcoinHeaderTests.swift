import Testing
import KusariConsensus

@Suite("Bitcoin header")
struct BitcoinHeaderTests {
    @Test("the genesis header parses, re-serializes, and hashes to the known hash")
    func genesis() throws {
        let bytes = try #require(hexBytes(ProofOfWorkTests.genesisHex))
        let header = try #require(BitcoinHeader(bytes: bytes))
        #expect(header.version == 1)
        #expect(header.previousBlockHash == [UInt8](repeating: 0, count: 32))
        #expect(BitcoinHeader.displayHex(header.merkleRoot) == "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")
        #expect(header.time == 1_231_006_505)
        #expect(header.bits == 0x1d00_ffff)
        #expect(header.nonce == 2_083_236_893)
        #expect(header.serialized == bytes)
        #expect(header.hashHex == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
    }

    @Test("a header built from fields serializes little-endian")
    func fields() {
        let header = BitcoinHeader(
            version: -2, previousBlockHash: [UInt8](repeating: 0xaa, count: 32),
            merkleRoot: [UInt8](repeating: 0xbb, count: 32), time: 0x0102_0304, bits: 0x1d00_ffff, nonce: 7)
        let bytes = header.serialized
        #expect(bytes.count == 80)
        #expect(Array(bytes[0..<4]) == [0xfe, 0xff, 0xff, 0xff])
        #expect(Array(bytes[68..<72]) == [0x04, 0x03, 0x02, 0x01])
        #expect(Array(bytes[72..<76]) == [0xff, 0xff, 0x00, 0x1d])
        #expect(BitcoinHeader(bytes: bytes) == header)
    }

    @Test("other lengths are refused")
    func lengths() {
        #expect(BitcoinHeader(bytes: [UInt8](repeating: 0, count: 79)) == nil)
        #expect(BitcoinHeader(bytes: [UInt8](repeating: 0, count: 81)) == nil)
    }
}
