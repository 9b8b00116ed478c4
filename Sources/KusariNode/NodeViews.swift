import KusariChain
import KusariCore

/// What `GET /v1/status` reports.
public struct NodeStatus: Sendable {
    public var network: String
    public var chainId: UInt32
    public var height: UInt64
    public var tip: Hash256
    public var chainWork: String
    public var stateRoot: Hash256
    public var bits: UInt32
    /// Difficulty relative to the network's limit, in thousandths.
    public var difficulty: UInt64
    public var mempoolCount: Int
    public var mempoolBytes: Int
    /// The least fee per byte the mempool admits.
    public var minFeePerByte: UInt64
    public var peers: Int
    public var syncing: Bool
    /// The highest best-chain height a connected peer shows (or ours, if higher).
    public var bestPeerHeight: UInt64
    public var version: String
    public var genesis: Hash256
}

/// A stored block and where it stands.
public struct BlockInfo: Sendable {
    public var id: Hash256
    public var block: Block
    public var onBestChain: Bool
    public var confirmations: UInt64
}

/// A transaction and where it stands.
public struct TransactionInfo: Sendable {
    public enum Status: String, Sendable { case pending, confirmed }
    public var tx: Transaction
    public var id: Hash256
    public var status: Status
    public var blockId: Hash256?
    public var height: UInt64?
    public var position: Int?
    public var confirmations: UInt64
    public var proof: MerkleProof?
    /// What a confirmed deploy or call did.
    public var receipt: ContractReceipt? = nil
}

/// An account at a height, with its proof.
public struct AccountInfo: Sendable {
    public var address: AddressPayload
    public var account: Account
    public var height: UInt64
    public var stateRoot: Hash256
    public var pendingNonce: UInt64
    public var pendingCount: Int
    public var proof: StateProof
    /// Pending transactions that wait behind a nonce the node does not hold (nil: none).
    public var gap: NonceGap? = nil
}

/// A sender's pending transactions that cannot be mined until a missing nonce is sent.
public struct NonceGap: Sendable, Equatable {
    /// The nonce nobody holds (the account's `pendingNonce`).
    public var missingNonce: UInt64
    /// The lowest pending nonce above it.
    public var waitingFrom: UInt64
    /// How many pending transactions wait behind it.
    public var waiting: Int

    /// The gap in `pendingNonces` (the sender's pending nonces) above `pendingNonce`, if any.
    public static func find(pendingNonce: UInt64, pendingNonces: [UInt64]) -> NonceGap? {
        let above = pendingNonces.filter { $0 > pendingNonce }
        guard let first = above.min() else { return nil }
        return NonceGap(missingNonce: pendingNonce, waitingFrom: first, waiting: above.count)
    }
}

/// The recent block tree for `GET /v1/chain/tree`: best-chain blocks and the side branches that lost.
public struct BlockTree: Sendable {
    /// The best chain's height.
    public var height: UInt64
    /// The best chain's tip.
    public var tip: Hash256
    /// The blocks, by height, then by arrival.
    public var blocks: [Blockchain.TreeEntry]
}
