import KusariCore

/// Pending transactions waiting for a block: admission by the ledger's rules
/// plus the pool's own (minimum fee rate, nonce window, size cap), ordering by
/// fee rate (``rankingFee(_:)`` per byte) within each sender's nonce order, replacement by fee, eviction,
/// expiry, and updates when blocks connect or disconnect.
///
/// It does not deal with the network or with storage: it returns what it
/// accepted and what it dropped, and the caller relays and persists. Not
/// thread-safe: one owner (the node's actor) drives it. Deterministic: ties in
/// fee rate break on the order of admission (first come, first served, so a
/// backlog is worked off in order and no transfer waits behind later ones of
/// the same fee), never on the order of a hash table.
public final class Mempool {
    /// The pool's limits.
    public struct Config: Sendable {
        /// Total encoded bytes the pool may hold before it evicts.
        public var maxBytes: Int = 32 << 20
        /// Minimum fee in base units per encoded byte.
        public var minFeePerByte: UInt64 = 1
        /// Seconds a transaction may wait before it is dropped.
        public var expirySeconds: UInt64 = 24 * 3600
        /// How far beyond the account's nonce a sender may queue.
        public var maxNonceAhead: UInt64 = 64
        /// Replacement needs a fee at least this many percent higher.
        public var replacementBumpPercent: UInt64 = 10
        public init() {}
    }

    /// One pending transaction.
    public struct Entry: Sendable {
        public let tx: Transaction
        public let id: Hash256
        public let sender: AddressPayload
        public let size: Int
        public let arrival: UInt64
        /// The order of admission in this pool (ties in fee rate go first come, first served).
        public let sequence: UInt64
        /// The fee the pool ranks it by (``Mempool/rankingFee(_:)``).
        public let rankingFee: UInt64

        /// Whether this entry goes before `other` in a block: higher fee rate, then earlier admission.
        func precedes(_ other: Entry) -> Bool {
            feeRate != other.feeRate ? feeRate > other.feeRate : sequence < other.sequence
        }

        /// Ranking fee per byte, scaled by 1,000 to keep integer precision.
        var feeRate: UInt64 { rankingFee.multipliedReportingOverflow(by: 1_000).partialValue / UInt64(max(1, size)) }
    }

    /// The fee the pool ranks a transaction by, and checks against the minimum fee, the
    /// replacement bump and eviction: a transfer's or exchange transaction's fee; for a
    /// contract transaction its intrinsic gas times its gas price, the part of its fee it
    /// pays whatever happens. Never the gas limit times the price: a block's gas cap counts
    /// gas used, and a high limit the transaction does not use must buy no priority.
    public static func rankingFee(_ tx: Transaction) -> UInt64 {
        guard let gas = tx.action.gas else { return tx.fee }
        let (fee, overflow) = GasTerms.intrinsic(encodedSize: tx.encodedSize).multipliedReportingOverflow(by: gas.price)
        return overflow ? tx.fee : min(fee, tx.fee)
    }

    /// What admission did.
    public struct Admission: Sendable {
        public let id: Hash256
        /// A pending transaction of the same sender and nonce that this one replaced.
        public let replaced: Hash256?
        /// Transactions dropped to stay under the size cap.
        public let evicted: [Hash256]
    }

    public let config: Config
    public let chainId: UInt32
    private(set) var entries: [Hash256: Entry] = [:]
    /// Each sender's pending transactions by nonce.
    private(set) var bySender: [AddressPayload: [UInt64: Hash256]] = [:]
    /// Total encoded bytes held.
    public private(set) var bytes = 0
    /// Total fees of the transactions held.
    public private(set) var totalFees: UInt64 = 0
    /// The next admission's sequence number; transactions back from disconnected
    /// blocks count down from below it, so they go before everything admitted.
    private var nextSequence: UInt64 = 1 << 62
    private var nextReturningSequence: UInt64 = (1 << 62) - 1

    public init(chainId: UInt32, config: Config = Config()) {
        self.chainId = chainId
        self.config = config
    }

    /// The number of pending transactions.
    public var count: Int { entries.count }

    /// A pending transaction.
    public func entry(_ id: Hash256) -> Entry? { entries[id] }

    /// The ids of every pending transaction, in id order.
    public var ids: [Hash256] { entries.keys.sorted() }

    /// Every pending transaction, by fee rate (highest first), ties by order of admission.
    public var all: [Entry] { entries.values.sorted { $0.precedes($1) } }

    /// The sender's next nonce counting pending transactions: the account nonce
    /// plus the run of consecutive pending nonces after it.
    public func pendingNonce(of sender: AddressPayload, accountNonce: UInt64) -> UInt64 {
        var n = accountNonce
        while bySender[sender]?[n] != nil { n += 1 }
        return n
    }

    /// Pending transactions of one sender, by nonce.
    public func pending(of sender: AddressPayload) -> [Entry] {
        (bySender[sender] ?? [:]).sorted { $0.key < $1.key }.compactMap { entries[$0.value] }
    }

    // MARK: - Admission

    /// Checks `tx` against the account state (`account`) and the pool, and adds
    /// it. `signatureVerified` skips the signature check when the caller has
    /// already done it (for example when reloading a saved pool it wrote).
    public func admit(_ tx: Transaction, account: (AddressPayload) -> Account, now: UInt64,
                      signatureVerified: Bool = false) throws(MempoolError) -> Admission {
        try admit(tx, account: account, now: now, signatureVerified: signatureVerified, sequence: nil)
    }

    /// `admit` with the sequence to take (nil: the next one). Transactions back from
    /// disconnected blocks take sequences ahead of everything held (they were first in line).
    private func admit(_ tx: Transaction, account: (AddressPayload) -> Account, now: UInt64,
                       signatureVerified: Bool, sequence given: UInt64?) throws(MempoolError) -> Admission {
        guard tx.chainId == chainId else { throw .wrongChain(expected: chainId, found: tx.chainId) }
        let id = tx.id
        guard entries[id] == nil else { throw .alreadyKnown }
        let size = tx.encoded.count
        let minimumFee = UInt64(size) * config.minFeePerByte
        let rankingFee = Self.rankingFee(tx)
        guard rankingFee >= minimumFee else { throw .feeTooLow(minimum: minimumFee, found: rankingFee) }
        let sender = tx.from
        let state = account(sender)
        guard tx.nonce >= state.nonce else { throw .nonceTooLow(accountNonce: state.nonce, found: tx.nonce) }
        guard tx.nonce - state.nonce <= config.maxNonceAhead else {
            throw .nonceTooFarAhead(accountNonce: state.nonce, found: tx.nonce, maximumAhead: config.maxNonceAhead)
        }
        let existing = bySender[sender]?[tx.nonce].flatMap { entries[$0] }
        if let existing {
            let (scaled, overflow) = existing.rankingFee.multipliedReportingOverflow(by: 100 + config.replacementBumpPercent)
            let needed = overflow ? UInt64.max : (scaled + 99) / 100
            guard rankingFee >= needed else { throw .replacementUnderpriced(minimumFee: needed, found: rankingFee) }
        }
        // The balance must cover this and every other pending transaction of the sender.
        var committed = tx.totalCost
        for e in pending(of: sender) where e.tx.nonce != tx.nonce { committed += e.tx.totalCost }
        guard committed <= state.balance else { throw .insufficientBalance(balance: state.balance, needed: committed) }
        if !signatureVerified {
            guard tx.hasValidSignature else { throw .badSignature }
        }
        let sequence = given ?? nextSequence
        if given == nil { nextSequence += 1 }
        let entry = Entry(tx: tx, id: id, sender: sender, size: size, arrival: now, sequence: sequence, rankingFee: rankingFee)
        var evicted: [Entry] = []
        if let existing { remove(existing.id) }
        insert(entry)
        while bytes > config.maxBytes {
            guard let victim = evictionCandidate(), let victimEntry = entries[victim] else { break }
            if victim == id {
                // The newcomer pays least: undo everything, evictions included.
                remove(id)
                if let existing { insert(existing) }
                for e in evicted { insert(e) }
                throw .mempoolFull
            }
            remove(victim)
            evicted.append(victimEntry)
        }
        return Admission(id: id, replaced: existing?.id, evicted: evicted.map(\.id))
    }

    /// The entry that goes last among each sender's last (highest-nonce)
    /// transaction, so that eviction never leaves a gap before other pending ones.
    /// At equal fee rates that is the latest admitted: a newcomer that pays no
    /// more than what the pool holds is refused (`mempoolFull`), never admitted
    /// at the cost of a transfer acknowledged before it.
    private func evictionCandidate() -> Hash256? {
        var worst: Entry?
        for (_, nonces) in bySender {
            guard let last = nonces.keys.max(), let id = nonces[last], let e = entries[id] else { continue }
            if let w = worst, !w.precedes(e) { continue }
            worst = e
        }
        return worst?.id
    }

    private func insert(_ e: Entry) {
        entries[e.id] = e
        bySender[e.sender, default: [:]][e.tx.nonce] = e.id
        bytes += e.size
        totalFees &+= e.tx.fee
    }

    /// Removes one transaction; returns whether it was there.
    @discardableResult
    public func remove(_ id: Hash256) -> Bool {
        guard let e = entries.removeValue(forKey: id) else { return false }
        bytes -= e.size
        totalFees &-= e.tx.fee
        bySender[e.sender]?[e.tx.nonce] = nil
        if bySender[e.sender]?.isEmpty == true { bySender[e.sender] = nil }
        return true
    }

    // MARK: - Blocks

    /// Transactions for a block: by fee rate, each sender's in nonce order and
    /// starting at the account's nonce, within `maxBytes` and `maxCount`.
    public func template(account: (AddressPayload) -> Account, maxBytes: Int, maxCount: Int) -> [Transaction] {
        snapshot.template(account: account, maxBytes: maxBytes, maxCount: maxCount)
    }

    /// After the best chain changed: drop what was mined or can no longer be
    /// mined (nonce used, balance gone), and expired transactions. Transactions
    /// of disconnected blocks (`returning`) come back when still valid.
    /// Returns the ids dropped and the ids re-admitted.
    @discardableResult
    public func update(account: (AddressPayload) -> Account, now: UInt64,
                       returning: [Transaction] = []) -> (dropped: [Hash256], readmitted: [Hash256]) {
        var dropped: [Hash256] = []
        for (sender, nonces) in bySender {
            let state = account(sender)
            var committed: UInt64 = 0
            for nonce in nonces.keys.sorted() {
                guard let id = nonces[nonce], let e = entries[id] else { continue }
                committed += e.tx.totalCost
                let expired = now >= e.arrival && now - e.arrival > config.expirySeconds
                if nonce < state.nonce || committed > state.balance || expired {
                    dropped.append(id)
                    committed -= e.tx.totalCost
                }
            }
        }
        dropped.sort()
        for id in dropped { remove(id) }
        var readmitted: [Hash256] = []
        // Ahead of everything held, in the order they had in their blocks.
        nextReturningSequence -= UInt64(returning.count)
        for (i, tx) in returning.enumerated() {
            let sequence = nextReturningSequence + 1 + UInt64(i)
            if let a = try? admit(tx, account: account, now: now, signatureVerified: true, sequence: sequence) { readmitted.append(a.id) }
        }
        return (dropped, readmitted)
    }
}
