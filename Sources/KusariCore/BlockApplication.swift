/// Applying a block to the account state: the ledger's rules as pure
/// functions. The same block and state give the same result on every machine.
public enum BlockApplication {
    /// Whether the caller already checked the signatures (for example in the
    /// mempool) or they must be checked here.
    public enum SignatureCheck: Sendable {
        case verify
        case alreadyVerified
        /// Checks only the transactions whose id is not in the set: the caller
        /// checked those (a transaction's id hashes its whole encoding, signature
        /// included, so the same id means the same signed bytes).
        case verifyExcept(Set<Hash256>)
    }

    /// Checks the signatures `check` asks for; `ids` are the transactions' ids when known.
    static func checkSignatures(_ transactions: [Transaction], ids: [Hash256]? = nil,
                                _ check: SignatureCheck) throws(BlockError) {
        switch check {
        case .alreadyVerified:
            return
        case .verify:
            if let bad = SignatureBatch.firstInvalid(transactions) { throw .transaction(index: bad, .badSignature) }
        case .verifyExcept(let known):
            let ids = ids ?? transactions.map(\.id)
            let unchecked = transactions.indices.filter { !known.contains(ids[$0]) }
            if let bad = SignatureBatch.firstInvalid(unchecked.map { transactions[$0] }) {
                throw .transaction(index: unchecked[bad], .badSignature)
            }
        }
    }

    /// The most gas the contract transactions of one block may buy together (the sum of
    /// their gas limits).
    public static let maxBlockGas: UInt64 = 2 * GasTerms.maxGasLimit

    /// Checks the block's body against its header and applies its transactions
    /// and coinbase (subsidy + fees to the beneficiary) to `state`. Contract
    /// transactions run on `contracts`; without it a block holding one is refused.
    ///
    /// - Throws: `BlockError` for the first broken rule, naming the transaction.
    public static func apply(_ block: Block, to state: StateTree, rules: LedgerRules,
                             signatures: SignatureCheck = .verify,
                             contracts: (any ContractExecutor)? = nil,
                             exchange: (any ExchangeExecutor)? = nil,
                             staking: StakingContext? = nil) throws(BlockError) -> AppliedBlock {
        guard block.transactions.count <= Block.maxTransactions else {
            throw .tooManyTransactions(block.transactions.count)
        }
        let ids = block.transactions.map(\.id)
        let merkle = MerkleTree.root(leaves: ids)
        guard merkle == block.header.merkleRoot else {
            throw .merkleRootMismatch(header: block.header.merkleRoot, computed: merkle)
        }
        try checkSignatures(block.transactions, ids: ids, signatures)
        var applied = try execute(block.transactions, on: state, height: block.header.height, time: block.header.timestamp,
                                  beneficiary: block.header.beneficiary, rules: rules, signatures: .alreadyVerified,
                                  contracts: contracts, exchange: exchange, staking: staking, ids: ids)
        applied.transactionIds = ids
        guard applied.state.root == block.header.stateRoot else {
            throw .stateRootMismatch(header: block.header.stateRoot, computed: applied.state.root)
        }
        return applied
    }

    /// Applies `transactions` and the coinbase of a block at `height` and `time` paying
    /// `beneficiary`, without a header to compare against: block producers use
    /// it to learn the state root to put in their header.
    public static func execute(_ transactions: [Transaction], on state: StateTree, height: UInt64, time: UInt64,
                               beneficiary: AddressPayload, rules: LedgerRules,
                               signatures: SignatureCheck = .verify,
                               contracts: (any ContractExecutor)? = nil,
                               exchange: (any ExchangeExecutor)? = nil,
                               staking: StakingContext? = nil,
                               ids knownIds: [Hash256]? = nil) throws(BlockError) -> AppliedBlock {
        try checkSignatures(transactions, ids: knownIds, signatures)
        let ledger = LedgerWorkspace(state: state)
        let block = BlockEnvironment(height: height, time: time)
        var fees: UInt64 = 0
        var gas: UInt64 = 0
        var receipts: [ContractReceipt] = []
        let market = exchange?.beginBlock(ledger: ledger, block: block)
        var bonds: (any StakingBlock)? = nil
        if let staking {
            do { bonds = try staking.executor.beginBlock(ledger: ledger, block: block, consensus: staking.consensus) } catch {
                throw .staking(error)
            }
        }
        for (i, tx) in transactions.enumerated() {
            if let terms = tx.action.gas {
                gas += terms.limit   // each limit is at most 10^8, so the sum cannot overflow
                guard gas <= maxBlockGas else { throw .tooMuchGas(index: i, maximum: maxBlockGas) }
            }
            do {
                if tx.isContract {
                    let receipt = try ledger.applyContract(tx, id: knownIds?[i] ?? tx.id, chainId: rules.chainId,
                                                           executor: contracts, block: block)
                    fees += receipt.charged
                    receipts.append(receipt.receipt)
                } else if case .exchange = tx.action {
                    receipts.append(try ledger.applyExchange(tx, id: knownIds?[i] ?? tx.id, chainId: rules.chainId, block: market))
                    fees += tx.fee
                } else if case .staking = tx.action {
                    receipts.append(try ledger.applyStaking(tx, id: knownIds?[i] ?? tx.id, chainId: rules.chainId, block: bonds))
                    fees += tx.fee
                } else {
                    try ledger.apply(tx, chainId: rules.chainId)
                    fees += tx.fee   // each fee was paid out of an existing balance, so the sum stays under the cap
                }
            } catch { throw .transaction(index: i, error) }
        }
        let clearings = market?.finish(beneficiary: beneficiary) ?? []
        let subsidy = rules.subsidy(height: height)
        if let bonds {
            do { try bonds.finish(reward: subsidy + fees, beneficiary: beneficiary) } catch { throw .staking(error) }
        } else {
            do { try ledger.credit(beneficiary, subsidy + fees) } catch { throw .coinbaseOverflow }
        }
        return AppliedBlock(state: ledger.updatedState, undo: ledger.undo, storageUndo: ledger.storageUndo,
                            newCode: ledger.newCode.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                            receipts: receipts, clearings: clearings, fees: fees, subsidy: subsidy)
    }
}

/// The result of applying a block.
public struct AppliedBlock: Sendable {
    /// The state after the block.
    public var state: StateTree
    /// Each account the block touched, with its value before the block, in key
    /// order: applying these to `state` gives back the state before the block.
    public var undo: [(AddressPayload, Account)]
    /// Each contract storage key the block wrote, with its value before (nil: absent).
    public var storageUndo: [(AddressPayload, [([UInt8], [UInt8]?)])] = []
    /// Code first deployed by the block, by hash (the state holds only hashes).
    public var newCode: [(Hash256, [UInt8])] = []
    /// What each contract and exchange transaction did, in block order.
    public var receipts: [ContractReceipt] = []
    /// The exchange's auctions at the end of the block, by market.
    public var clearings: [MarketClearing] = []
    /// Fees paid by the block's transactions.
    public var fees: UInt64
    /// New coins created by the block.
    public var subsidy: UInt64
    /// The ids of the block's transactions in order (filled in by `apply`,
    /// which computes them for the Merkle root anyway).
    public var transactionIds: [Hash256] = []

    /// The undo record of the block.
    public var undoRecord: BlockUndo { BlockUndo(entries: undo, storage: storageUndo) }
}

extension LedgerWorkspace {
    /// Applies one transfer's rules: chain id, nonce, balance, overflow.
    func apply(_ tx: Transaction, chainId: UInt32) throws(TransactionError) {
        _ = try payUpFront(tx, chainId: chainId)
        try credit(tx.to, tx.amount)
    }

    /// Applies an exchange transaction: the sender pays the fee and uses its nonce whatever
    /// happens; the exchange runs it all or nothing and says in the receipt what it did.
    func applyExchange(_ tx: Transaction, id: Hash256, chainId: UInt32,
                       block: (any ExchangeBlock)?) throws(TransactionError) -> ContractReceipt {
        guard let block else { throw .field("kind", "exchange transactions are not run by this ledger") }
        _ = try payUpFront(tx, chainId: chainId)
        return block.apply(tx, id: id)
    }

    /// Applies a staking transaction: the sender pays the fee and uses its nonce whatever
    /// happens; staking runs it all or nothing and says in the receipt what it did.
    func applyStaking(_ tx: Transaction, id: Hash256, chainId: UInt32,
                      block: (any StakingBlock)?) throws(TransactionError) -> ContractReceipt {
        guard let block else { throw .field("kind", "staking transactions are not run by this ledger") }
        _ = try payUpFront(tx, chainId: chainId)
        return block.apply(tx, id: id)
    }

    /// Applies a deploy or call: the sender pays the maximum fee and uses its nonce
    /// whatever happens; the executor runs it (moving `amount` itself, so the sender
    /// is charged amount + fee up front and gets the amount back before the run); the
    /// unused gas is refunded. Returns the receipt and the fee charged.
    func applyContract(_ tx: Transaction, id: Hash256, chainId: UInt32, executor: (any ContractExecutor)?,
                       block: BlockEnvironment) throws(TransactionError) -> (receipt: ContractReceipt, charged: UInt64) {
        guard let executor else { throw .field("kind", "contract transactions are not run by this ledger") }
        guard let gas = tx.action.gas else { throw .field("kind", "not a contract transaction") }
        let from = try payUpFront(tx, chainId: chainId)
        // The amount goes back to the sender: the executor moves it to the contract inside the call.
        try credit(from, tx.amount)
        // The intrinsic gas is paid whatever happens (the decoder made sure the limit covers it).
        let intrinsic = min(GasTerms.intrinsic(encodedSize: tx.encodedSize), gas.limit)
        var receipt = executor.execute(tx, id: id, gasLimit: gas.limit - intrinsic, ledger: self, block: block)
        receipt.gasUsed = intrinsic + min(receipt.gasUsed, gas.limit - intrinsic)
        let charged = receipt.gasUsed * gas.price   // at most limit x price = fee, which is under the cap
        try credit(from, tx.fee - charged)
        return (receipt, charged)
    }
}

/// Why a block's body is invalid.
public enum BlockError: Error, Equatable, CustomStringConvertible {
    case tooManyTransactions(Int)
    case merkleRootMismatch(header: Hash256, computed: Hash256)
    case transaction(index: Int, TransactionError)
    case coinbaseOverflow
    case stateRootMismatch(header: Hash256, computed: Hash256)
    case tooMuchGas(index: Int, maximum: UInt64)
    case staking(StakingBlockError)

    public var description: String {
        switch self {
        case .tooManyTransactions(let n): return "transactions: \(n) is more than a block may hold"
        case .merkleRootMismatch(let h, let c): return "header.merkleRoot: header says \(h), transactions give \(c)"
        case .transaction(let i, let e): return "transactions[\(i)].\(e.description)"
        case .coinbaseOverflow: return "header.beneficiary: subsidy and fees would exceed the supply cap"
        case .stateRootMismatch(let h, let c): return "header.stateRoot: header says \(h), applying the block gives \(c)"
        case .tooMuchGas(let i, let m): return "transactions[\(i)].gasLimit: the block's contract transactions buy more than \(m) gas"
        case .staking(let e): return e.description
        }
    }
}
