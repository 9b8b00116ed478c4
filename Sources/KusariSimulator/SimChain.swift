import Foundation
import KusariConsensus
import KusariCore
import KusariPeers

/// A node's chain and mempool in memory, for the simulator: it keeps every block
/// it is given whose parent it holds and follows the heaviest branch (all blocks
/// carry the same easy target, so the longest; a tie keeps the first seen), with
/// real proof of work and real signature checks. It is deliberately not the
/// ledger (no balances or nonces): the simulator tests the network, not the rules.
public final class SimChain: NetworkHost, @unchecked Sendable {
    /// The easy target every simulated block carries (the devnet's limit).
    public static let params = PowParameters.kusariDevnet
    public static let bits = CompactTarget.encode(PowParameters.kusariDevnet.powLimit)
    public static let chainId: UInt32 = 0x53494D

    private let lock = NSLock()
    private var headers: [Hash256: BlockHeader]
    private var bodies: [Hash256: Block]
    private var bestId: Hash256
    private var pool: [Hash256: Transaction] = [:]
    private var poolOrder: [Hash256] = []
    private var unannounced: [Hash256]?
    private var connected = Set<Hash256>()
    /// Blocks the host has made best since the simulator last took them (to announce).
    private var freshTips: [Hash256] = []
    public let genesis: Block
    /// Peers with a finished handshake, and the best height they showed (as a node's status shows them).
    public private(set) var peerCount = 0
    public private(set) var bestPeerHeight: UInt64 = 0

    /// A chain holding only `genesis`.
    public init(genesis: Block) {
        self.genesis = genesis
        headers = [genesis.id: genesis.header]
        bodies = [genesis.id: genesis]
        bestId = genesis.id
    }

    /// The simulator's genesis block (the same for every node).
    public static func makeGenesis() -> Block {
        mine(height: 0, parent: .zero, transactions: [], timestamp: 1_800_000_000, tag: 0)
    }

    /// A block on `parent` with `transactions` and a nonce that meets the easy target
    /// (`tag` makes sibling blocks differ).
    public static func mine(height: UInt64, parent: Hash256, transactions: [Transaction], timestamp: UInt64, tag: UInt8) -> Block {
        var header = BlockHeader(height: height, previousId: parent, merkleRoot: MerkleTree.root(leaves: transactions.map(\.id)),
                                 stateRoot: .zero, timestamp: timestamp, bits: bits,
                                 beneficiary: AddressPayload(bytes: [UInt8](repeating: tag, count: 20)) ?? AddressPayload.zero, nonce: 0)
        while (try? ProofOfWork.check(bigEndianHash: header.id.bytes, bits: bits, powLimit: params.powLimit)) == nil {
            header.nonce += 1
        }
        return Block(header: header, transactions: transactions)
    }

    // MARK: - What tests and the simulator read and do

    /// The best block's id and height.
    public var tip: (id: Hash256, height: UInt64) { lock.withLock { (bestId, headers[bestId]?.height ?? 0) } }
    /// Whether `id` is pending.
    public func hasPending(_ id: Hash256) -> Bool { lock.withLock { pool[id] != nil } }
    /// Whether the transaction is pending or in a best-chain block.
    public func holds(transaction id: Hash256) -> Bool { lock.withLock { pool[id] != nil || connected.contains(id) } }
    /// Mines a block on the tip with every pending transaction, as this node's own.
    @discardableResult
    public func mineOnTip(tag: UInt8, timestamp: UInt64) -> Block {
        let (parent, height, txs) = lock.withLock { (bestId, headers[bestId]?.height ?? 0, poolOrder.compactMap { pool[$0] }) }
        let block = Self.mine(height: height + 1, parent: parent, transactions: txs, timestamp: timestamp, tag: tag)
        _ = offerSync(block)
        return block
    }
    /// Admits a transaction as a client's (the API's way in); false if already known or badly signed.
    @discardableResult
    public func submit(_ tx: Transaction) -> Bool {
        guard tx.hasValidSignature else { return false }
        return lock.withLock { admitLocked(tx) }
    }
    /// The tips made best since the last call.
    func takeFreshTips() -> [Hash256] { lock.withLock { let t = freshTips; freshTips = []; return t } }

    private func admitLocked(_ tx: Transaction) -> Bool {
        let id = tx.id
        guard pool[id] == nil, !connected.contains(id) else { return false }
        pool[id] = tx
        poolOrder.append(id)
        unannounced?.append(id)
        return true
    }

    private func offerSync(_ block: Block) -> BlockVerdict {
        lock.withLock {
            let id = block.id
            if headers[id] != nil { return .accepted }
            guard let parent = headers[block.header.previousId] else {
                return .rejected(reason: "unknown parent \(block.header.previousId)", peerFault: false)
            }
            guard block.header.height == parent.height + 1 else { return .rejected(reason: "wrong height", peerFault: true) }
            guard block.computedMerkleRoot == block.header.merkleRoot else { return .rejected(reason: "wrong merkle root", peerFault: true) }
            guard block.transactions.allSatisfy(\.hasValidSignature) else { return .rejected(reason: "bad signature", peerFault: true) }
            headers[id] = block.header
            bodies[id] = block
            if block.header.height > (headers[bestId]?.height ?? 0) {
                bestId = id
                freshTips.append(id)
                rebuildConnected()
            }
            return .accepted
        }
    }

    /// The best chain's transactions (for `holds`), and the pool without them.
    private func rebuildConnected() {
        var ids: [Hash256] = []
        var cursor: Hash256? = bestId
        while let c = cursor, let b = bodies[c] {
            ids += b.transactions.map(\.id)
            cursor = b.header.height == 0 ? nil : b.header.previousId
        }
        connected = Set(ids)
        for id in ids { pool[id] = nil }
        poolOrder.removeAll { connected.contains($0) }
    }

    // MARK: - NetworkHost

    public func handshakeInfo() -> HandshakeInfo {
        let height = tip.height
        var work = [UInt8](repeating: 0, count: 24)
        withUnsafeBytes(of: (height + 1).bigEndian) { work += $0 }
        return HandshakeInfo(chainId: Self.chainId, genesis: genesis.id, height: height, chainWork: Hash256(bytes: work) ?? .zero)
    }
    public var userAgent: String { "kusari-sim/1" }

    public func locator() -> [Hash256] {
        lock.withLock {
            var ids: [Hash256] = []
            var cursor: Hash256? = bestId
            var step = 1
            while let c = cursor, let h = headers[c] {
                ids.append(c)
                if ids.count >= 10 { step *= 2 }
                var back = 0
                var walk = c
                while back < step, let wh = headers[walk], wh.height > 0 { walk = wh.previousId; back += 1 }
                cursor = h.height == 0 ? nil : walk
            }
            if ids.last != genesis.id { ids.append(genesis.id) }
            return ids
        }
    }

    public func headers(after locator: [Hash256], stop: Hash256, limit: Int) -> [BlockHeader] {
        lock.withLock {
            var chain: [BlockHeader] = []
            var cursor: Hash256? = bestId
            while let c = cursor, let h = headers[c] { chain.append(h); cursor = h.height == 0 ? nil : h.previousId }
            chain.reverse()
            var start = 0
            for id in locator {
                if let h = headers[id], Int(h.height) < chain.count, chain[Int(h.height)].id == id { start = Int(h.height); break }
            }
            var out: [BlockHeader] = []
            for h in chain.dropFirst(start + 1) {
                out.append(h)
                if out.count >= limit || h.id == stop { break }
            }
            return out
        }
    }

    public func firstWithoutProofOfWork(_ headers: [BlockHeader]) -> Int? { headers.firstIndex { !hasValidProofOfWork($0) } }
    public func hasValidProofOfWork(_ header: BlockHeader) -> Bool {
        (try? ProofOfWork.check(bigEndianHash: header.id.bytes, bits: header.bits, powLimit: Self.params.powLimit)) != nil
    }
    public func knowsBlock(_ id: Hash256) -> Bool { lock.withLock { headers[id] != nil } }
    public func height(ofBlock id: Hash256) -> UInt64? { lock.withLock { headers[id]?.height } }
    public func unknownBlocks(_ ids: [Hash256]) -> [Hash256] { lock.withLock { ids.filter { headers[$0] == nil } } }
    public func storedBlock(_ id: Hash256) -> Block? { lock.withLock { bodies[id] } }
    public func offer(block: Block) -> BlockVerdict { offerSync(block) }
    public func checkSignaturesAhead(_ blocks: [Block], done: @escaping @Sendable () -> Void) -> Bool { false }
    public func isValidSignature(_ tx: Transaction, id: Hash256) -> Bool { tx.hasValidSignature }
    public func admit(relayed txs: [Transaction]) { lock.withLock { for tx in txs { _ = admitLocked(tx) } } }
    public func wantedTransactions(_ ids: [Hash256]) -> [Hash256] {
        lock.withLock { ids.filter { pool[$0] == nil && !connected.contains($0) } }
    }
    public func pendingTransactions(_ ids: [Hash256]) -> [(id: Hash256, tx: Transaction?)] { lock.withLock { ids.map { ($0, pool[$0]) } } }
    public func pendingIds() -> [Hash256] { lock.withLock { poolOrder } }
    public func takeUnannounced() -> [Hash256] {
        lock.withLock {
            guard let taken = unannounced, !taken.isEmpty else { return [] }
            unannounced = []
            return taken
        }
    }
    public func startRelaying() { lock.withLock { if unannounced == nil { unannounced = [] } } }
    public func setPeerCount(_ n: Int) { lock.withLock { peerCount = n } }
    public func setBestPeerHeight(_ h: UInt64) { lock.withLock { bestPeerHeight = h } }
}
