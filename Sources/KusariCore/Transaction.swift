/// A transaction in the account model, signed with Ed25519: a transfer, or (typed,
/// see ``TransactionAction``) a contract deploy or call.
///
/// Encoding (docs/protocol.md, "Transaction"): `chainId` u32, `publicKey` 32
/// bytes, `nonce` u64, `to` 20 bytes, `amount` u64, `fee` u64, `memo` varuint
/// length (at most 256) and bytes, `signature` 64 bytes. The signature covers
/// the signing payload: the domain tag `KUSARI/TX/V1` and every field before
/// the signature, chain id included, so it cannot be replayed on another network.
public struct Transaction: Hashable, Sendable {
    /// The longest memo in bytes.
    public static let maxMemoLength = 256
    /// The domain tag that starts every signing payload.
    public static let signingTag: [UInt8] = Array("KUSARI/TX/V1".utf8)
    /// The smallest possible encoding, in bytes (a transfer with no memo).
    public static let minEncodedSize = 4 + 32 + 8 + 20 + 8 + 8 + 1 + 64
    /// The largest transfer's encoding, in bytes.
    public static let maxTransferEncodedSize = minEncodedSize + 1 + maxMemoLength
    /// The largest encoding of any transaction (a deploy with the largest code and input).
    public static let maxEncodedSize = 4 + 1 + 4 + 32 + 8 + 8 + 8 + 8 + 3 + ContractDeploy.maxCodeLength
        + 3 + ContractInvocation.maxInputLength + 64

    public var chainId: UInt32
    /// The sender's public key; the sender's account is its address payload.
    public var publicKey: PublicKey
    /// Must equal the sender account's nonce when applied.
    public var nonce: UInt64
    public var to: AddressPayload
    public var amount: UInt64
    public var fee: UInt64
    public var memo: [UInt8]
    /// What the transaction does: a transfer unless it is a typed contract transaction.
    /// For a contract action `fee` is the gas limit times the gas price, and `memo` is empty.
    public var action: TransactionAction
    public var signature: Signature

    /// The sender's account key.
    public var from: AddressPayload { AddressPayload(publicKey: publicKey) }

    /// Builds and signs a transaction.
    public init(chainId: UInt32, key: KeyPair, nonce: UInt64, to: AddressPayload, amount: UInt64,
                fee: UInt64, memo: [UInt8] = []) throws(TransactionError) {
        guard chainId != Self.typedMarker else { throw .field("chainId", "may not be 0 (it marks a typed transaction)") }
        guard amount <= Amount.maxSupply else { throw .field("amount", "exceeds the 21,000,000 KSR supply cap") }
        guard fee <= Amount.maxSupply else { throw .field("fee", "exceeds the 21,000,000 KSR supply cap") }
        guard memo.count <= Self.maxMemoLength else {
            throw .field("memo", "is \(memo.count) bytes, at most \(Self.maxMemoLength) allowed")
        }
        self.chainId = chainId
        self.publicKey = key.publicKey
        self.nonce = nonce
        self.to = to
        self.amount = amount
        self.fee = fee
        self.memo = memo
        self.action = .transfer
        self.signature = Signature(validated: [UInt8](repeating: 0, count: Signature.byteCount))
        do { self.signature = try key.sign(signingPayload) } catch { throw .field("signature", error.description) }
    }

    /// A transaction from its fields, as decoded (no checks, no signing).
    init(chainId: UInt32, publicKey: PublicKey, nonce: UInt64, to: AddressPayload, amount: UInt64, fee: UInt64,
         memo: [UInt8], action: TransactionAction, signature: Signature) {
        self.chainId = chainId
        self.publicKey = publicKey
        self.nonce = nonce
        self.to = to
        self.amount = amount
        self.fee = fee
        self.memo = memo
        self.action = action
        self.signature = signature
    }

    /// The bytes the sender signs: the tag, then every field but the signature.
    public var signingPayload: [UInt8] {
        var w = ByteWriter(capacity: Self.signingTag.count + encodedSize)
        w.writeBytes(Self.signingTag)
        encodeUnsigned(to: &w)
        return w.bytes
    }

    func encodeUnsigned(to w: inout ByteWriter) {
        guard case .transfer = action else { return encodeTypedBody(to: &w) }
        w.writeUInt32(chainId)
        w.writeBytes(publicKey.bytes)
        w.writeUInt64(nonce)
        w.writeBytes(to.bytes)
        w.writeUInt64(amount)
        w.writeUInt64(fee)
        w.writeLengthPrefixed(memo)
    }

    /// The transaction id: SHA-256 of the full signed encoding.
    public var id: Hash256 { Hash256.sha256(encoded) }

    /// True when the signature is valid for the signing payload.
    public var hasValidSignature: Bool { publicKey.isValidSignature(signature, for: signingPayload) }

    /// The size of the encoding in bytes, without encoding.
    public var encodedSize: Int {
        func varSize(_ n: Int) -> Int { n < 0x80 ? 1 : n < 0x4000 ? 2 : 3 }
        switch action {
        case .transfer:
            return 144 + varSize(memo.count) + memo.count
        case .deploy(let d):
            return 4 + 1 + 4 + 32 + 8 + 8 + 8 + 8 + varSize(d.code.count) + d.code.count + varSize(d.input.count) + d.input.count + 64
        case .call(let c):
            let m = c.method.utf8.count
            return 4 + 1 + 4 + 32 + 8 + 20 + 8 + 8 + 8 + varSize(m) + m + varSize(c.input.count) + c.input.count + 64
        case .exchange(let e):
            return 4 + 1 + 4 + 32 + 8 + 8 + e.bodySize + 64
        case .staking(let s):
            return 4 + 1 + 4 + 32 + 8 + 8 + s.bodySize + 64
        }
    }

    /// True for a contract deploy or call.
    public var isContract: Bool {
        switch action {
        case .deploy, .call: return true
        case .transfer, .exchange, .staking: return false
        }
    }

    /// True when applying it leaves a receipt (contract and exchange transactions).
    public var hasReceipt: Bool {
        if case .transfer = action { return false }
        return true
    }

    /// The exchange action of an exchange transaction (nil otherwise).
    public var exchangeAction: ExchangeAction? {
        if case .exchange(let e) = action { return e }
        return nil
    }

    /// Total the sender pays at most: amount + fee (cannot overflow: both are capped).
    public var totalCost: UInt64 { amount + fee }
}

extension Transaction: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        encodeUnsigned(to: &w)
        w.writeBytes(signature.bytes)
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        chainId = try r.readUInt32(field: "chainId")
        if chainId == Self.typedMarker {
            self = try Self.decodeTyped(from: &r)
            return
        }
        action = .transfer
        let pk = try r.readBytes(PublicKey.byteCount, field: "publicKey")
        publicKey = PublicKey(validated: pk)
        nonce = try r.readUInt64(field: "nonce")
        let toBytes = try r.readBytes(AddressPayload.byteCount, field: "to")
        to = AddressPayload(bytes: toBytes) ?? .zero
        amount = try r.readUInt64(field: "amount", maximum: Amount.maxSupply)
        fee = try r.readUInt64(field: "fee", maximum: Amount.maxSupply)
        memo = try r.readLengthPrefixed(field: "memo", maximum: Self.maxMemoLength)
        let sig = try r.readBytes(Signature.byteCount, field: "signature")
        signature = Signature(validated: sig)
    }
}

/// Why a transaction is invalid on its own or against the state.
public enum TransactionError: Error, Equatable, CustomStringConvertible {
    /// A field's value is not allowed.
    case field(String, String)
    case decoding(CanonicalDecodingError)
    case badSignature
    case wrongChain(expected: UInt32, found: UInt32)
    case wrongNonce(expected: UInt64, found: UInt64)
    case insufficientBalance(balance: UInt64, needed: UInt64)
    case balanceOverflow

    /// The field the error is about.
    public var field: String {
        switch self {
        case .field(let f, _): return f
        case .decoding(let e): return e.field
        case .badSignature: return "signature"
        case .wrongChain: return "chainId"
        case .wrongNonce: return "nonce"
        case .insufficientBalance: return "amount"
        case .balanceOverflow: return "amount"
        }
    }

    public var description: String {
        switch self {
        case .field(let f, let r): return "\(f): \(r)"
        case .decoding(let e): return e.description
        case .badSignature: return "signature: not a valid signature of this transaction by publicKey"
        case .wrongChain(let e, let f): return "chainId: transaction is for chain \(f), this chain is \(e)"
        case .wrongNonce(let e, let f): return "nonce: expected \(e), got \(f)"
        case .insufficientBalance(let b, let n): return "amount: balance \(Amount.format(b)) KSR does not cover amount + fee \(Amount.format(n)) KSR"
        case .balanceOverflow: return "amount: recipient balance would exceed the supply cap"
        }
    }
}
