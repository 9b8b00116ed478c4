import Testing
@testable import KusariCore

/// Feeds random and mutated bytes to every decoder: each must either throw a
/// typed error or return a value that re-encodes to exactly the same bytes.
@Suite struct FuzzTests {
    static let perDecoder = 100_000

    func seeds() throws -> (tx: [UInt8], header: [UInt8], block: [UInt8]) {
        let key = testKey(9)
        let txs = try (0..<3).map { i in
            try Transaction(chainId: 3, key: key, nonce: UInt64(i), to: AddressPayload(publicKey: testKey(8).publicKey),
                            amount: 10, fee: 1, memo: i == 1 ? Array("memo".utf8) : [])
        }
        let header = BlockHeader(height: 7, previousId: Hash256.sha256([1]), merkleRoot: MerkleTree.root(leaves: txs.map(\.id)),
                                 stateRoot: Hash256.sha256([2]), timestamp: 1_764_000_000, bits: 0x207fffff,
                                 beneficiary: AddressPayload(publicKey: key.publicKey), nonce: 42)
        return (txs[1].encoded, header.encoded, Block(header: header, transactions: txs).encoded)
    }

    func mutate(_ seed: [UInt8], _ rng: inout TestRandom) -> [UInt8] {
        var b = seed
        switch rng.next() % 6 {
        case 0: b = rng.bytes(Int(rng.next() % UInt64(seed.count * 2 + 1)))          // random
        case 1: b = Array(b.prefix(Int(rng.next() % UInt64(b.count + 1))))             // truncated
        case 2: b += rng.bytes(1 + Int(rng.next() % 8))                                 // extended
        case 3 where !b.isEmpty:                                                        // one byte flipped
            b[Int(rng.next() % UInt64(b.count))] ^= UInt8(1 + rng.next() % 255)
        case 4 where !b.isEmpty:                                                        // one byte set
            b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next())
        default:                                                                        // several flips
            for _ in 0..<(1 + rng.next() % 4) where !b.isEmpty {
                b[Int(rng.next() % UInt64(b.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            }
        }
        return b
    }

    func fuzz<T: CanonicalCodable>(_ type: T.Type, seed: [UInt8], rngSeed: UInt64) -> (accepted: Int, refused: Int) {
        var rng = TestRandom(seed: rngSeed)
        var accepted = 0, refused = 0
        for _ in 0..<Self.perDecoder {
            let input = mutate(seed, &rng)
            do {
                let value = try T(decoding: input)
                #expect(value.encoded == input, "\(T.self) accepted a non-canonical encoding")
                accepted += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        return (accepted, refused)
    }

    @Test func transactionDecoder() throws {
        let r = fuzz(Transaction.self, seed: try seeds().tx, rngSeed: 1)
        #expect(r.refused > 0 && r.accepted > 0)
    }

    @Test func headerDecoder() throws {
        let r = fuzz(BlockHeader.self, seed: try seeds().header, rngSeed: 2)
        #expect(r.refused > 0 && r.accepted > 0)
    }

    @Test func blockDecoder() throws {
        let r = fuzz(Block.self, seed: try seeds().block, rngSeed: 3)
        #expect(r.refused > 0 && r.accepted > 0)
    }

    @Test func hugeCountsDoNotAllocate() throws {
        var header = ByteWriter()
        try seeds().header.forEach { header.writeUInt8($0) }
        var w = header
        w.writeVarUInt(UInt64(Block.maxTransactions))
        #expect(throws: CanonicalDecodingError.self) { try Block(decoding: w.bytes) }
        var w2 = header
        w2.writeVarUInt(UInt64.max)
        #expect(throws: CanonicalDecodingError.self) { try Block(decoding: w2.bytes) }
    }
}
