import Dispatch
import Foundation
import KusariConsensus
import KusariContracts
import KusariExchange
import KusariCore
import KusariStorage

/// A durable chain in a data directory: it validates blocks (header by the
/// consensus engine, body by the ledger rules), stores every branch, keeps the
/// branch with the most work as the best chain, and reorganises when a heavier
/// valid branch appears. Every change is one SQLite transaction.
///
/// Not thread-safe: one owner (a command, or the node's chain actor) drives it.
public final class Blockchain {
    public let store: ChainStore
    public let genesis: Genesis
    public let genesisId: Hash256
    public let engine: any ConsensusEngine
    public let rules: LedgerRules
    /// The proof-of-work parameters of this network.
    public let params: PowParameters
    /// The account state at the tip.
    public internal(set) var state: StateTree
    /// Runs contract transactions (a ledger rule: every node runs the same engine).
    public let contracts = ContractEngine()
    /// Runs the exchange's transactions and auctions (a ledger rule, like contracts).
    public let exchange = ExchangeEngine()
    /// The best chain's block ids by height.
    public internal(set) var best: [Hash256]
    /// On a BFT chain, blocks that extend the tip and wait for their commit certificate
    /// (at most `maxAwaitingCommit`, oldest dropped first).
    var awaitingCommit: [Block] = []
    /// Bodies already applied to the tip's state (BFT: checked proposals and waiting blocks,
    /// and this node's own proposals), by block id, so connecting one does not apply it
    /// again. Valid only while `tipId` is `appliedOn`; emptied when the tip moves.
    var appliedBodies: [Hash256: AppliedBlock] = [:]
    var appliedOn = Hash256.zero
    /// The blocks the last reorganisation took off the best chain, oldest first.
    public internal(set) var lastDisconnected: [Hash256] = []
    let index: HeaderIndex
    /// The wall clock in Unix seconds (replaceable for tests).
    public var clock: () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }

    /// When a connected block is written to disk.
    public enum Durability: Sendable {
        /// Before `submit` returns (the default: nothing is acknowledged before it is durable).
        case immediate
        /// On a background queue, in order, while the next block is checked; at most one
        /// block is in flight, and `flush()` waits for it. For bulk paths (import, sync)
        /// that report progress only after `flush()`.
        case deferred
    }

    /// The commit in flight, if any, and the error of a failed one.
    private let committer = DispatchQueue(label: "kusari.chain.commit")
    private var inFlight: DispatchGroup?
    private let commitError = CommitError()

    private init(store: ChainStore, genesis: Genesis, genesisId: Hash256, state: StateTree, best: [Hash256],
                 index: HeaderIndex, engine: any ConsensusEngine) {
        self.store = store
        self.genesis = genesis
        self.genesisId = genesisId
        self.params = .kusari(genesis.network)
        self.engine = engine
        self.rules = genesis.rules
        self.state = state
        self.best = best
        self.index = index
    }

    // MARK: - Opening

    /// Makes a new data directory holding `genesis`. A directory that already
    /// holds the same genesis is opened as it is; one holding another is refused.
    public static func create(directory: String, genesis: Genesis) throws(ChainError) -> Blockchain {
        let block: Block
        do { block = try genesis.block() } catch { throw .genesis(error) }
        let engine: any ConsensusEngine
        do { engine = try genesis.engine() } catch { throw .genesis(error) }
        if genesis.consensus == .proofOfWork {
            do { _ = try CompactTarget.decode(genesis.bits) } catch {
                throw .genesis(.field("bits", error.description))
            }
        }
        if FileManager.default.fileExists(atPath: directory + "/chain.sqlite") {
            let existing = try open(directory: directory)
            guard existing.genesisId == block.id else {
                throw .otherChain(directory: directory,
                                  stored: "\(existing.genesis.network.rawValue) genesis \(existing.genesisId)",
                                  given: "\(genesis.network.rawValue) genesis \(block.id)")
            }
            return existing
        }
        let store: ChainStore
        do { store = try ChainStore(directory: directory, mode: .create) } catch { throw .storage(error) }
        let genesisJSON: Data
        do { genesisJSON = try genesis.jsonData() } catch { throw .genesis(.field("genesis", "cannot be encoded")) }
        let state: StateTree
        let accounts: [(AddressPayload, Account)]
        do { accounts = try genesis.accounts(); state = StateTree(accounts: accounts) } catch { throw .genesis(error) }
        let index = HeaderIndex()
        let entry = HeaderIndex.Entry(header: block.header, id: block.id, work: engine.weight(of: block.header), status: .valid,
                                      sequence: 0)
        index.insert(entry)
        var batch = StoreBatch()
        batch.newHeaders = [index.stored(entry)]
        batch.bodies = [(block.id, block.encoded)]
        batch.chainAdditions = [(0, block.id)]
        batch.undoRecords = [(block.id, BlockUndo(entries: []).encoded)]
        batch.accounts = accounts
        batch.tip = block.id
        do {
            try store.setMeta([("genesis", genesisJSON), ("genesisId", Data(block.id.bytes)),
                               ("network", Data(genesis.network.rawValue.utf8))])
            try store.apply(batch)
        } catch { throw .storage(error) }
        return Blockchain(store: store, genesis: genesis, genesisId: block.id, state: state, best: [block.id], index: index,
                          engine: engine)
    }

    /// Opens an existing data directory, rebuilding the state tree from the
    /// stored accounts and checking it against the tip's state root. With
    /// `readOnly`, it reads alongside a process that holds the directory.
    public static func open(directory: String, readOnly: Bool = false) throws(ChainError) -> Blockchain {
        let store: ChainStore
        do { store = try ChainStore(directory: directory, mode: readOnly ? .readOnly : .readWrite) } catch {
            throw .storage(error)
        }
        do {
            let snapshot = try store.snapshot()
            guard let json = snapshot.genesis else { throw ChainError.corrupt("no genesis recorded") }
            let genesis: Genesis
            do { genesis = try Genesis(json: json) } catch { throw ChainError.corrupt("stored genesis: \(error)") }
            let genesisId = try genesis.block().id
            let engine = try genesis.engine()
            let index = HeaderIndex()
            for h in snapshot.headers {
                guard let work = UInt256(bigEndianBytes: h.chainWork) else {
                    throw ChainError.corrupt("chain work of \(h.id) is not 32 bytes")
                }
                index.insert(.init(header: h.header, id: h.id, work: work, status: h.status, sequence: h.sequence))
            }
            var best: [Hash256] = []
            for (height, id) in snapshot.chain {
                guard height == UInt64(best.count) else { throw ChainError.corrupt("best chain has a gap at height \(best.count)") }
                guard index[id] != nil else { throw ChainError.corrupt("best chain block \(id) has no header") }
                best.append(id)
            }
            guard best.first == genesisId else { throw ChainError.corrupt("best chain does not start at the genesis") }
            let state = StateTree(accounts: snapshot.accounts, storage: snapshot.storage).adding(code: try store.allCode())
            guard let tip = best.last, let tipEntry = index[tip], tipEntry.header.stateRoot == state.root else {
                throw ChainError.corrupt("stored accounts do not match the tip's state root")
            }
            return Blockchain(store: store, genesis: genesis, genesisId: genesisId, state: state, best: best, index: index,
                              engine: engine)
        } catch let e as ChainError {
            store.close()
            throw e
        } catch let e as StorageError {
            store.close()
            throw .storage(e)
        } catch {
            store.close()
            throw .corrupt(String(describing: error))
        }
    }

    /// Closes the database and releases the data directory (after any commit in flight).
    public func close() {
        inFlight?.wait()
        store.close()
    }

    /// Waits until every connected block is on disk; throws if a deferred commit
    /// failed (the chain must then be closed and reopened: the disk holds the
    /// blocks before the failed one).
    public func flush() throws(ChainError) {
        inFlight?.wait()
        inFlight = nil
        if let e = commitError.value { throw .storage(e) }
    }

    func commit(_ batch: StoreBatch, _ durability: Durability) throws(ChainError) {
        try flush()
        switch durability {
        case .immediate:
            try wrap { () throws(StorageError) in try store.apply(batch) }
        case .deferred:
            let group = DispatchGroup()
            let store = self.store, failure = commitError
            committer.async(group: group) {
                do { try store.apply(batch) } catch { failure.set(error) }
            }
            inFlight = group
        }
    }

    // MARK: - Reading

    /// The tip's id.
    public var tipId: Hash256 { best[best.count - 1] }
    /// The tip's header.
    public var tip: BlockHeader { index[tipId]?.header ?? genesisHeader }
    private var genesisHeader: BlockHeader { (try? genesis.block().header) ?? tip }
    /// The best chain's height.
    public var height: UInt64 { UInt64(best.count - 1) }
    /// The best chain's cumulative work.
    public var chainWork: UInt256 { index[tipId]?.work ?? .zero }

    func context(for parent: HeaderIndex.Entry) -> HeaderContext {
        let index = self.index
        let parentId = parent.id
        return HeaderContext(parent: parent.header, now: clock()) { height in
            index.ancestor(of: parentId, atHeight: height)?.header
        }
    }

    // MARK: - Submitting blocks

    /// What became of a submitted block.
    public enum Outcome: Equatable, Sendable {
        /// It extended the best chain.
        case connected(height: UInt64)
        /// It was stored on a side branch with less work.
        case sideBranch(height: UInt64)
        /// A heavier branch became the best chain: `disconnected` blocks left it, `connected` joined it.
        case reorganized(disconnected: Int, connected: Int, height: UInt64)
        /// (BFT) It extends the tip and is valid so far, but waits for its commit certificate
        /// (`add(commit:)`, or the next block's last commit).
        case awaitingCommit(height: UInt64)
    }

    /// Validates and stores a block, moving the best chain when it should.
    /// Signatures are checked unless the caller already did (`.alreadyVerified`).
    /// `encoded` may carry the block's bytes when the caller has them (saves re-encoding).
    @discardableResult
    public func submit(_ block: Block, encoded: [UInt8]? = nil,
                       signatures: BlockApplication.SignatureCheck = .verify,
                       durability: Durability = .immediate) throws(ChainError) -> Outcome {
        if let e = commitError.value { throw .storage(e) }
        if engine.finalizes {
            return try submitToCommittedChain(block, encoded: encoded, commit: nil, signatures: signatures,
                                              durability: durability)
        }
        let id = block.id
        let header = block.header
        if let known = index[id] {
            throw known.status == .invalid ? .knownInvalid(id) : .duplicate(id)
        }
        do { try engine.checkStandalone(header) } catch { throw .invalidHeader(height: header.height, error) }
        guard let parent = index[header.previousId] else { throw .unknownParent(block: id, parent: header.previousId) }
        let work = parent.work &+ engine.weight(of: header)
        if parent.status == .invalid {
            try record(.init(header: header, id: id, work: work, status: .invalid, sequence: index.nextSequence), body: nil)
            throw .knownInvalid(id)
        }
        do { try engine.validate(header, context: context(for: parent)) } catch {
            throw .invalidHeader(height: header.height, error)
        }
        let entry = HeaderIndex.Entry(header: header, id: id, work: work, status: .headerValid, sequence: index.nextSequence)
        if parent.id == tipId {
            return try extendTip(block, entry: entry, encoded: encoded, signatures: signatures, durability: durability)
        }

        // Another branch: keep it (if its body is the one its header commits to),
        // and move to it if it now has more work.
        let merkle = block.computedMerkleRoot
        guard merkle == header.merkleRoot else {
            throw .invalidBlock(height: header.height, .merkleRootMismatch(header: header.merkleRoot, computed: merkle))
        }
        try record(entry, body: encoded ?? block.encoded)
        if engine.prefers(work, over: chainWork), let result = try reorganize() {
            return result
        }
        return .sideBranch(height: header.height)
    }

    /// Applies a block that extends the tip and stores everything in one transaction (with
    /// its commit certificate on a BFT chain).
    func extendTip(_ block: Block, entry: HeaderIndex.Entry, encoded: [UInt8]?, signatures: BlockApplication.SignatureCheck,
                   durability: Durability, commit certificate: BlockCommit? = nil) throws(ChainError) -> Outcome {
        let id = entry.id, header = entry.header
        var entry = entry
        let applied: AppliedBlock
        if appliedOn == tipId, let known = appliedBodies[id] {
            applied = known
        } else {
            do { applied = try BlockApplication.apply(block, to: state, rules: rules, signatures: signatures, contracts: contracts, exchange: exchange) } catch {
                try rejectBody(entry, error)
                throw .invalidBlock(height: header.height, error)
            }
        }
        entry.status = .valid
        var batch = StoreBatch()
        batch.newHeaders = [index.stored(entry)]
        batch.bodies = [(id, encoded ?? block.encoded)]
        batch.chainAdditions = [(header.height, id)]
        batch.transactionsAdded = applied.transactionIds.enumerated().map {
            ($1, TransactionLocation(blockId: id, height: header.height, position: $0))
        }
        batch.undoRecords = [(id, applied.undoRecord.encoded)]
        batch.addressEntries = AddressEntry.entries(of: block.transactions, height: header.height, ids: applied.transactionIds)
        batch.accounts = applied.undo.map { ($0.0, applied.state.account($0.0)) }
        batch.recordContracts(of: applied, block: id)
        if let certificate { batch.commits = [(id, certificate.encoded)] }
        batch.evidence = block.evidence.map { ($0.offence, header.height, $0.encoded) }
        batch.tip = id
        try commit(batch, durability)
        index.insert(entry)
        best.append(id)
        state = applied.state
        appliedBodies.removeAll()
        return .connected(height: header.height)
    }

    /// Stores a header (and its body) without touching the best chain.
    private func record(_ entry: HeaderIndex.Entry, body: [UInt8]?) throws(ChainError) {
        var batch = StoreBatch()
        batch.newHeaders = [index.stored(entry)]
        if let body { batch.bodies = [(entry.id, body)] }
        try commit(batch, .immediate)
        index.insert(entry)
    }

    /// A body that breaks the rules makes its block invalid, unless the body
    /// does not even match the header (then only the body is refused: the real
    /// block may still come).
    private func rejectBody(_ entry: HeaderIndex.Entry, _ error: BlockError) throws(ChainError) {
        if case .merkleRootMismatch = error { return }
        var invalid = entry
        invalid.status = .invalid
        try record(invalid, body: nil)
    }

    // MARK: - Helpers

    func wrap<T>(_ body: () throws(StorageError) -> T) throws(ChainError) -> T {
        do { return try body() } catch { throw .storage(error) }
    }
}

extension Blockchain {
    /// The summary printed by `kusari status`.
    public var summary: ChainSummary {
        ChainSummary(network: genesis.network.rawValue, height: height, tip: tipId,
                     chainWork: chainWork.hexString, stateRoot: state.root)
    }
}

/// Where the best chain stands.
public struct ChainSummary: Sendable, Equatable {
    public var network: String
    public var height: UInt64
    public var tip: Hash256
    /// Cumulative work as 64 hex digits.
    public var chainWork: String
    public var stateRoot: Hash256
}

/// The error of a failed background commit, shared with the commit queue.
final class CommitError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: StorageError?
    var value: StorageError? { lock.lock(); defer { lock.unlock() }; return error }
    func set(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = (e as? StorageError) ?? .io("chain", String(describing: e)) }
    }
}
