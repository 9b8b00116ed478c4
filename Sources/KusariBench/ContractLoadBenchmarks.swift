import Foundation
import KusariContracts
import KusariCore

/// What loading a contract's code costs a node, per KiB of code (docs/protocol.md 18.5
/// prices it): a deploy's checked load (every check of 18.4 and an eager translation of
/// every function), the trusted load of code already in the state (parse, limits, hash),
/// and a complete cold call (the stored load, a fresh instance, WasmKit's lazy translation
/// of what the call runs, the call). Measured on the largest example, the name registry.
public enum ContractLoadBenchmarks {
    /// The example registry's sources beside the SDK (`contracts/examples/registry`).
    public static func registryDirectory(sdkDirectory: URL) -> URL {
        sdkDirectory.deletingLastPathComponent().appendingPathComponent("examples/registry")
    }

    /// Builds the example registry with the running toolchain (``ContractBuilder``).
    public static func buildRegistry(sdkDirectory: URL) throws -> [UInt8] {
        try ContractBuilder(sdkDirectory: sdkDirectory).build(contractDirectory: registryDirectory(sdkDirectory: sdkDirectory)).wasm
    }

    /// Measures the three loads of `registryWasm` (its `init(price)` and `register(name)`
    /// are used), each the median of passes for about `seconds`.
    public static func run(registryWasm wasm: [UInt8], seconds: Double = 2,
                           log: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        let hash = Hash256.sha256(wasm)
        let kib = Double(wasm.count) / 1024
        let passes = Passes(seconds: seconds)
        log("loading the registry (\(wasm.count) bytes) checked, stored, and cold calls")
        let checked = try passes.median {
            let clock = Stopwatch()
            _ = try ContractCode(bytes: wasm)
            return clock.seconds * 1e6 / kib
        }
        let stored = try passes.median {
            let clock = Stopwatch()
            _ = try ContractCode(stored: wasm, codeHash: hash)
            return clock.seconds * 1e6 / kib
        }
        // Every call on a fresh instance, as for code no instance of which is kept.
        let runtime = ContractRuntime(reuseInstances: false)
        let block = BlockContext(height: 1, time: 1_700_000_000)
        let caller = AddressPayload(bytes: [UInt8](repeating: 0xCA, count: 20)) ?? .zero
        let contract = AddressPayload(bytes: [UInt8](repeating: 0xC0, count: 20)) ?? .zero
        let register = ContractCall(contract: contract, caller: caller, method: "register",
                                    input: ContractValue.encode([.bytes(Array("kusari".utf8))]), gasLimit: 10_000_000)
        var gas: UInt64 = 0
        let cold = try passes.median {
            let clock = Stopwatch()
            let code = try ContractCode(stored: wasm, codeHash: hash)
            let outcome = runtime.run(code, register, block: block, host: InMemoryContractHost())
            let elapsed = clock.seconds
            guard outcome.succeeded else { throw ContractError.hostViolation("register failed: \(outcome.error?.description ?? "")") }
            gas = outcome.gasUsed
            return elapsed * 1e6 / kib
        }
        let size = "registry, \(wasm.count) bytes"
        return [
            BenchMeasurement(name: "code-load-checked", value: checked, unit: "us/KiB",
                             note: "\(size): ContractCode(bytes:), every deploy check and eager translation"),
            BenchMeasurement(name: "code-load-stored", value: stored, unit: "us/KiB", limitName: "code-load-checked",
                             limit: checked, note: "ContractCode(stored:codeHash:): parse, limits, hash"),
            BenchMeasurement(name: "cold-call", value: cold, unit: "us/KiB", limitName: "code-load-checked", limit: checked,
                             note: "stored load + fresh instance + register (lazy translation), \(gas) gas charged"),
        ]
    }
}
