import Foundation
import KusariContracts
import KusariCore
import Testing

/// Modules that try to break the node: each is refused at deploy or stopped at run time
/// with a typed error and the gas the rules say, never a crash.
@Suite struct HostileModuleTests {
    @Test func anEndlessLoopRunsOutOfGasAndIsChargedTheWholeLimit() throws {
        let bytes = try wat(#"(func (export "spin") (loop $l (br $l)))"#)
        let outcome = try runOnce(bytes, "spin", gas: 250_000)
        #expect(outcome.error == .outOfGas)
        #expect(outcome.gasUsed == 250_000)
    }

    @Test func aLimitBelowTheEntryCostIsOutOfGas() throws {
        let bytes = try wat(#"(func (export "noop"))"#)
        let outcome = try runOnce(bytes, "noop", gas: 10)
        #expect(outcome.error == .outOfGas)
        #expect(outcome.gasUsed == 10)
    }

    @Test func memoryGrowthPastTheLimitFailsAndTouchingBeyondItTraps() throws {
        // memory.grow past the declared maximum returns -1 (the SDK's allocator then traps).
        let grow = try wat(#"""
            (func (export "grow")
              (if (i32.eq (memory.grow (i32.const 100)) (i32.const -1)) (then unreachable)))
            """#)
        #expect(try runOnce(grow, "grow").error == .trapped(.unreachable))
        // A module that ignores the -1 and stores past 16 pages traps on the store.
        let ignore = try wat(#"""
            (func (export "grow")
              (drop (memory.grow (i32.const 100)))
              (i32.store (i32.const 1048576) (i32.const 1)))
            """#)
        #expect(try runOnce(ignore, "grow").error == .trapped(.memoryOutOfBounds))
        // Growing within the limit works and is charged per page.
        let within = try wat(#"(func (export "grow") (drop (memory.grow (i32.const 15))))"#)
        let small = try runOnce(try wat(#"(func (export "grow"))"#), "grow")
        let big = try runOnce(within, "grow")
        #expect(big.succeeded && small.succeeded)
        #expect(big.gasUsed - small.gasUsed > 15 * GasSchedule.standard.perMemoryPage)
    }

    @Test func deepRecursionTrapsCleanly() throws {
        let bytes = try wat(#"(func $r (export "recurse") (call $r))"#)
        let outcome = try runOnce(bytes, "recurse", gas: 50_000_000)
        #expect(outcome.error == .trapped(.callStackExhausted))
        #expect(outcome.gasUsed < 50_000_000)
    }

    @Test func theCallDepthLimitIsFixedByTheStackSize() throws {
        // $r recurses n times (n read from the first 4 bytes of the input).
        let bytes = try wat(#"""
            (import "kusari" "input_read" (func $in (param i32)))
            (func $r (param $n i32)
              (if (local.get $n) (then (call $r (i32.sub (local.get $n) (i32.const 1))))))
            (func (export "go") (call $in (i32.const 0)) (call $r (i32.load (i32.const 0))))
            """#)
        func depthOK(_ n: UInt32) throws -> Bool {
            let input = withUnsafeBytes(of: n.littleEndian) { Array($0) }
            let outcome = try runOnce(bytes, "go", input: input, gas: 100_000_000)
            if let error = outcome.error { #expect(error == .trapped(.callStackExhausted)) }
            return outcome.succeeded
        }
        var low: UInt32 = 1, high: UInt32 = 1_000_000
        #expect(try depthOK(low) && !(try depthOK(high)))
        while high - low > 1 {
            let mid = (low + high) / 2
            if try depthOK(mid) { low = mid } else { high = mid }
        }
        print("deepest recursion of a one-parameter function with 256 KiB of stack: \(low)")
        #expect(low == 4_093)  // docs/protocol.md 18.4
        #expect(try depthOK(low) && !(try depthOK(low + 1)))  // the same limit every time
    }

    @Test func unreachableAndDivisionByZeroTrap() throws {
        #expect(try runOnce(try wat(#"(func (export "boom") unreachable)"#), "boom").error == .trapped(.unreachable))
        let divide = try wat(#"(func (export "div") (drop (i32.div_u (i32.const 1) (i32.const 0))))"#)
        #expect(try runOnce(divide, "div").error == .trapped(.integerDivideByZero))
    }

    @Test func aFailedCallLeavesNoTrace() throws {
        // Writes a key through the host, then traps: the write is rolled back.
        let bytes = try wat(#"""
            (import "kusari" "storage_write" (func $w (param i32 i32 i32 i32)))
            (data (i32.const 0) "key")
            (func (export "write_then_trap") (call $w (i32.const 0) (i32.const 3) (i32.const 0) (i32.const 3)) unreachable)
            (func (export "write") (call $w (i32.const 0) (i32.const 3) (i32.const 0) (i32.const 3)))
            """#)
        let host = InMemoryContractHost()
        #expect(try runOnce(bytes, "write_then_trap", host: host).error == .trapped(.unreachable))
        #expect(host.entries(of: contractAddress).isEmpty)
        #expect(try runOnce(bytes, "write", host: host).succeeded)
        #expect(host.entries(of: contractAddress).map(\.key) == [Array("key".utf8)])
    }

    @Test func hostPointersOutsideTheMemoryAreAViolation() throws {
        let bytes = try wat(#"""
            (import "kusari" "storage_write" (func $w (param i32 i32 i32 i32)))
            (func (export "bad") (call $w (i32.const 65530) (i32.const 10) (i32.const 0) (i32.const 1)))
            (func (export "huge") (call $w (i32.const 0) (i32.const 4096) (i32.const 0) (i32.const 1)))
            """#)
        guard case .hostViolation(let message)? = try runOnce(bytes, "bad").error else {
            Issue.record("expected a host violation"); return
        }
        #expect(message.contains("outside the memory"))
        guard case .hostViolation(let huge)? = try runOnce(bytes, "huge").error else {
            Issue.record("expected a host violation"); return
        }
        #expect(huge.contains("limit is 128"))
    }

    @Test func unknownMethodsAreRefused() throws {
        let outcome = try runOnce(try wat(#"(func (export "a"))"#), "b")
        #expect(outcome.error == .unknownMethod("b"))
    }

    // MARK: deploy-time refusals

    func refusal(_ bytes: [UInt8], limits: ContractLimits = .standard) -> ContractModuleError? {
        do { _ = try ContractCode(bytes: bytes, limits: limits); return nil } catch { return error }
    }

    @Test func floatingPointIsRefused() throws {
        let add = try wat(#"(func (export "f") (drop (f32.add (f32.const 1) (f32.const 2))))"#)
        guard case .floatingPoint? = refusal(add) else { Issue.record("f32.add accepted: \(String(describing: refusal(add)))"); return }
        let convert = try wat(#"(func (export "f") (drop (i32.trunc_f64_s (f64.const 1))))"#)
        guard case .floatingPoint? = refusal(convert) else { Issue.record("f64 conversion accepted"); return }
        let local = try wat(#"(func (export "f") (local f64))"#)
        guard case .floatingPoint? = refusal(local) else { Issue.record("f64 local accepted"); return }
        let param = try wat(#"(func (param f32)) (func (export "f"))"#)
        guard case .floatingPoint? = refusal(param) else { Issue.record("f32 parameter accepted"); return }
    }

    @Test func importsMustBeKnownHostFunctionsWithExactSignatures() throws {
        let unknownModule = try wat(#"(import "env" "abort" (func)) (func (export "f"))"#)
        #expect(refusal(unknownModule) == .unknownImport(module: "env", name: "abort"))
        let unknownName = try wat(#"(import "kusari" "self_destruct" (func)) (func (export "f"))"#)
        #expect(refusal(unknownName) == .unknownImport(module: "kusari", name: "self_destruct"))
        let wrong = try wat(#"(import "kusari" "caller" (func (param i64))) (func (export "f"))"#)
        #expect(refusal(wrong) == .importSignature(name: "caller", expected: "[i32] -> []", actual: "[i64] -> []"))
        let memoryImport = try wat(#"(import "kusari" "memory" (memory 1)) (func (export "f"))"#, memory: "")
        #expect(refusal(memoryImport) == .unsupportedImport(module: "kusari", name: "memory"))
    }

    @Test func memoryMustHaveABoundedMaximum() throws {
        let unbounded = try wat(#"(func (export "f"))"#, memory: #"(memory (export "memory") 1)"#)
        guard case .memory? = refusal(unbounded) else { Issue.record("unbounded memory accepted"); return }
        let big = try wat(#"(func (export "f"))"#, memory: #"(memory (export "memory") 1 17)"#)
        guard case .memory(let m)? = refusal(big) else { Issue.record("17 pages accepted"); return }
        #expect(m.contains("limit is 16"))
        let none = try wat(#"(func (export "f"))"#, memory: "")
        guard case .memory? = refusal(none) else { Issue.record("no memory accepted"); return }
        let unexported = try wat(#"(func (export "f"))"#, memory: "(memory 1 2)")
        #expect(refusal(unexported) == .missingExport("memory"))
    }

    @Test func startFunctionsMethodSignaturesAndNamesAreChecked() throws {
        let start = try wat(#"(func $s) (start $s) (func (export "f"))"#)
        #expect(refusal(start) == .startFunction)
        let params = try wat(#"(func (export "f") (param i32))"#)
        #expect(refusal(params) == .methodSignature(name: "f", actual: "[i32] -> []"))
        let name = try wat(#"(func (export "Transfer"))"#)
        #expect(refusal(name) == .invalidMethodName("Transfer"))
        let global = try wat(#"(global (export "g") i32 (i32.const 0)) (func (export "f"))"#)
        #expect(refusal(global) == .unsupportedExport("g"))
    }

    @Test func oversizeAndGarbageModulesAreRefused() throws {
        let filler = String(repeating: "a", count: 140_000)
        let big = try wat(#"(data (i32.const 0) "\#(filler)") (func (export "f"))"#, memory: #"(memory (export "memory") 3 16)"#)
        #expect(refusal(big) == .tooLarge(size: big.count, limit: 128 * 1024))
        guard case .malformed? = refusal([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF]) else {
            Issue.record("garbage accepted"); return
        }
        guard case .malformed? = refusal(Array("hello, world".utf8)) else { Issue.record("text accepted"); return }
        guard case .malformed? = refusal([]) else { Issue.record("empty accepted"); return }
    }

    @Test func simdAndOtherProposalsAreRefused() throws {
        let passive = try wat(#"(data $d "x") (func (export "f") (data.drop $d))"#)
        #expect(refusal(passive) == .unsupportedInstruction(function: 0, instruction: "dataDrop"))
        let table = try wat(#"(table 1 funcref) (func (export "f") (drop (table.size 0)))"#)
        guard case .unsupportedInstruction? = refusal(table) else {
            Issue.record("table.size accepted: \(String(describing: refusal(table)))"); return
        }
    }

    @Test func theSameCallGivesTheSameGasAndResultEveryTime() throws {
        let bytes = try wat(#"""
            (import "kusari" "storage_write" (func $w (param i32 i32 i32 i32)))
            (import "kusari" "return_data" (func $r (param i32 i32)))
            (data (i32.const 0) "counter")
            (func (export "work") (local $i i32)
              (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
              (i32.store (i32.const 16) (local.get $i))
              (call $w (i32.const 0) (i32.const 7) (i32.const 16) (i32.const 4))
              (call $r (i32.const 16) (i32.const 4)))
            """#)
        let outcomes = try (0..<5).map { _ in try runOnce(bytes, "work") }
        #expect(Set(outcomes.map(\.gasUsed)).count == 1)
        #expect(outcomes.allSatisfy { $0 == outcomes[0] && $0.succeeded })
        #expect(outcomes[0].returnData == [0xE8, 0x03, 0, 0])
    }
}
