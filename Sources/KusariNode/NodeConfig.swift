import KusariCore
import KusariMempool

/// How to run a node.
public struct NodeConfig: Sendable {
    /// The data directory (created and initialised on first start).
    public var dataDirectory: String
    /// The genesis for a new data directory (ignored when it already holds a chain).
    public var genesis: Genesis
    /// Where the HTTP API listens.
    public var apiHost = "127.0.0.1"
    public var apiPort = 8645
    /// Mining: the reward address, the number of threads, and the least time
    /// between two blocks this miner makes (a pacing policy, not a rule).
    public var minerAddress: AddressPayload?
    public var minerThreads = System.activeProcessorCount
    public var minerInterval: Double = 0
    public var mempool = Mempool.Config()
    /// The largest block the miner builds, in encoded bytes.
    public var maxBlockBytes = 1 << 20
    /// POST requests per minute per client; loopback clients are exempt unless `limitLoopback`.
    public var postsPerMinute = 600
    public var limitLoopback = false
    /// The largest request body accepted.
    public var maxBodyBytes = 64 << 10

    public init(dataDirectory: String, genesis: Genesis) {
        self.dataDirectory = dataDirectory
        self.genesis = genesis
    }
}
