import Dispatch
import Foundation
import KusariCore
import KusariDevnet
import Synchronization

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
        public var accepted = 0
        public var committed = 0
        /// Committed at every node by the end of the posting plus `inclusionGrace` (what the rate counts).
        public var committedInTime = 0
        public var committedRate = 0.0
        public var p50 = 0.0, p99 = 0.0
        public var firstRefusal: String?
        /// Seconds the client took to post the step's transfers (more than the step when the nodes answer slowly).
        public var postSeconds = 0.0
        public var seconds = 0.0
        /// At least 95% of the offered transfers committed at every node within `inclusionGrace` of the end of
        /// the posting (a backlog cleared later is not capacity), the client's posting kept to the
        /// step's pace (within 5% and a second), and transfers not queued for long (p50 at most 10 s, five
        /// devnet block intervals).
        public var sustained: Bool {
            sent > 0 && Double(committedInTime) >= 0.95 * Double(sent) && postSeconds <= seconds * 1.05 + 1 && p50 <= 10
        }
        public var summary: String {
            "\(Int(offered)) offered: \(accepted) accepted, \(committed)/\(sent) committed (\(Int(committedRate)) tx/s) in \(Int(postSeconds)) s of posting, p50 \(Int(p50 * 1000)) ms, p99 \(Int(p99 * 1000)) ms"
                + (sustained ? "" : " NOT SUSTAINED") + (firstRefusal.map { "; first refusal: \($0)" } ?? "")
        }
    }

    /// Runs the steps and returns the measurements.
    public static func run(executable: String, directory: String, nodes: Int = 4, seconds: Double = 60,
                           senders: Int = 2_000, firstRate: Double = 100, maxSteps: Int = 8, drainSeconds: Double = 20,
                           threads: Int = SignatureBatch.defaultThreads, log: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        guard (1...DevnetOptions.maxNodes).contains(nodes) else { throw BenchError.failed("nodes: must be from 1 to \(DevnetOptions.maxNodes)") }
        guard seconds >= 1 else { throw BenchError.failed("seconds: must be at least 1") }
        let scratch = directory + "/kusari-bench-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // Kept when the run fails, for its devnets' output and the nodes' logs.
        var succeeded = false
        var restartFailed = false
        defer { if succeeded { try? FileManager.default.removeItem(atPath: scratch) } else { log("kept \(scratch) for inspection") } }

        log("funding \(senders) senders in a devnet genesis beside the demo accounts")
        let keys = parallelMap(0..<senders) { _ in KeyPair() }
        let demo = try DemoAccounts.genesis(accounts: try DemoAccounts.derive())
        let genesis = try Genesis(network: .devnet, chainId: demo.chainId, timestamp: demo.timestamp, bits: demo.bits,
                                  allocations: demo.allocations + keys.map {
                                      .init(address: $0.address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR)
                                  })
        try genesis.jsonData().write(to: URL(fileURLWithPath: scratch + "/genesis.json"))

        log("starting kusari devnet: \(nodes) nodes, 1 miner, no traffic")
        var devnet = try DevnetRun(executable: executable, directory: scratch, name: "devnet-1", nodes: nodes)
        defer { devnet.stop() }
        var ports = try devnet.waitUntilUp(log: log)

        var nonces = [UInt64](repeating: 0, count: senders)
        var steps: [Step] = []
        var rate = firstRate
        var bestGood: Double?
        var firstBad: Double?
        for index in 0..<maxSteps {
            // A step starts on empty mempools; after an overload that does not drain, on a fresh devnet.
            if !(try waitForEmptyMempools(ports)) {
                log("  the mempools did not drain within 120 s; starting a fresh devnet for the next step")
                devnet.stop()
                do {
                    devnet = try DevnetRun(executable: executable, directory: scratch, name: "devnet-\(index + 1)", nodes: nodes)
                    ports = try devnet.waitUntilUp(log: log)
                } catch {
                    log("  \(error); reporting the steps done so far")
                    restartFailed = true
                    break
                }
                nonces = [UInt64](repeating: 0, count: senders)
            }
            log("step: \(Int(rate)) tx/s offered for \(Int(seconds)) s")
            let step = try runStep(rate: rate, seconds: seconds, keys: keys, chainId: genesis.chainId, nonces: &nonces,
                                   ports: ports, drainSeconds: drainSeconds, log: log)
            log("  " + step.summary)
            steps.append(step)
            if step.sustained { bestGood = rate } else { firstBad = min(firstBad ?? rate, rate) }
            // Double until a step fails, then try once between the last good and the first bad rate.
            if let bad = firstBad {
                let good = bestGood ?? 0
                let middle = ((good + bad) / 2).rounded()
                if bad - good <= max(25, bad * 0.2) || steps.contains(where: { $0.offered == middle }) { break }
                rate = middle
            } else {
                rate *= 2
            }
        }
        devnet.stop()
        succeeded = !restartFailed

        log("measuring raw Ed25519 verification on \(threads) threads")
        let verify = CoreBenchmarks.ed25519VerifyRate(threads: threads, seconds: 3)
        let limit = verify / Double(nodes)
        let best = steps.filter(\.sustained).max { $0.committedRate < $1.committedRate }
        let stepNote = steps.map { "\(Int($0.offered))\($0.sustained ? "" : "x")" }.joined(separator: ",")
        var results = [
            BenchMeasurement(name: "ed25519-verify", value: verify, unit: "verifications/s", note: "raw swift-crypto, \(threads) threads"),
            BenchMeasurement(name: "committed", value: best?.committedRate ?? 0, unit: "tx/s", limitName: "ed25519-verify/\(nodes)", limit: limit,
                             note: "highest sustained: \(nodes) nodes via link proxies, 1 miner, \(Int(seconds)) s a step; steps offered \(stepNote) (x: not sustained)"),
            BenchMeasurement(name: "latency-p50", value: (best?.p50 ?? 0) * 1000, unit: "ms", note: "submit to inclusion at every node, at that rate"),
            BenchMeasurement(name: "latency-p99", value: (best?.p99 ?? 0) * 1000, unit: "ms", note: "at that rate"),
        ]
        if let bad = steps.filter({ !$0.sustained }).min(by: { $0.offered < $1.offered }) {
            results.append(BenchMeasurement(name: "over-capacity", value: bad.committedRate, unit: "tx/s",
                                            note: "committed when \(Int(bad.offered)) offered; p50 \(Int(bad.p50 * 1000)) ms, p99 \(Int(bad.p99 * 1000)) ms"))
        }
        return results
    }

    /// Waits (up to 120 s) until every node's mempool is empty; false if they are not by then.
    static func waitForEmptyMempools(_ ports: [UInt16]) throws -> Bool {
        let clock = Stopwatch()
        while clock.seconds < 120 {
            var pending = 0
            for port in ports {
                let conn = try LoopbackConnection(port: port)
                let (_, body) = try conn.request("GET", "/v1/status")
                let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
                pending += (json?["mempool"] as? [String: Any])?["count"] as? Int ?? 0
            }
            if pending == 0 { return true }
            usleep(500_000)
        }
        return false
    }
}
