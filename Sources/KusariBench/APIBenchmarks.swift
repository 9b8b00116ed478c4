import Dispatch
import Foundation
import KusariChain
import KusariConsensus
import KusariCore
import Synchronization

/// `kusari bench api`: transactions admitted through `POST /v1/txs` and
/// `GET /v1/status` requests per second, from this process to a real node
/// process on loopback, beside raw Ed25519 verification on all cores.
public enum APIBenchmarks {
    public struct Scale: Sendable {
        public var senders: Int
        public var perSender: Int
        public var connections: Int
        public var seconds: Double
        public static let full = Scale(senders: 2_000, perSender: 10, connections: 16, seconds: 3)
        public static let quick = Scale(senders: 40, perSender: 3, connections: 4, seconds: 0.3)
    }

    /// Starts `executable node` on a fresh devnet, loads it, and stops it.
    public static func run(executable: String, directory: String, scale: Scale = .full,
                           threads: Int = SignatureBatch.defaultThreads, log: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        let scratch = directory + "/kusari-bench-api-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        log("signing \(scale.senders * scale.perSender) transfers from \(scale.senders) funded senders")
        let keys = parallelMap(0..<scale.senders) { _ in KeyPair() }
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000,
                                  bits: PowParameters.kusariDevnet.powLimitBits,
                                  allocations: keys.map { .init(address: $0.address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR) })
        try genesis.jsonData().write(to: URL(fileURLWithPath: scratch + "/genesis.json"))
        let perSender = scale.perSender
        let bodies: [[[UInt8]]] = parallelMap(0..<scale.senders) { s in
            (0..<perSender).compactMap { n in
                (try? Transaction(chainId: 3, key: keys[s], nonce: UInt64(n), to: AddressPayload(publicKey: keys[(s + 1) % keys.count].publicKey),
                                  amount: 1_000, fee: 1_000)).map { Array(#"{"tx":"\#(Hex.encode($0.encoded))"}"#.utf8) }
            }
        }

        log("starting a node")
        let node = try NetworkBenchmarks.NodeRun(executable: executable, arguments: [
            "--datadir", scratch + "/node", "--genesis", scratch + "/genesis.json", "--mempool-max-bytes", "\(256 << 20)"])
        let port = node.api

        log("posting them on \(scale.connections) connections")
        let accepted = Mutex<Int>(0), failed = Mutex<String?>(nil)
        var clock = Stopwatch()
        let all = bodies
        DispatchQueue.concurrentPerform(iterations: scale.connections) { c in
            do {
                let conn = try LoopbackConnection(port: port)
                var s = c
                while s < all.count {
                    for body in all[s] {
                        let (status, reply) = try conn.request("POST", "/v1/txs", body: body)
                        if status == 202 { accepted.withLock { $0 += 1 } } else {
                            failed.withLock { $0 = $0 ?? "status \(status): \(String(decoding: reply, as: UTF8.self))" }
                        }
                    }
                    s += scale.connections
                }
            } catch { failed.withLock { $0 = $0 ?? "\(error)" } }
        }
        let postSeconds = clock.seconds
        if let why = failed.withLock({ $0 }) { throw BenchError.failed("POST /v1/txs: \(why)") }
        let admitted = Double(accepted.withLock { $0 }) / postSeconds

        log("GET /v1/status for \(scale.seconds) s")
        let gets = Mutex<Int>(0)
        clock = Stopwatch()
        let getClock = clock
        let seconds = scale.seconds
        DispatchQueue.concurrentPerform(iterations: scale.connections) { _ in
            guard let conn = try? LoopbackConnection(port: port) else { return }
            var n = 0
            while getClock.seconds < seconds, let (status, _) = try? conn.request("GET", "/v1/status"), status == 200 { n += 1 }
            gets.withLock { $0 += n }
        }
        let statusRate = Double(gets.withLock { $0 }) / getClock.seconds
        node.stop()

        log("measuring raw Ed25519 verification on \(threads) threads")
        let limit = CoreBenchmarks.ed25519VerifyRate(threads: threads, seconds: scale.seconds)
        return [
            BenchMeasurement(name: "ed25519-verify", value: limit, unit: "verifications/s", note: "raw swift-crypto, \(threads) threads"),
            BenchMeasurement(name: "api-submit", value: admitted, unit: "tx/s", limitName: "ed25519-verify", limit: limit,
                             note: "POST /v1/txs admitted (202), \(scale.connections) keep-alive connections, client on the same cores"),
            BenchMeasurement(name: "api-status", value: statusRate, unit: "requests/s",
                             note: "GET /v1/status, \(scale.connections) keep-alive connections"),
        ]
    }
}
