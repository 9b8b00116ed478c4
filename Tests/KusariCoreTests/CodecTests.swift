import Testing
@testable import KusariCore

@Suite struct CodecTests {
    @Test func varuintRoundTripsAndIsMinimal() throws {
        let values: [UInt64] = [0, 1, 127, 128, 255, 300, 16_383, 16_384, 1 << 32, UInt64.max - 1, UInt64.max]
        for v in values {
            var w = ByteWriter()
            w.writeVarUInt(v)
            var r = ByteReader(w.bytes)
            #expect(try r.readVarUInt(field: "v", maximum: .max) == v)
            try r.finish()
        }
        var r = ByteReader([0x80, 0x00])
        #expect(throws: CanonicalDecodingError.nonMinimal(field: "v")) { try r.readVarUInt(field: "v", maximum: .max) }
        var r2 = ByteReader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])
        #expect(throws: CanonicalDecodingError.self) { try r2.readVarUInt(field: "v", maximum: .max) }
        var r3 = ByteReader([0x81])
        #expect(throws: CanonicalDecodingError.truncated(field: "v", needed: 1, available: 0)) {
            try r3.readVarUInt(field: "v", maximum: .max)
        }
        var r4 = ByteReader([0x05])
        #expect(throws: CanonicalDecodingError.outOfRange(field: "v", value: 5, maximum: 4)) {
            try r4.readVarUInt(field: "v", maximum: 4)
        }
    }

    @Test func oversizeLengthIsRefusedBeforeReading() {
        var w = ByteWriter()
        w.writeVarUInt(1 << 40)
        var r = ByteReader(w.bytes)
        #expect(throws: CanonicalDecodingError.oversize(field: "memo", length: 1 << 40, maximum: 256)) {
            try r.readLengthPrefixed(field: "memo", maximum: 256)
        }
    }

    @Test func hexIsStrict() throws {
        #expect(try Hex.decode("00ffAB") == [0, 255, 171])
        #expect(throws: HexError.oddLength(field: "x")) { try Hex.decode("abc", field: "x") }
        #expect(throws: HexError.invalidCharacter(field: "x", position: 2)) { try Hex.decode("00zz", field: "x") }
        #expect(throws: HexError.wrongLength(field: "h", expected: 32, actual: 1)) { try Hash256(hex: "00", field: "h") }
    }

    @Test func hashOrderingIsBytewise() throws {
        let a = try Hash256(hex: "00" + String(repeating: "ff", count: 31))
        let b = try Hash256(hex: "01" + String(repeating: "00", count: 31))
        #expect(a < b)
        #expect(Hash256.sha256([]).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // SHA-256d("hello") is a published value.
        #expect(Hash256.sha256d(Array("hello".utf8)).hex == "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50")
    }

    @Test func amountsParseExactly() {
        #expect(Amount.parse("150000000") == 150_000_000)
        #expect(Amount.parse("1.5ksr") == 150_000_000)
        #expect(Amount.parse("0.00000001KSR") == 1)
        #expect(Amount.parse("21000000ksr") == Amount.maxSupply)
        #expect(Amount.parse("21000000.00000001ksr") == nil)
        #expect(Amount.parse("1.000000001ksr") == nil)
        #expect(Amount.parse("-1") == nil)
        #expect(Amount.parse("1e5") == nil)
        #expect(Amount.parse("") == nil)
        #expect(Amount.format(150_000_000) == "1.50000000")
        // Any number of places, as an asset's decimals say.
        #expect(Amount.parseDecimal("12.5", decimals: 2, maximum: 1 << 62) == 1_250)
        #expect(Amount.parseDecimal("12", decimals: 0, maximum: 1 << 62) == 12)
        #expect(Amount.parseDecimal("12.5", decimals: 0, maximum: 1 << 62) == nil)
        #expect(Amount.parseDecimal(".05", decimals: 2, maximum: 1 << 62) == 5)
        #expect(Amount.parseDecimal("4.611686018427387904", decimals: 18, maximum: 1 << 62) == 1 << 62)
        #expect(Amount.parseDecimal("4.611686018427387905", decimals: 18, maximum: 1 << 62) == nil)
        #expect(Amount.parseDecimal("99999999999999999999", decimals: 0, maximum: .max) == nil)
        #expect(Amount.parseDecimal("10000000000", decimals: 10, maximum: .max) == nil)   // 10^20 overflows
        #expect(Amount.parseDecimal("1.", decimals: 2, maximum: 100) == 100 && Amount.parseDecimal(".", decimals: 2, maximum: 100) == nil)
    }
}
