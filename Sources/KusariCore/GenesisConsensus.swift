/// The consensus engine a genesis names, with its parameters (docs/protocol.md, sections
/// 12 and 17.6). Proof of work takes its difficulty from the genesis `bits`; BFT takes
/// its first validator set from here.
public enum GenesisConsensus: Hashable, Sendable {
    /// Proof of work: most cumulative work wins (`"engine": "pow"`, the default).
    case proofOfWork
    /// Tendermint BFT with a fixed validator set (`"engine": "bft"`).
    case bft(validators: [GenesisValidator])

    /// The engine's name in the genesis file.
    public var engineName: String {
        switch self {
        case .proofOfWork: return "pow"
        case .bft: return "bft"
        }
    }

    /// The BFT validators, empty for proof of work.
    public var validators: [GenesisValidator] {
        if case .bft(let v) = self { return v }
        return []
    }

    /// The most validators a genesis may name (the bound of a commit's precommits).
    public static let maxValidators = BlockCommit.maxPrecommits
    /// The most voting power in all (CometBFT's `MaxTotalVotingPower`, `Int64.max / 8`).
    public static let maxTotalVotingPower = UInt64(Int64.max / 8)

    /// Checks the validators: at least one, at most `maxValidators`, each key once, each
    /// power positive, the total at most `maxTotalVotingPower`.
    public func check() throws(GenesisError) {
        guard case .bft(let validators) = self else { return }
        guard !validators.isEmpty else { throw .field("consensus.validators", "a BFT genesis needs at least one validator") }
        guard validators.count <= Self.maxValidators else {
            throw .field("consensus.validators", "\(validators.count) validators, at most \(Self.maxValidators)")
        }
        var keys = Set<PublicKey>()
        var total: UInt64 = 0
        for (i, v) in validators.enumerated() {
            guard keys.insert(v.publicKey).inserted else {
                throw .field("consensus.validators[\(i)].publicKey", "\(v.publicKey.hex) is listed twice")
            }
            guard v.power > 0 else { throw .field("consensus.validators[\(i)].power", "must be positive") }
            let (sum, overflow) = total.addingReportingOverflow(v.power)
            guard !overflow, sum <= Self.maxTotalVotingPower else {
                throw .field("consensus.validators[\(i)].power", "total voting power exceeds \(Self.maxTotalVotingPower)")
            }
            total = sum
        }
    }
}

/// One validator of a BFT genesis: its Ed25519 consensus key and its voting power.
public struct GenesisValidator: Hashable, Sendable {
    /// The key that signs the validator's proposals and votes.
    public var publicKey: PublicKey
    /// Its voting power.
    public var power: UInt64

    public init(publicKey: PublicKey, power: UInt64) {
        self.publicKey = publicKey
        self.power = power
    }

    /// The validator's address payload (`AddressPayload(publicKey:)`).
    public var address: AddressPayload { AddressPayload(publicKey: publicKey) }

    /// The hash that names a validator set in BFT headers (docs/protocol.md, section
    /// 17.1): SHA-256 of the members sorted by address, each `address (20) ‖ public key
    /// (32) ‖ voting power (u64)`.
    public static func setHash(_ members: [GenesisValidator]) -> Hash256 {
        Hash256.sha256(setHashPreimage(members))
    }

    /// The bytes `setHash` hashes (60 per member).
    public static func setHashPreimage(_ members: [GenesisValidator]) -> [UInt8] {
        var writer = ByteWriter(capacity: members.count * 60)
        for member in members.map({ ($0.address, $0) }).sorted(by: { $0.0 < $1.0 }) {
            writer.writeBytes(member.0.bytes)
            writer.writeBytes(member.1.publicKey.bytes)
            writer.writeUInt64(member.1.power)
        }
        return writer.bytes
    }
}
