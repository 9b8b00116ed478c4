import Foundation
import KusariCore
import KusariDevnet

/// `kusari bench e2e`: the whole network as a user sees it. Starts `kusari devnet`
/// (release nodes behind its link proxies, one miner, no traffic of its own) with
/// a genesis that also funds the benchmark's senders, then from this process (a
/// separate client) offers pre-signed transfers through the nodes' APIs at
/// increasing rates, one step of `seconds` each, and counts what the blocks on the
/// best chain of *every* node hold.
///
/// A step is sustained when at least 95% of what it offered is committed at every
/// node by the end of the step and a drain of `drainSeconds`. The figure is the
/// highest sustained step's committed rate, with its submit-to-inclusion latency
/// (posted -> first seen in a block at the last of the nodes) p50 and p99. The limit
/// is Ed25519 verification on all cores divided by the number of nodes: every node
/// checks every transaction once, on the same cores.
public enum EndToEndBenchmark {
    /// What one step offered and what became of it.
    public struct Step: Sendable {
        public var offered: Double
        public var sent = 0
        /// Transfers the API admitted (each once, however often it was refused before).
        public var accepted = 0
        /// Admitted transfers on the best chain of every node after the drain.
        public var committed = 0
        /// Committed at every node by the end of the posting plus `inclusionGrace` (what the rate counts).
        public var committedInTime = 0
        public var committedRate = 0.0
        public var p50 = 0.0, p99 = 0.0
        /// Refusals the API answered (a transfer retried and refused again counts again).
        public var refusals = 0
        public var firstRefusal: String?
        /// Seconds the client took to post the step's transfers (more than the step when the nodes answer slowly).
        public var postSeconds = 0.0
        public var seconds = 0.0
        /// The slowest `GET /v1/status` answer any node gave the step's watchers (a failed request counts
        /// the time until it failed).
        public var statusMaxSeconds = 0.0
        /// `GET /v1/status` requests of the watchers that got no answer, or not a 200.
        public var statusFailures = 0
        /// Transfers the API admitted that are, after the drain, not committed at every node.
        public var stranded: Int { accepted - committed }
        /// At least 95% of the offered transfers committed at every node within `inclusionGrace` of the end of
        /// the posting (a backlog cleared later is not capacity), the client's posting kept to the
        /// step's pace (within 5% and a second), and transfers not queued (p99 submit-to-inclusion at every
        /// node at most `inclusionGrace`: two devnet block intervals and one second to reach every node, as
        /// issue 14 defines the sustainable rate).
        public var sustained: Bool {
            sent > 0 && Double(committedInTime) >= 0.95 * Double(sent) && postSeconds <= seconds * 1.05 + 1
                && p99 <= EndToEndBenchmark.inclusionGrace
        }
        public var summary: String {
            "\(Int(offered)) offered: \(accepted) accepted, \(committed)/\(sent) committed (\(Int(committedRate)) tx/s) in \(Int(postSeconds)) s of posting, p50 \(Int(p50 * 1000)) ms, p99 \(Int(p99 * 1000)) ms, status answered in at most \(Int(statusMaxSeconds * 1000)) ms"
                + (statusFailures > 0 ? " (\(statusFailures) unanswered)" : "") + (stranded > 0 ? ", \(stranded) admitted but not committed at every node" : "")
                + (sustained ? "" : " NOT SUSTAINED") + (refusals > 0 ? "; \(refusals) refusals" : "")
                + (firstRefusal.map { "; first refusal: \($0)" } ?? "")
        }
    }

    /// Runs the steps and returns the measurements.
    public static func run(executable: String, directory: String, nodes: Int = 4, seconds: Double = 60,
                           senders: Int = 2_000, firstRate: Double = 100, maxSteps: Int = 8, drainSeconds: Double = 20,
                           threads: Int = SignatureBatch.defaultThreads, consensus: DevnetOptions.Consensus = .proofOfWork,
                           log: @escaping (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        guard seconds >= 1 else { throw BenchError.failed("seconds: must be at least 1") }
        let bft = consensus == .bft
        let load = try LoadDevnet(kind: bft ? "bft" : "e2e", executable: executable, directory: directory, nodes: nodes,
                                  senders: senders, consensus: consensus, log: log)
        // Kept when the run fails, for its devnets' output and the nodes' logs.
        var succeeded = false
        defer { load.close(removing: succeeded) }
        try load.start()
        let steps = try load.searchCapacity(firstRate: firstRate, seconds: seconds, maxSteps: maxSteps, drainSeconds: drainSeconds)
        load.stopDevnet()
        succeeded = !load.restartFailed

        log("measuring raw Ed25519 verification on \(threads) threads")
        let verify = CoreBenchmarks.ed25519VerifyRate(threads: threads, seconds: 3)
        let limit = verify / Double(nodes)
        let best = steps.filter(\.sustained).max { $0.committedRate < $1.committedRate }
        let stepNote = steps.map { "\(Int($0.offered))\($0.sustained ? "" : "x")" }.joined(separator: ",")
        var results = [
            BenchMeasurement(name: "ed25519-verify", value: verify, unit: "verifications/s", note: "raw swift-crypto, \(threads) threads"),
            BenchMeasurement(name: bft ? "bft-committed" : "committed", value: best?.committedRate ?? 0, unit: "tx/s",
                             limitName: "ed25519-verify/\(nodes)", limit: limit,
                             note: "highest sustained: \(nodes) nodes via link proxies, \(bft ? "\(nodes) BFT validators" : "1 miner"), \(Int(seconds)) s a step; steps offered \(stepNote) (x: not sustained)"),
            BenchMeasurement(name: bft ? "bft-final-p50" : "latency-p50", value: (best?.p50 ?? 0) * 1000, unit: "ms",
                             note: bft ? "submit to final (committed) at every node, at that rate" : "submit to inclusion at every node, at that rate"),
            BenchMeasurement(name: bft ? "bft-final-p99" : "latency-p99", value: (best?.p99 ?? 0) * 1000, unit: "ms", note: "at that rate"),
        ]
        if let bad = steps.filter({ !$0.sustained }).min(by: { $0.offered < $1.offered }) {
            results.append(BenchMeasurement(name: "over-capacity", value: bad.committedRate, unit: "tx/s",
                                            note: "committed when \(Int(bad.offered)) offered; p50 \(Int(bad.p50 * 1000)) ms, p99 \(Int(bad.p99 * 1000)) ms"))
        }
        return results
    }
}
