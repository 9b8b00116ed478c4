import KusariConsensus
import KusariCore

extension Blockchain {
    // MARK: - Producing blocks

    /// A block ready to be sealed: its header (nonce 0) and transactions.
    public struct Template: Sendable {
        public var header: BlockHeader
        public var transactions: [Transaction]
        /// Fees the block pays to its beneficiary.
        public var fees: UInt64
        /// Candidates left out because they did not apply.
        public var skipped: Int
    }

    /// The next block on the tip paying `beneficiary`, built from `transactions` (candidates,
    /// best first: each is applied in turn and one that does not apply is left out, see
    /// `BlockApplication.build`). `timestamp` defaults
    /// to the clock; `regtest` spaces timestamps at least one spacing apart
    /// (running ahead of the clock within the future allowance), so that a burst
    /// of blocks keeps the difficulty steady.
    public func template(beneficiary: AddressPayload, transactions: [Transaction] = [], regtest: Bool = false,
                         signatures: BlockApplication.SignatureCheck = .verify) throws(ChainError) -> Template {
        guard let parent = index[tipId] else { throw .corrupt("tip has no header") }
        let bits: UInt32
        var timestamp: UInt64
        do {
            // The context holds a view of the index; let it go before the index changes.
            let ctx = context(for: parent)
            do { bits = try engine.nextBits(context: ctx) } catch { throw ChainError.invalidHeader(height: parent.header.height + 1, error) }
            let now = clock()
            timestamp = now
            if regtest {
                // Stay ten minutes inside the future allowance, so the block is valid everywhere for a while.
                let latest = now + UInt64(max(600, params.maxFutureBlockTime)) - 600
                timestamp = min(max(now, parent.header.timestamp + UInt64(max(1, params.targetSpacing))), latest)
            }
            timestamp = max(timestamp, engine.minimumTimestamp(context: ctx))
        }
        let height = parent.header.height + 1
        let built: BlockApplication.Built
        do {
            built = try BlockApplication.build(transactions, on: state, height: height, time: timestamp,
                                               beneficiary: beneficiary, rules: rules, signatures: signatures,
                                               contracts: contracts, exchange: exchange)
        } catch { throw .invalidBlock(height: height, error) }
        let header = BlockHeader(height: height, previousId: parent.id, merkleRoot: MerkleTree.root(leaves: built.applied.transactionIds),
                                 stateRoot: built.applied.state.root, timestamp: timestamp, bits: bits, beneficiary: beneficiary,
                                 nonce: 0)
        return Template(header: header, transactions: built.transactions, fees: built.applied.fees, skipped: built.skipped)
    }

    /// Builds, seals and connects a block on the tip paying `beneficiary`, from the candidates
    /// `transactions` (those that do not apply are left out, as in `template`), with
    /// regtest timestamps (see `template`).
    public func produce(beneficiary: AddressPayload, transactions: [Transaction] = [],
                        shouldStop: () -> Bool = { false }) throws(ChainError) -> Block {
        let draft = try template(beneficiary: beneficiary, transactions: transactions, regtest: true)
        guard let sealed = engine.seal(draft.header, shouldStop: shouldStop) else { throw .production("stopped before a nonce was found") }
        let block = Block(header: sealed, transactions: draft.transactions)
        try submit(block, signatures: .alreadyVerified)
        return block
    }
}
