import Foundation
import KusariChain
import KusariConsensus
import KusariCore

/// `kusari bench sync` and `kusari bench gossip`: real node processes on loopback.
public enum NetworkBenchmarks {
    /// A node process started for a benchmark, stopped on deinit.
    final class NodeRun {
        let process = Process()
        var api: UInt16 = 0
        var p2p: String?

        init(executable: String, arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["node", "--api", "127.0.0.1:0", "--log-level", "error", "--no-discover"] + arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let clock = Stopwatch()
            var buffer = Data()
            while clock.seconds < 60 {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer += chunk
                if let line = String(data: buffer, encoding: .utf8)?.split(separator: "\n").first,
                   let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                   let a = json["api"] as? String, let port = a.split(separator: ":").last.flatMap({ UInt16($0) }) {
                    api = port
                    p2p = json["p2p"] as? String
                    return
                }
            }
            process.terminate()
            throw BenchError.failed("a node did not start")
        }

        func json(_ path: String, _ conn: LoopbackConnection) throws -> (Int, [String: Any]) {
            let (status, body) = try conn.request("GET", path)
            return (status, (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:])
        }

        /// Stops the node (SIGTERM) and waits for it.
        func stop() {
            if process.isRunning { process.terminate(); process.waitUntilExit() }
        }

        deinit { stop() }
    }

    /// A fresh node syncing blocks of transfers from one peer, in transactions per second.
    public static func sync(executable: String, directory: String, blocks: Int = 50, transactionsPerBlock: Int = 1_000,
                            accounts: Int = 10_000, threads: Int = SignatureBatch.defaultThreads,
                            log: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        let scratch = directory + "/kusari-bench-sync-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        log("building a chain of \(blocks) blocks of \(transactionsPerBlock) transfers")
        let keys = parallelMap(0..<accounts) { _ in KeyPair() }
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: PowParameters.kusariDevnet.powLimitBits,
                                  allocations: keys.map { .init(address: $0.address(on: .devnet).string, amount: 100 * Amount.unitsPerKSR) })
        try genesis.jsonData().write(to: URL(fileURLWithPath: scratch + "/genesis.json"))
        let chain = try Blockchain.create(directory: scratch + "/a", genesis: genesis)
        var nonces = [UInt64](repeating: 0, count: keys.count)
        for b in 0..<blocks {
            var specs: [(Int, UInt64)] = []
            for j in 0..<transactionsPerBlock {
                let s = (b * transactionsPerBlock + j) % keys.count
                specs.append((s, nonces[s]))
                nonces[s] += 1
            }
            let list = specs
            let txs = parallelMap(0..<list.count) { i in
                try? Transaction(chainId: 3, key: keys[list[i].0], nonce: list[i].1,
                                 to: AddressPayload(publicKey: keys[(list[i].0 + 1) % keys.count].publicKey), amount: 1_000, fee: 1_000)
            }.compactMap { $0 }
            _ = try chain.produce(beneficiary: AddressPayload(publicKey: keys[0].publicKey), transactions: txs)
        }
        let tipHeight = Int(chain.height)
        chain.close()
        log("syncing them from one node to a fresh one")
        let a = try NodeRun(executable: executable, arguments: ["--datadir", scratch + "/a", "--p2p", "127.0.0.1:0"])
        let b = try NodeRun(executable: executable, arguments: ["--datadir", scratch + "/b", "--genesis", scratch + "/genesis.json",
                                                                "--peer", a.p2p ?? ""])
        let clock = Stopwatch()
        let conn = try LoopbackConnection(port: b.api)
        while clock.seconds < 600 {
            if (try b.json("/v1/status", conn).1["height"] as? Int ?? 0) >= tipHeight { break }
            usleep(10_000)
        }
        let seconds = clock.seconds
        _ = a
        let limit = CoreBenchmarks.ed25519VerifyRate(threads: threads, seconds: 2)
        return [
            BenchMeasurement(name: "ed25519-verify", value: limit, unit: "verifications/s", note: "raw swift-crypto, \(threads) threads"),
            BenchMeasurement(name: "sync", value: Double(blocks * transactionsPerBlock) / seconds, unit: "tx/s",
                             limitName: "ed25519-verify", limit: limit,
                             note: "\(blocks) blocks of \(transactionsPerBlock) transfers over loopback, both nodes on these cores", goal: .ratio(0.65)),
        ]
    }

    /// Time for a transaction posted at one end of a four-node line to reach the other end's mempool.
    public static func gossip(executable: String, directory: String, samples: Int = 50,
                              log: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        let scratch = directory + "/kusari-bench-gossip-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        log("starting four nodes in a line")
        var nodes: [NodeRun] = []
        for i in 0..<4 {
            var args = ["--datadir", scratch + "/n\(i)"]
            if i < 3 { args += ["--p2p", "127.0.0.1:0"] }
            if i > 0 { args += ["--peer", nodes[i - 1].p2p ?? ""] }
            nodes.append(try NodeRun(executable: executable, arguments: args))
        }
        let first = try LoopbackConnection(port: nodes[0].api), last = try LoopbackConnection(port: nodes[3].api)
        let clock = Stopwatch()
        while clock.seconds < 60, (try nodes[2].json("/v1/status", try LoopbackConnection(port: nodes[2].api)).1["peers"] as? Int ?? 0) < 2 {
            usleep(20_000)
        }
        let faucet = DevnetGenesis.faucetKey
        let to = AddressPayload(publicKey: KeyPair().publicKey)
        log("posting \(samples) transfers at the first node, timing their arrival at the last")
        var times: [Double] = []
        var rtts: [Double] = []
        for n in 0..<samples {
            let tx = try Transaction(chainId: 3, key: faucet, nonce: UInt64(n), to: to, amount: 1, fee: 1_000)
            let body = Array(#"{"tx":"\#(Hex.encode(tx.encoded))"}"#.utf8)
            let start = Stopwatch()
            let (status, reply) = try first.request("POST", "/v1/txs", body: body)
            guard status == 202 else { throw BenchError.failed("POST: \(status) \(String(decoding: reply, as: UTF8.self))") }
            while start.seconds < 30 {
                if try last.request("GET", "/v1/txs/\(tx.id.hex)").0 == 200 { break }
            }
            times.append(start.seconds * 1000)
            let probe = Stopwatch()
            _ = try last.request("GET", "/v1/status")
            rtts.append(probe.seconds * 1000)
        }
        times.sort()
        rtts.sort()
        func pct(_ v: [Double], _ p: Double) -> Double { v[min(v.count - 1, Int(Double(v.count - 1) * p))] }
        return [
            BenchMeasurement(name: "http-roundtrip", value: pct(rtts, 0.5), unit: "ms (p50)", note: "GET /v1/status on loopback, the floor of a poll"),
            BenchMeasurement(name: "gossip-p50", value: pct(times, 0.5), unit: "ms", note: "posted at node 1, in node 4's mempool (3 hops)"),
            BenchMeasurement(name: "gossip-p99", value: pct(times, 0.99), unit: "ms", note: "\(samples) transfers"),
        ]
    }
}
