import KusariCore
import Testing
import KusariConsensus

/// Reference values computed independently with Python's arbitrary-precision integers.
private struct Vector: Sendable, CustomStringConvertible {
    let a, b: String
    let shift: Int
    let sum: String
    let sumOverflows: Bool
    let difference: String
    let differenceOverflows: Bool
    let product: String
    let productOverflows: Bool
    let quotient, remainder, shiftedLeft, shiftedRight: String
    var description: String { "a=\(a) b=\(b)" }
}

private let vectors: [Vector] = [
    Vector(a: "00000000000000000000000000000003ec99108ddb5b5fab8f4d3e27dda1494c", b: "0000000000000000000000000000000000000009dae445508201e2bd73ab4877", shift: 97,
           sum: "00000000000000000000000000000003ec991097b63fa4fc114f20e5514c91c3", sumOverflows: false,
           difference: "00000000000000000000000000000003ec99108400771a5b0d4b5b6a69f600d5", differenceOverflows: false,
           product: "00000026ac5bb56970d2131d315b59ba9e42839bd7cc6242a7a7cea27c5a7254", productOverflows: false,
           quotient: "0000000000000000000000000000000000000000000000000000000065effaa4", remainder: "00000000000000000000000000000000000000053bfa3aeb01296954e509a710",
           shiftedLeft: "00000007d932211bb6b6bf571e9a7c4fbb429298000000000000000000000000", shiftedRight: "00000000000000000000000000000000000000000000000000000001f64c8846"),
    Vector(a: "006061e62fa91425cb0088539d2c67eda13ffe7979cb9e86830c71c2cdcc6929", b: "000000000000000000000000000000000000000817362f25244caf9c4dabb481", shift: 21,
           sum: "006061e62fa91425cb0088539d2c67eda13ffe819101cdaba759215f1b781daa", sumOverflows: false,
           difference: "006061e62fa91425cb0088539d2c67eda13ffe7162956f615ebfc2268020b4a8", differenceOverflows: false,
           product: "2051c5b43438fc70bc797eb38fe53cde5069b8928ff4cc3e7ee75b050154d1a9", productOverflows: true,
           quotient: "000000000000000000000000000be9ac472987d93e0fd82de25ff090c3df0253", remainder: "00000000000000000000000000000000000000035a78b72694d15dd9c858e156",
           shiftedLeft: "3cc5f52284b960110a73a58cfdb427ffcf2f3973d0d0618e3859b98d25200000", shiftedRight: "00000003030f317d48a12e5804429ce9633f6d09fff3cbce5cf43418638e166e"),
    Vector(a: "00000000000000000000000000000002bd299753a767779673f778aaf6fa5db8", b: "0000000000000000000000000000000000000000000000000000000128518867", shift: 7,
           sum: "00000000000000000000000000000002bd299753a767779673f778ac1f4be61f", sumOverflows: false,
           difference: "00000000000000000000000000000002bd299753a767779673f778a9cea8d551", differenceOverflows: false,
           product: "0000000000000000000000032b9766b9cf27ed9a1ed9dff6fc560192c7bd7508", productOverflows: false,
           quotient: "00000000000000000000000000000000000000025dc24de98f832438b83a5b40", remainder: "00000000000000000000000000000000000000000000000000000000f7c5a6f8",
           shiftedLeft: "0000000000000000000000000000015e94cba9d3b3bbcb39fbbc557b7d2edc00", shiftedRight: "00000000000000000000000000000000057a532ea74eceef2ce7eef155edf4bb"),
    Vector(a: "c7321cc007b37e14998092253deffa38e12b2b8f30b17d0b09208a650f3ebdd3", b: "000000000000000000000000000000000000000d97491e2370c6a5b85387f613", shift: 100,
           sum: "c7321cc007b37e14998092253deffa38e12b2b9cc7fa9b2e79e7301d62c6b3e6", sumOverflows: false,
           difference: "c7321cc007b37e14998092253deffa38e12b2b8199685ee79859e4acbbb6c7c0", differenceOverflows: false,
           product: "f3840d91abf97c6ce3894fa0ae8417636fb718437f85c6813847326fef55d8a9", productOverflows: true,
           quotient: "0000000000000000000000000ea80fae4f2810217f42b476f02b18fbcf4620f4", remainder: "00000000000000000000000000000000000000022730d4009090b87cccb3d3b7",
           shiftedLeft: "deffa38e12b2b8f30b17d0b09208a650f3ebdd30000000000000000000000000", shiftedRight: "0000000000000000000000000c7321cc007b37e14998092253deffa38e12b2b8"),
    Vector(a: "029e84527513923715c1d2dfa9964aef012d0ea67ff122294b4d8474a3ea284d", b: "00000000000000000000000000000000fee5a5b28d1fe1daff6665896822a6b3", shift: 42,
           sum: "029e84527513923715c1d2dfa9964af00012b4590d1104044ab3e9fe0c0ccf00", sumOverflows: false,
           difference: "029e84527513923715c1d2dfa9964aee024768f3f2d1404e4be71eeb3bc7819a", differenceOverflows: false,
           product: "c09393ada7b2fc12bb778fee79a7f662da93bb66a6779ae8c110178615161bd7", productOverflows: true,
           quotient: "0000000000000000000000000000000002a16b0ff000f0a5c3f2ac6a54db9964", remainder: "000000000000000000000000000000006cc802cda1e87c180d57fd15e99f0f61",
           shiftedLeft: "4e48dc57074b7ea6592bbc04b43a99ffc488a52d3611d28fa8a1340000000000", shiftedRight: "000000000000a7a1149d44e48dc57074b7ea6592bbc04b43a99ffc488a52d361"),
    Vector(a: "0000000000000011079dd25a49fe85b0834c687a3acb6266c20ba2c250b601fc", b: "0000000000000000000000000000000000000000000000001ba1192ec42b7171", shift: 205,
           sum: "0000000000000011079dd25a49fe85b0834c687a3acb6266ddacbbf114e1736d", sumOverflows: false,
           difference: "0000000000000011079dd25a49fe85b0834c687a3acb6266a66a89938c8a908b", differenceOverflows: false,
           product: "d6851c4ba535a70f54fae53c42899daff6a2a44dc9bd790d00cb7cc53c8b1c3c", productOverflows: true,
           quotient: "0000000000000000000000000000009dca277ad97755ddc1b2b680acfb3b2632", remainder: "0000000000000000000000000000000000000000000000000c7b40589d5813ea",
           shiftedLeft: "74584a16c03f8000000000000000000000000000000000000000000000000000", shiftedRight: "0000000000000000000000000000000000000000000000000000000000000000"),
    Vector(a: "af5570eed8e94b150452ef05f542441d111b8aaa62f28d1a4a789cb3d8b9b45c", b: "faf8cda9601e5b45785116080d650372e90794dfed52a24135b00a5436a80bdf", shift: 203,
           sum: "aa4e3e983907a65a7ca4050e02a7478ffa231f8a50452f5b8028a7080f61c03b", sumOverflows: true,
           difference: "b45ca34578caefcf8c01d8fde7dd40aa2813f5ca759fead914c8925fa211a87d", differenceOverflows: true,
           product: "6420a56e14050015f249e96fdb97cfc928d0f0eb5c4642283cc4671388e41024", productOverflows: true,
           quotient: "0000000000000000000000000000000000000000000000000000000000000000", remainder: "af5570eed8e94b150452ef05f542441d111b8aaa62f28d1a4a789cb3d8b9b45c",
           shiftedLeft: "c4e59ec5cda2e000000000000000000000000000000000000000000000000000", shiftedRight: "0000000000000000000000000000000000000000000000000015eaae1ddb1d29"),
    Vector(a: "0000000000000000000000000000000332d03fdda123f50190f5380e12b2a414", b: "0000000000000000000000000000000000000000000000000000000045100359", shift: 44,
           sum: "0000000000000000000000000000000332d03fdda123f50190f5380e57c2a76d", sumOverflows: false,
           difference: "0000000000000000000000000000000332d03fdda123f50190f5380dcda2a0bb", differenceOverflows: false,
           product: "000000000000000000000000dce558efd56e90392d8a59ad90d3f8803d4746f4", productOverflows: false,
           quotient: "000000000000000000000000000000000000000bdb2a48783f5a811f340dc3a9", remainder: "00000000000000000000000000000000000000000000000000000000090ea353",
           shiftedLeft: "00000000000000000000332d03fdda123f50190f5380e12b2a41400000000000", shiftedRight: "000000000000000000000000000000000000000000332d03fdda123f50190f53"),
    Vector(a: "000000000000001eec3fbf4dc20ef16468f918d8f6cdb2f803e0d681552454f1", b: "00000000000000001dc1930b0f552c9402cdf2af19de2bc1b4ff00ae3f1347df", shift: 249,
           sum: "000000000000001f0a015258d1641df86bc70b8810abdeb9b8dfd72f94379cd0", sumOverflows: false,
           difference: "000000000000001ece7e2c42b2b9c4d0662b2629dcef87364ee1d5d316110d12", differenceOverflows: false,
           product: "3eed5aabd5839dfa6f8fb08645215debf46e0f771557f91b6aa6b7addb17d4ef", productOverflows: true,
           quotient: "000000000000000000000000000000000000000000000000000000000000010a", remainder: "0000000000000000011cf5cfd38e9f997efaeee815f43bb1f2ea2173cb1ba73b",
           shiftedLeft: "e200000000000000000000000000000000000000000000000000000000000000", shiftedRight: "0000000000000000000000000000000000000000000000000000000000000000"),
    Vector(a: "02ed75adfc3b66fa30d0b19482450164728a6fcf303a07b28f2df760ae9ca08b", b: "0000000000000000000000000000000000000000000000000000000000021871", shift: 214,
           sum: "02ed75adfc3b66fa30d0b19482450164728a6fcf303a07b28f2df760ae9eb8fc", sumOverflows: false,
           difference: "02ed75adfc3b66fa30d0b19482450164728a6fcf303a07b28f2df760ae9a881a", differenceOverflows: false,
           product: "793539e8b5d44aa47fed534dfb5fed286935276dc9bb4199713c9f450345e55b", productOverflows: true,
           quotient: "00000165a80713a24308e2565894bb84e33779d108dae13f555e8221af0c9da1", remainder: "000000000000000000000000000000000000000000000000000000000001f47a",
           shiftedLeft: "d82ba72822c00000000000000000000000000000000000000000000000000000", shiftedRight: "0000000000000000000000000000000000000000000000000000000bb5d6b7f0"),
    Vector(a: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", b: "0000000000000000000000000000000000000000000000000000000000000001", shift: 1,
           sum: "0000000000000000000000000000000000000000000000000000000000000000", sumOverflows: true,
           difference: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe", differenceOverflows: false,
           product: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", productOverflows: false,
           quotient: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", remainder: "0000000000000000000000000000000000000000000000000000000000000000",
           shiftedLeft: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe", shiftedRight: "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    Vector(a: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", b: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", shift: 255,
           sum: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe", sumOverflows: true,
           difference: "0000000000000000000000000000000000000000000000000000000000000000", differenceOverflows: false,
           product: "0000000000000000000000000000000000000000000000000000000000000001", productOverflows: true,
           quotient: "0000000000000000000000000000000000000000000000000000000000000001", remainder: "0000000000000000000000000000000000000000000000000000000000000000",
           shiftedLeft: "8000000000000000000000000000000000000000000000000000000000000000", shiftedRight: "0000000000000000000000000000000000000000000000000000000000000001"),
    Vector(a: "0000000000000000000000000000000100000000000000000000000000000000", b: "00000000000000000000000000000000ffffffffffffffffffffffffffffffff", shift: 128,
           sum: "00000000000000000000000000000001ffffffffffffffffffffffffffffffff", sumOverflows: false,
           difference: "0000000000000000000000000000000000000000000000000000000000000001", differenceOverflows: false,
           product: "ffffffffffffffffffffffffffffffff00000000000000000000000000000000", productOverflows: false,
           quotient: "0000000000000000000000000000000000000000000000000000000000000001", remainder: "0000000000000000000000000000000000000000000000000000000000000001",
           shiftedLeft: "0000000000000000000000000000000000000000000000000000000000000000", shiftedRight: "0000000000000000000000000000000000000000000000000000000000000001"),
]

private func number(_ hex: String) throws -> UInt256 {
    try #require(UInt256(hex: hex))
}

@Suite("UInt256")
struct UInt256Tests {
    @Test("arithmetic matches arbitrary-precision reference values", arguments: vectors)
    fileprivate func referenceVectors(_ v: Vector) throws {
        let a = try number(v.a), b = try number(v.b)
        let sum = a.addingReportingOverflow(b)
        #expect(sum.partialValue == (try number(v.sum)))
        #expect(sum.overflow == v.sumOverflows)
        let difference = a.subtractingReportingOverflow(b)
        #expect(difference.partialValue == (try number(v.difference)))
        #expect(difference.overflow == v.differenceOverflows)
        let product = a.multipliedReportingOverflow(by: b)
        #expect(product.partialValue == (try number(v.product)))
        #expect(product.overflow == v.productOverflows)
        let division = try #require(a.quotientAndRemainder(dividingBy: b))
        #expect(division.quotient == (try number(v.quotient)))
        #expect(division.remainder == (try number(v.remainder)))
        #expect(a / b == division.quotient)
        #expect(a % b == division.remainder)
        #expect(a << v.shift == (try number(v.shiftedLeft)))
        #expect(a >> v.shift == (try number(v.shiftedRight)))
    }

    @Test("division is exact on pseudo-random operands of every size")
    func divisionProperty() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<400 {
            let a = randomNumber(&rng) >> Int(rng.next() % 256)
            let b = randomNumber(&rng) >> Int(rng.next() % 256)
            guard let (q, r) = a.quotientAndRemainder(dividingBy: b) else {
                #expect(b.isZero)
                continue
            }
            #expect(r < b)
            let (qb, o1) = q.multipliedReportingOverflow(by: b)
            let (back, o2) = qb.addingReportingOverflow(r)
            #expect(!o1 && !o2)
            #expect(back == a)
        }
    }

    @Test("division by zero is reported, not trapped")
    func divisionByZero() {
        let a: UInt256 = 12345
        #expect(a.quotientAndRemainder(dividingBy: .zero) == nil)
        let result = a.dividedReportingOverflow(by: .zero)
        #expect(result.overflow)
        #expect(result.partialValue == a)
    }

    @Test("shifts by 0, 64, 255, 256 and negative counts")
    func shifts() {
        let one = UInt256.one
        #expect(one << 0 == one)
        #expect((one << 255).significantBitWidth == 256)
        #expect(one << 256 == .zero)
        #expect(one << 1000 == .zero)
        #expect((one << 64).bigEndianBytes[23] == 1)
        #expect(UInt256.max >> 255 == one)
        #expect(UInt256.max >> 256 == .zero)
        #expect(one << -1 == .zero)
        #expect((one << 10) >> -2 == one << 12)
        #expect(one << Int.min == .zero)
    }

    @Test("significant bit width, as Bitcoin Core's bits()")
    func bitWidth() {
        #expect(UInt256.zero.significantBitWidth == 0)
        #expect(UInt256.one.significantBitWidth == 1)
        #expect(UInt256(0x80).significantBitWidth == 8)
        #expect((UInt256.one << 200).significantBitWidth == 201)
        #expect(UInt256.max.significantBitWidth == 256)
        #expect(UInt256.max.leadingZeroBitCount == 0)
        #expect(UInt256.zero.leadingZeroBitCount == 256)
    }

    @Test("big- and little-endian bytes round-trip, and other lengths are refused")
    func bytes() throws {
        let bytes: [UInt8] = (1...32).map { UInt8($0) }
        let be = try #require(UInt256(bigEndianBytes: bytes))
        let le = try #require(UInt256(littleEndianBytes: bytes))
        #expect(be.bigEndianBytes == bytes)
        #expect(le.littleEndianBytes == bytes)
        #expect(be.hexString == "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")
        #expect(le.hexString == "201f1e1d1c1b1a191817161514131211100f0e0d0c0b0a090807060504030201")
        #expect(be.low64 == 0x191a_1b1c_1d1e_1f20)
        #expect(UInt256(bigEndianBytes: bytes.dropLast()) == nil)
        #expect(UInt256(littleEndianBytes: bytes + [0]) == nil)
    }

    @Test("hex in and out")
    func hex() throws {
        #expect(UInt256(hex: "0x1") == .one)
        #expect(UInt256(hex: "0X00ff") == UInt256(255))
        #expect(UInt256(hex: "ABCdef") == UInt256(0xabcdef))
        #expect(UInt256(hex: String(repeating: "f", count: 64)) == .max)
        #expect(UInt256(hex: "000" + String(repeating: "f", count: 64)) == .max)
        #expect(UInt256(hex: "1" + String(repeating: "0", count: 64)) == nil)
        #expect(UInt256(hex: "") == nil)
        #expect(UInt256(hex: "0x") == nil)
        #expect(UInt256(hex: "12g4") == nil)
        #expect(UInt256(hex: " 12") == nil)
        #expect(UInt256(hex: "0") == .zero)
        #expect(UInt256(0x100010001).hexString == String(repeating: "0", count: 55) + "100010001")
        #expect("\(UInt256.max)" == String(repeating: "f", count: 64))
    }

    @Test("ordering is numeric across limbs")
    func ordering() throws {
        let small = try number("ffffffffffffffff")
        let big = try number("10000000000000000")
        #expect(small < big)
        #expect(!(big < small))
        #expect([big, .max, .zero, small].sorted() == [.zero, small, big, .max])
        #expect(~UInt256.zero == .max)
        #expect(UInt256.max &+ .one == .zero)
        #expect(UInt256.zero &- .one == .max)
        #expect((UInt256.one << 255) &* 2 == .zero)
    }

    private func randomNumber(_ rng: inout SplitMix64) -> UInt256 {
        var bytes: [UInt8] = []
        for _ in 0..<4 {
            let word = rng.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return UInt256(bigEndianBytes: bytes) ?? .zero
    }
}
