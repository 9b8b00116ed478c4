import KusariChain
import KusariCore
import KusariMempool
import KusariStorage

/// Reads for the block explorer, each bounded to a small fixed amount of work
/// on the actor: anonymous page views must not be able to keep the node busy.
extension Node {
    /// The newest best-chain block with transactions among the `within` newest
    /// blocks, or nil. Only headers (in memory) are walked: a block with no
    /// transactions has the empty Merkle root. One block is read.
    public func latestWithTransactions(within: Int) throws(NodeError) -> BlockInfo? {
        var h = chain.height, looked = 0
        while looked < within {
            if let id = chain.id(atHeight: h), let header = chain.header(id), header.merkleRoot != MerkleTree.emptyRoot {
                return try block(.id(id))
            }
            looked += 1
            if h == 0 { break }
            h -= 1
        }
        return nil
    }

    /// An incoming transfer into `address`, as the trace of the tokens page follows it.
    public struct Incoming: Sendable {
        /// The transfer.
        public var tx: Transaction
        /// Its id.
        public var id: Hash256
        /// The best-chain height of its block.
        public var height: UInt64
    }

    /// What the latest of an address's `scanning` newest transactions says about where its coins came from.
    public enum IncomingSearch: Sendable {
        /// The newest transfer into the address from another account among those looked at.
        case found(Incoming)
        /// The address never received a transfer from another account: its coins were minted to it.
        case none
        /// None of the transactions looked at brought coins in, but there are older ones.
        case notWithin
    }

    /// The newest transfer into `address` from another account among its
    /// `scanning` newest confirmed transactions. The actor reads the address
    /// index and at most `scanning` stored blocks as bytes; decoding them runs off the actor.
    public nonisolated func latestIncoming(to address: AddressPayload, scanning: Int) async throws(NodeError) -> IncomingSearch {
        let (entries, bodies) = try await incomingCandidates(address, scanning: scanning)
        var blocks: [Hash256: Block] = [:]
        for (e, id) in entries {
            let block: Block
            if let b = blocks[id] { block = b } else {
                guard let bytes = bodies[id] else { continue }
                do { block = try Block(decoding: bytes) } catch { throw .unavailable("stored block \(id): \(error)") }
                blocks[id] = block
            }
            guard e.position < block.transactions.count else { continue }
            let tx = block.transactions[e.position]
            if tx.to == address && tx.from != address { return .found(Incoming(tx: tx, id: tx.id, height: e.height)) }
        }
        return entries.count < scanning ? .none : .notWithin
    }

    /// An address's `scanning` newest index entries with the best-chain block id of
    /// each, and those blocks' stored bytes (each block once).
    func incomingCandidates(_ address: AddressPayload, scanning: Int) throws(NodeError)
        -> (entries: [(AddressEntry, Hash256)], bodies: [Hash256: [UInt8]]) {
        var entries: [(AddressEntry, Hash256)] = [], bodies: [Hash256: [UInt8]] = [:]
        do {
            for e in try chain.store.addressHistory(address, beforeHeight: UInt64.max, beforePosition: 0, limit: scanning) {
                guard let id = chain.id(atHeight: e.height) else { continue }
                entries.append((e, id))
                if bodies[id] == nil, let bytes = try chain.store.block(id) { bodies[id] = bytes }
            }
        } catch {
            throw .unavailable(error.description)
        }
        return (entries, bodies)
    }

    /// An account with its proof and the header of the block whose state root the
    /// proof was made against, from one consistent view of the chain.
    public func accountWithHeader(_ address: AddressPayload) throws(NodeError) -> (AccountInfo, BlockHeader) {
        let info = try account(address, atHeight: nil)
        guard let id = chain.id(atHeight: info.height), let header = chain.header(id) else {
            throw .notFound("block at height \(info.height)")
        }
        return (info, header)
    }

    /// The headers of the `count` newest best-chain blocks, newest first (from memory: no block is read).
    public func recentHeaders(_ count: Int) -> [BlockHeader] {
        var out: [BlockHeader] = []
        var h = chain.height
        while out.count < count, let id = chain.id(atHeight: h), let header = chain.header(id) {
            out.append(header)
            if h == 0 { break }
            h -= 1
        }
        return out
    }

    /// The id of the best-chain block at `height`, without reading the block.
    public func blockId(atHeight height: UInt64) -> Hash256? { chain.id(atHeight: height) }

    /// Up to `count` consecutive best-chain blocks starting at `height` (fewer at the tip), from one view of the chain.
    public func blocks(from height: UInt64, count: Int) throws(NodeError) -> [BlockInfo] {
        var out: [BlockInfo] = []
        var h = height
        while out.count < count && h <= chain.height {
            out.append(try block(.height(h)))
            h += 1
        }
        return out
    }

    /// The mempool as a value, the state its transactions apply to, and the version they belong to.
    func poolSnapshot() -> (pool: Mempool.Snapshot, state: StateTree, version: UInt64) {
        (mempool.snapshot, chain.state, mempoolVersion)
    }

    /// The next `count` blocks a miner would make from the mempool as it is, each
    /// chosen as the miner chooses (fee rate, each sender's nonces in order), the
    /// senders' nonces advanced block by block. Transactions waiting for a missing
    /// nonce are in none of them. Computed off the actor from a snapshot, and
    /// remembered until the mempool or the chain changes.
    public nonisolated func projectedBlocks(_ count: Int) async -> [[Mempool.Entry]] {
        let (pool, state, version) = await poolSnapshot()
        if let cached = projection.withLock({ $0 }), cached.version == version, cached.count == count { return cached.blocks }
        let blocks = pool.projectedBlocks(count, account: { state.account($0) },
                                          maxBytes: config.maxBlockBytes - BlockHeader.encodedSize - 8, maxCount: Block.maxTransactions)
        projection.withLock { if ($0?.version ?? 0) <= version { $0 = (version, count, blocks) } }
        return blocks
    }
}
