import Foundation
import KusariChain
import KusariConsensus
import KusariCore
import KusariMempool
import KusariPeers
import KusariStorage
import KusariValidator
import Logging
import Synchronization

/// One running node: the durable chain, the mempool and the miner's view of
/// them, behind an actor so that every request sees a consistent state. The
/// HTTP API, the miner, the network layer (`NetworkHost`) and BFT consensus
/// (`ConsensusHost`) talk to it; it publishes what happens as `events`.
public actor Node {
    public nonisolated let config: NodeConfig
    public nonisolated let events = NodeEvents()
    /// Bumped whenever the miner's work is stale (a new tip, a much better mempool).
    public nonisolated let workGeneration = Mutex<UInt64>(0)
    /// How far below the tip account proofs may be asked for.
    public nonisolated static let maxStateDepth: UInt64 = 10_000
    /// Seconds the chain aims to have between blocks (a retry hint when the mempool is full).
    public nonisolated let targetSpacing: Int64
    /// The version string reported by the API.
    public nonisolated static let version = "0.1.0"

    let chain: Blockchain
    let mempool: Mempool
    let logger: Logger
    /// Fees of the last template handed to the miner, to see when a better one is worth a restart.
    /// The template's transactions' fee fields summed (what `mempool.totalFees` sums).
    private var templateMaxFees: UInt64 = 0
    private var templateCount = 0
    /// Connected peers, and the best height they report, as the network layer tells.
    var peerCount = 0
    var bestPeerHeight: UInt64 = 0
    /// Bumped whenever the mempool or the state its transactions apply to may have changed.
    var mempoolVersion: UInt64 = 0
    /// The pool's work against the recent block rate, and whether clients are refused now
    /// (read without entering the actor, before a client's signatures are checked).
    private var backlog: Backlog
    public nonisolated let backlogged = Mutex<(pending: Int, seconds: Int)?>(nil)
    /// Transactions admitted since the network layer last took them for announcing
    /// (nil while no network layer relays: nothing is kept then).
    var unannounced: [Hash256]?
    /// Transactions whose signatures were checked (on admission), so that a block carrying them skips those checks.
    public nonisolated let verifiedSignatures = SignatureCache(capacity: 200_000)
    /// Transactions of recently connected blocks, and those refused for good since the
    /// tip last moved (Bitcoin's `recentRejects`): neither is fetched again when announced.
    let recentlyConfirmed = RecentIds(capacity: 200_000)
    private(set) var recentlyRefused = RecentIds(capacity: 50_000)
    /// Every admission, made durable by a writer thread of its own (group commit); replayed on start.
    public nonisolated let journal: MempoolJournal
    /// The journal is rewritten from the live pool once it holds this many times the pool's
    /// transactions (and more than `config.journalCompactionMinimum`).
    nonisolated static let journalGrowthFactor = 4
    /// The last projection of the mempool into blocks, with the version it was made from.
    nonisolated let projection = Mutex<(version: UInt64, count: Int, blocks: [[Mempool.Entry]])?>(nil)
    /// Validator sets and commit signers remembered for the API's BFT views (`NodeBFTViews.swift`).
    public nonisolated let bftCache = BFTViewCache()
    /// What this node's consensus driver saw of the recent heights' rounds (`NodeRounds.swift`);
    /// empty, with no role, until a driver attaches to it.
    public nonisolated let consensusRounds = RoundRecorder()

    /// Opens (or creates) the data directory and replays the mempool journal
    /// (and a `mempool.dat` saved by an older version), re-validating each
    /// transaction; a damaged tail is reported and skipped.
    public init(config: NodeConfig, logger: Logger) throws(ChainError) {
        self.config = config
        self.logger = logger
        let chain: Blockchain
        if FileManager.default.fileExists(atPath: config.dataDirectory + "/chain.sqlite") {
            chain = try Blockchain.open(directory: config.dataDirectory)
        } else {
            chain = try Blockchain.create(directory: config.dataDirectory, genesis: config.genesis)
        }
        self.chain = chain
        self.targetSpacing = chain.params.targetSpacing
        self.backlog = config.backlog
        self.mempool = Mempool(chainId: chain.genesis.chainId, config: config.mempool)
        let legacyPath = config.dataDirectory + "/" + MempoolFile.name
        let journalPath = config.dataDirectory + "/" + MempoolJournal.name
        let journaled = MempoolJournal.load(path: journalPath)
        if let damage = journaled.damage {
            logger.warning("mempool journal damaged; ignoring its tail", metadata: [
                "path": "\(journalPath)", "reason": "\(damage)", "ignored bytes": "\(journaled.ignoredBytes)"])
        }
        let saved = MempoolFile.load(path: legacyPath) + journaled.transactions
        var restored = 0
        let now = Self.now()
        for tx in saved {
            // Re-validated in full: the chain may have moved while the node was down.
            if (try? mempool.admit(tx, account: { chain.state.account($0) }, now: now)) != nil { restored += 1 }
        }
        do { journal = try MempoolJournal(path: journalPath) } catch {
            chain.close()
            throw .storage(.io(journalPath, error.description))
        }
        // Start the journal afresh from the pool just rebuilt (a torn tail goes with it).
        switch journal.waitDurable(through: journal.rewrite(Self.journalOrder(mempool.all))) {
        case .success: unlink(legacyPath)
        case .failure(let e): logger.error("could not rewrite the mempool journal", metadata: ["error": "\(e)"])
        }
        logger.info("node opened", metadata: ["datadir": "\(config.dataDirectory)", "height": "\(chain.height)",
                                              "tip": "\(chain.tipId)", "mempool": "\(restored)/\(saved.count) restored"])
    }

    /// Pool entries in an order that re-admits them all: each sender's by rising nonce.
    nonisolated static func journalOrder(_ entries: [Mempool.Entry]) -> [Transaction] {
        entries.sorted { ($0.tx.nonce, $0.sequence) < ($1.tx.nonce, $1.sequence) }.map(\.tx)
    }

    /// Rewrites the journal from the live pool once mined, replaced and evicted
    /// transactions make up most of it.
    private func compactJournalIfGrown() {
        guard journal.recordCount > max(config.journalCompactionMinimum, Self.journalGrowthFactor * mempool.count) else { return }
        journal.rewrite(Self.journalOrder(mempool.all))
    }

    static func now() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970)) }

    /// Rewrites the mempool journal from the live pool, closes it, and closes
    /// the chain (after the block being written).
    public func shutdown() {
        let txs = Self.journalOrder(mempool.all)
        let sequence = journal.rewrite(txs)
        journal.close()
        if !journal.isDurable(through: sequence) {
            logger.error("could not save the mempool journal", metadata: ["path": "\(journal.path)"])
        }
        chain.close()
        events.finish()
        logger.info("node stopped", metadata: ["height": "\(chain.height)", "mempool saved": "\(txs.count)"])
    }

    // MARK: - Writing

    /// Decodes a transaction and checks its signature outside the actor, so
    /// that many requests verify on many cores at once; the result is what
    /// `admit` takes (a verified signature is never checked again).
    public nonisolated static func prepare(transaction bytes: [UInt8]) throws(NodeError) -> Transaction {
        let tx: Transaction
        do { tx = try Transaction(decoding: bytes) } catch { throw .invalidEncoding(error) }
        guard tx.hasValidSignature else { throw .rejected(.badSignature) }
        return tx
    }

    /// Admits a transaction to the mempool.
    public func submit(transaction bytes: [UInt8]) throws(NodeError) -> Hash256 {
        try admit(verified: try Self.prepare(transaction: bytes))
    }

    /// Admits a transaction whose signature `prepare` has checked; one from a
    /// client (the API, not a peer) is refused while the pool is backlogged.
    public func admit(verified tx: Transaction, fromClient: Bool = false) throws(NodeError) -> Hash256 {
        if fromClient, let b = backlogged.withLock({ $0 }) { throw .backlogged(pending: b.pending, seconds: b.seconds) }
        if fromClient, case .exchange = tx.action, let reason = exchangeRefusal(tx) { throw .exchangeRefused(reason) }
        // No chain runs proof of stake yet (issue 18 wires it next): a staking transaction could
        // never enter a block, so it is refused as its kind was before staking existed.
        if case .staking(let s) = tx.action {
            throw .invalidEncoding(.invalid(field: "kind", reason: "\(s.name) (kind \(s.kind)): this chain does not run proof of stake"))
        }
        let admission: Mempool.Admission
        verifiedSignatures.insert(tx.id)
        do {
            admission = try mempool.admit(tx, account: { chain.state.account($0) }, now: Self.now(), signatureVerified: true)
        } catch {
            // A refusal that a later state cannot change is remembered until the tip moves; one that
            // may pass later (a nonce or balance still to come, a full pool) may be fetched again.
            switch error {
            case .nonceTooFarAhead, .insufficientBalance, .mempoolFull: break
            default: recentlyRefused.insert(tx.id)
            }
            throw .rejected(error)
        }
        mempoolVersion &+= 1
        updateBacklog()
        journal.append([tx])
        compactJournalIfGrown()
        unannounced?.append(admission.id)
        events.publish(.transaction(id: admission.id))
        // Restart the miner when the pool now pays clearly more than its template.
        // Both sides count each transaction's fee field (a contract's most: gas limit x price).
        if templateCount == 0 || mempool.totalFees > templateMaxFees + templateMaxFees / 10 { bumpWork() }
        logger.debug("transaction admitted", metadata: ["id": "\(admission.id)"])
        return admission.id
    }

    /// Admits a transaction whose signature `prepare` has checked and returns
    /// once the journal holds it on disk (what the API acknowledges). The
    /// actor is not held while the disk syncs: the wait happens outside it.
    public nonisolated func admitDurably(verified tx: Transaction, fromClient: Bool = true) async throws(NodeError) -> Hash256 {
        let (id, sequence) = try await admitJournaled(tx, fromClient: fromClient)
        do { try await journal.durable(through: sequence) } catch { throw .unavailable(error.description) }
        return id
    }

    private func admitJournaled(_ tx: Transaction, fromClient: Bool) throws(NodeError) -> (Hash256, UInt64) {
        (try admit(verified: tx, fromClient: fromClient), journal.lastSequence)
    }

    /// `admit(verifiedBatch:)`, returning once the journal holds every admitted
    /// transaction on disk; if it cannot, those are reported `unavailable`.
    public nonisolated func admitDurably(verifiedBatch txs: [Transaction], fromClient: Bool = true) async -> [Result<Hash256, NodeError>] {
        let (outcomes, sequence) = await admitJournaled(batch: txs, fromClient: fromClient)
        do { try await journal.durable(through: sequence) } catch {
            return outcomes.map { $0.flatMap { _ in .failure(.unavailable(error.description)) } }
        }
        return outcomes
    }

    private func admitJournaled(batch txs: [Transaction], fromClient: Bool) -> ([Result<Hash256, NodeError>], UInt64) {
        (admit(verifiedBatch: txs, fromClient: fromClient), journal.lastSequence)
    }

    /// Admits many transactions whose signatures `prepare` has checked, in one
    /// call (a batch submission): one outcome per transaction, in order.
    public func admit(verifiedBatch txs: [Transaction], fromClient: Bool = false) -> [Result<Hash256, NodeError>] {
        var out: [Result<Hash256, NodeError>] = []
        out.reserveCapacity(txs.count)
        for tx in txs {
            do throws(NodeError) { out.append(.success(try admit(verified: tx, fromClient: fromClient))) } catch { out.append(.failure(error)) }
        }
        return out
    }

    /// Whether clients are refused now: the pool against what recent blocks took.
    private func updateBacklog() {
        let now = ProcessInfo.processInfo.systemUptime
        let limit = backlog.limit(now: now)
        let state: (pending: Int, seconds: Int)? = mempool.count >= limit
            ? (mempool.count, Int(Double(mempool.count) / max(1, backlog.rate(now: now) ?? 1))) : nil
        backlogged.withLock { $0 = state }
    }

    private func bumpWork() { workGeneration.withLock { $0 &+= 1 } }

    /// A block template for the miner, with the generation it belongs to.
    public func miningTemplate(beneficiary: AddressPayload) throws(NodeError) -> (Blockchain.Template, UInt64, PowParameters) {
        let generation = workGeneration.withLock { $0 }
        let txs = mempool.template(account: { chain.state.account($0) }, maxBytes: config.maxBlockBytes - BlockHeader.encodedSize - 8,
                                   maxCount: Block.maxTransactions)
        do {
            // Signatures were checked on admission.
            let t = try chain.template(beneficiary: beneficiary, transactions: txs, signatures: .alreadyVerified)
            templateMaxFees = t.transactions.reduce(0) { $0 &+ $1.fee }
            templateCount = t.transactions.count
            return (t, generation, chain.params)
        } catch {
            // A pool out of step with the chain: drop what no longer applies and retry empty.
            mempool.update(account: { chain.state.account($0) }, now: Self.now())
            mempoolVersion &+= 1
            do {
                return (try chain.template(beneficiary: beneficiary, transactions: []), generation, chain.params)
            } catch { throw .from(error) }
        }
    }

    /// Connects a block (from the miner now, from peers later) and updates the
    /// mempool, including a reorganisation's returning transactions.
    @discardableResult
    public func accept(block: Block, signatures: BlockApplication.SignatureCheck = .verify) throws(NodeError) -> Blockchain.Outcome {
        let outcome: Blockchain.Outcome
        let signatures = signatureCheck(for: block, signatures)
        let before = chain.height
        do { outcome = try chain.submit(block, signatures: signatures) } catch {
            throw .rejectedBlock(reason: error.description, peerFault: Self.isPeerFault(error))
        }
        // On a BFT chain a block may connect the one it builds on (with its last commit).
        if chain.isFinalizing {
            announceCommitted(since: before)
            return outcome
        }
        return connected(block, outcome)
    }

    /// The signature check for a block: those checked on admission are not checked again
    /// (Bitcoin Core keeps such a cache too).
    func signatureCheck(for block: Block, _ signatures: BlockApplication.SignatureCheck) -> BlockApplication.SignatureCheck {
        guard case .verify = signatures else { return signatures }
        // A sync's background check of this very block ends first (never the same work twice at once).
        verifiedSignatures.waitForCheck(of: block.id)
        return .verifyExcept(Set(block.transactions.lazy.map(\.id).filter { self.verifiedSignatures.contains($0) }))
    }

    /// What follows a submitted block: the mempool, the backlog and the events.
    func connected(_ block: Block, _ outcome: Blockchain.Outcome) -> Blockchain.Outcome {
        var returning: [Transaction] = []
        if case .reorganized = outcome {
            for id in chain.lastDisconnected {
                if let b = try? chain.block(id) { returning += b.transactions }
            }
        }
        if case .sideBranch = outcome {
            events.publish(.sideBlock(height: block.header.height, id: block.id))
            return outcome
        }
        if case .awaitingCommit = outcome { return outcome }
        for tx in block.transactions { recentlyConfirmed.insert(tx.id) }
        backlog.connected(txs: block.transactions.count, at: ProcessInfo.processInfo.systemUptime)
        recentlyRefused = RecentIds(capacity: 50_000)
        let update = mempool.update(account: { chain.state.account($0) }, now: Self.now(), returning: returning)
        mempoolVersion &+= 1
        updateBacklog()
        bumpWork()
        // Transactions back from disconnected blocks are announced again.
        journal.append(update.readmitted.compactMap { mempool.entry($0)?.tx })
        compactJournalIfGrown()
        for id in update.readmitted {
            unannounced?.append(id)
            events.publish(.transaction(id: id))
        }
        switch outcome {
        case .connected(let h):
            events.publish(.block(height: h, id: block.id, transactions: block.transactions.count))
            publishTrades(through: h, blocks: 1)
            logger.info("block connected", metadata: ["height": "\(h)", "id": "\(block.id)", "txs": "\(block.transactions.count)"])
        case .reorganized(let d, let c, let h):
            events.publish(.reorganization(disconnected: d, connected: c, height: h, tip: chain.tipId))
            events.publish(.block(height: h, id: chain.tipId, transactions: block.transactions.count))
            publishTrades(through: h, blocks: c)
            logger.notice("reorganisation", metadata: ["disconnected": "\(d)", "connected": "\(c)", "height": "\(h)"])
        case .sideBranch, .awaitingCommit: break
        }
        return outcome
    }

    /// Drops expired transactions (called periodically).
    public func expireMempool() {
        let r = mempool.update(account: { chain.state.account($0) }, now: Self.now())
        if !r.dropped.isEmpty { mempoolVersion &+= 1 }
        if !r.dropped.isEmpty { logger.info("mempool expiry", metadata: ["dropped": "\(r.dropped.count)"]) }
    }
}

/// A block named by id or by best-chain height.
public enum BlockRef: Sendable {
    case id(Hash256)
    case height(UInt64)
}
