import Testing
import KusariConsensus

@Suite("Chain work")
struct ChainWorkTests {
    @Test("work(0x1d00ffff) == 0x100010001, Bitcoin's work per early block")
    func genesisWork() throws {
        #expect(try ChainWork.work(bits: 0x1d00_ffff) == UInt256(0x1_0001_0001))
    }

    @Test("work is 2^256 / (target + 1) at the edges")
    func edges() throws {
        #expect(ChainWork.work(target: .max) == .one)
        #expect(ChainWork.work(target: .one << 255) == .one)
        #expect(ChainWork.work(target: .one) == .one << 255)
        #expect(ChainWork.work(target: UInt256(3)) == .one << 254)
        #expect(ChainWork.work(target: .zero) == .zero)
        // Bitcoin regtest's limit: two hashes a block.
        #expect(try ChainWork.work(bits: 0x207f_ffff) == UInt256(2))
    }

    @Test("work agrees with the direct formula where 2^256 is not needed")
    func directFormula() throws {
        // For target + 1 = 2^k, work = 2^(256 - k).
        for k in 1..<256 {
            let target = (UInt256.one << k) &- .one
            #expect(ChainWork.work(target: target) == UInt256.one << (256 - k))
        }
    }

    @Test("work of invalid bits is refused")
    func invalidBits() {
        #expect(throws: CompactTargetError.negative(bits: 0x0492_3456)) { try ChainWork.work(bits: 0x0492_3456) }
    }

    @Test("cumulative work adds, and overflow is reported")
    func accumulate() throws {
        var total = UInt256.zero
        for _ in 0..<12 {
            total = try #require(ChainWork.adding(ChainWork.work(bits: 0x1d00_ffff), to: total))
        }
        #expect(total == UInt256(0xc_000c_000c))
        #expect(ChainWork.adding(.one, to: .max) == nil)
    }
}
