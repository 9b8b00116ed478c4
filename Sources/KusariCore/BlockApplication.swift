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

    /// The most gas the contract transactions of one block may use together (the sum of their
    /// receipts' gas used). A contract transaction fits when its gas limit is at most this
    /// less the gas the block's earlier transactions used (docs/protocol.md 18.7).
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
        let applied = try execute(block.transactions, on: state, height: block.header.height, time: block.header.timestamp,
                                  beneficiary: block.header.beneficiary, rules: rules, signatures: .alreadyVerified,
                                  contracts: contracts, exchange: exchange, staking: staking, ids: ids)
        guard applied.state.root == block.header.stateRoot else {
            throw .stateRootMismatch(header: block.header.stateRoot, computed: applied.state.root)
        }
        return applied
    }

    /// Applies `transactions` and the coinbase of a block at `height` and `time` paying
    /// `beneficiary`, without a header to compare against: every transaction must apply, in
    /// order (the first that does not refuses the block).
    public static func execute(_ transactions: [Transaction], on state: StateTree, height: UInt64, time: UInt64,
                               beneficiary: AddressPayload, rules: LedgerRules,
                               signatures: SignatureCheck = .verify,
                               contracts: (any ContractExecutor)? = nil,
                               exchange: (any ExchangeExecutor)? = nil,
                               staking: StakingContext? = nil,
                               ids knownIds: [Hash256]? = nil) throws(BlockError) -> AppliedBlock {
        guard transactions.count <= Block.maxTransactions else { throw .tooManyTransactions(transactions.count) }
        try checkSignatures(transactions, ids: knownIds, signatures)
        let builder = try BlockBuilder(state: state, height: height, time: time, beneficiary: beneficiary, rules: rules,
                                       contracts: contracts, exchange: exchange, staking: staking)
        for (i, tx) in transactions.enumerated() {
            try builder.offer(tx, id: knownIds?[i])
        }
        return try builder.finish()
    }

    /// What a block producer made of its candidates: the block's transactions (those that
    /// applied, in the order offered) and the result of applying them.
    public struct Built: Sendable {
        /// The transactions the block holds.
        public var transactions: [Transaction]
        /// The block applied (its ids are `transactions`' ids).
        public var applied: AppliedBlock
        /// How many candidates were left out, and the first reason.
        public var skipped: Int
        public var firstSkip: BlockError?
    }

    /// Builds a block from `candidates` (a miner's or proposer's choice, best first): each
    /// is offered in turn and one that does not apply (bad signature, nonce, balance, not
    /// enough of the block's gas left) is left out, so that the block is always one
    /// ``execute(_:on:height:time:beneficiary:rules:signatures:contracts:exchange:ids:)``
    /// and ``apply(_:to:rules:signatures:contracts:exchange:)`` accept.
    public static func build(_ candidates: [Transaction], on state: StateTree, height: UInt64, time: UInt64,
                             beneficiary: AddressPayload, rules: LedgerRules,
                             signatures: SignatureCheck = .verify,
                             contracts: (any ContractExecutor)? = nil,
                             exchange: (any ExchangeExecutor)? = nil,
                             staking: StakingContext? = nil) throws(BlockError) -> Built {
        let builder = try BlockBuilder(state: state, height: height, time: time, beneficiary: beneficiary, rules: rules,
                                       contracts: contracts, exchange: exchange, staking: staking)
        var skipped = 0
        var firstSkip: BlockError?
        for tx in candidates {
            guard builder.transactions.count < Block.maxTransactions else { break }
            let id = tx.id
            do throws(BlockError) {
                guard signatures.accepts(tx, id: id) else {
                    throw BlockError.transaction(index: builder.transactions.count, .badSignature)
                }
                try builder.offer(tx, id: id)
            } catch {
                skipped += 1
                if firstSkip == nil { firstSkip = error }
            }
        }
        let transactions = builder.transactions
        return Built(transactions: transactions, applied: try builder.finish(), skipped: skipped, firstSkip: firstSkip)
    }
}

extension BlockApplication.SignatureCheck {
    /// Whether `tx` (whose id is `id`) passes this check, checked on its own.
    func accepts(_ tx: Transaction, id: Hash256) -> Bool {
        switch self {
        case .alreadyVerified: return true
        case .verify: return tx.hasValidSignature
        case .verifyExcept(let known): return known.contains(id) || tx.hasValidSignature
        }
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
    /// The ids of the block's transactions in order.
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
    /// A contract transaction's gas limit is more than the block's gas cap less the gas the
    /// transactions before it used.
    case tooMuchGas(index: Int, limit: UInt64, remaining: UInt64)
    case staking(StakingBlockError)

    public var description: String {
        switch self {
        case .tooManyTransactions(let n): return "transactions: \(n) is more than a block may hold"
        case .merkleRootMismatch(let h, let c): return "header.merkleRoot: header says \(h), transactions give \(c)"
        case .transaction(let i, let e): return "transactions[\(i)].\(e.description)"
        case .coinbaseOverflow: return "header.beneficiary: subsidy and fees would exceed the supply cap"
        case .stateRootMismatch(let h, let c): return "header.stateRoot: header says \(h), applying the block gives \(c)"
        case .tooMuchGas(let i, let limit, let remaining):
            return "transactions[\(i)].gasLimit: \(limit) is more than the \(remaining) gas left in the block (\(BlockApplication.maxBlockGas) less the gas used before it)"
        case .staking(let e): return e.description
        }
    }
}
