import Foundation
import KusariChain
import KusariConsensus
import KusariCore
import KusariMempool
import KusariPeers
import KusariStorage
import Logging
import Synchronization

/// What the network layer asks of the node (`NetworkHost`): fault of a refused
/// block, proof of work, headers and locators, what is known, what to relay and fetch.
extension Node: NetworkHost {
    public func handshakeInfo() -> HandshakeInfo {
        HandshakeInfo(chainId: chain.genesis.chainId, genesis: chain.genesisId, height: chain.height, chainWork: chainWorkBytes())
    }

    public nonisolated var userAgent: String { "kusari/\(Node.version)" }

    public func offer(block: Block) -> BlockVerdict {
        // A block this node already connected (on a BFT chain, often by consensus before
        // the relayed copy arrives) is no failure.
        if chain.status(block.id) == .valid { return .accepted }
        do {
            try accept(block: block)
            return .accepted
        } catch .rejectedBlock(let reason, let peerFault) {
            return .rejected(reason: reason, peerFault: peerFault)
        } catch {
            return .rejected(reason: error.description, peerFault: false)
        }
    }

    public nonisolated func checkSignaturesAhead(_ blocks: [Block], done: @escaping @Sendable () -> Void) -> Bool {
        verifiedSignatures.checkAhead(blocks, done: done)
        return true
    }

    public nonisolated func isValidSignature(_ tx: Transaction, id: Hash256) -> Bool { verifiedSignatures.isValid(tx, id: id) }

    public func admit(relayed txs: [Transaction]) { _ = admit(verifiedBatch: txs) }

    /// Announces the blocks this node connects on `peers` (the network's gossip), from the node's events.
    public nonisolated func relayBlocks(to peers: PeerNetwork) {
        let stream = events.subscribe { event in
            switch event {
            case .block, .reorganization: return true
            default: return false
            }
        }
        Task {
            for await event in stream {
                switch event {
                case .block(_, let id, _): await peers.announce(.block(id))
                case .reorganization(_, _, _, let tip): await peers.announce(.reorganization(tip: tip))
                default: continue
                }
            }
        }
    }

    /// Whether a refused block is its sender's fault (it breaks a rule) rather
    /// than ours or the clock's (storage, unknown parent, a timestamp only early).
    static func isPeerFault(_ e: ChainError) -> Bool {
        switch e {
        case .invalidBlock, .knownInvalid: return true
        case .invalidHeader(_, let c):
            if case .time(.tooFarInFuture) = c { return false }
            return true
        default: return false
        }
    }

    /// Whether a header's proof of work holds on its own (checked before anything else).
    public func hasValidProofOfWork(_ header: BlockHeader) -> Bool {
        (try? chain.engine.checkStandalone(header)) != nil
    }

    /// The position of the first header without valid proof of work, if any (a
    /// whole headers batch in one call).
    public func firstWithoutProofOfWork(_ headers: [BlockHeader]) -> Int? {
        headers.firstIndex { (try? chain.engine.checkStandalone($0)) == nil }
    }

    /// The ids among `ids` the node has no header for, in their order.
    public func unknownBlocks(_ ids: [Hash256]) -> [Hash256] { ids.filter { chain.header($0) == nil } }

    /// Sets the number of connected peers reported by `status`.
    public func setPeerCount(_ n: Int) { peerCount = n }

    /// Sets the highest height the connected peers report (the network layer
    /// recomputes it as peers come, go and send headers).
    public func setBestPeerHeight(_ h: UInt64) { bestPeerHeight = h }

    /// The best chain's cumulative work as 32 big-endian bytes.
    public func chainWorkBytes() -> Hash256 { Hash256(bytes: chain.chainWork.bigEndianBytes) ?? .zero }

    /// A block locator: the tip, then ids at exponentially growing distances back, and the genesis.
    public func locator() -> [Hash256] {
        var ids: [Hash256] = []
        var step: UInt64 = 1
        var h = chain.height
        while true {
            if let id = chain.id(atHeight: h) { ids.append(id) }
            if h == 0 { break }
            if ids.count >= 10 { step *= 2 }
            h = h >= step ? h - step : 0
        }
        return ids
    }

    /// Best-chain headers after the first locator entry on the best chain, up to `stop` or `limit`.
    public func headers(after locator: [Hash256], stop: Hash256, limit: Int) -> [BlockHeader] {
        var start: UInt64 = 0
        for id in locator {
            if let h = chain.header(id), chain.id(atHeight: h.height) == id { start = h.height; break }
        }
        var out: [BlockHeader] = []
        var h = start + 1
        while h <= chain.height && out.count < limit {
            guard let id = chain.id(atHeight: h), let header = chain.header(id) else { break }
            out.append(header)
            if id == stop { break }
            h += 1
        }
        return out
    }

    /// Whether the chain has stored this block (on any branch).
    public func knowsBlock(_ id: Hash256) -> Bool { chain.header(id) != nil || chain.awaitingBlock(id) != nil }

    /// The height of a stored block (on any branch), or nil if the chain does not hold it.
    public func height(ofBlock id: Hash256) -> UInt64? { chain.header(id)?.height }

    /// A stored block.
    public func storedBlock(_ id: Hash256) -> Block? { try? chain.block(id) }

    /// A pending transaction.
    public func pendingTransaction(_ id: Hash256) -> Transaction? { mempool.entry(id)?.tx }

    /// From now on, admitted transactions are kept for `takeUnannounced` (the network layer relays them).
    public func startRelaying() { if unannounced == nil { unannounced = [] } }

    /// The transactions admitted (or back from disconnected blocks) since the last call, in order.
    public func takeUnannounced() -> [Hash256] {
        guard let taken = unannounced, !taken.isEmpty else { return [] }
        unannounced = []
        return taken
    }

    /// Pending transactions among `ids`, in their order (one call for a whole `getdata`).
    public func pendingTransactions(_ ids: [Hash256]) -> [(id: Hash256, tx: Transaction?)] {
        ids.map { ($0, mempool.entry($0)?.tx) }
    }

    /// The ids of every pending transaction, for announcing the pool to a new peer.
    public func pendingIds() -> [Hash256] { mempool.ids }

    /// The announced transactions worth fetching: not pending, not in a recently
    /// connected block, not refused for good since the tip last moved. Deliberately
    /// no disk lookup per announcement: a long-confirmed transaction fetched again
    /// is refused by the nonce rule, which costs less than a query per id.
    public func wantedTransactions(_ ids: [Hash256]) -> [Hash256] {
        ids.filter { mempool.entry($0) == nil && !recentlyConfirmed.contains($0) && !recentlyRefused.contains($0) }
    }

    /// Whether a transaction is pending or confirmed.
    public func knowsTransaction(_ id: Hash256) -> Bool {
        mempool.entry(id) != nil || ((try? chain.store.transaction(id)) ?? nil) != nil
    }
}
