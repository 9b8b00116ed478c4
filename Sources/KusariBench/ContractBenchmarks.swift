import Foundation
import KusariContracts
import KusariCore

/// `kusari bench contracts` (issue 19): token-contract transfers executed in blocks per
/// second beside native KSR transfers per second (goal: at least half), beside the same
/// call run straight on WasmKit without metering (the limit), and the gas schedule's
/// calibration in gas per millisecond of metered execution.
///
/// Both kinds of block are applied with `BlockApplication.apply` on one thread with
/// signatures already verified, so both sides measure execution, not Ed25519. The contract
/// engine is warm (module parsed, instances pooled), as on a running node.
public enum ContractBenchmarks {
    /// How much work a run does; `quick` is for tests and smoke runs.
    public struct Scale: Sendable {
        /// Distinct senders (each also a recipient).
        public var senders: Int
        /// Timed blocks of each kind.
        public var blocks: Int
        /// Transfers in each block.
        public var perBlock: Int
        /// Each figure is the median of passes over the blocks for about this long.
        public var seconds: Double

        /// A scale with every size given.
        public init(senders: Int, blocks: Int, perBlock: Int, seconds: Double) {
            self.senders = senders
            self.blocks = blocks
            self.perBlock = perBlock
            self.seconds = seconds
        }

        /// Ten blocks of 1,000 transfers among 2,000 accounts.
        public static let full = Scale(senders: 2_000, blocks: 10, perBlock: 1_000, seconds: 3)
        /// Two blocks of 40 among 40 accounts, for tests (figures not meaningful).
        public static let quick = Scale(senders: 40, blocks: 2, perBlock: 40, seconds: 0.05)
    }

    /// The example token's sources beside the SDK (`contracts/examples/token`).
    public static func tokenDirectory(sdkDirectory: URL) -> URL {
        sdkDirectory.deletingLastPathComponent().appendingPathComponent("examples/token")
    }

    /// Builds the example token with the running toolchain (``ContractBuilder``).
    public static func buildToken(sdkDirectory: URL) throws -> [UInt8] {
        try ContractBuilder(sdkDirectory: sdkDirectory).build(contractDirectory: tokenDirectory(sdkDirectory: sdkDirectory)).wasm
    }

    /// Runs the benchmark on the token module `tokenWasm` (its `init(supply)` and
    /// `transfer(to, amount)` are used).
    public static func run(tokenWasm: [UInt8], scale: Scale = .full,
                           log: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        log("preparing \(scale.blocks) blocks of \(scale.perBlock) transfers among \(scale.senders) accounts, "
            + "native and as token calls (token deployed and spread to every sender first)")
        let engine = ContractEngine()
        let work = try TokenWorkload(wasm: tokenWasm, scale: scale, engine: engine)
        let count = Double(work.specs.count)
        let passes = Passes(seconds: scale.seconds)

        log("applying the native blocks")
        let native = try passes.median { count / (try work.apply(work.native, contracts: nil)) }
        log("applying the token blocks")
        let contract = try passes.median { count / (try work.apply(work.contract, contracts: engine)) }
        log("running the same calls straight on WasmKit, unmetered and metered")
        let unmeteredRuntime = ContractRuntime(metered: false)
        let meteredRuntime = ContractRuntime()
        let unmetered = try passes.median { count / (try work.runCalls(unmeteredRuntime).seconds) }
        var gasRates: [Double] = []
        let metered = try passes.median {
            let run = try work.runCalls(meteredRuntime)
            gasRates.append(Double(run.gas) / (run.seconds * 1_000))
            return count / run.seconds
        }
        let gasPerMs = Passes.median(Array(gasRates.dropFirst()))   // not the warm-up
        let blockGasPerMs = Double(work.contract.gasUsed) / (count / contract * 1_000)
        let cap = Double(BlockApplication.maxBlockGas)
        let size = "blocks of \(scale.perBlock), \(scale.senders) accounts, one thread"
        return [
            BenchMeasurement(name: "native-transfer", value: native, unit: "tx/s",
                             note: "\(size), BlockApplication.apply, signatures already verified"),
            BenchMeasurement(name: "contract-transfer", value: contract, unit: "tx/s", limitName: "native-transfer",
                             limit: native, note: "token transfer calls, \(size)", goal: .ratio(0.5)),
            BenchMeasurement(name: "wasm-call-unmetered", value: unmetered, unit: "calls/s",
                             note: "the same transfers on ContractRuntime(metered: false) over a LedgerWorkspace"),
            BenchMeasurement(name: "contract-transfer-vs-wasm", value: contract, unit: "tx/s", limitName: "wasm-call-unmetered",
                             limit: unmetered, note: "token transfers in blocks beside the bare unmetered calls"),
            BenchMeasurement(name: "wasm-call-metered", value: metered, unit: "calls/s", limitName: "wasm-call-unmetered",
                             limit: unmetered, note: "the same calls with fuel metering: metering's cost"),
            BenchMeasurement(name: "gas-per-transfer", value: Double(work.gasPerTransfer), unit: "gas",
                             note: "one token transfer after the first of its block (GasSchedule.standard)"),
            BenchMeasurement(name: "gas-first-transfer", value: Double(work.firstTransferGas), unit: "gas",
                             note: "the first token transfer of a block, which loads the token's code"),
            BenchMeasurement(name: "transfers-per-block", value: Double(Self.transfersPerBlock(first: work.firstTransferGas,
                                                                                              then: work.gasPerTransfer)),
                             unit: "tx", note: "token transfers that fit a block's \(BlockApplication.maxBlockGas) gas"),
            BenchMeasurement(name: "gas-per-ms", value: gasPerMs, unit: "gas/ms",
                             note: "metered calls: gas used / execution time"),
            BenchMeasurement(name: "gas-per-ms-in-blocks", value: blockGasPerMs, unit: "gas/ms",
                             note: "token blocks: gas used / block apply time, state roots included"),
            BenchMeasurement(name: "block-gas-cap-ms", value: gasPerMs > 0 ? cap / gasPerMs : 0, unit: "ms",
                             note: "a block of \(BlockApplication.maxBlockGas) gas at gas-per-ms"),
            BenchMeasurement(name: "block-gas-cap-ms-in-blocks", value: blockGasPerMs > 0 ? cap / blockGasPerMs : 0, unit: "ms",
                             note: "a block of \(BlockApplication.maxBlockGas) gas of token transfers at gas-per-ms-in-blocks"),
        ]
    }
}

extension ContractBenchmarks {
    /// How many transfers fit one block's gas cap when the first uses `first` gas and each
    /// later one `then`.
    static func transfersPerBlock(first: UInt64, then: UInt64) -> UInt64 {
        guard first > 0, first <= BlockApplication.maxBlockGas else { return 0 }
        return 1 + (then > 0 ? (BlockApplication.maxBlockGas - first) / then : 0)
    }
}

/// Repeats a measurement for about `seconds` (at least three times) and keeps the median.
struct Passes {
    let seconds: Double

    func median(_ measure: () throws -> Double) rethrows -> Double {
        _ = try measure()   // warm-up: caches, instance pools, page faults
        var values: [Double] = []
        let clock = Stopwatch()
        while values.count < 3 || clock.seconds < seconds { values.append(try measure()) }
        return Self.median(values)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
