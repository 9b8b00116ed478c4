import KusariConsensus
import KusariCore
import KusariStorage

/// The committed chain of a BFT genesis (docs/protocol.md, section 17.6): a block joins
/// the chain only with a commit certificate (its own, or the next block's last commit),
/// and then it is final: a block at a height the chain already holds is refused, never a
/// reason to reorganise.
extension Blockchain {
    /// The most blocks kept waiting for a commit at the next height (a faulty proposer may
    /// offer several).
    public static let maxAwaitingCommit = 8

    /// True when this chain's blocks are final once connected (BFT).
    public var isFinalizing: Bool { engine.finalizes }

    /// Validates a block of a BFT chain and connects it when `commit` (or, for a block
    /// waiting at the next height, this block's last commit) certifies it; a valid block
    /// without a commit waits (`.awaitingCommit`).
    public func submit(_ block: Block, commit: BlockCommit?, encoded: [UInt8]? = nil,
                       signatures: BlockApplication.SignatureCheck = .verify,
                       durability: Durability = .immediate) throws(ChainError) -> Outcome {
        guard engine.finalizes else {
            throw .invalidCommit(height: block.header.height, .badCommit("this chain's engine has no commits"))
        }
        try flush()
        return try submitToCommittedChain(block, encoded: encoded, commit: commit, signatures: signatures,
                                          durability: durability)
    }

    /// Connects the waiting block that `commit` certifies; nil when no waiting block has
    /// its id (the commit may be for a block not seen yet).
    public func add(commit: BlockCommit) throws(ChainError) -> Outcome? {
        guard let block = awaitingCommit.first(where: { $0.id == commit.blockId }) else { return nil }
        return try connectCommitted(block, encoded: nil, commit: commit, signatures: .verify, durability: .immediate)
    }

    /// Checks a proposed block completely, as a validator must before it prevotes for it:
    /// its header, last commit and evidence, and that its body applies to the tip's state
    /// with the header's state root (as `submit` checks every block that waits). The block
    /// then waits for its commit (`.awaitingCommit`).
    public func checkProposal(_ block: Block, signatures: BlockApplication.SignatureCheck = .verify) throws(ChainError) {
        guard engine.finalizes else { throw .production("this chain does not run BFT consensus") }
        try flush()
        _ = try submitToCommittedChain(block, encoded: nil, commit: nil, signatures: signatures, durability: .immediate)
    }

    /// The block waiting for its commit with this id, if any.
    public func awaitingBlock(_ id: Hash256) -> Block? { awaitingCommit.first { $0.id == id } }

    /// Whether evidence of this offence was included by a committed block (its height).
    public func evidenceIncluded(_ evidence: DoubleSignEvidence) throws(ChainError) -> UInt64? {
        try wrap { () throws(StorageError) in try store.evidenceHeight(offence: evidence.offence) }
    }

    /// Included evidence, newest first, with the height of the block that included it.
    public func includedEvidence(limit: Int) throws(ChainError) -> [(height: UInt64, evidence: DoubleSignEvidence)] {
        let rows = try wrap { () throws(StorageError) in try store.evidence(limit: limit) }
        var out: [(height: UInt64, evidence: DoubleSignEvidence)] = []
        for row in rows {
            do { out.append((row.height, try DoubleSignEvidence(decoding: row.data))) } catch {
                throw .corrupt("stored evidence at height \(row.height): \(error)")
            }
        }
        return out
    }

    /// The commit certificate stored with a block of the committed chain (nil for the
    /// genesis and on proof-of-work chains).
    public func commit(for id: Hash256) throws(ChainError) -> BlockCommit? {
        guard let bytes = try wrap({ () throws(StorageError) in try store.commit(id) }) else { return nil }
        do { return try BlockCommit(decoding: bytes) } catch { throw .corrupt("stored commit of \(id): \(error)") }
    }

    func submitToCommittedChain(_ block: Block, encoded: [UInt8]?, commit: BlockCommit?,
                                signatures: BlockApplication.SignatureCheck,
                                durability: Durability) throws(ChainError) -> Outcome {
        let id = block.id
        let header = block.header
        if let known = index[id] {
            throw known.status == .invalid ? .knownInvalid(id) : .duplicate(id)
        }
        do { try engine.checkStandalone(header) } catch { throw .invalidHeader(height: header.height, error) }
        if header.height <= height {
            throw .conflictsWithCommitted(height: header.height, committed: best[Int(header.height)], block: id)
        }
        // A block two above the tip certifies, with its last commit, the waiting block it builds on.
        if header.height == height + 2, let lastCommit = block.lastCommit,
           let parent = awaitingCommit.first(where: { $0.id == header.previousId }) {
            _ = try connectCommitted(parent, encoded: nil, commit: lastCommit, signatures: signatures, durability: durability)
        }
        guard header.height == height + 1, header.previousId == tipId, let tipEntry = index[tipId] else {
            throw .unknownParent(block: id, parent: header.previousId)
        }
        do {
            try engine.validate(header, context: context(for: tipEntry))
            try engine.checkConsensusData(of: block, parent: tipEntry.header)
        } catch { throw .invalidHeader(height: header.height, error) }
        for (i, item) in block.evidence.enumerated() {
            if let included = try wrap({ () throws(StorageError) in try store.evidenceHeight(offence: item.offence) }) {
                throw .invalidHeader(height: header.height, .evidence("[\(i)] was already included at height \(included)"))
            }
        }
        if let commit {
            return try connectCommitted(block, encoded: encoded, commit: commit, signatures: signatures,
                                        durability: durability)
        }
        // Only a block whose body applies to the tip waits (a junk body never pushes a real block out).
        if !awaitingCommit.contains(where: { $0.id == id }) {
            do {
                rememberApplied(id, try BlockApplication.apply(block, to: state, rules: rules, signatures: signatures, contracts: contracts, exchange: exchange))
            } catch {
                throw .invalidBlock(height: header.height, error)
            }
            if awaitingCommit.count >= Self.maxAwaitingCommit { awaitingCommit.removeFirst() }
            awaitingCommit.append(block)
        }
        return .awaitingCommit(height: header.height)
    }

    /// Checks `commit` against a block that extends the tip, then connects the block.
    private func connectCommitted(_ block: Block, encoded: [UInt8]?, commit: BlockCommit,
                                  signatures: BlockApplication.SignatureCheck,
                                  durability: Durability) throws(ChainError) -> Outcome {
        let header = block.header
        guard header.previousId == tipId, let tipEntry = index[tipId] else {
            throw .unknownParent(block: block.id, parent: header.previousId)
        }
        do { try engine.checkCommit(commit, of: header) } catch { throw .invalidCommit(height: header.height, error) }
        let entry = HeaderIndex.Entry(header: header, id: block.id, work: tipEntry.work &+ engine.weight(of: header),
                                      status: .headerValid, sequence: index.nextSequence)
        let outcome = try extendTip(block, entry: entry, encoded: encoded, signatures: signatures, durability: durability,
                                    commit: commit)
        awaitingCommit.removeAll()
        return outcome
    }

    /// Remembers that `id`'s body, applied to the tip's state, gives `applied` (at most a
    /// few bodies: the waiting blocks and this node's proposals).
    func rememberApplied(_ id: Hash256, _ applied: AppliedBlock) {
        if appliedOn != tipId { appliedBodies.removeAll(); appliedOn = tipId }
        if appliedBodies.count >= 2 * Self.maxAwaitingCommit, let any = appliedBodies.keys.min() { appliedBodies[any] = nil }
        appliedBodies[id] = applied
    }

    // MARK: - Proposing

    /// The next block of a BFT chain on the tip, proposed by `proposer` (a validator's
    /// address payload, paid the subsidy and fees), built from the candidates `transactions`
    /// (those that do not apply are left out, see `BlockApplication.build`), with the tip's
    /// commit as its last commit. `timestamp` (Unix
    /// seconds) defaults to the clock, never before the tip's.
    public func proposal(proposer: AddressPayload, transactions: [Transaction] = [], evidence: [DoubleSignEvidence] = [],
                         timestamp: UInt64? = nil,
                         signatures: BlockApplication.SignatureCheck = .verify) throws(ChainError) -> Block {
        guard engine.finalizes else { throw .production("this chain does not run BFT consensus") }
        guard let parent = index[tipId] else { throw .corrupt("tip has no header") }
        let height = parent.header.height + 1
        let lastCommit: BlockCommit?
        if parent.header.height == 0 {
            lastCommit = nil
        } else {
            guard let stored = try commit(for: tipId) else { throw .corrupt("the tip at height \(parent.header.height) has no commit") }
            lastCommit = stored
        }
        let built: BlockApplication.Built
        let time = max(timestamp ?? clock(), parent.header.timestamp)
        do {
            built = try BlockApplication.build(transactions, on: state, height: height, time: time, beneficiary: proposer,
                                               rules: rules, signatures: signatures, contracts: contracts, exchange: exchange)
        } catch { throw .invalidBlock(height: height, error) }
        guard let parentFields = parent.header.bft else { throw .corrupt("the tip is not a BFT header") }
        let header = BlockHeader(height: height, previousId: parent.id,
                                 merkleRoot: MerkleTree.root(leaves: built.applied.transactionIds),
                                 stateRoot: built.applied.state.root, timestamp: time,
                                 proposer: proposer,
                                 bft: BFTHeaderFields(validatorsHash: parentFields.nextValidatorsHash,
                                                      nextValidatorsHash: parentFields.nextValidatorsHash,
                                                      lastCommitHash: lastCommit?.hash ?? .zero,
                                                      evidenceHash: DoubleSignEvidence.listHash(evidence)))
        let block = Block(header: header, transactions: built.transactions, lastCommit: lastCommit, evidence: evidence)
        rememberApplied(block.id, built.applied)
        return block
    }
}
