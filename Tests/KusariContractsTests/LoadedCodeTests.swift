import Foundation
import KusariContracts
import KusariCore
import Testing

/// Code loading (docs/protocol.md 18.5): stored code loads without the deploy checks but
/// with its hash checked; a call pays `perCodeKiB` per KiB of its code unless an earlier call
/// in the same block (the same host) left the code loaded, so the price follows only the
/// block's calls in order, never what a node happens to hold.
@Suite struct LoadedCodeTests {
    let schedule = GasSchedule.standard

    func kib(_ code: ContractCode) -> UInt64 { UInt64((code.bytes.count + 1023) / 1024) }

    func call(_ code: ContractCode, _ method: String, on host: InMemoryContractHost,
              runtime: ContractRuntime = ContractRuntime()) -> ContractOutcome {
        runtime.run(code, ContractCall(contract: contractAddress, caller: alice, method: method, gasLimit: 10_000_000),
                    block: block, host: host)
    }

    @Test func aStoredLoadChecksTheHashAndSkipsTheDeployChecks() throws {
        let bytes = try wat(#"(func (export "noop"))"#)
        let checked = try ContractCode(bytes: bytes)
        let stored = try ContractCode(stored: bytes, codeHash: Hash256.sha256(bytes))
        #expect(stored.codeHash == checked.codeHash && stored.methods == checked.methods)
        #expect(stored.initialPages == checked.initialPages && stored.maxPages == checked.maxPages)
        // Bytes that are not the code stored under the hash are refused.
        let other = try wat(#"(func (export "other"))"#)
        #expect(throws: ContractModuleError.codeHashMismatch(expected: Hash256.sha256(bytes), found: Hash256.sha256(other))) {
            try ContractCode(stored: other, codeHash: Hash256.sha256(bytes))
        }
        // The instruction walk is a deploy's: a float instruction is refused there only
        // (code in the state passed it when it was deployed).
        let float = try wat(#"(func (export "f") (drop (f32.const 1)))"#)
        #expect(throws: ContractModuleError.self) { try ContractCode(bytes: float) }
        #expect(try ContractCode(stored: float, codeHash: Hash256.sha256(float)).methods == ["f"])
    }

    @Test func aColdCallPaysForItsCodeAndLaterCallsInTheBlockDoNot() throws {
        let code = try ContractCode(bytes: try wat(#"(func (export "noop")) (func (export "trap") unreachable)"#))
        let host = InMemoryContractHost()
        let cold = call(code, "noop", on: host)
        let warm = call(code, "noop", on: host)
        #expect(cold.succeeded && warm.succeeded)
        #expect(cold.gasUsed - warm.gasUsed == schedule.perCodeKiB * kib(code))
        #expect(schedule.entryCost(of: code, loaded: false) == schedule.callBase + schedule.perCodeKiB * kib(code))
        #expect(schedule.entryCost(of: code, loaded: true) == schedule.callBase)
        // A call that fails leaves the code unloaded: the next pays for it again.
        let failed = call(code, "trap", on: host)
        #expect(failed.error == .trapped(.unreachable))
        #expect(call(code, "noop", on: host).gasUsed == cold.gasUsed)
        #expect(call(code, "noop", on: host).gasUsed == warm.gasUsed)
        // Another host (another block) starts cold, whatever this node holds.
        #expect(call(code, "noop", on: InMemoryContractHost()).gasUsed == cold.gasUsed)
        // An unknown method stops before running: the code stays loaded.
        #expect(call(code, "missing", on: host).error == .unknownMethod("missing"))
        #expect(call(code, "noop", on: host).gasUsed == warm.gasUsed)
    }

    @Test func aBlockKeepsAtMostTheMostCodesLoaded() throws {
        let runtime = ContractRuntime()
        let host = InMemoryContractHost()
        // Distinct codes (their data differs).
        let codes = try (0...GasSchedule.maxLoadedCodes).map { n in
            try ContractCode(bytes: try wat("(func (export \"noop\")) (data (i32.const 0) \"\(n)\")"))
        }
        let cold = call(codes[0], "noop", on: host, runtime: runtime).gasUsed
        for code in codes.dropFirst() { _ = call(code, "noop", on: host, runtime: runtime) }
        #expect(host.loadedCodeCount == GasSchedule.maxLoadedCodes)
        // The one past the most was not kept: it pays again; the first is still loaded.
        let last = try #require(codes.last)
        #expect(call(last, "noop", on: host, runtime: runtime).gasUsed == cold)
        #expect(call(codes[0], "noop", on: host, runtime: runtime).gasUsed == cold - schedule.perCodeKiB * kib(codes[0]))
    }
}
