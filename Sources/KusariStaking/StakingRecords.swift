import KusariCore

/// Staking's state lives in the storage of one reserved account, the module account
/// (docs/protocol.md 20.3), so that the state root, proofs, undo records and
/// reorganisations cover it as they cover a contract's storage. Its KSR balance holds
/// every bonded and unbonding coin and the delegators' unpaid rewards.
public enum StakingModule {
    /// The module account: the first 20 bytes of SHA-256("KUSARI/MODULE/STAKING").
    public static let address: AddressPayload = AddressPayload(bytes: Array(codeHash.bytes.prefix(20))) ?? .zero
    /// Its code hash, SHA-256("KUSARI/MODULE/STAKING"): the mark that makes its leaf a
    /// contract leaf committing to its storage root.
    public static let codeHash = Hash256.sha256(Array("KUSARI/MODULE/STAKING".utf8))
}

/// The storage keys of the module account (docs/protocol.md 20.3). Numbers are big-endian.
enum StakingKey {
    /// burned u64 ‖ reward pool u64.
    static let totals: [UInt8] = [0x00]
    /// 01 ‖ operator 20 -> ``ValidatorRecord``.
    static func validator(_ op: AddressPayload) -> [UInt8] { [0x01] + op.bytes }
    /// 02 ‖ consensus key 32 -> operator 20.
    static func consensusKey(_ key: PublicKey) -> [UInt8] { [0x02] + key.bytes }
    /// 03 ‖ operator ‖ delegator -> ``DelegationRecord``.
    static func delegation(_ op: AddressPayload, _ delegator: AddressPayload) -> [UInt8] { [0x03] + op.bytes + delegator.bytes }
    /// 04 ‖ (2^64 − 1 − tokens) u64 ‖ operator -> 01: the validators that may vote, most stake first.
    static func power(_ tokens: UInt64, _ op: AddressPayload) -> [UInt8] { [0x04] + be(~tokens) + op.bytes }
    /// 05 ‖ operator ‖ release u64 ‖ delegator -> amount u64: an unbonding entry.
    static func unbonding(_ op: AddressPayload, release: UInt64, _ delegator: AddressPayload) -> [UInt8] {
        [0x05] + op.bytes + be(release) + delegator.bytes
    }
    /// 06 ‖ release u64 ‖ operator ‖ delegator -> 01: the unbonding queue.
    static func unbondingQueue(release: UInt64, _ op: AddressPayload, _ delegator: AddressPayload) -> [UInt8] {
        [0x06] + be(release) + op.bytes + delegator.bytes
    }
    /// 07 ‖ source ‖ release u64 ‖ delegator ‖ destination -> shares u64 received at the destination.
    static func redelegation(_ src: AddressPayload, release: UInt64, _ delegator: AddressPayload, _ dst: AddressPayload) -> [UInt8] {
        [0x07] + src.bytes + be(release) + delegator.bytes + dst.bytes
    }
    /// 08 ‖ release u64 ‖ source ‖ delegator ‖ destination -> 01: the redelegation queue.
    static func redelegationQueue(release: UInt64, _ src: AddressPayload, _ delegator: AddressPayload, _ dst: AddressPayload) -> [UInt8] {
        [0x08] + be(release) + src.bytes + delegator.bytes + dst.bytes
    }
    /// 09 ‖ operator ‖ slot u64 -> 01: the validator missed the commit counted in this window slot.
    static func missed(_ op: AddressPayload, slot: UInt64) -> [UInt8] { [0x09] + op.bytes + be(slot) }
    /// 0a ‖ height u64 -> ``VotingMember`` list: the set that votes from this height on.
    static func votingSet(_ height: UInt64) -> [UInt8] { [0x0a] + be(height) }
    /// 0b ‖ operator ‖ height u64 -> ``SlashRecord``.
    static func slash(_ op: AddressPayload, height: UInt64) -> [UInt8] { [0x0b] + op.bytes + be(height) }
    /// 0c ‖ destination ‖ delegator -> the latest release u64 of its redelegations into the destination.
    static func incoming(_ dst: AddressPayload, _ delegator: AddressPayload) -> [UInt8] { [0x0c] + dst.bytes + delegator.bytes }

    static func be(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    static func be(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    static func u64(_ b: [UInt8]) -> UInt64? {
        var r = ByteReader(b)
        return try? r.readUInt64(field: "u64")
    }
}

/// Where a validator stands.
public enum ValidatorStatus: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// May vote when among the top N.
    case bonded = 0
    /// Out of the set until `jailedUntil` and an unjail.
    case jailed = 1
    /// Out for good (double signing).
    case tombstoned = 2

    public var description: String {
        switch self {
        case .bonded: return "bonded"
        case .jailed: return "jailed"
        case .tombstoned: return "tombstoned"
        }
    }
}

/// A validator as stored under `01 ‖ operator`: consensus key 32 ‖ commission u16 ‖
/// status u8 ‖ jailed-until u64 ‖ tokens u64 ‖ shares u64 ‖ reward index 16 ‖
/// commission changed at u64 ‖ window count u64 ‖ missed u64 ‖ created at u64 (107 bytes).
public struct ValidatorRecord: Hashable, Sendable {
    /// The account that created the validator (it names the validator).
    public var operatorAddress: AddressPayload
    /// The key that signs its votes and proposals.
    public var consensusKey: PublicKey
    /// The share of its rewards kept as commission, in basis points.
    public var commissionBps: UInt16
    public var status: ValidatorStatus
    /// The first height an unjail may be applied at.
    public var jailedUntil: UInt64
    /// Bonded base units (its own and its delegators').
    public var tokens: UInt64
    /// The delegators' shares, which divide `tokens` between them.
    public var shares: UInt64
    /// Rewards per share since the validator was created (``RewardIndex``).
    public var rewardIndex: RewardIndex
    /// The height of the last commission change (creation counts as one).
    public var commissionChangedAt: UInt64
    /// Commits counted in the downtime window since it last started (capped only by the window's use).
    public var windowCount: UInt64
    /// Commits of the window the validator missed.
    public var missed: UInt64
    /// The height of its create-validator.
    public var createdAt: UInt64

    /// Voting power: bonded stake in whole KSR.
    public var power: UInt64 { tokens / Amount.unitsPerKSR }

    static let encodedSize = 32 + 2 + 1 + 8 + 8 + 8 + 16 + 8 + 8 + 8 + 8

    var encoded: [UInt8] {
        var w = ByteWriter(capacity: Self.encodedSize)
        w.writeBytes(consensusKey.bytes)
        w.writeUInt16(commissionBps)
        w.writeUInt8(status.rawValue)
        w.writeUInt64(jailedUntil)
        w.writeUInt64(tokens)
        w.writeUInt64(shares)
        rewardIndex.write(to: &w)
        w.writeUInt64(commissionChangedAt)
        w.writeUInt64(windowCount)
        w.writeUInt64(missed)
        w.writeUInt64(createdAt)
        return w.bytes
    }

    init?(operatorAddress: AddressPayload, bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let key = try? r.readBytes(32, field: "key"), let pk = PublicKey(bytes: key),
              let bps = try? r.readUInt16(field: "commission"), let s = try? r.readUInt8(field: "status"),
              let status = ValidatorStatus(rawValue: s), let until = try? r.readUInt64(field: "until"),
              let tokens = try? r.readUInt64(field: "tokens"), let shares = try? r.readUInt64(field: "shares"),
              let index = RewardIndex(from: &r), let changed = try? r.readUInt64(field: "changed"),
              let count = try? r.readUInt64(field: "count"), let missed = try? r.readUInt64(field: "missed"),
              let created = try? r.readUInt64(field: "created") else { return nil }
        self.init(operatorAddress: operatorAddress, consensusKey: pk, commissionBps: bps, status: status, jailedUntil: until,
                  tokens: tokens, shares: shares, rewardIndex: index, commissionChangedAt: changed, windowCount: count,
                  missed: missed, createdAt: created)
    }

    init(operatorAddress: AddressPayload, consensusKey: PublicKey, commissionBps: UInt16, status: ValidatorStatus,
         jailedUntil: UInt64, tokens: UInt64, shares: UInt64, rewardIndex: RewardIndex, commissionChangedAt: UInt64,
         windowCount: UInt64, missed: UInt64, createdAt: UInt64) {
        self.operatorAddress = operatorAddress
        self.consensusKey = consensusKey
        self.commissionBps = commissionBps
        self.status = status
        self.jailedUntil = jailedUntil
        self.tokens = tokens
        self.shares = shares
        self.rewardIndex = rewardIndex
        self.commissionChangedAt = commissionChangedAt
        self.windowCount = windowCount
        self.missed = missed
        self.createdAt = createdAt
    }

    /// Whether it may be in the voting set: bonded (not jailed or tombstoned) with power at least 1.
    var mayVote: Bool { status == .bonded && power > 0 }
}

/// A delegation as stored under `03 ‖ operator ‖ delegator`: shares u64 ‖ reward index 16,
/// the validator's index when the delegation's rewards were last paid.
public struct DelegationRecord: Hashable, Sendable {
    /// The delegation's part of its validator's shares.
    public var shares: UInt64
    /// The validator's reward index when the delegation's rewards were last paid.
    public var rewardIndex: RewardIndex

    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 24)
        w.writeUInt64(shares)
        rewardIndex.write(to: &w)
        return w.bytes
    }

    init(shares: UInt64, rewardIndex: RewardIndex) {
        self.shares = shares
        self.rewardIndex = rewardIndex
    }

    init?(bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let shares = try? r.readUInt64(field: "shares"), let index = RewardIndex(from: &r) else { return nil }
        self.init(shares: shares, rewardIndex: index)
    }
}

/// One member of a voting set, in the shape KusariBFT's `ValidatorUpdate` takes (its consensus
/// key and power) with its operator. Stored as operator 20 ‖ consensus key 32 ‖ power u64.
public struct VotingMember: Hashable, Sendable {
    /// The validator (its operator's address).
    public var operatorAddress: AddressPayload
    /// The key that votes.
    public var consensusKey: PublicKey
    /// Voting power: bonded stake in whole KSR.
    public var power: UInt64

    static func encode(_ members: [VotingMember]) -> [UInt8] {
        var w = ByteWriter(capacity: 2 + members.count * 60)
        w.writeUInt16(UInt16(members.count))
        for m in members {
            w.writeBytes(m.operatorAddress.bytes)
            w.writeBytes(m.consensusKey.bytes)
            w.writeUInt64(m.power)
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) -> [VotingMember]? {
        var r = ByteReader(bytes)
        guard let count = try? r.readUInt16(field: "count") else { return nil }
        var members: [VotingMember] = []
        for _ in 0..<count {
            guard let op = try? r.readBytes(20, field: "operator"), let payload = AddressPayload(bytes: op),
                  let key = try? r.readBytes(32, field: "key"), let pk = PublicKey(bytes: key),
                  let power = try? r.readUInt64(field: "power") else { return nil }
            members.append(VotingMember(operatorAddress: payload, consensusKey: pk, power: power))
        }
        return members
    }
}

/// Why stake was burned: reason u8 (1 double signing, 2 downtime) ‖ offence height u64 ‖ burned u64,
/// under `0b ‖ operator ‖ height` (the height of the block that slashed).
public struct SlashRecord: Hashable, Sendable {
    /// The offence.
    public enum Reason: UInt8, Hashable, Sendable {
        case doubleSign = 1
        case downtime = 2
    }
    public var reason: Reason
    /// The height of the double vote, or of the last commit counted for downtime.
    public var offenceHeight: UInt64
    /// Base units burned: bonded, unbonding and redelegated stake together.
    public var burned: UInt64

    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 17)
        w.writeUInt8(reason.rawValue)
        w.writeUInt64(offenceHeight)
        w.writeUInt64(burned)
        return w.bytes
    }

    init(reason: Reason, offenceHeight: UInt64, burned: UInt64) {
        self.reason = reason
        self.offenceHeight = offenceHeight
        self.burned = burned
    }

    init?(bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let b = try? r.readUInt8(field: "reason"), let reason = Reason(rawValue: b),
              let h = try? r.readUInt64(field: "height"), let burned = try? r.readUInt64(field: "burned") else { return nil }
        self.init(reason: reason, offenceHeight: h, burned: burned)
    }
}
