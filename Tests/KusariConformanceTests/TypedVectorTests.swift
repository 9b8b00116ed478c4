import Foundation
import Testing
import KusariConformance
import KusariCore

/// typed-transactions.json read back and checked through the node's real decoder (not
/// through the generator): every valid vector decodes to its fields and verifies; every
/// invalid one is refused with its field and message.
@Suite struct TypedVectorTests {
    struct File: Decodable {
        struct Valid: Decodable {
            var description: String, seed: String, kind: UInt8, to: String, fee: UInt64, from: String
            var signingPayload: String, id: String, size: Int, hex: String
        }
        struct Refused: Decodable { var description: String, hex: String, field: String, error: String }
        var valid: [Valid]
        var invalid: [Refused]
    }

    @Test func typedTransactions() throws {
        let file = try VectorFormats.decode(File.self, "typed-transactions.json")
        #expect(Set(file.valid.map(\.kind)) == Set([1, 2] + Array(ExchangeAction.kinds)), "every kind has a vector")
        #expect(file.invalid.count >= 15)
        for v in file.valid {
            let bytes = try Hex.decode(v.hex)
            let tx = try Transaction(decoding: bytes)
            #expect(tx.hasValidSignature && tx.encoded == bytes, "\(v.description)")
            #expect(bytes.prefix(5) == [0, 0, 0, 0, v.kind])
            #expect(tx.to.hex == v.to && tx.fee == v.fee && tx.from.hex == v.from && tx.id.hex == v.id && v.size == bytes.count)
            #expect(Hex.encode(tx.signingPayload) == v.signingPayload)
            // Ed25519 is deterministic: the seed signs the same payload to the same signature.
            let key = try KeyPair(seed: try Hex.decode(v.seed))
            let signature = try key.sign(tx.signingPayload)
            #expect(key.publicKey == tx.publicKey && signature == tx.signature, "\(v.description)")
        }
        for v in file.invalid {
            let error = try #require(TransactionCheck.error(try Hex.decode(v.hex)), "\(v.description) was accepted")
            #expect(error.field == v.field && error.description == v.error, "\(v.description): got \(error)")
        }
    }
}
