import Dispatch
import Foundation
import KusariCore
import KusariDevnet
import Synchronization

extension EndToEndBenchmark {
    /// A `kusari devnet` child process in a scratch directory, stopped by `stop` or on deinit.
    final class DevnetRun {
        let process = Process()
        let directory: String

        /// Starts a devnet in `scratch/name` with the genesis in `scratch/genesis.json`.
        init(executable: String, directory scratch: String, name: String, nodes: Int) throws {
            directory = scratch + "/" + name
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["devnet", "--dir", directory, "--nodes", "\(nodes)", "--miners", "1", "--tps", "0",
                                 "--api-port", "0", "--genesis", scratch + "/genesis.json",
                                 "--exit-with-parent", "\(getpid())"]
            _ = FileManager.default.createFile(atPath: directory + ".out", contents: nil)
            let out = FileHandle(forWritingAtPath: directory + ".out")
            process.standardOutput = out ?? FileHandle.nullDevice
            process.standardError = out ?? FileHandle.nullDevice
            try process.run()
        }

        /// Waits (up to 180 s) until every node answers, has a peer, and all agree on a height of at least 1;
        /// returns their API ports.
        func waitUntilUp(log: (String) -> Void) throws -> [UInt16] {
            let clock = Stopwatch()
            var last = "no status yet"
            while clock.seconds < 180 {
                guard process.isRunning else { throw BenchError.failed("kusari devnet exited; see \(directory).out") }
                if let reply = try? ControlClient.send(.status, directory: directory), let nodes = reply["nodes"] as? [[String: Any]] {
                    last = nodes.map { "node \($0["node"] ?? "?"): \($0["state"] ?? "?") height \($0["height"] ?? "-") peers \($0["peers"] ?? "-")" }
                        .joined(separator: "; ")
                }
                if let reply = try? ControlClient.send(.status, directory: directory),
                   let nodes = reply["nodes"] as? [[String: Any]],
                   nodes.allSatisfy({ $0["answering"] as? Bool == true && ($0["peers"] as? Int ?? 0) >= 1 }) {
                    let heights = Set(nodes.compactMap { $0["height"] as? Int })
                    let ports = nodes.compactMap { ($0["api"] as? String)?.split(separator: ":").last.flatMap { UInt16($0) } }
                    if heights.count == 1, (heights.first ?? 0) >= 1, ports.count == nodes.count { return ports }
                }
                usleep(250_000)
            }
            throw BenchError.failed("the devnet's nodes did not come up and agree within 180 s (last: \(last)); see \(directory).out")
        }

        /// SIGINT (the devnet stops its nodes), then SIGKILL after 60 s.
        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGINT)
            let clock = Stopwatch()
            while process.isRunning && clock.seconds < 60 { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        }

        deinit { stop() }
    }

    /// GET a JSON object.
    static func json(_ conn: LoopbackConnection, _ path: String) throws -> [String: Any] {
        let (_, body) = try conn.request("GET", path)
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// The ids of the transactions in the block at `height` on the node's best chain.
    static func blockTransactions(_ conn: LoopbackConnection, _ height: Int) throws -> [String] {
        try json(conn, "/v1/blocks/\(height)")["transactions"] as? [String] ?? []
    }

    /// One step: `rate` transfers a second for `seconds`, then a drain; counted at every node.
    /// Seconds after the posting ends within which a transfer must be in a block at every node to
    /// count towards the committed rate: two devnet block intervals (2 s) and one for propagation.
    static let inclusionGrace: Double = 5

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

        // Watchers: the time each transaction is first seen in a block at each node.
        let clock = Stopwatch()
        let seen = ports.map { _ in SeenBlocks() }
        let stop = Atomic<Bool>(false)
        let watchers = DispatchGroup()
        for (n, port) in ports.enumerated() {
            let start = startHeights[n]
            watchers.enter()
            Thread.detachNewThread {
                defer { watchers.leave() }
                guard let conn = try? LoopbackConnection(port: port) else { return }
                var last = start
                while !stop.load(ordering: .relaxed) {
                    if let h = (try? json(conn, "/v1/status"))?["height"] as? Int {
                        while last < h, let ids = try? blockTransactions(conn, last + 1) {
                            last += 1
                            let now = clock.seconds
                            seen[n].times.withLock { map in for id in ids where map[id] == nil { map[id] = now } }
                        }
                    }
                    usleep(100_000)
                }
            }
        }

        // Submitters: one thread and keep-alive connection per group of senders, each sender always
        // to the same node. Each posts what is due in batches (`{"txs": [...]}`, at most 256), as a
        // wallet or exchange with many transfers would, rather than one request per transfer.
        let connections = max(8, ports.count * 2)
        let submitted = Mutex<[Double]>([Double](repeating: -1, count: count))
        let accepted = Atomic<Int>(0)
        let refusal = Mutex<String?>(nil)
        let submitters = DispatchGroup()
        for c in 0..<connections {
            submitters.enter()
            Thread.detachNewThread {
                defer { submitters.leave() }
                guard let conn = try? LoopbackConnection(port: ports[c % ports.count]) else {
                    refusal.withLock { $0 = $0 ?? "cannot connect to 127.0.0.1:\(ports[c % ports.count])" }
                    return
                }
                let mine = Array(stride(from: 0, to: count, by: 1).lazy.filter { ($0 % keys.count) % connections == c })
                var times: [(Int, Double)] = []
                var next = 0
                posting: while next < mine.count {
                    let wait = Double(mine[next]) / rate - clock.seconds
                    if wait > 0 { usleep(UInt32(wait * 1e6)) }
                    // Everything due by now, up to a batch.
                    let due = clock.seconds
                    var batch: [Int] = []
                    while next < mine.count, batch.count < 256, Double(mine[next]) / rate <= due { batch.append(mine[next]); next += 1 }
                    if batch.isEmpty { batch.append(mine[next]); next += 1 }
                    var body: [UInt8] = Array(#"{"txs":["#.utf8)
                    for (k, i) in batch.enumerated() {
                        if k > 0 { body.append(UInt8(ascii: ",")) }
                        body.append(UInt8(ascii: "\""))
                        body += txs[i].hex
                        body.append(UInt8(ascii: "\""))
                    }
                    body += Array("]}".utf8)
                    let t = clock.seconds
                    guard let (status, reply) = try? conn.request("POST", "/v1/txs", body: body) else {
                        refusal.withLock { $0 = $0 ?? "connection lost" }
                        break posting  // what this connection already had accepted still counts
                    }
                    let results = (try? JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any])?["results"] as? [[String: Any]]
                    guard status == 200, let results, results.count == batch.count else {
                        refusal.withLock { $0 = $0 ?? "\(status) \(String(decoding: reply.prefix(200), as: UTF8.self))" }
                        continue
                    }
                    for (i, result) in zip(batch, results) {
                        if let error = result["error"] as? [String: Any] {
                            refusal.withLock { $0 = $0 ?? "\(error["code"] ?? "?"): \(error["message"] ?? "")" }
                        } else {
                            times.append((i, t))
                            accepted.add(1, ordering: .relaxed)
                        }
                    }
                }
                submitted.withLock { all in for (i, t) in times { all[i] = t } }
            }
        }
        submitters.wait()
        let submitEnd = clock.seconds

        // Drain: until every accepted transfer is in a block at every node, or the drain ends.
        let admitted = submitted.withLock { all in all.indices.filter { all[$0] >= 0 }.map { txs[$0].id } }
        while clock.seconds < submitEnd + drainSeconds {
            let done = seen.allSatisfy { s in s.times.withLock { map in admitted.allSatisfy { map[$0] != nil } } }
            if done { break }
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
        submitted.withLock { all in
            for (i, t) in all.enumerated() where t >= 0 && committedSet.contains(txs[i].id) {
                var last = 0.0
                var everywhere = true
                for s in seen { if let at = s.times.withLock({ $0[txs[i].id] }) { last = max(last, at) } else { everywhere = false } }
                if everywhere { latencies.append(last - t) }
                if everywhere && last <= inTimeBy { inTime += 1 }
            }
        }
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count - 1) * p))] }
        let committedCount = admitted.filter { committedSet.contains($0) }.count
        var step = Step(offered: rate)
        step.sent = count
        step.accepted = accepted.load(ordering: .relaxed)
        step.committed = committedCount
        step.committedInTime = inTime
        step.seconds = seconds
        step.postSeconds = submitEnd
        // Over the step, or over the posting when the nodes made it take longer.
        step.committedRate = Double(inTime) / max(seconds, submitEnd)
        step.p50 = pct(0.5)
        step.p99 = pct(0.99)
        step.firstRefusal = refusal.withLock { $0 }
        return step
    }
}

/// When each transaction was first seen in a block at one node (seconds into the step).
final class SeenBlocks: Sendable {
    let times = Mutex<[String: Double]>([:])
}
