import ArgumentParser
import Foundation
import KusariBench

extension BenchCommand {
    /// `kusari bench contracts`: token-contract transfers in blocks beside native transfers,
    /// beside bare WasmKit calls, and the gas-per-millisecond calibration (issue 19).
    struct Contracts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Token-contract transfers in blocks beside native KSR transfers and bare WasmKit calls; gas per millisecond.",
            discussion: """
                Applies blocks of --per-block native transfers and the same transfers as calls of the example token's \
                `transfer` with BlockApplication.apply (signatures already verified, one thread), runs the same calls \
                straight on ContractRuntime without and with metering, and reports transfers a second, their ratios \
                (goal: contract >= 0.5 x native) and gas per millisecond of metered execution with what it means for \
                a block's 200,000,000 gas. The token is built from contracts/examples/token with the running \
                toolchain (see --sdk), unless --wasm gives a built module; without --wasm the example registry is \
                built too and loading its code is timed per KiB: checked (a deploy), stored (a call) and a whole \
                cold call.
                """)
        @Flag(help: "Print a JSON array of measurements.") var json = false
        @Flag(help: "A small, fast run (for smoke tests; figures are not meaningful).") var quick = false
        @Option(help: "The token module to use instead of building contracts/examples/token.") var wasm: String?
        @Option(help: "The contract SDK (default: contracts/KusariContractSDK near here or near this kusari).") var sdk: String?
        @Option(help: "Timed blocks of each kind.") var blocks: Int?
        @Option(help: "Transfers per block.") var perBlock: Int?

        func run() throws {
            var scale: ContractBenchmarks.Scale = quick ? .quick : .full
            if let blocks { try checkRange("blocks", blocks, 1...1_000); scale.blocks = blocks }
            if let perBlock { try checkRange("per-block", perBlock, 1...4_000); scale.perBlock = perBlock }
            let bytes: [UInt8]
            if let wasm {
                do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: wasm))) }
                catch { throw CLIError("wasm: cannot read \(wasm): \(error.localizedDescription)") }
            } else {
                let sdkDirectory = try ContractArguments.sdkDirectory(sdk)
                BenchCommand.log("building \(ContractBenchmarks.tokenDirectory(sdkDirectory: sdkDirectory).path)")
                do { bytes = try ContractBenchmarks.buildToken(sdkDirectory: sdkDirectory) }
                catch { throw CLIError("token: \(error)") }
            }
            var registry: [UInt8]? = nil
            if wasm == nil {
                let sdkDirectory = try ContractArguments.sdkDirectory(sdk)
                BenchCommand.log("building \(ContractLoadBenchmarks.registryDirectory(sdkDirectory: sdkDirectory).path)")
                do { registry = try ContractLoadBenchmarks.buildRegistry(sdkDirectory: sdkDirectory) }
                catch { throw CLIError("registry: \(error)") }
            }
            do {
                var measurements = try ContractBenchmarks.run(tokenWasm: bytes, scale: scale, log: BenchCommand.log)
                if let registry {
                    measurements += try ContractLoadBenchmarks.run(registryWasm: registry, seconds: quick ? 0.05 : 2,
                                                                   log: BenchCommand.log)
                }
                printMeasurements(measurements, json: json)
            } catch {
                throw CLIError("bench contracts: \(error)")
            }
        }
    }
}
