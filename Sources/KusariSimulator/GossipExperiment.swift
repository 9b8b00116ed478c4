import KusariCore

/// Measures gossip on the simulator: transactions submitted at random honest nodes
/// of a random network (each node keeps `outbound` connections, so about twice that
/// many peers), and how far, how fast and at what redundancy each spreads. Beside
/// our figures it computes their floor on the same graph: the hops of a shortest
/// path from the source (no gossip can do better), and one announcement per link.
public struct GossipExperiment: Sendable {
    public var nodes = 50
    public var outbound = 4
    /// Messages lost, per thousand.
    public var dropPermille: UInt64 = 0
    /// One node in `silentEvery` keeps its links and relays nothing (0: none).
    public var silentEvery = 0
    public var transactions = 5
    public var seed: UInt64 = 1
    /// Virtual seconds each transaction is given to spread.
    public var spreadSeconds: Double = 60
    public init() {}

    /// What one experiment measured, over every (transaction, honest node) pair.
    public struct Figures: Sendable {
        /// Share of honest nodes reached, per thousand (the least over the transactions).
        public var coveragePermille: Int
        public var hopsP50: Int, hopsP99: Int
        /// Shortest-path hops from the source on the same graph (the floor), p50 and p99.
        public var shortestP50: Int, shortestP99: Int
        /// Virtual seconds from submission to reaching a node.
        public var secondsP50: Double, secondsP99: Double
        /// Announcements and bodies a node received of a transaction it already held, on average
        /// (counted until 5 virtual seconds after the last honest node was reached).
        public var duplicateAnnouncementsPerNode: Double
        public var duplicateBodiesPerNode: Double
        /// Connections per node (the most announcements a node can receive of one transaction).
        public var peersPerNode: Double
        /// Simulator events handled, and virtual seconds run.
        public var events: Int
        public var virtualSeconds: Double
    }

    /// Runs the experiment (deterministic for its seed).
    public func run() async throws -> Figures {
        var faults = SimNetwork.Faults()
        faults.dropPermille = dropPermille
        let sim = await SimNetwork(seed: seed, nodes: nodes, faults: faults)
        let silent = silentEvery > 0 ? Set(stride(from: silentEvery - 1, to: nodes, by: silentEvery)) : []
        sim.silent = silent
        await sim.connectRandomly(outbound: outbound)
        _ = await sim.run(until: { sim.nodes.allSatisfy { $0.chain.peerCount > 0 } }, within: 120, step: 1)
        await sim.run(for: 20)
        let honest = (0..<nodes).filter { !silent.contains($0) }
        let graph = sim.connectionGraph()
        var hops: [Double] = [], shortest: [Double] = [], seconds: [Double] = []
        var coverage = 1000, dupInv = 0, dupBodies = 0, measured = 0
        for k in 0..<transactions {
            let tx = try Self.transfer(UInt64(k) &+ seed &* 1_000)
            let source = honest[Int(sim.random.below(UInt64(honest.count)))]
            sim.track(tx.id)
            sim.submit(tx, at: source)
            _ = await sim.run(until: { honest.allSatisfy { sim.tracked?.reachedAt[$0] != nil } }, within: spreadSeconds, step: 0.25)
            // Announcements and answers still in flight count too.
            await sim.run(for: 5)
            guard let t = sim.tracked, let start = t.reachedAt[source] else { continue }
            measured += 1
            let reached = honest.filter { t.reachedAt[$0] != nil }
            coverage = min(coverage, reached.count * 1000 / max(1, honest.count))
            let distances = Self.distances(from: source, in: graph, avoiding: silent)
            for i in reached where i != source {
                hops.append(Double(t.hops[i] ?? 0))
                seconds.append((t.reachedAt[i] ?? start) - start)
                if let d = distances[i] { shortest.append(Double(d)) }
            }
            dupInv += t.duplicateAnnouncements
            dupBodies += t.duplicateBodies
        }
        // Per node: every node may receive duplicates (silent ones too).
        let pairs = Double(max(1, measured * nodes))
        let degree = Double(graph.reduce(0) { $0 + $1.count }) / Double(max(1, nodes))
        return Figures(coveragePermille: coverage,
                       hopsP50: Int(TrackedTransaction.percentile(hops, 50) ?? 0), hopsP99: Int(TrackedTransaction.percentile(hops, 99) ?? 0),
                       shortestP50: Int(TrackedTransaction.percentile(shortest, 50) ?? 0),
                       shortestP99: Int(TrackedTransaction.percentile(shortest, 99) ?? 0),
                       secondsP50: TrackedTransaction.percentile(seconds, 50) ?? 0, secondsP99: TrackedTransaction.percentile(seconds, 99) ?? 0,
                       duplicateAnnouncementsPerNode: Double(dupInv) / pairs, duplicateBodiesPerNode: Double(dupBodies) / pairs,
                       peersPerNode: degree, events: sim.events, virtualSeconds: sim.clock.now)
    }

    /// A signed transfer for the experiment (the same bytes for the same `n`).
    static func transfer(_ n: UInt64) throws -> Transaction {
        var seed = [UInt8](repeating: 11, count: 32)
        withUnsafeBytes(of: n.littleEndian) { for (i, b) in $0.enumerated() { seed[i] = b } }
        return try Transaction(chainId: SimChain.chainId, key: try KeyPair(seed: seed), nonce: 0, to: .zero, amount: 1, fee: 1)
    }

    /// Hops of a shortest path from `source` to each node, through nodes that relay.
    static func distances(from source: Int, in graph: [[Int]], avoiding silent: Set<Int>) -> [Int: Int] {
        var out = [source: 0]
        var frontier = [source]
        while !frontier.isEmpty {
            var next: [Int] = []
            for u in frontier where u == source || !silent.contains(u) {
                for v in graph[u] where out[v] == nil {
                    out[v] = (out[u] ?? 0) + 1
                    next.append(v)
                }
            }
            frontier = next
        }
        return out
    }
}

extension SimNetwork {
    /// The open, registered connections between nodes now, as each node's neighbours.
    public func connectionGraph() -> [[Int]] {
        nodes.map { node in
            Array(Set(node.links.compactMap { l -> Int? in
                guard l.open, l.peerId != nil, let o = l.other, o.peerId != nil, o.owner >= 0 else { return nil }
                return o.owner
            })).sorted()
        }
    }
}
