import Crypto
import Foundation
import KusariConsensus
import KusariCore
import KusariNode
import Synchronization

/// `kusari bench mine`: the miner's nonce rate beside raw SHA-256d on all cores.
public enum MiningBenchmarks {
    public static func run(seconds: Double = 3, threads: Int = SignatureBatch.defaultThreads,
                           log: (String) -> Void = { _ in }) -> [BenchMeasurement] {
        log("measuring raw SHA-256d of 80-byte inputs on \(threads) threads")
        let before = sha256dRate(threads: threads, seconds: seconds / 2)
        log("measuring the miner's nonce search on \(threads) threads")
        let header = BlockHeader(height: 1, previousId: .zero, merkleRoot: MerkleTree.emptyRoot, stateRoot: .zero,
                                 timestamp: 1_764_000_000, bits: 0x1d00ffff, beneficiary: .zero, nonce: 0)
        let clock = Stopwatch()
        // A zero target is never met: the search runs until told to stop.
        let result = NonceSearch.run(header, target: .zero, threads: threads) { clock.seconds >= seconds }
        let minerRate = Double(result.tried) / clock.seconds
        let limit = max(before, sha256dRate(threads: threads, seconds: seconds / 2))
        return [
            BenchMeasurement(name: "sha256d", value: limit, unit: "hashes/s", note: "raw swift-crypto, 80-byte inputs, \(threads) threads"),
            BenchMeasurement(name: "miner", value: minerRate, unit: "nonces/s", limitName: "sha256d", limit: limit,
                             note: "148-byte headers from a 128-byte midstate", goal: .ratio(0.9)),
        ]
    }

    /// Raw double SHA-256 of 80-byte inputs per second on `threads` threads.
    public static func sha256dRate(threads: Int, seconds: Double) -> Double {
        measureRate(threads: threads, seconds: seconds) { t in
            var input = [UInt8](repeating: UInt8(t), count: 80)
            var sink: UInt8 = 0
            for i in 0..<1_000 {
                input[76] = UInt8(truncatingIfNeeded: i)
                let first = SHA256.hash(data: input)
                let second = first.withUnsafeBytes { SHA256.hash(data: $0) }
                sink ^= second.withUnsafeBytes { $0[0] }
            }
            return sink == 0 ? 1_000 : 1_000
        }
    }
}
