import Foundation
import KusariCore

/// `kusari bench overload`: a network offered twice what it can commit. Starts `kusari
/// devnet` as `kusari bench e2e` does (`LoadDevnet`), finds its capacity C with the same
/// steps (doubling from `firstRate` until one is not sustained, then `refine` steps
/// between), then offers 2C for `seconds` in one step, with a drain of up to
/// `drainSeconds` for every admitted transfer to be committed at every node.
///
/// It reports what a network that degrades gracefully keeps true past saturation:
/// the committed rate at 2C against C (goal: ratio >= 0.8), no admitted transfer
/// stranded, no honest peer disconnected for stalling the block download (from the
/// nodes' logs), and every node answering `GET /v1/status` promptly. Refusals (such as
/// `429`/`mempool_full`) are expected at 2C; the client retries them after the block
/// spacing, as `Retry-After` says, and they are counted, not failures.
///
/// The scratch directory is removed when the run completes and the network meets all
/// four; otherwise it is kept, with its devnets' output and the nodes' logs.
public enum OverloadBenchmark {
    /// The least committed rate at 2C, as a ratio of the capacity, that meets the goal.
    public static let goalRatio = 0.8
    /// The log line of a node that drops a peer (`P2P.drop`), and the reason a staller is dropped for.
    static let disconnectLine = "disconnecting peer"
    static let stallReason = "stalled the block download"
    /// The log line of a node that finds a peer late with a block (not yet a disconnect).
    static let stallNotice = "peer stalls the block download"

    /// Finds the capacity, overloads the network at twice it, and returns the measurements.
    public static func run(executable: String, directory: String, nodes: Int = 4, stepSeconds: Double = 20,
                           firstRate: Double = 100, maxSteps: Int = 8, refine: Int = 1, seconds: Double = 120,
                           drainSeconds: Double = 240, senders: Int = 2_000,
                           log: @escaping (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        guard stepSeconds >= 1, seconds >= 1 else { throw BenchError.failed("seconds: steps must last at least 1 s") }
        guard firstRate >= 1 else { throw BenchError.failed("first-rate: must be at least 1 transfer a second") }
        guard maxSteps >= 1, refine >= 0 else { throw BenchError.failed("steps: at least 1, and refine at least 0") }
        guard drainSeconds >= 0 else { throw BenchError.failed("drain: must not be negative") }
        let load = try LoadDevnet(kind: "overload", executable: executable, directory: directory, nodes: nodes,
                                  senders: senders, log: log)
        var keep = true
        defer { load.close(removing: !keep) }
        try load.start()

        // The capacity: the highest sustained step's committed rate.
        let steps = try load.searchCapacity(firstRate: firstRate, seconds: stepSeconds, maxSteps: maxSteps, refine: refine,
                                            drainSeconds: 20)
        let stepNote = steps.map { "\(Int($0.offered))\($0.sustained ? "" : "x")" }.joined(separator: ",")
        guard !load.restartFailed else { throw BenchError.failed("a fresh devnet did not come up after steps \(stepNote)") }
        guard let best = steps.filter(\.sustained).max(by: { $0.committedRate < $1.committedRate }), best.committedRate >= 0.5 else {
            throw BenchError.failed("no load step was sustained (steps offered \(stepNote), x: not sustained): "
                                    + "no capacity to overload; try a lower --first-rate")
        }
        let capacity = best.committedRate

        // Twice the capacity, on empty mempools, for `seconds`; the drain commits every admitted transfer.
        guard try load.prepareStep() else { throw BenchError.failed("a fresh devnet did not come up for the overload step") }
        let rate = (2 * capacity).rounded()
        log("overload: \(Int(rate)) tx/s offered (twice the capacity of \(Int(capacity)) tx/s) for \(Int(seconds)) s, "
            + "then up to \(Int(drainSeconds)) s for every admitted transfer to be committed at every node")
        let clock = Stopwatch()
        let over = try load.step(rate: rate, seconds: seconds, drainSeconds: drainSeconds)
        let stepTook = clock.seconds
        log("  " + over.summary)
        load.stopDevnet()

        // The nodes' logs over the whole run (every devnet, the capacity steps included).
        let disconnects = load.nodeLogLines(containing: [disconnectLine])
        let stallDisconnects = disconnects.filter { $0.contains(stallReason) }
        let stallNotices = load.nodeLogLines(containing: [stallNotice]).count
        if !disconnects.isEmpty {
            log("\(disconnects.count) disconnects in the nodes' logs, \(stallDisconnects.count) for stalling; by reason: "
                + reasons(disconnects).map { "\($0.count) \($0.reason)" }.joined(separator: ", "))
            for line in (stallDisconnects + disconnects).prefix(5) { log("  " + line) }
        }

        let overload = BenchMeasurement(
            name: "overload-committed", value: over.committedRate, unit: "tx/s", limitName: "capacity", limit: capacity,
            note: "committed at every node within \(Int(EndToEndBenchmark.inclusionGrace)) s of the posting's end, "
                + "\(Int(rate)) offered for \(Int(seconds)) s; \(over.accepted) of \(over.sent) admitted",
            goal: .ratio(goalRatio))
        let results = [
            BenchMeasurement(name: "capacity", value: capacity, unit: "tx/s",
                             note: "highest sustained: \(nodes) nodes via link proxies, 1 miner, \(Int(stepSeconds)) s a step; "
                                 + "steps offered \(stepNote) (x: not sustained)"),
            overload,
            BenchMeasurement(name: "overload-latency-p50", value: over.p50 * 1000, unit: "ms", note: "submit to inclusion at every node, at 2C"),
            BenchMeasurement(name: "overload-latency-p99", value: over.p99 * 1000, unit: "ms", note: "at 2C"),
            BenchMeasurement(name: "refused", value: Double(over.refusals), unit: "refusals",
                             note: "expected at 2C, each retried after \(Int(StepPoster.retryAfter)) s; \(over.sent - over.accepted) transfers "
                                 + "never admitted" + (over.firstRefusal.map { "; first: \($0)" } ?? "")),
            BenchMeasurement(name: "stranded", value: Double(over.stranded), unit: "transfers",
                             note: "admitted at 2C, not committed at every node after the drain (\(Int(stepTook)) s in all); should be 0"),
            BenchMeasurement(name: "stall-disconnects", value: Double(stallDisconnects.count), unit: "disconnects",
                             note: "'\(disconnectLine)' for '\(stallReason)' in the nodes' logs, whole run; should be 0; "
                                 + "\(stallNotices) '\(stallNotice)' notices"),
            BenchMeasurement(name: "disconnects", value: Double(disconnects.count), unit: "disconnects",
                             note: "every '\(disconnectLine)' in the nodes' logs, whole run"),
            BenchMeasurement(name: "status-max-seconds", value: over.statusMaxSeconds, unit: "s",
                             note: "slowest GET /v1/status answer of any node during the overload step and its drain"),
            BenchMeasurement(name: "status-failures", value: Double(over.statusFailures), unit: "requests",
                             note: "GET /v1/status without a 200 answer within \(Int(EndToEndBenchmark.statusTimeout)) s; should be 0"),
        ]
        // The scratch directory is kept for inspection when the network missed any of its marks.
        keep = !(overload.met == true && over.stranded == 0 && stallDisconnects.isEmpty && over.statusFailures == 0)
        return results
    }

    /// How many of `lines` give each `reason=` (a node's log sorts the fields: the reason runs up to ` remote=`),
    /// most frequent first.
    static func reasons(_ lines: [String]) -> [(reason: String, count: Int)] {
        var counts: [String: Int] = [:]
        for line in lines {
            guard let start = line.range(of: "reason=") else { counts["(no reason)", default: 0] += 1; continue }
            let rest = line[start.upperBound...]
            let end = rest.range(of: " remote=")?.lowerBound ?? rest.range(of: " \(disconnectLine)")?.lowerBound ?? rest.endIndex
            counts[String(rest[..<end]), default: 0] += 1
        }
        return counts.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    }
}
