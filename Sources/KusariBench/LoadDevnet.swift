import Foundation
import KusariCore
import KusariDevnet

/// What `kusari bench e2e` and `kusari bench overload` share: a scratch directory, a
/// devnet genesis that funds the benchmark's senders beside the demo accounts, a
/// `kusari devnet` child process on it (replaced by a fresh one when a step leaves
/// mempools that do not drain), the senders' next nonces, and the search for the
/// highest sustained rate.
///
/// The scratch directory is removed by `close(removing: true)`; otherwise it is kept
/// for its devnets' output and the nodes' logs, and a log line names it.
final class LoadDevnet {
    let executable: String
    /// `DIRECTORY/kusari-bench-KIND-UUID`: the genesis and one folder per devnet started.
    let scratch: String
    let nodes: Int
    /// The funded senders (each sends to the next).
    let keys: [KeyPair]
    let chainId: UInt32
    /// Each sender's next nonce on the current devnet.
    var nonces: [UInt64]
    /// The current devnet and its nodes' API ports (nil before `start` and after `stopDevnet`).
    private(set) var devnet: DevnetRun?
    private(set) var ports: [UInt16] = []
    /// The folder of every devnet started, first to last.
    private(set) var devnetDirectories: [String] = []
    /// Whether a fresh devnet failed to come up after a step that did not drain.
    private(set) var restartFailed = false
    let log: (String) -> Void
    /// Proof of work (one miner) or BFT (every node a validator).
    let consensus: DevnetOptions.Consensus

    /// Makes the scratch directory and writes a genesis funding `senders` new keys with 1,000 KSR each.
    init(kind: String, executable: String, directory: String, nodes: Int, senders: Int,
         consensus: DevnetOptions.Consensus = .proofOfWork, log: @escaping (String) -> Void) throws {
        guard (1...DevnetOptions.maxNodes).contains(nodes) else { throw BenchError.failed("nodes: must be from 1 to \(DevnetOptions.maxNodes)") }
        guard senders >= 1 else { throw BenchError.failed("senders: must be at least 1") }
        self.executable = executable
        self.nodes = nodes
        self.log = log
        self.consensus = consensus
        scratch = directory + "/kusari-bench-\(kind)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        log("funding \(senders) senders in a devnet genesis beside the demo accounts")
        keys = parallelMap(0..<senders) { _ in KeyPair() }
        nonces = [UInt64](repeating: 0, count: senders)
        do {
            let demo = try DemoAccounts.genesis(accounts: try DemoAccounts.derive(),
                                                validators: consensus == .bft ? nodes : 0)
            let genesis = try Genesis(network: .devnet, chainId: demo.chainId, timestamp: demo.timestamp, bits: demo.bits,
                                      allocations: demo.allocations + keys.map {
                                          .init(address: $0.address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR)
                                      }, consensus: demo.consensus)
            try genesis.jsonData().write(to: URL(fileURLWithPath: scratch + "/genesis.json"))
            chainId = genesis.chainId
        } catch {
            log("kept \(scratch) for inspection")
            throw error
        }
    }

    /// Starts the first devnet and waits until its nodes are up and agree; once more with a fresh devnet
    /// when a node of the first fails to start (the devnet picks its ports before its nodes bind them, and
    /// on a busy machine another process can take one in between).
    func start() throws {
        log("starting kusari devnet: \(nodes) nodes, \(consensus == .bft ? "\(nodes) BFT validators" : "1 miner"), no traffic")
        do {
            try startDevnet()
        } catch {
            log("  \(error); starting a fresh devnet")
            stopDevnet()
            try startDevnet()
        }
    }

    private func startDevnet() throws {
        let name = "devnet-\(devnetDirectories.count + 1)"
        let run = try DevnetRun(executable: executable, directory: scratch, name: name, nodes: nodes, consensus: consensus)
        devnet = run
        devnetDirectories.append(run.directory)
        ports = try run.waitUntilUp(log: log)
        nonces = [UInt64](repeating: 0, count: keys.count)
    }

    /// Stops the current devnet (its nodes' logs are complete afterwards).
    func stopDevnet() {
        devnet?.stop()
        devnet = nil
    }

    /// Stops the devnet; removes the scratch directory when `removing`, else keeps it and says where it is.
    func close(removing: Bool) {
        stopDevnet()
        if removing { try? FileManager.default.removeItem(atPath: scratch) } else { log("kept \(scratch) for inspection") }
    }

    deinit { devnet?.stop() }

    /// Readies the devnet for a step, which starts on empty mempools: waits for them to drain, or after an
    /// overload that does not drain starts a fresh devnet (nonces start over). False when that fails.
    func prepareStep() throws -> Bool {
        guard devnet != nil else { return false }
        if try waitForEmptyMempools() { return true }
        log("  the mempools did not drain within 120 s; starting a fresh devnet for the next step")
        stopDevnet()
        do {
            try startDevnet()
            return true
        } catch {
            log("  \(error)")
            restartFailed = true
            return false
        }
    }

    /// Waits (up to 120 s) until every node's mempool is empty; false if they are not by then.
    func waitForEmptyMempools() throws -> Bool {
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

    /// One step on the current devnet: `rate` transfers a second for `seconds`, then a drain.
    func step(rate: Double, seconds: Double, drainSeconds: Double) throws -> EndToEndBenchmark.Step {
        try EndToEndBenchmark.runStep(rate: rate, seconds: seconds, keys: keys, chainId: chainId, nonces: &nonces,
                                      ports: ports, drainSeconds: drainSeconds, log: log)
    }

    /// Steps of `seconds` from `firstRate`, doubling while they are sustained; after the first that is not,
    /// up to `refine` steps each halfway between the highest sustained and the lowest unsustained rate, until
    /// the two are within 25 tx/s or 20% (a first step that is not sustained is so searched downwards).
    /// Stops early, with the steps done, when a fresh devnet fails to come up (`restartFailed`).
    func searchCapacity(firstRate: Double, seconds: Double, maxSteps: Int, refine: Int = .max,
                        drainSeconds: Double) throws -> [EndToEndBenchmark.Step] {
        var steps: [EndToEndBenchmark.Step] = []
        var rate = firstRate
        var bestGood: Double?
        var firstBad: Double?
        var refined = 0
        for _ in 0..<maxSteps {
            guard try prepareStep() else {
                log("  reporting the steps done so far")
                break
            }
            log("step: \(Int(rate)) tx/s offered for \(Int(seconds)) s")
            let step = try self.step(rate: rate, seconds: seconds, drainSeconds: drainSeconds)
            log("  " + step.summary)
            steps.append(step)
            if step.sustained { bestGood = max(bestGood ?? rate, rate) } else { firstBad = min(firstBad ?? rate, rate) }
            // Double until a step fails, then try between the last good and the first bad rate.
            if let bad = firstBad {
                let good = bestGood ?? 0
                let middle = ((good + bad) / 2).rounded()
                if refined >= refine || bad - good <= max(25, bad * 0.2) || steps.contains(where: { $0.offered == middle }) { break }
                refined += 1
                rate = middle
            } else {
                rate *= 2
            }
        }
        return steps
    }

    /// Lines of every node's log (`nodeN/data/node.log` in every devnet started) that contain all of `fragments`,
    /// each prefixed with its devnet and node.
    func nodeLogLines(containing fragments: [String]) -> [String] {
        var found: [String] = []
        for dir in devnetDirectories {
            for n in 1...nodes {
                let path = dir + "/node\(n)/data/node.log"
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                let prefix = "\((dir as NSString).lastPathComponent) node \(n): "
                for line in text.split(separator: "\n") where fragments.allSatisfy({ line.contains($0) }) {
                    found.append(prefix + line)
                }
            }
        }
        return found
    }
}

/// A `kusari devnet` child process in a scratch directory, stopped by `stop` or on deinit.
final class DevnetRun {
    let process = Process()
    let directory: String

    /// Starts a devnet in `scratch/name` with the genesis in `scratch/genesis.json`.
    init(executable: String, directory scratch: String, name: String, nodes: Int,
         consensus: DevnetOptions.Consensus = .proofOfWork) throws {
        directory = scratch + "/" + name
        process.executableURL = URL(fileURLWithPath: executable)
        let engine = consensus == .bft ? ["--consensus", "bft", "--miners", "0"] : ["--miners", "1"]
        process.arguments = ["devnet", "--dir", directory, "--nodes", "\(nodes)"] + engine + ["--tps", "0",
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
                // The devnet gave a node up (it failed again and again at its start): it will not come up.
                if let failed = nodes.first(where: { $0["state"] as? String == NodeChild.State.failed.rawValue }) {
                    throw BenchError.failed("the devnet gave node \(failed["node"] ?? "?") up (\(last)); see \(directory).out")
                }
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
