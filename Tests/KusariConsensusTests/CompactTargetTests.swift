import KusariCore
import Testing
import KusariConsensus

/// Bitcoin Core's `SetCompact`/`GetCompact` cases (src/test/arith_uint256_tests.cpp).
@Suite("Compact bits")
struct CompactTargetTests {
    struct CoreCase: Sendable, CustomStringConvertible {
        let bits: UInt32
        let value: String
        let negative: Bool
        let reencoded: UInt32
        var description: String { CompactTarget.format(bits) }
    }

    static let coreCases: [CoreCase] = [
        CoreCase(bits: 0x0000_0000, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0012_3456, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0100_3456, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0200_0056, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0300_0000, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0400_0000, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0092_3456, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0180_3456, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0280_0056, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0380_0000, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0480_0000, value: "0", negative: false, reencoded: 0),
        CoreCase(bits: 0x0112_3456, value: "12", negative: false, reencoded: 0x0112_0000),
        CoreCase(bits: 0x01fe_dcba, value: "7e", negative: true, reencoded: 0x01fe_0000),
        CoreCase(bits: 0x0212_3456, value: "1234", negative: false, reencoded: 0x0212_3400),
        CoreCase(bits: 0x0312_3456, value: "123456", negative: false, reencoded: 0x0312_3456),
        CoreCase(bits: 0x0412_3456, value: "12345600", negative: false, reencoded: 0x0412_3456),
        CoreCase(bits: 0x0492_3456, value: "12345600", negative: true, reencoded: 0x0492_3456),
        CoreCase(bits: 0x0500_9234, value: "92340000", negative: false, reencoded: 0x0500_9234),
        CoreCase(bits: 0x2012_3456, value: "1234560000000000000000000000000000000000000000000000000000000000",
                 negative: false, reencoded: 0x2012_3456),
    ]

    @Test("SetCompact and GetCompact match Bitcoin Core", arguments: coreCases)
    func coreCase(_ c: CoreCase) throws {
        let decoded = CompactTarget.decodeUnchecked(c.bits)
        #expect(decoded.value == (try #require(UInt256(hex: c.value))))
        #expect(decoded.isNegative == c.negative)
        #expect(!decoded.isOverflow)
        #expect(CompactTarget.encode(decoded.value, negative: decoded.isNegative) == c.reencoded)
    }

    @Test("GetCompact of 0x80 moves the mantissa off the sign bit")
    func signBitAvoided() {
        #expect(CompactTarget.encode(UInt256(0x80)) == 0x0200_8000)
        #expect(CompactTarget.encode(.zero) == 0)
        #expect(CompactTarget.encode(.max) == 0x2100_ffff)
    }

    @Test("0xff123456 overflows")
    func overflowFlag() {
        #expect(CompactTarget.decodeUnchecked(0xff12_3456).isOverflow)
        #expect(throws: CompactTargetError.overflow(bits: 0xff12_3456)) { try CompactTarget.decode(0xff12_3456) }
    }

    @Test("overflow boundaries: what still fits in 256 bits and what does not")
    func overflowBoundaries() throws {
        #expect(try CompactTarget.decode(0x2200_00ff) == UInt256(0xff) << 248)
        #expect(try CompactTarget.decode(0x2100_ffff) == UInt256(0xffff) << 240)
        #expect(try CompactTarget.decode(0x207f_ffff) == UInt256(0x7f_ffff) << 232)
        for bits: UInt32 in [0x2200_0100, 0x2101_0000, 0x2300_0001, 0x2200_ff00] {
            #expect(throws: CompactTargetError.overflow(bits: bits)) { try CompactTarget.decode(bits) }
        }
    }

    @Test("decode refuses negative and zero targets with a typed error")
    func typedErrors() {
        #expect(throws: CompactTargetError.negative(bits: 0x0492_3456)) { try CompactTarget.decode(0x0492_3456) }
        #expect(throws: CompactTargetError.zero(bits: 0x0100_3456)) { try CompactTarget.decode(0x0100_3456) }
        #expect(throws: CompactTargetError.zero(bits: 0)) { try CompactTarget.decode(0) }
        // A set sign bit with a zero mantissa is zero, not negative.
        #expect(throws: CompactTargetError.zero(bits: 0x0480_0000)) { try CompactTarget.decode(0x0480_0000) }
        #expect(CompactTargetError.negative(bits: 0x0492_3456).description.contains("0x04923456"))
        #expect(CompactTargetError.overflow(bits: 0xff12_3456).description.contains("overflows"))
    }

    @Test("decode(0x1d00ffff) is Bitcoin's genesis target")
    func genesisTarget() throws {
        let target = try CompactTarget.decode(0x1d00_ffff)
        #expect(target.hexString == "00000000ffff0000000000000000000000000000000000000000000000000000")
    }

    @Test("encode is canonical: decode(encode(t)) <= t, and encode is stable on its own output")
    func canonicalRoundTrip() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<4 { let w = rng.next(); for s in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: w >> UInt64(s))) } }
            let target = (UInt256(bigEndianBytes: bytes) ?? .zero) >> Int(rng.next() % 256)
            let bits = CompactTarget.encode(target)
            let back = CompactTarget.decodeUnchecked(bits)
            #expect(!back.isNegative && !back.isOverflow)
            #expect(back.value <= target)
            #expect(CompactTarget.encode(back.value) == bits)
            #expect(bits & 0x0080_0000 == 0)
        }
    }

    @Test("format and parse")
    func formatAndParse() {
        #expect(CompactTarget.format(0x1d00_ffff) == "0x1d00ffff")
        #expect(CompactTarget.format(0x0300_0001) == "0x03000001")
        #expect(CompactTarget.parse("0x1d00ffff") == 0x1d00_ffff)
        #expect(CompactTarget.parse("1D00FFFF") == 0x1d00_ffff)
        #expect(CompactTarget.parse("0x1") == 1)
        #expect(CompactTarget.parse("0x") == nil)
        #expect(CompactTarget.parse("0x1d00ffff0") == nil)
        #expect(CompactTarget.parse("0x1d00fffg") == nil)
        #expect(CompactTarget.parse("-1") == nil)
    }
}
