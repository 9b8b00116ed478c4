import Foundation
import Testing
import KusariBench
@testable import KusariCore

/// The benchmark code runs end to end and reports sane figures. Speed itself is
/// measured by `kusari bench core` in a release build, never asserted here.
@Suite struct BenchSmokeTests {
    @Test func quickRunProducesEveryMeasurement() {
        let results = CoreBenchmarks.run(scale: .quick, threads: 2)
        let names = results.map(\.name)
        #expect(names == ["ed25519-verify", "tx-verify-apply", "tx-signature-check", "tx-decode-apply", "state-root-update", "state-tree-hash"])
        for r in results { #expect(r.value > 0, "\(r.name)") }
        let apply = results.first { $0.name == "tx-verify-apply" }
        #expect(apply?.limitName == "ed25519-verify")
        #expect(apply?.ratio != nil)
    }
}

/// `kusari bench contracts` at a tiny size: every figure is there, positive, with its limit.
@Suite struct ContractBenchSmokeTests {
    static let sdk = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("contracts/KusariContractSDK")

    @Test func quickRunProducesEveryMeasurement() async throws {
        // swiftc and the run block a thread for seconds: not one of the cooperative pool's.
        let results = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try ContractBenchmarks.run(tokenWasm: try ContractBenchmarks.buildToken(sdkDirectory: Self.sdk), scale: .quick)
                })
            }
        }
        #expect(results.map(\.name) == ["native-transfer", "contract-transfer", "wasm-call-unmetered", "contract-transfer-vs-wasm",
                                        "wasm-call-metered", "gas-per-transfer", "gas-first-transfer", "transfers-per-block",
                                        "gas-per-ms", "gas-per-ms-in-blocks",
                                        "block-gas-cap-ms", "block-gas-cap-ms-in-blocks"])
        for r in results { #expect(r.value > 0, "\(r.name)") }
        let contract = try #require(results.first { $0.name == "contract-transfer" })
        #expect(contract.limitName == "native-transfer" && contract.ratio != nil && contract.goal?.atLeast == 0.5)
        // A token transfer costs tens of thousands of gas (docs/protocol.md 18.5).
        let gas = try #require(results.first { $0.name == "gas-per-transfer" })
        #expect(gas.value > 10_000 && gas.value < 100_000)
        // The first of a block pays to load the code on top (18.5); the figures agree on what fits a block.
        let first = try #require(results.first { $0.name == "gas-first-transfer" })
        let perBlock = try #require(results.first { $0.name == "transfers-per-block" })
        #expect(first.value > gas.value)
        #expect(perBlock.value == Double(1 + (200_000_000 - UInt64(first.value)) / UInt64(gas.value)))
    }
}

/// `kusari bench dex` at a tiny size: every figure is there, positive, with its limit, and
/// the timed blocks really trade with the book.
@Suite struct DexBenchSmokeTests {
    @Test func quickRunProducesEveryMeasurement() throws {
        let m = try DexBenchmarks.run(scale: .quick, threads: 2)
        #expect(m.map(\.name) == ["ed25519-verify", "dex-orders-100", "dex-orders-400"])
        for x in m {
            #expect(x.value > 0, "\(x.name)")
        }
        for x in m.dropFirst() {
            #expect(x.limitName == "ed25519-verify" && x.ratio != nil)
            #expect(x.note?.contains("cleared 0 lots") == false, "\(x.note ?? "")")
        }
    }
}
