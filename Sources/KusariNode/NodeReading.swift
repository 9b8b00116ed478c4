import Foundation
import KusariChain
import KusariConsensus
import KusariCore
import KusariMempool
import KusariPeers
import KusariStorage
import Logging
import Synchronization

/// What the node answers about its chain, transactions, accounts and mempool.
extension Node {

    /// The node's summary for `GET /v1/status`.
    public func status() -> NodeStatus {
        NodeStatus(network: chain.genesis.network.rawValue, chainId: chain.genesis.chainId, height: chain.height,
                   tip: chain.tipId, chainWork: chain.chainWork.hexString, stateRoot: chain.state.root,
                   bits: chain.tip.bits, difficulty: Self.difficulty(bits: chain.tip.bits, params: chain.params),
                   mempoolCount: mempool.count, mempoolBytes: mempool.bytes, minFeePerByte: mempool.config.minFeePerByte, peers: peerCount,
                   syncing: peerCount > 0 && bestPeerHeight > chain.height + 1,
                   bestPeerHeight: max(bestPeerHeight, chain.height), version: Self.version, genesis: chain.genesisId)
    }

    /// Difficulty as Bitcoin reports it, relative to the network's limit, in
    /// integer thousandths (no floating point).
    static func difficulty(bits: UInt32, params: PowParameters) -> UInt64 {
        guard let target = try? CompactTarget.decode(bits), !target.isZero else { return 0 }
        let scaled = params.powLimit.multipliedReportingOverflow(by: UInt256(1_000))
        if scaled.overflow {
            return (params.powLimit / target).low64 &* 1_000
        }
        return (scaled.partialValue / target).low64
    }

    /// A block of the best chain (or any stored block) by id or height.
    public func block(_ ref: BlockRef) throws(NodeError) -> BlockInfo {
        let id: Hash256
        switch ref {
        case .height(let h):
            guard let found = chain.id(atHeight: h) else { throw .notFound("block at height \(h)") }
            id = found
        case .id(let i): id = i
        }
        let block: Block?
        do { block = try chain.block(id) } catch { throw .from(error) }
        guard let block else { throw .notFound("block \(id)") }
        let onBest = chain.id(atHeight: block.header.height) == id
        return BlockInfo(id: id, block: block, onBestChain: onBest,
                         confirmations: onBest ? chain.height - block.header.height + 1 : 0)
    }

    /// Headers of best-chain blocks below `before` (default: above the tip), newest first.
    public func blocks(before: UInt64?, limit: Int) throws(NodeError) -> [BlockInfo] {
        let top = min(before ?? (chain.height + 1), chain.height + 1)
        var out: [BlockInfo] = []
        var h = top
        while h > 0 && out.count < limit {
            h -= 1
            out.append(try block(.height(h)))
        }
        return out
    }

    /// The most blocks `tree(depth:)` returns.
    public nonisolated static let maxTreeBlocks = 1_000

    /// The block tree of the last `depth` heights: best-chain blocks and the side-branch blocks at those heights (newest kept at the limit).
    public func tree(depth: UInt64) -> BlockTree {
        let from = chain.height >= depth ? chain.height - depth + 1 : 0
        return BlockTree(height: chain.height, tip: chain.tipId, blocks: chain.tree(fromHeight: from, limit: Self.maxTreeBlocks))
    }

    /// A transaction, pending or confirmed, with its Merkle proof when confirmed.
    public func transaction(_ id: Hash256) throws(NodeError) -> TransactionInfo {
        if let e = mempool.entry(id) {
            return TransactionInfo(tx: e.tx, id: id, status: .pending, blockId: nil, height: nil, position: nil,
                                   confirmations: 0, proof: nil)
        }
        let location: TransactionLocation?
        do { location = try chain.store.transaction(id) } catch { throw .unavailable(error.description) }
        guard let location else { throw .notFound("transaction \(id)") }
        let block = try self.block(.id(location.blockId)).block
        guard location.position < block.transactions.count else { throw .unavailable("transaction index is inconsistent") }
        let ids = block.transactions.map(\.id)
        return TransactionInfo(tx: block.transactions[location.position], id: id, status: .confirmed,
                               blockId: location.blockId, height: location.height, position: location.position,
                               confirmations: chain.height - location.height + 1,
                               proof: MerkleTree.proof(leaves: ids, index: location.position),
                               receipt: block.transactions[location.position].hasReceipt ? receipt(id) : nil)
    }

    /// An account's state, with a proof against the state root of `height` (default: the tip).
    public func account(_ address: AddressPayload, atHeight height: UInt64?) throws(NodeError) -> AccountInfo {
        let h = height ?? chain.height
        guard h <= chain.height else { throw .notFound("height \(h)") }
        // Older states are rebuilt from undo records, one block at a time: keep that bounded.
        guard chain.height - h <= Self.maxStateDepth else {
            throw .badRequest(field: "height", reason: "proofs reach at most \(Self.maxStateDepth) blocks below the tip")
        }
        let state: StateTree
        do { state = h == chain.height ? chain.state : try chain.state(atHeight: h) } catch { throw .from(error) }
        let account = state.account(address)
        let tipAccount = chain.state.account(address)
        let pending = mempool.pending(of: address)
        let pendingNonce = mempool.pendingNonce(of: address, accountNonce: tipAccount.nonce)
        return AccountInfo(address: address, account: account, height: h, stateRoot: state.root,
                           pendingNonce: pendingNonce, pendingCount: pending.count, proof: state.proof(for: address),
                           gap: NonceGap.find(pendingNonce: pendingNonce, pendingNonces: pending.map(\.tx.nonce)))
    }

    /// An address's confirmed transactions, newest first, strictly before
    /// (`before`, `position`) in chain order.
    public func history(_ address: AddressPayload, before: UInt64?, position: Int?, limit: Int) throws(NodeError) -> [TransactionInfo] {
        let entries: [AddressEntry]
        do {
            entries = try chain.store.addressHistory(address, beforeHeight: before ?? UInt64.max, beforePosition: position ?? 0,
                                                     limit: limit)
        } catch {
            throw .unavailable(error.description)
        }
        var out: [TransactionInfo] = []
        for e in entries { out.append(try transaction(e.txid)) }
        return out
    }

    /// Pending transactions by fee rate.
    public func pending(limit: Int) -> [Mempool.Entry] { Array(mempool.all.prefix(limit)) }
}
