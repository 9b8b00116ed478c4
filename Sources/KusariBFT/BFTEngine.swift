import KusariConsensus
import KusariCore

/// Tendermint BFT as the chain's consensus engine (docs/protocol.md, section 17.6): a
/// block is justified by a commit certificate (precommits of more than two thirds of the
/// voting power) instead of a proof of work, every connected block is final, and the
/// canonical chain is the committed one. Headers are version 2: they name the validator
/// set that votes on the block and the next one, the proposer (a member), and the hash
/// of the parent's commit, which the block carries as `lastCommit`.
///
/// The validator set is the genesis's for every height (proof of stake will make it a
/// matter of the ledger). Pure and deterministic, like the rest of the module.
public struct BFTEngine: ConsensusEngine {
    /// The chain id every vote is signed for.
    public let chainID: UInt32
    /// The validator set (as it stands at height 1).
    public let validators: ValidatorSet
    /// Its hash, as headers carry it.
    public let validatorsHash: Hash256

    /// The engine of a BFT genesis; nil for a proof-of-work genesis.
    public init?(genesis: Genesis) throws(ValidatorSetError) {
        guard case .bft(let members) = genesis.consensus else { return nil }
        chainID = genesis.chainId
        validators = try ValidatorSet(members.map { ValidatorUpdate(publicKey: $0.publicKey, votingPower: $0.power) })
        validatorsHash = validators.hash
    }

    /// The validator set that votes at `height`, its priorities moved on to that height
    /// (CometBFT increments them once per height; round `r` moves them `r` more). Costs
    /// `height` x validators steps: a driver computes it once and then moves it on per
    /// height. Verifying commits needs only membership and power (`validators`).
    public func validatorSet(atHeight height: UInt64) -> ValidatorSet {
        var set = validators
        var remaining = height > 1 ? height - 1 : 0
        while remaining > 0 {
            let step = UInt32(min(remaining, UInt64(UInt32.max)))
            set.incrementProposerPriority(times: step)
            remaining -= UInt64(step)
        }
        return set
    }

    public func nextBits(context: HeaderContext) throws(ConsensusError) -> UInt32 { 0 }

    /// The parent's timestamp: BFT time never goes back, and may repeat within a second.
    public func minimumTimestamp(context: HeaderContext) -> UInt64 { context.parent.timestamp }

    public func checkStandalone(_ header: BlockHeader) throws(ConsensusError) {
        guard header.version == BlockHeader.bftVersion, header.bft != nil else { throw .unsupportedVersion(header.version) }
    }

    public func validate(_ header: BlockHeader, context: HeaderContext) throws(ConsensusError) {
        let parent = context.parent
        guard header.height == parent.height + 1 else { throw .wrongHeight(expected: parent.height + 1, found: header.height) }
        guard header.previousId == parent.id else { throw .wrongParent }
        try checkStandalone(header)
        guard let fields = header.bft else { throw .unsupportedVersion(header.version) }
        guard header.timestamp >= parent.timestamp else {
            throw .timestampBeforeParent(header.timestamp, parent: parent.timestamp)
        }
        guard header.timestamp <= UInt64(Int64.max) else { throw .timestampOutOfRange(header.timestamp) }
        guard fields.validatorsHash == validatorsHash else { throw .wrongValidatorSet(field: "validatorsHash") }
        guard fields.nextValidatorsHash == validatorsHash else { throw .wrongValidatorSet(field: "nextValidatorsHash") }
        guard validators.index(of: header.beneficiary) != nil else { throw .proposerNotValidator(header.beneficiary) }
    }

    /// Each block counts one: the longest committed chain is the only chain.
    public func weight(of header: BlockHeader) -> UInt256 { UInt256(1) }

    public func prefers(_ candidate: UInt256, over current: UInt256) -> Bool { candidate > current }

    /// BFT blocks are not sealed: their commit is made by voting.
    public func seal(_ header: BlockHeader, shouldStop: () -> Bool) -> BlockHeader? { header }

    public var finalizes: Bool { true }

    /// How many blocks back evidence may reach (older is refused).
    public static let maxEvidenceAge: UInt64 = 100_000

    public func checkConsensusData(of block: Block, parent: BlockHeader) throws(ConsensusError) {
        guard let fields = block.header.bft else { throw .unsupportedVersion(block.header.version) }
        try checkEvidence(of: block, fields: fields)
        guard let lastCommit = block.lastCommit else {
            guard parent.height == 0 else { throw .lastCommit("missing: the parent at height \(parent.height) needs its commit") }
            guard fields.lastCommitHash == .zero else { throw .lastCommit("absent, but the header's lastCommitHash is not zero") }
            return
        }
        guard parent.height > 0 else { throw .lastCommit("present, but the parent is the genesis, which has no commit") }
        guard fields.lastCommitHash == lastCommit.hash else { throw .lastCommit("does not match the header's lastCommitHash") }
        do {
            try validators.verifyCommit(lastCommit, chainID: chainID, height: parent.height,
                                                                 blockId: parent.id)
        } catch { throw .lastCommit(error.description) }
    }

    /// The block's evidence: the header's hash of it, at most `DoubleSignEvidence.maxPerBlock`,
    /// one piece per offence, each of an earlier height no more than `maxEvidenceAge` back,
    /// each proving a member signed two conflicting votes. (That an offence was not
    /// already included in an earlier block is the chain's check.)
    func checkEvidence(of block: Block, fields: BFTHeaderFields) throws(ConsensusError) {
        guard fields.evidenceHash == DoubleSignEvidence.listHash(block.evidence) else {
            throw .evidence("does not match the header's evidenceHash")
        }
        guard block.evidence.count <= DoubleSignEvidence.maxPerBlock else {
            throw .evidence("\(block.evidence.count) pieces, at most \(DoubleSignEvidence.maxPerBlock)")
        }
        var offences = Set<[UInt8]>()
        for (i, item) in block.evidence.enumerated() {
            guard offences.insert(item.offence).inserted else { throw .evidence("[\(i)] repeats an offence of this block") }
            guard item.height >= 1, item.height < block.header.height else {
                throw .evidence("[\(i)] is for height \(item.height), not an earlier height")
            }
            guard block.header.height - item.height <= Self.maxEvidenceAge else {
                throw .evidence("[\(i)] is older than \(Self.maxEvidenceAge) blocks")
            }
            do { try validators.verifyEvidence(item, chainID: chainID) } catch { throw .evidence("[\(i)]: \(error)") }
        }
    }

    public func checkCommit(_ commit: BlockCommit, of header: BlockHeader) throws(ConsensusError) {
        do {
            try validators.verifyCommit(commit, chainID: chainID, height: header.height, blockId: header.id)
        } catch { throw .badCommit(error.description) }
    }
}
