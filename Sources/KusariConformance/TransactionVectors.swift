import KusariCore
import KusariJSON

/// `transactions.json`: valid transactions with every derived value, and invalid
/// encodings each with the field and message the node reports (`kusari tx inspect`).
enum TransactionVectors {
    static func make() throws(ConformanceError) -> [(String, JSON)] {
        let valid = try validCases()
        let base = try sign(seed: VectorKeys.rfc8032Test1, chainId: 3, nonce: 0, to: try VectorKeys.key(1).publicKey,
                            amount: 150_000_000, fee: 1_000, memo: Array("kusari".utf8))
        var invalidVectors: [JSON] = []
        for (description, bytes) in try invalidCases(base) { invalidVectors.append(try invalid(description, bytes)) }
        return [
            ("valid", .array(valid.map { json(description: $0.0, seed: $0.1, tx: $0.2) })),
            ("invalid", .array(invalidVectors)),
        ]
    }

    /// A signed transaction from fixed inputs.
    static func sign(seed: [UInt8], chainId: UInt32, nonce: UInt64, to: PublicKey, amount: UInt64, fee: UInt64,
                     memo: [UInt8]) throws(ConformanceError) -> Transaction {
        try sign(seed: seed, chainId: chainId, nonce: nonce, toPayload: AddressPayload(publicKey: to),
                 amount: amount, fee: fee, memo: memo)
    }

    static func sign(seed: [UInt8], chainId: UInt32, nonce: UInt64, toPayload: AddressPayload, amount: UInt64,
                     fee: UInt64, memo: [UInt8]) throws(ConformanceError) -> Transaction {
        do {
            return try Transaction(chainId: chainId, key: try KeyPair(seed: seed), nonce: nonce, to: toPayload,
                                   amount: amount, fee: fee, memo: memo)
        } catch { throw .generation("transaction: \(error)") }
    }

    private static func validCases() throws(ConformanceError) -> [(String, [UInt8], Transaction)] {
        let k = { (i: Int) throws(ConformanceError) -> PublicKey in try VectorKeys.key(i).publicKey }
        let rfc = VectorKeys.rfc8032Test1
        var out: [(String, [UInt8], Transaction)] = []
        func add(_ d: String, _ seed: [UInt8], _ tx: Transaction) { out.append((d, seed, tx)) }
        add("docs/protocol.md 15.1: 1.5 KSR on devnet, fee 1000, memo 'kusari'", rfc,
            try sign(seed: rfc, chainId: 3, nonce: 0,
                     toPayload: AddressPayload(bytes: try hex("39f713d0a644253f04529421b9f51b9b08979d08")) ?? .zero,
                     amount: 150_000_000, fee: 1_000, memo: Array("kusari".utf8)))
        add("empty memo: the smallest encoding, 145 bytes", VectorKeys.seed(0),
            try sign(seed: VectorKeys.seed(0), chainId: 1, nonce: 0, to: try k(1), amount: 1, fee: 0, memo: []))
        add("amount 0 and fee 0 encode and verify (no minimum at this layer)", VectorKeys.seed(1),
            try sign(seed: VectorKeys.seed(1), chainId: 2, nonce: 7, to: try k(0), amount: 0, fee: 0, memo: []))
        add("amount and fee both at the supply cap", VectorKeys.seed(2),
            try sign(seed: VectorKeys.seed(2), chainId: 3, nonce: 1, to: try k(3), amount: Amount.maxSupply,
                     fee: Amount.maxSupply, memo: []))
        add("nonce 2^64 - 1 and chain id 2^32 - 1", VectorKeys.seed(3),
            try sign(seed: VectorKeys.seed(3), chainId: .max, nonce: .max, to: try k(4), amount: 12_345, fee: 678, memo: []))
        add("recipient is the all-zero payload", VectorKeys.seed(4),
            try sign(seed: VectorKeys.seed(4), chainId: 3, nonce: 2, toPayload: .zero, amount: 5, fee: 1, memo: []))
        add("sender pays itself", VectorKeys.seed(5),
            try sign(seed: VectorKeys.seed(5), chainId: 3, nonce: 3, to: try k(5), amount: 100, fee: 10, memo: []))
        for length in [1, 127, 128, 255, 256] {
            let memo = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            add("memo of \(length) bytes (length varuint \(length < 128 ? "1 byte" : "2 bytes")), not UTF-8 text",
                VectorKeys.seed(6), try sign(seed: VectorKeys.seed(6), chainId: 3, nonce: UInt64(length), to: try k(7),
                                             amount: UInt64(length) * 1000, fee: 1000, memo: memo))
        }
        add("memo of UTF-8 text with multibyte characters", VectorKeys.seed(7),
            try sign(seed: VectorKeys.seed(7), chainId: 1, nonce: 1, to: try k(8), amount: 2_100_000_000, fee: 2_500,
                     memo: Array("鎖 chain: 50 KSR".utf8)))
        add("main-network transfer with a large nonce", VectorKeys.seed(8),
            try sign(seed: VectorKeys.seed(8), chainId: 1, nonce: 1 << 40, to: try k(9), amount: 99_999_999, fee: 100_000,
                     memo: Array("invoice 42".utf8)))
        return out
    }

    static func hex(_ s: String) throws(ConformanceError) -> [UInt8] {
        do { return try Hex.decode(s) } catch { throw .generation("hex \(s): \(error)") }
    }

    /// A valid transaction with its inputs and every derived value.
    static func json(description: String, seed: [UInt8], tx: Transaction) -> JSON {
        .object([
            ("description", .string(description)),
            ("seed", .hex(seed)),
            ("chainId", .uint(UInt64(tx.chainId))),
            ("publicKey", .string(tx.publicKey.hex)),
            ("nonce", .uint(tx.nonce)),
            ("to", .string(tx.to.hex)),
            ("amount", .uint(tx.amount)),
            ("fee", .uint(tx.fee)),
            ("memo", .hex(tx.memo)),
            ("from", .string(tx.from.hex)),
            ("signingPayload", .hex(tx.signingPayload)),
            ("signature", .string(tx.signature.hex)),
            ("id", .string(tx.id.hex)),
            ("size", .uint(UInt64(tx.encoded.count))),
            ("hex", .hex(tx.encoded)),
        ])
    }

    /// An invalid encoding with the error the node gives for it.
    static func invalid(_ description: String, _ bytes: [UInt8]) throws(ConformanceError) -> JSON {
        guard let error = TransactionCheck.error(bytes) else { throw .generation("'\(description)' is valid") }
        return .object([
            ("description", .string(description)),
            ("hex", .hex(bytes)),
            ("field", .string(error.field)),
            ("error", .string(error.description)),
        ])
    }

    private static func invalidCases(_ base: Transaction) throws(ConformanceError) -> [(String, [UInt8])] {
        let b = base.encoded
        let unsigned = Array(b.prefix(80))   // chainId through fee
        let sig = base.signature.bytes
        var out: [(String, [UInt8])] = [("no bytes at all", [])]
        for (cut, inside) in [(3, "chainId"), (4, "publicKey"), (35, "publicKey"), (36, "nonce"), (44, "to"),
                              (63, "to"), (64, "amount"), (72, "fee"), (80, "memo length"), (81, "memo"),
                              (86, "memo"), (87, "signature"), (150, "signature")] {
            out.append(("truncated after \(cut) bytes, inside \(inside)", Array(b.prefix(cut))))
        }
        out.append(("one trailing byte", b + [0x00]))
        out.append(("three trailing bytes", b + [0x01, 0x02, 0x03]))
        out.append(("amount one above the supply cap", replacing(b, at: 64, u64: Amount.maxSupply + 1)))
        out.append(("amount 2^64 - 1", replacing(b, at: 64, u64: .max)))
        out.append(("fee one above the supply cap", replacing(b, at: 72, u64: Amount.maxSupply + 1)))
        out.append(("memo length 0 written as 80 00 (non-minimal)", unsigned + [0x80, 0x00] + sig))
        out.append(("memo length 5 written as 85 00 (non-minimal)", unsigned + [0x85, 0x00] + [1, 2, 3, 4, 5] + sig))
        out.append(("memo length 257 (one above the maximum)", unsigned + [0x81, 0x02] + [UInt8](repeating: 0x61, count: 257) + sig))
        out.append(("memo length 2^64 - 1 (ten-byte varuint)", unsigned + [UInt8](repeating: 0xff, count: 9) + [0x01] + sig))
        out.append(("memo length varuint whose 10th byte holds 2 (does not fit in 64 bits)",
                    unsigned + [UInt8](repeating: 0x80, count: 9) + [0x02] + sig))
        out.append(("memo length varuint of 11 bytes", unsigned + [UInt8](repeating: 0x80, count: 10) + [0x00] + sig))
        out.append(("memo length 6 but the input ends after 3 memo bytes", unsigned + [0x06, 0x6b, 0x75, 0x73]))
        var flippedR = b; flippedR[87] ^= 0x01
        out.append(("signature R with one bit flipped", flippedR))
        var flippedS = b; flippedS[87 + 40] ^= 0x01
        out.append(("signature S with one bit flipped", flippedS))
        out.append(("amount changed after signing (1.5 KSR to 2.5 KSR)", replacing(b, at: 64, u64: 250_000_000)))
        out.append(("chain id changed after signing (devnet to main: no replay)", replacing32(b, at: 0, 1)))
        out.append(("nonce changed after signing", replacing(b, at: 36, u64: 1)))
        out.append(("malleated signature: S + L (RFC 8032 requires S < L)", Array(b.prefix(87 + 32)) + sPlusL(Array(sig[32...]))))
        out.append(("all-zero signature", Array(b.prefix(87)) + [UInt8](repeating: 0, count: 64)))
        // y = 2 is not the y-coordinate of any point on edwards25519.
        let notAPoint: [UInt8] = [0x02] + [UInt8](repeating: 0, count: 31)
        out.append(("public key that is not a curve point (reported as a signature error)",
                    Array(b.prefix(4)) + notAPoint + Array(b[36...])))
        let other = try sign(seed: VectorKeys.seed(9), chainId: 3, nonce: 0, toPayload: base.to,
                             amount: base.amount, fee: base.fee, memo: base.memo)
        out.append(("signature made by another key", Array(b.prefix(87)) + other.signature.bytes))
        return out
    }

    static func replacing(_ bytes: [UInt8], at offset: Int, u64 value: UInt64) -> [UInt8] {
        var out = bytes
        for i in 0..<8 { out[offset + i] = UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * i)) }
        return out
    }

    static func replacing32(_ bytes: [UInt8], at offset: Int, _ value: UInt32) -> [UInt8] {
        var out = bytes
        for i in 0..<4 { out[offset + i] = UInt8(truncatingIfNeeded: value >> UInt32(24 - 8 * i)) }
        return out
    }

    /// `S + L` as 32 little-endian bytes (S is little-endian in RFC 8032), where L is
    /// the order of the base point; it stays below 2^256 because S < L < 2^253.
    static func sPlusL(_ s: [UInt8]) -> [UInt8] {
        let l: [UInt8] = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]
        var out = [UInt8](repeating: 0, count: 32)
        var carry = 0
        for i in 0..<32 {
            let sum = Int(s[i]) + Int(l[i]) + carry
            out[i] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        return out
    }
}

/// What the node says about a transaction's bytes: the decoder's error, or a
/// signature error, or nothing when the transaction is valid on its own.
public enum TransactionCheck {
    /// The error `kusari tx inspect` reports for `bytes`, or nil when they are a
    /// canonical, correctly signed transaction.
    public static func error(_ bytes: [UInt8]) -> TransactionError? {
        let tx: Transaction
        do { tx = try Transaction(decoding: bytes) } catch { return .decoding(error) }
        return tx.hasValidSignature ? nil : .badSignature
    }
}
