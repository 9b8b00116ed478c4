/// Applies a block's transactions one at a time on one ``LedgerWorkspace``, then the
/// exchange's auctions and the coinbase: the one implementation of applying a block,
/// used by the checker (``BlockApplication/execute(_:on:height:time:beneficiary:rules:signatures:contracts:exchange:ids:)``,
/// where the first refused transaction refuses the block) and by producers
/// (``BlockApplication/build(_:on:height:time:beneficiary:rules:signatures:contracts:exchange:)``,
/// where a refused transaction is left out and the next one is offered).
///
/// A contract transaction's gas used is known only once it has run, so the block's gas cap
/// (``BlockApplication/maxBlockGas``, docs/protocol.md 18.7) is checked as transactions are
/// applied: one fits when its gas limit is at most the cap less the gas used so far, and
/// its receipt's gas used is then added.
public final class BlockBuilder {
    /// The block being built.
    public let environment: BlockEnvironment
    let beneficiary: AddressPayload
    let rules: LedgerRules
    let contracts: (any ContractExecutor)?
    let ledger: LedgerWorkspace
    let market: (any ExchangeBlock)?
    /// Staking's part of the block (proof of stake only): it runs staking transactions and
    /// shares the block's reward in place of the coinbase.
    let bonds: (any StakingBlock)?
    /// The transactions applied so far, in block order.
    public private(set) var transactions: [Transaction] = []
    /// Their ids.
    public private(set) var ids: [Hash256] = []
    /// Gas used so far by the block's contract transactions.
    public private(set) var gasUsed: UInt64 = 0
    /// Fees paid so far.
    public private(set) var fees: UInt64 = 0
    private var receipts: [ContractReceipt] = []
    private var finished = false

    /// A builder over `state` for the block at `height` and `time` paying `beneficiary`.
    /// The exchange (when given) starts its block here, since orders expire at the end of
    /// every block; so does staking (when given), which may refuse the block's evidence.
    public init(state: StateTree, height: UInt64, time: UInt64, beneficiary: AddressPayload, rules: LedgerRules,
                contracts: (any ContractExecutor)? = nil, exchange: (any ExchangeExecutor)? = nil,
                staking: StakingContext? = nil) throws(BlockError) {
        let ledger = LedgerWorkspace(state: state)
        let environment = BlockEnvironment(height: height, time: time)
        self.environment = environment
        self.beneficiary = beneficiary
        self.rules = rules
        self.contracts = contracts
        self.ledger = ledger
        self.market = exchange?.beginBlock(ledger: ledger, block: environment)
        if let staking {
            do { bonds = try staking.executor.beginBlock(ledger: ledger, block: environment, consensus: staking.consensus) } catch {
                throw .staking(error)
            }
        } else {
            bonds = nil
        }
    }

    /// The gas a contract transaction may still buy in this block: the cap less the gas used.
    public var gasRemaining: UInt64 { BlockApplication.maxBlockGas - gasUsed }

    /// Applies `tx` (signature already checked) after the transactions offered before. On
    /// success it joins the block; otherwise the workspace is rolled back to a checkpoint
    /// taken before it, nothing of it stays, and the error names the index it would have taken.
    public func offer(_ tx: Transaction, id knownId: Hash256? = nil) throws(BlockError) {
        let index = transactions.count
        guard !finished else { throw .transaction(index: index, .field("block", "the block is already finished")) }
        guard index < Block.maxTransactions else { throw .tooManyTransactions(index + 1) }
        if let terms = tx.action.gas, terms.limit > gasRemaining {
            throw .tooMuchGas(index: index, limit: terms.limit, remaining: gasRemaining)
        }
        let id = knownId ?? tx.id
        let mark = ledger.checkpoint()
        do {
            if tx.isContract {
                let receipt = try ledger.applyContract(tx, id: id, chainId: rules.chainId, executor: contracts, block: environment)
                ledger.commit(mark)
                fees += receipt.charged
                gasUsed += receipt.receipt.gasUsed   // at most the limit, which was at most what remained
                receipts.append(receipt.receipt)
            } else if case .exchange = tx.action {
                let receipt = try ledger.applyExchange(tx, id: id, chainId: rules.chainId, block: market)
                ledger.commit(mark)
                receipts.append(receipt)
                fees += tx.fee
            } else if case .staking = tx.action {
                let receipt = try ledger.applyStaking(tx, id: id, chainId: rules.chainId, block: bonds)
                ledger.commit(mark)
                receipts.append(receipt)
                fees += tx.fee
            } else {
                try ledger.apply(tx, chainId: rules.chainId)
                ledger.commit(mark)
                fees += tx.fee   // each fee was paid out of an existing balance, so the sum stays under the cap
            }
        } catch {
            ledger.rollback(to: mark)
            throw .transaction(index: index, error)
        }
        transactions.append(tx)
        ids.append(id)
    }

    /// Ends the block: the exchange's auctions, then the coinbase (subsidy and fees to the
    /// beneficiary, or with staking shared as its rules say). Call it once.
    public func finish() throws(BlockError) -> AppliedBlock {
        guard !finished else { throw .transaction(index: transactions.count, .field("block", "the block is already finished")) }
        finished = true
        let clearings = market?.finish(beneficiary: beneficiary) ?? []
        let subsidy = rules.subsidy(height: environment.height)
        if let bonds {
            do { try bonds.finish(reward: subsidy + fees, beneficiary: beneficiary) } catch { throw .staking(error) }
        } else {
            do { try ledger.credit(beneficiary, subsidy + fees) } catch { throw .coinbaseOverflow }
        }
        return AppliedBlock(state: ledger.updatedState, undo: ledger.undo, storageUndo: ledger.storageUndo,
                            newCode: ledger.newCode.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                            receipts: receipts, clearings: clearings, fees: fees, subsidy: subsidy,
                            transactionIds: ids)
    }
}
