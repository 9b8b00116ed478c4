import KusariCore
import KusariNetwork

/// How one transaction spreads over a simulated network: when it reached each
/// node and in how many hops from the first, and what each node received about it
/// after it already held it (announcements and bodies: the cost of redundancy).
public final class TrackedTransaction: @unchecked Sendable {
    public let id: Hash256
    /// Virtual time it reached each node (by index).
    public private(set) var reachedAt: [Int: Double] = [:]
    /// Hops from the node it was submitted at.
    public private(set) var hops: [Int: Int] = [:]
    /// Announcements (`inv` items) of it received by nodes that held it, in all.
    public private(set) var duplicateAnnouncements = 0
    /// Bodies of it received by nodes that held it, in all.
    public private(set) var duplicateBodies = 0
    /// Announcements of it received in all.
    public private(set) var announcements = 0
    let nodes: Int
    var start: Double?

    init(id: Hash256, nodes: Int) {
        self.id = id
        self.nodes = nodes
    }

    func reached(_ node: Int, at t: Double, hops h: Int) {
        guard reachedAt[node] == nil else { return }
        if start == nil { start = t }
        reachedAt[node] = t
        hops[node] = h
    }

    func received(_ message: Message, at node: Int, alreadyHeld: Bool) {
        switch message {
        case .inv(let items):
            let n = items.lazy.filter { $0.hash == self.id }.count
            announcements += n
            if alreadyHeld { duplicateAnnouncements += n }
        case .tx(let tx) where alreadyHeld && tx.id == id:
            duplicateBodies += 1
        default:
            break
        }
    }

    /// The share of nodes it reached, per thousand.
    public var coveragePermille: Int { nodes == 0 ? 0 : reachedAt.count * 1000 / nodes }

    /// The `p`th percentile (0-100) of a list, nearest rank.
    static func percentile(_ values: [Double], _ p: Int) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = max(1, (p * sorted.count + 99) / 100)
        return sorted[min(sorted.count, rank) - 1]
    }

    /// Seconds from submission to reaching a node: p50 and p99 over the nodes reached.
    public func latency(percentile p: Int) -> Double? {
        guard let start else { return nil }
        return Self.percentile(reachedAt.values.map { $0 - start }, p)
    }

    /// Hops to reach a node: p50 and p99 over the nodes reached.
    public func hopCount(percentile p: Int) -> Int? { Self.percentile(hops.values.map(Double.init), p).map { Int($0) } }
}
