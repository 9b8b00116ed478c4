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

    /// Checks the block's body against its header and applies its transactions
    /// and coinbase (subsidy + fees to the beneficiary) to `state`.
    ///
    /// - Throws: `BlockError` for the first broken rule, naming the transaction.
    public static func apply(_ block: Block, to state: StateTree, rules: LedgerRules,
                             signatures: SignatureCheck = .verify) throws(BlockError) -> AppliedBlock {
        guard block.transactions.count <= Block.maxTransactions else {
            throw .tooManyTransactions(block.transactions.count)
        }
        let ids = block.transactions.map(\.id)
        let merkle = MerkleTree.root(leaves: ids)
        guard merkle == block.header.merkleRoot else {
            throw .merkleRootMismatch(header: block.header.merkleRoot, computed: merkle)
        }
        try checkSignatures(block.transactions, ids: ids, signatures)
        var applied = try execute(block.transactions, on: state, height: block.header.height,
                                  beneficiary: block.header.beneficiary, rules: rules, signatures: .alreadyVerified)
        applied.transactionIds = ids
        guard applied.state.root == block.header.stateRoot else {
            throw .stateRootMismatch(header: block.header.stateRoot, computed: applied.state.root)
        }
        return applied
    }

    /// Applies `transactions` and the coinbase of a block at `height` paying
    /// `beneficiary`, without a header to compare against: block producers use
    /// it to learn the state root to put in their header.
    public static func execute(_ transactions: [Transaction], on state: StateTree, height: UInt64,
                               beneficiary: AddressPayload, rules: LedgerRules,
                               signatures: SignatureCheck = .verify) throws(BlockError) -> AppliedBlock {
        try checkSignatures(transactions, signatures)
        var ledger = AccountChanges(state: state)
        var fees: UInt64 = 0
        for (i, tx) in transactions.enumerated() {
            do { try ledger.apply(tx, chainId: rules.chainId) } catch { throw .transaction(index: i, error) }
            fees += tx.fee   // each fee was paid out of an existing balance, so the sum stays under the cap
        }
        let subsidy = rules.subsidy(height: height)
        do { try ledger.credit(beneficiary, subsidy + fees) } catch { throw .coinbaseOverflow }
        return AppliedBlock(state: state.updating(ledger.changes), undo: ledger.undo, fees: fees, subsidy: subsidy)
    }
}

/// The result of applying a block.
public struct AppliedBlock: Sendable {
    /// The state after the block.
    public var state: StateTree
    /// Each account the block touched, with its value before the block, in key
    /// order: applying these to `state` gives back the state before the block.
    public var undo: [(AddressPayload, Account)]
    /// Fees paid by the block's transactions.
    public var fees: UInt64
    /// New coins created by the block.
    public var subsidy: UInt64
    /// The ids of the block's transactions in order (filled in by `apply`,
    /// which computes them for the Merkle root anyway).
    public var transactionIds: [Hash256] = []
}

/// The accounts touched while applying transactions, over an unchanged state.
struct AccountChanges {
    let state: StateTree
    private var current: [AddressPayload: Account] = [:]
    private var before: [AddressPayload: Account] = [:]

    init(state: StateTree) { self.state = state }

    func account(_ key: AddressPayload) -> Account { current[key] ?? state.account(key) }

    private mutating func set(_ key: AddressPayload, _ account: Account) {
        if before[key] == nil { before[key] = state.account(key) }
        current[key] = account
    }

    /// Applies one transfer's rules: chain id, nonce, balance, overflow.
    mutating func apply(_ tx: Transaction, chainId: UInt32) throws(TransactionError) {
        guard tx.chainId == chainId else { throw .wrongChain(expected: chainId, found: tx.chainId) }
        let from = tx.from
        var sender = account(from)
        guard tx.nonce == sender.nonce else { throw .wrongNonce(expected: sender.nonce, found: tx.nonce) }
        guard sender.balance >= tx.totalCost else {
            throw .insufficientBalance(balance: sender.balance, needed: tx.totalCost)
        }
        guard sender.nonce < UInt64.max else { throw .field("nonce", "account nonce is exhausted") }
        sender.balance -= tx.totalCost
        sender.nonce += 1
        set(from, sender)
        try credit(tx.to, tx.amount)
    }

    /// Adds `amount` to an account; refuses a balance over the supply cap.
    mutating func credit(_ key: AddressPayload, _ amount: UInt64) throws(TransactionError) {
        var acct = account(key)
        let (sum, overflow) = acct.balance.addingReportingOverflow(amount)
        guard !overflow, sum <= Amount.maxSupply else { throw .balanceOverflow }
        acct.balance = sum
        set(key, acct)
    }

    /// The final value of every touched account, in key order.
    var changes: [(AddressPayload, Account)] {
        current.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The value before of every touched account, in key order.
    var undo: [(AddressPayload, Account)] {
        before.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Why a block's body is invalid.
public enum BlockError: Error, Equatable, CustomStringConvertible {
    case tooManyTransactions(Int)
    case merkleRootMismatch(header: Hash256, computed: Hash256)
    case transaction(index: Int, TransactionError)
    case coinbaseOverflow
    case stateRootMismatch(header: Hash256, computed: Hash256)

    public var description: String {
        switch self {
        case .tooManyTransactions(let n): return "transactions: \(n) is more than a block may hold"
        case .merkleRootMismatch(let h, let c): return "header.merkleRoot: header says \(h), transactions give \(c)"
        case .transaction(let i, let e): return "transactions[\(i)].\(e.description)"
        case .coinbaseOverflow: return "header.beneficiary: subsidy and fees would exceed the supply cap"
        case .stateRootMismatch(let h, let c): return "header.stateRoot: header says \(h), applying the block gives \(c)"
        }
    }
}
