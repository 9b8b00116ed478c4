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
