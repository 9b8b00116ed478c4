import Foundation
import KusariSimulator

/// Gossip measured on the simulated network (`GossipExperiment`): for each network
/// size, a clean network, one with 10% of messages lost, and one with a node in ten
/// silent. Each figure is set beside its floor on the same graph: hops beside the
/// shortest path from the source, duplicate announcements beside the peers a node has
/// (one announcement per link is the most a node can be sent).
public enum SimulatedGossipBenchmark {
    /// The three conditions measured at each size.
    public static let conditions: [(name: String, dropPermille: UInt64, silentEvery: Int)] = [
        ("clean", 0, 0), ("10% loss", 100, 0), ("1 in 10 silent", 0, 10),
    ]

    public static func run(sizes: [Int], outbound: Int = 4, transactions: Int = 5, seed: UInt64 = 1,
                           log: (String) -> Void) async throws -> [BenchMeasurement] {
        var out: [BenchMeasurement] = []
        for n in sizes {
            for c in conditions {
                var e = GossipExperiment()
                e.nodes = n
                e.outbound = outbound
                e.dropPermille = c.dropPermille
                e.silentEvery = c.silentEvery
                e.transactions = transactions
                e.seed = seed
                let watch = Stopwatch()
                let f = try await e.run()
                let label = "gossip-sim \(n) nodes, \(c.name)"
                log("\(label): \(f.events) events, \(String(format: "%.0f", f.virtualSeconds)) virtual s in \(String(format: "%.1f", watch.seconds)) s")
                out += [
                    BenchMeasurement(name: "\(label): reached", value: Double(f.coveragePermille) / 10, unit: "% of honest nodes",
                                     goal: .value(100)),
                    BenchMeasurement(name: "\(label): hops p50", value: Double(f.hopsP50), unit: "hops",
                                     limitName: "shortest path p50", limit: Double(f.shortestP50)),
                    BenchMeasurement(name: "\(label): hops p99", value: Double(f.hopsP99), unit: "hops",
                                     limitName: "shortest path p99", limit: Double(f.shortestP99)),
                    BenchMeasurement(name: "\(label): time p50", value: f.secondsP50, unit: "virtual s"),
                    BenchMeasurement(name: "\(label): time p99", value: f.secondsP99, unit: "virtual s"),
                    BenchMeasurement(name: "\(label): duplicate announcements", value: f.duplicateAnnouncementsPerNode,
                                     unit: "per node", limitName: "peers per node", limit: f.peersPerNode),
                    BenchMeasurement(name: "\(label): duplicate bodies", value: f.duplicateBodiesPerNode, unit: "per node"),
                ]
            }
        }
        return out
    }
}
