/// Runs proof of stake while a block is applied (docs/protocol.md 20). KusariCore knows
/// staking's transactions but not its rules: whoever applies blocks passes a
/// ``StakingContext`` (KusariStaking's `StakingEngine` and what consensus resolved for the
/// block); without one a block holding a staking transaction is refused, and the block's
/// subsidy and fees go to its beneficiary as before.
public protocol StakingExecutor: AnyObject, Sendable {
    /// Starts staking's part of one block on `ledger`. Throws (the block is invalid) when
    /// `consensus` holds evidence the rules refuse, such as evidence older than the evidence age.
    func beginBlock(ledger: LedgerWorkspace, block: BlockEnvironment,
                    consensus: ConsensusRecord) throws(StakingBlockError) -> any StakingBlock
}

/// Staking's part of one block: its transactions in order, then the end of the block.
public protocol StakingBlock: AnyObject {
    /// Applies one staking transaction, all or nothing. The sender has already paid the fee
    /// and used its nonce; a transaction the state refuses changes nothing else, and the
    /// receipt says why.
    func apply(_ tx: Transaction, id: Hash256) -> ContractReceipt
    /// The end of the block: shares `reward` (the block's subsidy and fees) among the
    /// signers of the previous commit (to `beneficiary` when none is a known validator),
    /// pays out matured unbonding, punishes the offences and the downtime, and fixes the
    /// validator set two heights ahead.
    func finish(reward: UInt64, beneficiary: AddressPayload) throws(StakingBlockError)
}

/// What consensus resolved for one block, in terms of validators' consensus keys: who
/// signed the previous block's commit (`lastCommit`, with the power each had at that
/// height) and who the block's evidence proves signed twice (and at which height).
public struct ConsensusRecord: Hashable, Sendable {
    /// One precommit of the previous block's commit.
    public struct Signer: Hashable, Sendable {
        /// The signer's consensus key.
        public var consensusKey: PublicKey
        /// The voting power the signer had in the set that voted.
        public var power: UInt64

        public init(consensusKey: PublicKey, power: UInt64) {
            self.consensusKey = consensusKey
            self.power = power
        }
    }

    /// One piece of double-sign evidence: the offender and the height of its two votes.
    public struct Offence: Hashable, Sendable {
        /// The offender's consensus key.
        public var consensusKey: PublicKey
        /// The height both conflicting votes were for.
        public var height: UInt64

        public init(consensusKey: PublicKey, height: UInt64) {
            self.consensusKey = consensusKey
            self.height = height
        }
    }

    /// The signers of the previous block's commit (empty at height 1).
    public var signers: [Signer]
    /// The offences the block's evidence proves.
    public var offences: [Offence]

    public init(signers: [Signer] = [], offences: [Offence] = []) {
        self.signers = signers
        self.offences = offences
    }
}

/// The executor and its block's consensus record, passed to ``BlockApplication``.
public struct StakingContext: Sendable {
    /// The staking rules (KusariStaking's `StakingEngine`).
    public var executor: any StakingExecutor
    /// What consensus resolved for the block being applied.
    public var consensus: ConsensusRecord

    public init(executor: any StakingExecutor, consensus: ConsensusRecord = ConsensusRecord()) {
        self.executor = executor
        self.consensus = consensus
    }
}

/// Why staking makes a block invalid.
public enum StakingBlockError: Error, Equatable, CustomStringConvertible {
    /// Evidence of an offence at `height` is older than the evidence age allows at `current`.
    case evidenceTooOld(height: UInt64, current: UInt64, maxAge: UInt64)
    /// Evidence of an offence at a height not below the block's own.
    case evidenceFromTheFuture(height: UInt64, current: UInt64)
    /// A payment at the end of the block would pass the supply cap.
    case overflow(String)

    public var description: String {
        switch self {
        case .evidenceTooOld(let h, let c, let m):
            return "evidence: an offence at height \(h) is more than \(m) blocks older than block \(c)"
        case .evidenceFromTheFuture(let h, let c):
            return "evidence: an offence at height \(h) is not before block \(c)"
        case .overflow(let what): return "staking: \(what) would exceed the supply cap"
        }
    }
}
