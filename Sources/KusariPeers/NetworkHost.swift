import KusariCore

/// What the peer network needs of the node it serves: the chain (what is known,
/// headers after a locator, accept this block) and the mempool (what is wanted,
/// admit these transactions, what to announce). The node implements it; the
/// simulator implements it with an in-memory chain. The network never sees more
/// of the node than this, so its dependency points down.
public protocol NetworkHost: AnyObject, Sendable {
    // MARK: Identity

    /// The chain id and genesis a peer must share, our best height and the best
    /// chain's cumulative work (32 bytes big-endian), for the handshake.
    func handshakeInfo() async -> HandshakeInfo
    /// The client name sent in `version` (for example `kusari/0.1.0`).
    nonisolated var userAgent: String { get }

    // MARK: Chain

    /// A block locator: the tip, then ids at exponentially growing distances back, and the genesis.
    func locator() async -> [Hash256]
    /// Best-chain headers after the first locator entry on the best chain, up to `stop` or `limit`.
    func headers(after locator: [Hash256], stop: Hash256, limit: Int) async -> [BlockHeader]
    /// The position of the first header without valid proof of work, if any.
    func firstWithoutProofOfWork(_ headers: [BlockHeader]) async -> Int?
    /// Whether a header's proof of work holds on its own.
    func hasValidProofOfWork(_ header: BlockHeader) async -> Bool
    /// Whether the chain holds this block (on any branch).
    func knowsBlock(_ id: Hash256) async -> Bool
    /// The height of a held block, or nil.
    func height(ofBlock id: Hash256) async -> UInt64?
    /// The ids among `ids` the chain has no header for, in their order.
    func unknownBlocks(_ ids: [Hash256]) async -> [Hash256]
    /// A held block, to serve a peer.
    func storedBlock(_ id: Hash256) async -> Block?
    /// Offers a block received from a peer to the chain.
    func offer(block: Block) async -> BlockVerdict
    /// Starts checking the signatures of `blocks` in the background (a sync's
    /// next bodies) and calls `done` when finished; false if the host does not
    /// (then `done` is never called).
    nonisolated func checkSignaturesAhead(_ blocks: [Block], done: @escaping @Sendable () -> Void) -> Bool

    // MARK: Transactions

    /// Whether `tx`'s signature is valid (`id` is its id); called off the network's
    /// actor by each connection, so that checks run on every core.
    nonisolated func isValidSignature(_ tx: Transaction, id: Hash256) -> Bool
    /// Admits transactions whose signatures were checked (refusals are policy, not misbehaviour).
    func admit(relayed txs: [Transaction]) async
    /// The announced transaction ids worth fetching.
    func wantedTransactions(_ ids: [Hash256]) async -> [Hash256]
    /// Pending transactions among `ids`, in their order.
    func pendingTransactions(_ ids: [Hash256]) async -> [(id: Hash256, tx: Transaction?)]
    /// The ids of every pending transaction (offered to a new peer).
    func pendingIds() async -> [Hash256]
    /// The transactions admitted since the last call, in order, for the next trickle.
    func takeUnannounced() async -> [Hash256]
    /// From now on, keep admitted transactions for `takeUnannounced`.
    func startRelaying() async

    // MARK: Reports

    /// The number of peers that finished their handshake.
    func setPeerCount(_ n: Int) async
    /// The best height the connected peers have shown.
    func setBestPeerHeight(_ h: UInt64) async
}

/// What a node says of its chain in a handshake.
public struct HandshakeInfo: Sendable, Equatable {
    public var chainId: UInt32
    public var genesis: Hash256
    public var height: UInt64
    /// The best chain's cumulative work, 32 bytes big-endian.
    public var chainWork: Hash256
    public init(chainId: UInt32, genesis: Hash256, height: UInt64, chainWork: Hash256) {
        self.chainId = chainId
        self.genesis = genesis
        self.height = height
        self.chainWork = chainWork
    }
}

/// What became of a block offered to the chain.
public enum BlockVerdict: Sendable, Equatable {
    /// Stored (connected, on a side branch, or already held).
    case accepted
    /// Refused; `peerFault` when the block breaks a rule (its sender pays), not when
    /// the cause is ours or the clock's (storage, an unknown parent, an early timestamp).
    case rejected(reason: String, peerFault: Bool)
}
