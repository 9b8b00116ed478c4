import Foundation
import KusariChain
import KusariConsensus
import KusariCore
#if canImport(Glibc)
import Glibc
#endif

/// `kusari bench storage`: connecting blocks durably, beside the machine's
/// Ed25519 and fsync limits.
public enum StorageBenchmarks {
    public struct Scale: Sendable {
        public var seconds: Double
        public var accounts: Int
        public var blocks: Int
        public var transactionsPerBlock: Int
        public var emptyBlocks: Int

        /// The figures: blocks of 1,000 transfers over 100,000 funded accounts.
        public static let full = Scale(seconds: 2, accounts: 100_000, blocks: 20, transactionsPerBlock: 1_000, emptyBlocks: 500)
        public static let quick = Scale(seconds: 0.2, accounts: 300, blocks: 2, transactionsPerBlock: 100, emptyBlocks: 20)
    }

    /// Runs the storage benchmarks in a scratch folder under `directory`.
    public static func run(scale: Scale = .full, directory: String, threads: Int = SignatureBatch.defaultThreads,
                           log: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        let scratch = directory + "/kusari-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        log("measuring the raw fsync'd append rate in \(directory)")
        let fsyncRate = try fsyncAppendRate(path: scratch + "/append.bin", seconds: scale.seconds)
        log("measuring raw Ed25519 verification on \(threads) threads")
        let verifyBefore = CoreBenchmarks.ed25519VerifyRate(threads: threads, seconds: scale.seconds / 2)

        log("funding \(scale.accounts) accounts in a genesis")
        let keys = parallelMap(0..<scale.accounts) { _ in KeyPair() }
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000,
                                  bits: PowParameters.kusariDevnet.powLimitBits,
                                  allocations: keys.map { .init(address: $0.address(on: .devnet).string, amount: 100 * Amount.unitsPerKSR) })
        log("producing \(scale.blocks) blocks of \(scale.transactionsPerBlock) transfers")
        let producer = try Blockchain.create(directory: scratch + "/producer", genesis: genesis)
        var nonces = [UInt64](repeating: 0, count: keys.count)
        var encoded: [[UInt8]] = []
        for b in 0..<scale.blocks {
            var specs: [(Int, UInt64, Int)] = []
            for j in 0..<scale.transactionsPerBlock {
                let sender = (b * scale.transactionsPerBlock + j) % keys.count
                specs.append((sender, nonces[sender], (sender * 7919 + 13) % keys.count))
                nonces[sender] += 1
            }
            let list = specs
            let txs = parallelMap(0..<list.count) { i in
                try? Transaction(chainId: 3, key: keys[list[i].0], nonce: list[i].1,
                                 to: AddressPayload(publicKey: keys[list[i].2].publicKey), amount: 1_000, fee: 100)
            }.compactMap { $0 }
            encoded.append(try producer.produce(beneficiary: AddressPayload(publicKey: keys[0].publicKey), transactions: txs).encoded)
        }
        var empties: [[UInt8]] = []
        for _ in 0..<scale.emptyBlocks {
            empties.append(try producer.produce(beneficiary: AddressPayload(publicKey: keys[1].publicKey)).encoded)
        }
        producer.close()

        log("connecting them to a fresh chain: validate, apply, commit with fsync")
        let chain = try Blockchain.create(directory: scratch + "/chain", genesis: genesis)
        defer { chain.close() }
        var clock = Stopwatch()
        var remaining = encoded[...]
        let report = BlockImporter.run(chain: chain) { () throws(BlockFileError) -> [UInt8]? in remaining.popFirst() }
        let connectSeconds = clock.seconds
        guard report.failure == nil, report.imported == encoded.count else {
            throw BenchError.failed(report.failure ?? "only \(report.imported) blocks connected")
        }
        log("importing \(scale.emptyBlocks) empty blocks")
        clock = Stopwatch()
        var emptyQueue = empties[...]
        let emptyReport = BlockImporter.run(chain: chain) { () throws(BlockFileError) -> [UInt8]? in emptyQueue.popFirst() }
        let emptySeconds = clock.seconds
        guard emptyReport.failure == nil else { throw BenchError.failed(emptyReport.failure ?? "") }
        let verifyLimit = max(verifyBefore, CoreBenchmarks.ed25519VerifyRate(threads: threads, seconds: scale.seconds / 2))

        let txs = Double(scale.blocks * scale.transactionsPerBlock)
        return [
            BenchMeasurement(name: "ed25519-verify", value: verifyLimit, unit: "verifications/s",
                             note: "raw swift-crypto, \(threads) threads"),
            BenchMeasurement(name: "fsync-append", value: fsyncRate, unit: "appends/s",
                             note: "4 KiB write + fsync, one file"),
            BenchMeasurement(name: "block-connect", value: txs / connectSeconds, unit: "tx/s", limitName: "ed25519-verify",
                             limit: verifyLimit,
                             note: "\(scale.blocks) blocks of \(scale.transactionsPerBlock), \(scale.accounts) accounts", goal: .ratio(0.6)),
            BenchMeasurement(name: "import-blocks", value: Double(scale.blocks) / connectSeconds, unit: "blocks/s",
                             note: "blocks of \(scale.transactionsPerBlock) transfers"),
            BenchMeasurement(name: "import-empty-blocks", value: Double(scale.emptyBlocks) / emptySeconds, unit: "blocks/s",
                             limitName: "fsync-append", limit: fsyncRate, note: "one SQLite commit per block"),
        ]
    }

    /// Appends of 4 KiB, each followed by fsync, per second.
    public static func fsyncAppendRate(path: String, seconds: Double) throws -> Double {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        guard fd >= 0 else { throw BenchError.failed("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd); unlink(path) }
        let chunk = [UInt8](repeating: 0xab, count: 4096)
        let clock = Stopwatch()
        var count = 0
        while clock.seconds < seconds {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == chunk.count, fsync(fd) == 0 else { throw BenchError.failed("append failed: \(String(cString: strerror(errno)))") }
            count += 1
        }
        return Double(count) / clock.seconds
    }
}

/// A benchmark that could not run.
public enum BenchError: Error, CustomStringConvertible {
    case failed(String)
    public var description: String {
        switch self { case .failed(let why): return "benchmark failed: \(why)" }
    }
}
