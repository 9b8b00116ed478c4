import Dispatch
import Foundation
import KusariCore
import KusariDevnet
import Synchronization

extension EndToEndBenchmark {
    /// GET a JSON object.
    static func json(_ conn: LoopbackConnection, _ path: String) throws -> [String: Any] {
        let (_, body) = try conn.request("GET", path)
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// The ids of the transactions in the block at `height` on the node's best chain.
    static func blockTransactions(_ conn: LoopbackConnection, _ height: Int) throws -> [String] {
        try json(conn, "/v1/blocks/\(height)")["transactions"] as? [String] ?? []
    }

    /// Seconds after the posting ends within which a transfer must be in a block at every node to
    /// count towards the committed rate: two devnet block intervals (2 s) and one for propagation.
    static let inclusionGrace: Double = 5
    /// Seconds a watcher waits for a node's `GET /v1/status` before counting it unanswered.
    static let statusTimeout: Double = 60

    /// One step: `rate` transfers a second for `seconds`, then a drain of up to `drainSeconds` (it ends
    /// once every admitted transfer is in a block at every node); counted at every node. `nonces` are
    /// the senders' next nonces, advanced past what the step admitted.
    static func runStep(rate: Double, seconds: Double, keys: [KeyPair], chainId: UInt32, nonces: inout [UInt64],
                        ports: [UInt16], drainSeconds: Double, log: (String) -> Void) throws -> Step {
        let count = max(1, Int(rate * seconds))
        var specs: [(sender: Int, nonce: UInt64)] = []
        specs.reserveCapacity(count)
        for i in 0..<count {
            let s = i % keys.count
            specs.append((s, nonces[s]))
            nonces[s] += 1
        }
        let list = specs
        log("  signing \(count) transfers")
        let txs: [(id: String, hex: [UInt8])] = parallelMap(0..<count) { i in
            let (s, n) = list[i]
            guard let tx = try? Transaction(chainId: chainId, key: keys[s], nonce: n,
                                            to: AddressPayload(publicKey: keys[(s + 1) % keys.count].publicKey), amount: 1_000, fee: 1_000)
            else { return ("", []) }
            return (tx.id.hex, Array(Hex.encode(tx.encoded).utf8))
        }

        var startHeights: [Int] = []
        for port in ports { startHeights.append(try json(try LoopbackConnection(port: port), "/v1/status")["height"] as? Int ?? 0) }

        // Watchers: the time each transaction is first seen in a block at each node, and how long each
        // node takes to answer `GET /v1/status` (a silent node fails the request after `statusTimeout`).
        let clock = Stopwatch()
        let seen = ports.map { _ in SeenBlocks() }
        let statusAnswers = Mutex<(slowest: Double, failures: Int)>((0, 0))
        let stop = Atomic<Bool>(false)
        let watchers = DispatchGroup()
        for (n, port) in ports.enumerated() {
            let start = startHeights[n]
            watchers.enter()
            Thread.detachNewThread {
                defer { watchers.leave() }
                var conn: LoopbackConnection?
                var last = start
                while !stop.load(ordering: .relaxed) {
                    let asked = clock.seconds
                    if conn == nil { conn = try? LoopbackConnection(port: port, timeout: Self.statusTimeout) }
                    var height: Int?
                    if let c = conn, let reply = try? c.request("GET", "/v1/status"), reply.0 == 200 {
                        height = ((try? JSONSerialization.jsonObject(with: Data(reply.1))) as? [String: Any])?["height"] as? Int
                    }
                    let took = clock.seconds - asked
                    statusAnswers.withLock { $0.slowest = max($0.slowest, took); if height == nil { $0.failures += 1 } }
                    if let h = height, let c = conn {
                        while last < h {
                            guard let ids = try? blockTransactions(c, last + 1) else { conn = nil; break }
                            last += 1
                            let now = clock.seconds
                            seen[n].times.withLock { map in for id in ids where map[id] == nil { map[id] = now } }
                        }
                    } else {
                        conn = nil
                    }
                    usleep(100_000)
                }
            }
        }

        // Submitters: one thread and keep-alive connection per group of senders (`StepPoster`).
        let connections = max(8, ports.count * 2)
        let bodies = txs.map(\.hex)
        let senders = keys.count
        let outcomes = Mutex<[StepPoster.Outcome]>([])
        let submitters = DispatchGroup()
        for c in 0..<connections {
            let poster = StepPoster(port: ports[c % ports.count],
                                    mine: Array(stride(from: 0, to: count, by: 1).lazy.filter { ($0 % senders) % connections == c }),
                                    rate: rate, seconds: seconds, senders: senders, bodies: bodies)
            submitters.enter()
            Thread.detachNewThread {
                defer { submitters.leave() }
                let outcome = poster.run(clock: clock)
                outcomes.withLock { $0.append(outcome) }
            }
        }
        submitters.wait()
        let submitEnd = clock.seconds
        let posted = outcomes.withLock { $0 }
        var submittedAt = [Double](repeating: -1, count: count)
        for outcome in posted {
            for (i, at) in outcome.admitted { submittedAt[i] = at }
            // A sender's next step starts from its first transfer never admitted (no nonce gap).
            for (s, i) in outcome.notAdmitted { nonces[s] = min(nonces[s], list[i].nonce) }
        }

        // Drain: until every accepted transfer is in a block at every node, or the drain ends.
        let admitted = submittedAt.indices.filter { submittedAt[$0] >= 0 }.map { txs[$0].id }
        // Each round looks only at what was still missing somewhere (a long drain of a large step stays cheap).
        var missing = admitted
        while clock.seconds < submitEnd + drainSeconds {
            var stillMissing = Set<String>()
            for s in seen { s.times.withLock { map in for id in missing where map[id] == nil { stillMissing.insert(id) } } }
            missing = missing.filter(stillMissing.contains)
            if missing.isEmpty { break }
            usleep(250_000)
        }
        stop.store(true, ordering: .relaxed)
        watchers.wait()

        // Committed: on the best chain of every node now.
        var committed: Set<String>?
        for (n, port) in ports.enumerated() {
            let conn = try LoopbackConnection(port: port)
            let tip = try json(conn, "/v1/status")["height"] as? Int ?? 0
            var ids = Set<String>()
            if tip > startHeights[n] { for h in (startHeights[n] + 1)...tip { ids.formUnion(try blockTransactions(conn, h)) } }
            committed = committed.map { $0.intersection(ids) } ?? ids
        }
        let committedSet = committed ?? []
        var latencies: [Double] = []
        // In time: in a block at every node by the end of the posting plus the grace. What the drain
        // commits later is a backlog, not capacity, and does not count towards the rate.
        let inTimeBy = max(seconds, submitEnd) + Self.inclusionGrace
        var inTime = 0
        for (i, t) in submittedAt.enumerated() where t >= 0 && committedSet.contains(txs[i].id) {
            var last = 0.0
            var everywhere = true
            for s in seen { if let at = s.times.withLock({ $0[txs[i].id] }) { last = max(last, at) } else { everywhere = false } }
            if everywhere { latencies.append(last - t) }
            if everywhere && last <= inTimeBy { inTime += 1 }
        }
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count - 1) * p))] }
        let committedCount = admitted.filter { committedSet.contains($0) }.count
        var step = Step(offered: rate)
        step.sent = count
        step.accepted = admitted.count
        step.committed = committedCount
        step.committedInTime = inTime
        step.seconds = seconds
        step.postSeconds = submitEnd
        // Over the step, or over the posting when the nodes made it take longer.
        step.committedRate = Double(inTime) / max(seconds, submitEnd)
        step.p50 = pct(0.5)
        step.p99 = pct(0.99)
        step.refusals = posted.reduce(0) { $0 + $1.refusals }
        step.firstRefusal = posted.lazy.compactMap(\.firstRefusal).first
        (step.statusMaxSeconds, step.statusFailures) = statusAnswers.withLock { ($0.slowest, $0.failures) }
        return step
    }
}

/// When each transaction was first seen in a block at one node (seconds into the step).
final class SeenBlocks: Sendable {
    let times = Mutex<[String: Double]>([:])
}
