import KusariCore

/// The ledger's ``StakingExecutor``: proof of stake's rules (docs/protocol.md 20). It keeps
/// no state of its own; each block gets a ``StakingSession``.
public final class StakingEngine: StakingExecutor, Sendable {
    /// The chain's staking parameters.
    public let parameters: StakingParameters

    /// An engine with `parameters`; nil when they are refused (``StakingParameters/problem``).
    public init?(parameters: StakingParameters = StakingParameters()) {
        guard parameters.problem == nil else { return nil }
        self.parameters = parameters
    }

    public func beginBlock(ledger: LedgerWorkspace, block: BlockEnvironment,
                           consensus: ConsensusRecord) throws(StakingBlockError) -> any StakingBlock {
        for offence in consensus.offences {
            guard offence.height < block.height else {
                throw .evidenceFromTheFuture(height: offence.height, current: block.height)
            }
            guard block.height - offence.height <= parameters.evidenceMaxAge else {
                throw .evidenceTooOld(height: offence.height, current: block.height, maxAge: parameters.evidenceMaxAge)
            }
        }
        return StakingSession(ledger: ledger, block: block, consensus: consensus, parameters: parameters)
    }

    /// Why `tx` would fail if it were the next block's first staking transaction on `state`
    /// at `height`, or nil when it would succeed: the API's check before admission.
    public func check(_ tx: Transaction, on state: StateTree, height: UInt64) -> String? {
        let session = StakingSession(ledger: LedgerWorkspace(state: state), block: BlockEnvironment(height: height, time: 0),
                                     consensus: ConsensusRecord(), parameters: parameters)
        return session.apply(tx, id: tx.id).failure
    }
}

/// Staking's part of one block: applies its transactions in order, then ends the block
/// (``finish(reward:beneficiary:)``, in StakingEndBlock.swift).
final class StakingSession: StakingBlock {
    let store: WorkspaceStakingStore
    let block: BlockEnvironment
    let consensus: ConsensusRecord
    let parameters: StakingParameters
    /// Whether the power index changed in this block (the voting set is recomputed only then).
    var powerChanged = false

    init(ledger: LedgerWorkspace, block: BlockEnvironment, consensus: ConsensusRecord, parameters: StakingParameters) {
        self.store = WorkspaceStakingStore(ledger: ledger)
        self.block = block
        self.consensus = consensus
        self.parameters = parameters
    }

    var ledger: LedgerWorkspace { store.ledger }
    var module: AddressPayload { StakingModule.address }

    func apply(_ tx: Transaction, id: Hash256) -> ContractReceipt {
        var receipt = ContractReceipt(transaction: id, contract: module, gasUsed: 0, failure: nil, events: [], output: [])
        guard case .staking(let action) = tx.action else {
            receipt.failure = "kind: not a staking transaction"
            return receipt
        }
        let mark = ledger.checkpoint()
        let changed = powerChanged
        do {
            receipt.output = try run(action, sender: tx.from)
            ledger.commit(mark)
        } catch {
            ledger.rollback(to: mark)
            powerChanged = changed
            receipt.failure = error.description
        }
        return receipt
    }

    /// Runs one action; returns the receipt's output (for an undelegation: amount u64 ‖ release height u64).
    func run(_ action: StakingAction, sender: AddressPayload) throws(StakingError) -> [UInt8] {
        switch action {
        case .createValidator(let key, let bps, let bond):
            try createValidator(sender, key: key, commissionBps: bps, selfBond: bond)
        case .delegate(let op, let amount):
            guard var v = store.validator(op) else { throw .noSuchValidator(op) }
            guard v.status != .tombstoned else { throw .tombstoned(op) }
            guard ledger.transfer(from: sender, to: module, amount: amount) else {
                throw .insufficientBalance(has: ledger.account(sender).balance, needs: amount)
            }
            try bond(amount, to: &v, delegator: sender)
        case .undelegate(let op, let amount):
            guard var v = store.validator(op) else { throw .noSuchValidator(op) }
            let out = try unbond(amount, from: &v, delegator: sender)
            let release = block.height + parameters.unbondingPeriod
            let key = StakingKey.unbonding(op, release: release, sender)
            // Two undelegations from one validator in one block share an entry.
            let total = (store.value(key).flatMap(StakingKey.u64) ?? 0) + out
            store.set(key, StakingKey.be(total))
            store.set(StakingKey.unbondingQueue(release: release, op, sender), [0x01])
            return StakingKey.be(out) + StakingKey.be(release)
        case .redelegate(let src, let dst, let amount):
            try redelegate(amount, from: src, to: dst, delegator: sender)
        case .unjail(let op):
            guard op == sender else { throw .notOperator(op) }
            guard let old = store.validator(op) else { throw .noSuchValidator(op) }
            guard old.status != .tombstoned else { throw .tombstoned(op) }
            guard old.status == .jailed else { throw .notJailed(op) }
            guard block.height >= old.jailedUntil else { throw .stillJailed(until: old.jailedUntil) }
            var v = old
            v.status = .bonded
            restartWindow(&v)
            put(v, was: old)
        case .editValidator(let op, let bps):
            guard op == sender else { throw .notOperator(op) }
            guard var v = store.validator(op) else { throw .noSuchValidator(op) }
            guard bps <= parameters.maxCommissionBps else { throw .commissionTooHigh(bps: bps, maximum: parameters.maxCommissionBps) }
            let change = bps > v.commissionBps ? bps - v.commissionBps : v.commissionBps - bps
            guard change <= parameters.maxCommissionChangeBps else {
                throw .commissionChangeTooLarge(from: v.commissionBps, to: bps, maximum: parameters.maxCommissionChangeBps)
            }
            let next = v.commissionChangedAt + parameters.commissionChangeInterval
            guard block.height >= next else { throw .commissionChangeTooSoon(next: next) }
            v.commissionBps = bps
            v.commissionChangedAt = block.height
            store.set(StakingKey.validator(op), v.encoded)
        case .withdrawRewards(let op):
            guard let v = store.validator(op) else { throw .noSuchValidator(op) }
            guard var d = store.delegation(op, sender) else { throw .noDelegation(validator: op) }
            let paid = try payRewards(v, &d, delegator: sender)
            store.put(d, op, sender)
            return StakingKey.be(paid)
        }
        return []
    }

    func createValidator(_ op: AddressPayload, key: PublicKey, commissionBps: UInt16, selfBond: UInt64) throws(StakingError) {
        guard store.validator(op) == nil else { throw .validatorExists(op) }
        guard store.operatorOf(key) == nil else { throw .consensusKeyTaken(key) }
        guard commissionBps <= parameters.maxCommissionBps else {
            throw .commissionTooHigh(bps: commissionBps, maximum: parameters.maxCommissionBps)
        }
        guard selfBond >= parameters.minSelfBond else { throw .selfBondTooSmall(amount: selfBond, minimum: parameters.minSelfBond) }
        guard ledger.transfer(from: op, to: module, amount: selfBond) else {
            throw .insufficientBalance(has: ledger.account(op).balance, needs: selfBond)
        }
        var v = ValidatorRecord(operatorAddress: op, consensusKey: key, commissionBps: commissionBps, status: .bonded,
                                jailedUntil: 0, tokens: 0, shares: 0, rewardIndex: .zero, commissionChangedAt: block.height,
                                windowCount: 0, missed: 0, createdAt: block.height)
        store.set(StakingKey.consensusKey(key), op.bytes)
        try bond(selfBond, to: &v, delegator: op, isNew: true)
    }

    /// Adds `amount` (already in the module's balance) to `delegator`'s stake with `v`:
    /// shares = amount × shares / tokens (rounded down), or amount for a validator without shares.
    func bond(_ amount: UInt64, to v: inout ValidatorRecord, delegator: AddressPayload, isNew: Bool = false) throws(StakingError) {
        let old = isNew ? nil : v
        let shares = v.shares == 0 ? amount : mulDiv(amount, v.shares, v.tokens)
        guard shares > 0 else { throw .tooSmall("\(Amount.format(amount)) KSR buys no share of this validator's stake") }
        guard v.tokens <= Amount.maxSupply - amount, v.shares <= UInt64.max - shares else {
            throw .tooLarge("the validator's stake would pass its limit")
        }
        var d = store.delegation(v.operatorAddress, delegator) ?? DelegationRecord(shares: 0, rewardIndex: v.rewardIndex)
        _ = try payRewards(v, &d, delegator: delegator)
        d.shares += shares
        v.tokens += amount
        v.shares += shares
        store.put(d, v.operatorAddress, delegator)
        put(v, was: old)
    }

    /// Takes `amount` base units (0: all) of `delegator`'s stake out of `v`, paying its rewards
    /// first; returns the base units taken. Shares removed: ceil(amount × shares / tokens), or
    /// all the delegation's shares (and then its whole value) when that is as many.
    func unbond(_ amount: UInt64, from v: inout ValidatorRecord, delegator: AddressPayload) throws(StakingError) -> UInt64 {
        let old = v
        guard var d = store.delegation(v.operatorAddress, delegator), v.shares > 0 else {
            throw .noDelegation(validator: v.operatorAddress)
        }
        let value = mulDiv(d.shares, v.tokens, v.shares)
        guard amount <= value else { throw .moreThanDelegated(amount: amount, delegated: value) }
        var out = amount
        var shares = amount == 0 ? d.shares : mulDivUp(amount, v.shares, v.tokens)
        if shares >= d.shares {
            shares = d.shares
            out = value
        }
        guard out > 0 else { throw .tooSmall("the stake is worth less than one base unit") }
        _ = try payRewards(v, &d, delegator: delegator)
        d.shares -= shares
        v.shares -= shares
        v.tokens -= out
        store.put(d, v.operatorAddress, delegator)
        put(v, was: old)
        return out
    }

    func redelegate(_ amount: UInt64, from src: AddressPayload, to dst: AddressPayload, delegator: AddressPayload) throws(StakingError) {
        guard var source = store.validator(src) else { throw .noSuchValidator(src) }
        guard var destination = store.validator(dst) else { throw .noSuchValidator(dst) }
        guard destination.status != .tombstoned else { throw .tombstoned(dst) }
        if let until = store.value(StakingKey.incoming(src, delegator)).flatMap(StakingKey.u64), until > block.height {
            throw .redelegationMaturing(validator: src, until: until)
        }
        let moved = try unbond(amount, from: &source, delegator: delegator)
        let before = store.delegation(dst, delegator)?.shares ?? 0
        try bond(moved, to: &destination, delegator: delegator)
        let received = (store.delegation(dst, delegator)?.shares ?? 0) - before
        let release = block.height + parameters.unbondingPeriod
        let key = StakingKey.redelegation(src, release: release, delegator, dst)
        store.set(key, StakingKey.be((store.value(key).flatMap(StakingKey.u64) ?? 0) + received))
        store.set(StakingKey.redelegationQueue(release: release, src, delegator, dst), [0x01])
        store.set(StakingKey.incoming(dst, delegator), StakingKey.be(release))
    }

    /// Pays `d`'s unpaid rewards from the pool and brings its index up to `v`'s; returns what was paid.
    func payRewards(_ v: ValidatorRecord, _ d: inout DelegationRecord, delegator: AddressPayload) throws(StakingError) -> UInt64 {
        let t = store.totals()
        let owed = min(v.rewardIndex.subtracting(d.rewardIndex).owed(shares: d.shares) ?? 0, t.pool)
        d.rewardIndex = v.rewardIndex
        guard owed > 0 else { return 0 }
        guard ledger.transfer(from: module, to: delegator, amount: owed) else { throw .tooLarge("rewards would pass the supply cap") }
        store.setTotals(burned: t.burned, pool: t.pool - owed)
        return owed
    }

    /// Stores `v`, noting when the voting set may have changed.
    func put(_ v: ValidatorRecord, was old: ValidatorRecord?) {
        if old?.mayVote != v.mayVote || (v.mayVote && old?.tokens != v.tokens) { powerChanged = true }
        store.put(v, was: old)
    }

    /// Starts a validator's downtime window afresh (after a jail or an unjail).
    func restartWindow(_ v: inout ValidatorRecord) {
        for e in store.scan([0x09] + v.operatorAddress.bytes) { store.set(e.key, nil) }
        v.windowCount = 0
        v.missed = 0
    }
}
