import Testing
@testable import KusariCore

@Suite struct TransactionTests {
    let alice = testKey(1)
    let bob = testKey(2)

    func transfer(chainId: UInt32 = 3, nonce: UInt64 = 0, amount: UInt64 = 5_000, fee: UInt64 = 100,
                  memo: String = "lunch") throws -> Transaction {
        try Transaction(chainId: chainId, key: alice, nonce: nonce, to: AddressPayload(publicKey: bob.publicKey),
                        amount: amount, fee: fee, memo: Array(memo.utf8))
    }

    @Test func encodingRoundTripsAndSignatureVerifies() throws {
        let tx = try transfer()
        #expect(tx.hasValidSignature)
        let bytes = tx.encoded
        #expect(bytes.count == Transaction.minEncodedSize + 5)
        let decoded = try Transaction(decoding: bytes)
        #expect(decoded == tx)
        #expect(decoded.id == Hash256.sha256(bytes))
        #expect(decoded.from == AddressPayload(publicKey: alice.publicKey))
        #expect(tx.signingPayload.starts(with: Array("KUSARI/TX/V1".utf8)))
    }

    @Test func signingIsDeterministic() throws {
        #expect(try transfer().encoded == transfer().encoded)
    }

    @Test func signatureCoversChainId() throws {
        var tx = try transfer(chainId: 3)
        tx.chainId = 1   // replay on main
        #expect(!tx.hasValidSignature)
    }

    @Test func everySingleByteChangeIsRejected() throws {
        let bytes = try transfer().encoded
        for i in 0..<bytes.count {
            for delta: UInt8 in [1, 0x80] {
                var changed = bytes
                changed[i] &+= delta
                if let tx = try? Transaction(decoding: changed) {
                    #expect(!tx.hasValidSignature, "byte \(i) +\(delta) was accepted")
                }
            }
        }
    }

    @Test func limitsAreEnforced() throws {
        #expect(throws: TransactionError.self) { try transfer(amount: Amount.maxSupply + 1) }
        #expect(throws: TransactionError.self) { try transfer(fee: Amount.maxSupply + 1) }
        #expect(throws: TransactionError.self) { try transfer(memo: String(repeating: "x", count: 257)) }
        _ = try transfer(memo: String(repeating: "x", count: 256))
        // The decoder refuses an amount above the cap even when well-formed.
        var tx = try transfer()
        tx.amount = Amount.maxSupply + 1
        #expect(throws: CanonicalDecodingError.outOfRange(field: "amount", value: Amount.maxSupply + 1,
                                                          maximum: Amount.maxSupply)) {
            try Transaction(decoding: tx.encoded)
        }
    }

    @Test func decodeErrorsNameTheField() throws {
        let bytes = try transfer().encoded
        #expect(throws: CanonicalDecodingError.trailingBytes(count: 1)) { try Transaction(decoding: bytes + [0]) }
        do {
            _ = try Transaction(decoding: Array(bytes.prefix(40)))
            Issue.record("truncated transaction accepted")
        } catch {
            #expect(error.field == "nonce")
        }
        // Memo length 257.
        var w = ByteWriter()
        w.writeBytes(bytes.prefix(4 + 32 + 8 + 20 + 8 + 8))
        w.writeVarUInt(257)
        #expect(throws: CanonicalDecodingError.oversize(field: "memo", length: 257, maximum: 256)) {
            try Transaction(decoding: w.bytes + [UInt8](repeating: 0, count: 257 + 64))
        }
    }
}
