import KusariCore
import KusariMempool

/// How to run a node.
public struct NodeConfig: Sendable {
    /// The data directory (created and initialised on first start).
    public var dataDirectory: String
    /// The genesis for a new data directory (ignored when it already holds a chain).
    public var genesis: Genesis
    public var mempool = Mempool.Config()
    /// When clients are refused because the pool holds too much work.
    public var backlog = Backlog()
    /// The largest block the miner builds, in encoded bytes.
    public var maxBlockBytes = 1 << 20
    /// POST requests per minute per client; loopback clients are exempt unless `limitLoopback`.
    public var postsPerMinute = 600
    public var limitLoopback = false
    /// The mempool journal is rewritten from the live pool once it holds more
    /// records than this and than 4 times the pool.
    public var journalCompactionMinimum = 4_096

    public init(dataDirectory: String, genesis: Genesis) {
        self.dataDirectory = dataDirectory
        self.genesis = genesis
    }
}
