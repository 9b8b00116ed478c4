import Foundation
import Testing
@testable import KusariCore

struct Bech32mVectors: Decodable {
    struct Invalid: Decodable { let string: String; let why: String }
    let valid: [String]
    let invalid: [Invalid]
}

@Suite struct Bech32mTests {
    let vectors: Bech32mVectors

    init() throws {
        let data = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("bech32m/vectors.json"))
        vectors = try JSONDecoder().decode(Bech32mVectors.self, from: data)
    }

    @Test func validVectorsDecodeAndReencode() throws {
        #expect(vectors.valid.count >= 7)
        for s in vectors.valid {
            let decoded = try Bech32m.decode(s)
            #expect(Bech32m.encode(hrp: decoded.hrp, data: decoded.data) == s.lowercased(), "\(s)")
        }
    }

    @Test func invalidVectorsFail() {
        #expect(vectors.invalid.count >= 10)
        for v in vectors.invalid {
            #expect(throws: Bech32mError.self, "\(v.string): \(v.why)") { try Bech32m.decode(v.string) }
        }
    }

    @Test func bech32ChecksumIsNotBech32m() {
        // A valid BIP-173 (bech32, not bech32m) string must be refused.
        #expect(throws: Bech32mError.badChecksum) { try Bech32m.decode("a12uel5l") }
    }
}

@Suite struct AddressTests {
    let key = testKey(1)

    @Test func roundTripOnEveryNetwork() throws {
        for network in Network.allCases {
            let address = key.address(on: network)
            #expect(address.string.hasPrefix(network.addressPrefix + "1"))
            let parsed = try Address(parsing: address.string, network: network)
            #expect(parsed == address)
            #expect(parsed.payload == AddressPayload(publicKey: key.publicKey))
            // Upper case is accepted too.
            #expect(try Address(parsing: address.string.uppercased()) == address)
        }
    }

    @Test func payloadIsFirst20BytesOfSHA256OfPublicKey() {
        let digest = Hash256.sha256(key.publicKey.bytes).bytes
        #expect(AddressPayload(publicKey: key.publicKey).bytes == Array(digest.prefix(20)))
    }

    @Test func eachFaultHasItsOwnError() throws {
        let good = key.address(on: .devnet).string
        // Mixed case.
        let mixed = good.prefix(6).uppercased() + good.dropFirst(6)
        #expect(throws: AddressError.encoding(.mixedCase)) { try Address(parsing: mixed) }
        // A changed character breaks the checksum.
        var chars = Array(good)
        chars[10] = chars[10] == "q" ? "p" : "q"
        #expect(throws: AddressError.encoding(.badChecksum)) { try Address(parsing: String(chars)) }
        // Another network.
        #expect(throws: AddressError.wrongNetwork(expected: "ksr", found: "ksrt")) {
            try Address(parsing: good, network: .main)
        }
        // An unknown prefix.
        let btc = Bech32m.encode(hrp: "bc", data: [0] + (Bech32m.convertBits(key.publicKey.bytes.prefix(20).map { $0 }, from: 8, to: 5, pad: true) ?? []))
        #expect(throws: AddressError.unknownPrefix("bc")) { try Address(parsing: btc) }
        // Version 1.
        let payload5 = Bech32m.convertBits(AddressPayload(publicKey: key.publicKey).bytes, from: 8, to: 5, pad: true) ?? []
        #expect(throws: AddressError.unsupportedVersion(1)) {
            try Address(parsing: Bech32m.encode(hrp: "ksrt", data: [1] + payload5))
        }
        // 32 bytes instead of 20.
        let long5 = Bech32m.convertBits(key.publicKey.bytes, from: 8, to: 5, pad: true) ?? []
        #expect(throws: AddressError.wrongLength(32)) {
            try Address(parsing: Bech32m.encode(hrp: "ksrt", data: [0] + long5))
        }
        // No data at all.
        #expect(throws: AddressError.missingVersion) { try Address(parsing: Bech32m.encode(hrp: "ksrt", data: [])) }
    }
}
