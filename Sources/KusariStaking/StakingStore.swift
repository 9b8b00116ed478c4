import KusariCore

/// Reads of staking's state, the same over a block being applied (``LedgerWorkspace``) and
/// over a settled state (``StateTree``, for the API and for consensus).
protocol StakingStore {
    /// The module account's value under `key`.
    func value(_ key: [UInt8]) -> [UInt8]?
    /// The module account's entries under `prefix`, in key order.
    func scan(_ prefix: [UInt8]) -> [StorageEntry]
    /// The module account's smallest key under `prefix` after `after` (or after nothing).
    func next(_ prefix: [UInt8], after: [UInt8]?) -> [UInt8]?
}

extension StakingStore {
    func validator(_ op: AddressPayload) -> ValidatorRecord? {
        value(StakingKey.validator(op)).flatMap { ValidatorRecord(operatorAddress: op, bytes: $0) }
    }

    func operatorOf(_ key: PublicKey) -> AddressPayload? {
        value(StakingKey.consensusKey(key)).flatMap { AddressPayload(bytes: $0) }
    }

    func delegation(_ op: AddressPayload, _ delegator: AddressPayload) -> DelegationRecord? {
        value(StakingKey.delegation(op, delegator)).flatMap { DelegationRecord(bytes: $0) }
    }

    /// Base units burned so far, and the delegators' unpaid rewards (with rounding dust).
    func totals() -> (burned: UInt64, pool: UInt64) {
        guard let v = value(StakingKey.totals), v.count == 16 else { return (0, 0) }
        return (StakingKey.u64(Array(v[0..<8])) ?? 0, StakingKey.u64(Array(v[8..<16])) ?? 0)
    }

    /// The set that votes at `height`: the latest stored set taking effect at or before it.
    func votingSet(at height: UInt64) -> [VotingMember]? {
        var found: [VotingMember]? = nil
        for e in scan([0x0a]) where e.key.count == 9 {
            guard let from = StakingKey.u64(Array(e.key[1...])), from <= height else { break }
            found = VotingMember.decode(e.value)
        }
        return found
    }

    /// The validators that may vote, most stake first (ties: smaller operator address first), at
    /// most `limit`: a walk of the power index's first `limit` keys, whatever its length.
    func topByStake(_ limit: Int) -> [VotingMember] {
        var members: [VotingMember] = []
        var cursor: [UInt8]? = nil
        while members.count < limit, let key = next([0x04], after: cursor) {
            cursor = key
            guard key.count == 29, let op = AddressPayload(bytes: key[9...]), let v = validator(op) else { continue }
            members.append(VotingMember(operatorAddress: op, consensusKey: v.consensusKey, power: v.power))
        }
        return members
    }
}

/// Staking's state inside a block being applied: reads see the block's writes, and writes go
/// to the module account's storage (journaled by the workspace's checkpoints).
struct WorkspaceStakingStore: StakingStore {
    let ledger: LedgerWorkspace
    var module: AddressPayload { StakingModule.address }

    func value(_ key: [UInt8]) -> [UInt8]? { ledger.storageGet(module, key: key) }
    func scan(_ prefix: [UInt8]) -> [StorageEntry] { ledger.storageScan(module, prefix: prefix) }
    func next(_ prefix: [UInt8], after: [UInt8]?) -> [UInt8]? { ledger.storageNext(module, prefix: prefix, after: after) }

    /// Writes `value` (nil removes), marking the module account as holding storage first.
    func set(_ key: [UInt8], _ value: [UInt8]?) {
        var account = ledger.account(module)
        if account.codeHash == nil {
            account.codeHash = StakingModule.codeHash
            ledger.setAccount(module, account)
        }
        ledger.storageSet(module, key: key, value: value)
    }

    func setTotals(burned: UInt64, pool: UInt64) {
        set(StakingKey.totals, StakingKey.be(burned) + StakingKey.be(pool))
    }

    /// Stores a validator, keeping the power index in step with its stake and status.
    func put(_ v: ValidatorRecord, was old: ValidatorRecord?) {
        if let old, old.mayVote, !(v.mayVote && v.tokens == old.tokens) {
            set(StakingKey.power(old.tokens, old.operatorAddress), nil)
        }
        if v.mayVote, !(old.map { $0.mayVote && $0.tokens == v.tokens } ?? false) {
            set(StakingKey.power(v.tokens, v.operatorAddress), [0x01])
        }
        set(StakingKey.validator(v.operatorAddress), v.encoded)
    }

    func put(_ d: DelegationRecord?, _ op: AddressPayload, _ delegator: AddressPayload) {
        set(StakingKey.delegation(op, delegator), d.flatMap { $0.shares == 0 ? nil : $0.encoded })
    }

    /// The module account's KSR balance less `amount` (burned coins leave every balance).
    func burn(_ amount: UInt64) {
        var account = ledger.account(module)
        account.balance -= min(amount, account.balance)
        ledger.setAccount(module, account)
        let t = totals()
        setTotals(burned: t.burned + amount, pool: t.pool)
    }
}

/// Staking's state at a settled height, read-only: what the API and consensus read.
public struct StakingView: StakingStore, Sendable {
    let storage: StorageTree
    /// The module account's KSR balance.
    public let moduleBalance: UInt64

    /// Staking in `state`.
    public init(state: StateTree) {
        storage = state.storage(StakingModule.address)
        moduleBalance = state.account(StakingModule.address).balance
    }

    func value(_ key: [UInt8]) -> [UInt8]? { storage.value(key) }
    func scan(_ prefix: [UInt8]) -> [StorageEntry] { Array(storage.entries(prefix: prefix)) }
    func next(_ prefix: [UInt8], after: [UInt8]?) -> [UInt8]? { storage.next(prefix: prefix, after: after) }

    /// The validator set members (consensus key and power) that vote at `height`, in the
    /// order most stake first; nil when staking has fixed no set for that height (the state
    /// after block h knows the sets up to height h + 2).
    public func votingMembers(at height: UInt64) -> [VotingMember]? { votingSet(at: height) }

    /// Every validator, by operator address.
    public var validators: [ValidatorRecord] {
        scan([0x01]).compactMap { e in AddressPayload(bytes: e.key.dropFirst()).flatMap { ValidatorRecord(operatorAddress: $0, bytes: e.value) } }
    }

    /// The validator operated by `address`.
    public func validator(operator address: AddressPayload) -> ValidatorRecord? { validator(address) }

    /// The base units `delegator`'s stake with `validator` is worth now (nil: none).
    public func stake(of delegator: AddressPayload, with validator: AddressPayload) -> UInt64? {
        guard let d = delegation(validator, delegator), let v = self.validator(validator), v.shares > 0 else { return nil }
        return mulDiv(d.shares, v.tokens, v.shares)
    }

    /// The rewards `delegator` may withdraw from its stake with `validator`.
    public func pendingRewards(of delegator: AddressPayload, with validator: AddressPayload) -> UInt64 {
        guard let d = delegation(validator, delegator), let v = self.validator(validator) else { return 0 }
        return v.rewardIndex.subtracting(d.rewardIndex).owed(shares: d.shares) ?? 0
    }

    /// One delegation: its validator and delegator, its shares and its unpaid rewards.
    public typealias Delegation = (validator: AddressPayload, delegator: AddressPayload, shares: UInt64, rewards: UInt64)
    /// One unbonding entry: who, from which validator, when, how much.
    public typealias Unbonding = (validator: AddressPayload, delegator: AddressPayload, release: UInt64, amount: UInt64)
    /// One slashing: the validator, the height of the block that slashed, and the record.
    public typealias Slash = (validator: AddressPayload, height: UInt64, record: SlashRecord)

    /// Every delegation, by validator then delegator.
    public var delegations: [Delegation] {
        scan([0x03]).compactMap { e -> Delegation? in
            guard e.key.count == 41, let op = AddressPayload(bytes: e.key[1..<21]), let del = AddressPayload(bytes: e.key[21...]),
                  let d = DelegationRecord(bytes: e.value) else { return nil }
            return (op, del, d.shares, pendingRewards(of: del, with: op))
        }
    }

    /// Every unbonding entry, by validator then release height.
    public var unbonding: [Unbonding] {
        scan([0x05]).compactMap { e -> Unbonding? in
            guard e.key.count == 49, let op = AddressPayload(bytes: e.key[1..<21]), let release = StakingKey.u64(Array(e.key[21..<29])),
                  let del = AddressPayload(bytes: e.key[29...]), let amount = StakingKey.u64(e.value) else { return nil }
            return (op, del, release, amount)
        }
    }

    /// Every slashing, by validator then height.
    public var slashes: [Slash] {
        scan([0x0b]).compactMap { e -> Slash? in
            guard e.key.count == 29, let op = AddressPayload(bytes: e.key[1..<21]), let h = StakingKey.u64(Array(e.key[21...])),
                  let r = SlashRecord(bytes: e.value) else { return nil }
            return (op, h, r)
        }
    }

    /// Base units burned by slashing so far.
    public var burned: UInt64 { totals().burned }
    /// Base units the module holds for delegators' rewards (what they may withdraw, plus rounding dust).
    public var rewardPool: UInt64 { totals().pool }
}
