/// How `kusari devnet` runs: the command line's options, checked.
public struct DevnetOptions: Sendable {
    /// Node processes (1 to 16).
    public var nodes = 4
    /// How many of them mine (nodes 1 to `miners`), 0 to `nodes`.
    public var miners = 1
    /// The devnet's directory: its genesis, control file and one directory per node.
    public var directory = ".kusari-devnet"
    /// Transfers a second from the traffic generator (0: none).
    public var tps: Double = 20
    /// Keep the demo market DEMO-KSR trading (demo accounts 7-9, ``DemoMarket``); the
    /// transfer traffic then uses accounts 0-6 only. Off with a genesis file.
    public var trading = true
    /// Whether the demo market trades: ``trading`` with the demo genesis.
    public var trades: Bool { trading && genesisFile == nil }
    /// Remove the directory's chain first and start over.
    public var reset = false
    /// Node 1's API port if it is free (node N gets this + N - 1); nil: free ports.
    public var firstAPIPort: Int? = 8645
    /// Least seconds between two blocks of one miner (nil: the devnet's 2 s spacing).
    public var minerInterval: Double?
    /// The consensus engine of a new devnet: proof of work, or BFT with `validators`
    /// validators (nodes 1 to `validators`, each with a key derived from a public seed).
    public var consensus: Consensus = .proofOfWork
    /// BFT validators (nodes 1 to this), 1 to `nodes`; nil: every node.
    public var validators: Int?

    /// The consensus engines a devnet can run.
    public enum Consensus: String, Sendable, CaseIterable {
        case proofOfWork = "pow"
        case bft
    }

    /// The number of BFT validators (0 on proof of work).
    public var validatorCount: Int { consensus == .bft ? (validators ?? nodes) : 0 }

    /// A genesis file to use instead of the demo genesis (for benchmarks that need more funded
    /// accounts); it should fund the demo accounts too if `tps` is not 0.
    public var genesisFile: String?
    /// The `kusari` executable the nodes run.
    public var executable: String

    public init(executable: String) { self.executable = executable }

    /// The most nodes one devnet runs.
    public static let maxNodes = 16

    /// Checks every field; an error names it.
    public func validate() throws(DevnetError) {
        guard (1...Self.maxNodes).contains(nodes) else { throw DevnetError("nodes", "must be from 1 to \(Self.maxNodes), got \(nodes)") }
        guard (0...nodes).contains(miners) else { throw DevnetError("miners", "must be from 0 to the number of nodes (\(nodes)), got \(miners)") }
        guard tps.isFinite, tps >= 0, tps <= 10_000 else { throw DevnetError("tps", "must be from 0 to 10000, got \(tps)") }
        guard !directory.isEmpty else { throw DevnetError("dir", "must not be empty") }
        if let p = firstAPIPort, !(1...(65535 - Self.maxNodes)).contains(p) {
            throw DevnetError("api-port", "must be from 1 to \(65535 - Self.maxNodes), got \(p)")
        }
        if consensus == .bft {
            if let v = validators, !(1...nodes).contains(v) {
                throw DevnetError("validators", "must be from 1 to the number of nodes (\(nodes)), got \(v)")
            }
            guard miners == 0 else { throw DevnetError("miners", "a BFT devnet has validators, not miners (--miners 0)") }
        } else if validators != nil {
            throw DevnetError("validators", "only a BFT devnet has validators (--consensus bft)")
        }
        if let m = minerInterval, !(m.isFinite && m >= 0 && m <= 3600) {
            throw DevnetError("miner-interval", "must be from 0 to 3600 seconds, got \(m)")
        }
    }
}
