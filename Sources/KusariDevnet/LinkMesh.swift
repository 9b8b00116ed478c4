/// Every directed link between the devnet's nodes, each through its own
/// `LinkProxy`, and the faults applied to them as a whole: partitions, heals
/// and delays.
public final class LinkMesh: Sendable {
    /// The proxies, by (from, to), nodes numbered from 1.
    public let proxies: [LinkKey: LinkProxy]
    /// The number of nodes.
    public let nodes: Int

    /// A directed link.
    public struct LinkKey: Hashable, Sendable {
        public let from: Int, to: Int
        public init(from: Int, to: Int) { self.from = from; self.to = to }
    }

    /// Starts a proxy for every ordered pair of nodes; `p2pPorts[i]` is node i+1's P2P port.
    /// Returns the mesh and, for each node, the proxy ports it should dial.
    public static func start(p2pPorts: [Int]) async throws -> (LinkMesh, peers: [[Int]]) {
        var proxies: [LinkKey: LinkProxy] = [:]
        var peers = [[Int]](repeating: [], count: p2pPorts.count)
        for i in 1...p2pPorts.count {
            for j in 1...p2pPorts.count where j != i {
                let proxy = LinkProxy(from: i, to: j, targetPort: p2pPorts[j - 1])
                peers[i - 1].append(try await proxy.start())
                proxies[LinkKey(from: i, to: j)] = proxy
            }
        }
        return (LinkMesh(proxies: proxies, nodes: p2pPorts.count), peers)
    }

    private init(proxies: [LinkKey: LinkProxy], nodes: Int) {
        self.proxies = proxies
        self.nodes = nodes
    }

    /// The two proxies between `a` and `b` (a->b and b->a).
    private func both(_ a: Int, _ b: Int) -> [LinkProxy] {
        [proxies[LinkKey(from: a, to: b)], proxies[LinkKey(from: b, to: a)]].compactMap { $0 }
    }

    /// Cuts every link between nodes of different groups and restores the others.
    /// Nodes no group names form one more group together.
    public func partition(_ groups: [[Int]]) {
        let side = Self.sides(groups, nodes: nodes)
        for (key, proxy) in proxies { proxy.setCut(side[key.from] != side[key.to]) }
    }

    /// Each node's group number under `groups` (unnamed nodes share group 0).
    static func sides(_ groups: [[Int]], nodes: Int) -> [Int: Int] {
        var side: [Int: Int] = [:]
        for n in 1...max(1, nodes) { side[n] = 0 }
        for (g, members) in groups.enumerated() { for n in members { side[n] = g + 1 } }
        return side
    }

    /// Restores every link: no cuts, no delays.
    public func heal() {
        for proxy in proxies.values {
            proxy.setCut(false)
            proxy.setDelay(milliseconds: 0)
        }
    }

    /// Delays the link between `a` and `b`, each way.
    public func delay(_ a: Int, _ b: Int, milliseconds: Int) {
        for proxy in both(a, b) { proxy.setDelay(milliseconds: milliseconds) }
    }

    /// Node pairs (a < b) whose link is cut, and delayed links with their latency.
    public var faults: (cut: [[Int]], delayed: [(Int, Int, Int)]) {
        var cut: [[Int]] = []
        var delayed: [(Int, Int, Int)] = []
        for a in 1...max(1, nodes) {
            for b in (a + 1)..<(max(1, nodes) + 1) {
                let links = both(a, b)
                if links.contains(where: \.cut) { cut.append([a, b]) }
                if let ms = links.map(\.delayMilliseconds).max(), ms > 0 { delayed.append((a, b, ms)) }
            }
        }
        return (cut, delayed)
    }

    /// Stops every proxy.
    public func stop() async {
        for proxy in proxies.values { await proxy.stop() }
    }
}
