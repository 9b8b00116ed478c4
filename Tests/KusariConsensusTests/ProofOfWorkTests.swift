import Testing
import KusariConsensus

@Suite("Proof-of-work check")
struct ProofOfWorkTests {
    static let genesisHex = "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"

    func genesisHash() throws -> [UInt8] {
        let bytes = try #require(hexBytes(Self.genesisHex))
        return try #require(BitcoinHeader(bytes: bytes)).hash
    }

    @Test("Bitcoin's genesis hash, read little-endian, meets its bits and not a harder target")
    func littleEndian() throws {
        let hash = try genesisHash()
        let exact = try #require(UInt256(littleEndianBytes: hash))
        #expect(exact.hexString == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        #expect(ProofOfWork.meetsTarget(littleEndianHash: hash, target: exact))
        #expect(!ProofOfWork.meetsTarget(littleEndianHash: hash, target: exact &- .one))
        #expect(try ProofOfWork.check(littleEndianHash: hash, bits: 0x1d00_ffff, powLimit: PowParameters.bitcoin.powLimit)
                == CompactTarget.decode(0x1d00_ffff))
        #expect(throws: ProofOfWorkError.self) {
            try ProofOfWork.check(littleEndianHash: hash, bits: 0x1b00_ffff, powLimit: PowParameters.bitcoin.powLimit)
        }
        // Read in the other byte order the same bytes are a huge number.
        #expect(!ProofOfWork.meetsTarget(bigEndianHash: hash, target: try CompactTarget.decode(0x1d00_ffff)))
    }

    @Test("big-endian hashes (Kusari block ids) compare as written")
    func bigEndian() throws {
        let hash = try genesisHash()
        let displayOrder = Array(hash.reversed())
        let target = try CompactTarget.decode(0x1d00_ffff)
        #expect(ProofOfWork.meetsTarget(bigEndianHash: displayOrder, target: target))
        #expect(try ProofOfWork.check(bigEndianHash: displayOrder, bits: 0x1d00_ffff, powLimit: PowParameters.bitcoin.powLimit) == target)
        #expect(throws: ProofOfWorkError.self) {
            try ProofOfWork.check(bigEndianHash: hash, bits: 0x1d00_ffff, powLimit: PowParameters.bitcoin.powLimit)
        }
    }

    @Test("bits easier than the limit, invalid bits, and short hashes are refused")
    func refusals() throws {
        let hash = try genesisHash()
        let limit = PowParameters.bitcoin.powLimit
        #expect(throws: ProofOfWorkError.targetAboveLimit(bits: 0x1e00_ffff, powLimit: limit)) {
            try ProofOfWork.check(littleEndianHash: hash, bits: 0x1e00_ffff, powLimit: limit)
        }
        #expect(throws: ProofOfWorkError.invalidBits(.negative(bits: 0x1d80_ffff))) {
            try ProofOfWork.check(littleEndianHash: hash, bits: 0x1d80_ffff, powLimit: limit)
        }
        #expect(throws: ProofOfWorkError.wrongHashLength(31)) {
            try ProofOfWork.check(littleEndianHash: hash.dropLast(), bits: 0x1d00_ffff, powLimit: limit)
        }
        #expect(!ProofOfWork.meetsTarget(littleEndianHash: hash.dropLast(), target: .max))
    }
}

func hexBytes(_ text: String) -> [UInt8]? {
    let chars = Array(text.utf8)
    guard chars.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    var index = 0
    while index < chars.count {
        guard let byte = UInt8(String(decoding: chars[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
        bytes.append(byte)
        index += 2
    }
    return bytes
}
