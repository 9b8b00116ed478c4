/// What a staking transaction does (docs/protocol.md 20.2): become a validator, bond,
/// unbond or move stake, leave jail, change commission, take rewards. The staking rules
/// run them (KusariCore's ``StakingExecutor``, implemented by KusariStaking); their bytes
/// are here because they are part of the transaction's encoding and signature.
public enum StakingAction: Hashable, Sendable {
    /// Makes the sender a validator voting with `consensusKey`, bonding `selfBond` base
    /// units of its own, with `commissionBps` of its rewards kept as commission.
    case createValidator(consensusKey: PublicKey, commissionBps: UInt16, selfBond: UInt64)
    /// Bonds `amount` base units of the sender's to `validator`.
    case delegate(validator: AddressPayload, amount: UInt64)
    /// Starts unbonding `amount` base units (0: everything) of the sender's stake with `validator`.
    case undelegate(validator: AddressPayload, amount: UInt64)
    /// Moves `amount` base units (0: everything) of the sender's stake from `source` to `destination` at once.
    case redelegate(source: AddressPayload, destination: AddressPayload, amount: UInt64)
    /// Brings the sender's jailed validator back once its jail period is over.
    case unjail(validator: AddressPayload)
    /// Changes the commission of the sender's validator.
    case editValidator(validator: AddressPayload, commissionBps: UInt16)
    /// Pays the sender's rewards from its stake with `validator` (and, for the validator's
    /// operator, its commission).
    case withdrawRewards(validator: AddressPayload)

    /// The kind byte (16-22; 23-31 are kept for staking's later transactions).
    public var kind: UInt8 {
        switch self {
        case .createValidator: return 16
        case .delegate: return 17
        case .undelegate: return 18
        case .redelegate: return 19
        case .unjail: return 20
        case .editValidator: return 21
        case .withdrawRewards: return 22
        }
    }

    /// The kind bytes staking uses.
    public static let kinds: ClosedRange<UInt8> = 16...22

    /// The largest commission, in basis points (100%).
    public static let maxCommissionBps: UInt16 = 10_000

    /// A short name for views and logs.
    public var name: String {
        switch self {
        case .createValidator: return "create-validator"
        case .delegate: return "delegate"
        case .undelegate: return "undelegate"
        case .redelegate: return "redelegate"
        case .unjail: return "unjail"
        case .editValidator: return "edit-validator"
        case .withdrawRewards: return "withdraw-rewards"
        }
    }

    /// The validator the action is about (for create-validator, the sender).
    public func validator(sender: AddressPayload) -> AddressPayload {
        switch self {
        case .createValidator: return sender
        case .delegate(let v, _), .undelegate(let v, _), .unjail(let v), .editValidator(let v, _), .withdrawRewards(let v):
            return v
        case .redelegate(let s, _, _): return s
        }
    }

    /// The size of the body's encoding. Every body is at least 24 bytes, so that no staking
    /// transaction is shorter than the smallest transfer (145 bytes; the block decoder's bound).
    var bodySize: Int {
        switch self {
        case .createValidator: return 32 + 2 + 8
        case .delegate, .undelegate: return 20 + 8
        case .redelegate: return 20 + 20 + 8
        case .unjail, .withdrawRewards: return 20 + 4
        case .editValidator: return 20 + 2 + 2
        }
    }

    /// Writes the body (after the common fields).
    func encodeBody(to w: inout ByteWriter) {
        switch self {
        case .createValidator(let key, let commission, let bond):
            w.writeBytes(key.bytes)
            w.writeUInt16(commission)
            w.writeUInt64(bond)
        case .delegate(let v, let amount), .undelegate(let v, let amount):
            w.writeBytes(v.bytes)
            w.writeUInt64(amount)
        case .redelegate(let s, let d, let amount):
            w.writeBytes(s.bytes)
            w.writeBytes(d.bytes)
            w.writeUInt64(amount)
        case .unjail(let v), .withdrawRewards(let v):
            w.writeBytes(v.bytes)
            w.writeUInt32(0)
        case .editValidator(let v, let commission):
            w.writeBytes(v.bytes)
            w.writeUInt16(commission)
            w.writeUInt16(0)
        }
    }

    /// Reads the body of kind `kind` and checks every rule that needs no state.
    static func decodeBody(kind: UInt8, from r: inout ByteReader) throws(CanonicalDecodingError) -> StakingAction {
        func address(_ field: String) throws(CanonicalDecodingError) -> AddressPayload {
            AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: field)) ?? .zero
        }
        func commission() throws(CanonicalDecodingError) -> UInt16 {
            let bps = try r.readUInt16(field: "commissionBps")
            guard bps <= maxCommissionBps else {
                throw .invalid(field: "commissionBps", reason: "\(bps) basis points; at most \(maxCommissionBps) (100%)")
            }
            return bps
        }
        func reserved(_ bytes: Int) throws(CanonicalDecodingError) {
            guard try r.readBytes(bytes, field: "reserved").allSatisfy({ $0 == 0 }) else {
                throw .invalid(field: "reserved", reason: "must be zero")
            }
        }
        switch kind {
        case 16:
            let key = PublicKey(validated: try r.readBytes(PublicKey.byteCount, field: "consensusKey"))
            let bps = try commission()
            let bond = try r.readUInt64(field: "selfBond", maximum: Amount.maxSupply)
            guard bond > 0 else { throw .invalid(field: "selfBond", reason: "must be more than 0") }
            return .createValidator(consensusKey: key, commissionBps: bps, selfBond: bond)
        case 17:
            let v = try address("validator")
            let amount = try r.readUInt64(field: "amount", maximum: Amount.maxSupply)
            guard amount > 0 else { throw .invalid(field: "amount", reason: "must be more than 0") }
            return .delegate(validator: v, amount: amount)
        case 18:
            let v = try address("validator")
            return .undelegate(validator: v, amount: try r.readUInt64(field: "amount", maximum: Amount.maxSupply))
        case 19:
            let s = try address("source")
            let d = try address("destination")
            guard s != d else { throw .invalid(field: "destination", reason: "the same validator as the source") }
            return .redelegate(source: s, destination: d, amount: try r.readUInt64(field: "amount", maximum: Amount.maxSupply))
        case 20:
            let v = try address("validator")
            try reserved(4)
            return .unjail(validator: v)
        case 21:
            let v = try address("validator")
            let bps = try commission()
            try reserved(2)
            return .editValidator(validator: v, commissionBps: bps)
        case 22:
            let v = try address("validator")
            try reserved(4)
            return .withdrawRewards(validator: v)
        default:
            throw .invalid(field: "kind", reason: "unknown transaction kind \(kind)")
        }
    }
}

extension Transaction {
    /// The staking action of a staking transaction (nil otherwise).
    public var stakingAction: StakingAction? {
        if case .staking(let s) = action { return s }
        return nil
    }

    /// Builds and signs a staking transaction paying `fee`. Refuses what the decoder would refuse.
    public init(chainId: UInt32, key: KeyPair, nonce: UInt64, staking: StakingAction, fee: UInt64) throws(TransactionError) {
        guard chainId != Self.typedMarker else { throw .field("chainId", "may not be 0") }
        guard fee <= Amount.maxSupply else { throw .field("fee", "exceeds the 21,000,000 KSR supply cap") }
        var w = ByteWriter(capacity: staking.bodySize)
        staking.encodeBody(to: &w)
        var r = ByteReader(w.bytes)
        do { _ = try StakingAction.decodeBody(kind: staking.kind, from: &r) } catch { throw .decoding(error) }
        self.init(chainId: chainId, publicKey: key.publicKey, nonce: nonce, to: .zero, amount: 0, fee: fee, memo: [],
                  action: .staking(staking), signature: Signature(validated: [UInt8](repeating: 0, count: Signature.byteCount)))
        do { self.signature = try key.sign(signingPayload) } catch { throw .field("signature", error.description) }
    }
}
