import KusariContracts
import KusariCore
import Testing

/// The host seam: nested checkpoints (how messages between contracts will be all or
/// nothing) and messages a call queues.
@Suite struct HostSeamTests {
    @Test func nestedCheckpointsRollBackExactlyTheirOwnChanges() {
        let host = InMemoryContractHost()
        host.setBalance(alice, 100)
        let outer = host.checkpoint()
        host.storageSet(contractAddress, key: [1], value: [1])
        #expect(host.transfer(from: alice, to: bob, amount: 30))
        let inner = host.checkpoint()
        host.storageSet(contractAddress, key: [1], value: [2])
        host.storageSet(contractAddress, key: [2], value: [2])
        #expect(host.transfer(from: alice, to: carol, amount: 50))
        #expect(!host.transfer(from: alice, to: carol, amount: 50))
        host.rollback(to: inner)
        #expect(host.storageGet(contractAddress, key: [1]) == [1])
        #expect(host.storageGet(contractAddress, key: [2]) == nil)
        #expect(host.balance(of: alice) == 70 && host.balance(of: carol) == 0)
        host.commit(outer)
        #expect(host.balance(of: bob) == 30)
        // Two checkpoints with nothing between them are still told apart.
        let first = host.checkpoint(), second = host.checkpoint()
        #expect(first != second)
        host.storageSet(contractAddress, key: [3], value: [3])
        host.rollback(to: second)
        host.commit(first)
        #expect(host.storageGet(contractAddress, key: [3]) == nil)
        let again = host.checkpoint()
        #expect(host.storageRemove(contractAddress, key: [1]))
        host.rollback(to: again)
        #expect(host.storageGet(contractAddress, key: [1]) == [1])
    }

    @Test func storageIterationIsBytewiseWithinThePrefix() {
        let host = InMemoryContractHost()
        for key: [UInt8] in [[1, 2], [1], [1, 1, 9], [2], [0, 9]] { host.storageSet(contractAddress, key: key, value: key) }
        var found: [[UInt8]] = []
        var cursor: [UInt8]? = nil
        while let next = host.storageNext(contractAddress, prefix: [1], after: cursor) { found.append(next); cursor = next }
        #expect(found == [[1], [1, 1, 9], [1, 2]])
        #expect(host.storageNext(bob, prefix: [], after: nil) == nil)
    }

    @Test func aCallsMessagesAreReturnedOnlyWhenItSucceeds() throws {
        let bytes = try wat(#"""
            (import "kusari" "send_message" (func $send (param i32 i32 i32 i32 i32 i64)))
            (data (i32.const 0) "\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0\b0ping")
            (func (export "send") (call $send (i32.const 0) (i32.const 20) (i32.const 4) (i32.const 0) (i32.const 0) (i64.const 7)))
            (func (export "send_then_fail") (call $send (i32.const 0) (i32.const 20) (i32.const 4) (i32.const 0) (i32.const 0) (i64.const 7)) unreachable)
            """#)
        let sent = try runOnce(bytes, "send")
        #expect(sent.messages == [ContractMessage(sender: contractAddress, contract: bob, method: "ping", input: [], value: 7)])
        let failed = try runOnce(bytes, "send_then_fail")
        #expect(failed.error == .trapped(.unreachable) && failed.messages.isEmpty)
    }

    @Test func aFinishedCallKeepsNothingAlive() throws {
        // The store owns the host functions, which hold the call's state and host: a cycle
        // through them would keep every call's store, memory and host forever.
        let code = try ContractCode(bytes: try wat(#"""
            (import "kusari" "storage_write" (func $w (param i32 i32 i32 i32)))
            (func (export "write") (call $w (i32.const 0) (i32.const 3) (i32.const 0) (i32.const 3)))
            (func (export "trap") unreachable)
            """#))
        weak var released: InMemoryContractHost?
        do {
            let host = InMemoryContractHost()
            released = host
            for method in ["write", "trap"] {
                _ = ContractRuntime().run(code, ContractCall(contract: contractAddress, caller: alice, method: method,
                                                             gasLimit: 1_000_000), block: block, host: host)
            }
        }
        #expect(released == nil)
    }

    @Test func aReusedInstanceIsIndistinguishableFromAFreshOne() throws {
        // Each call adds one to a mutable global and to a byte of memory, grows the memory
        // when asked, and returns both: with reuse, every call must still see them fresh.
        let bytes = try wat(#"""
            (import "kusari" "return_data" (func $r (param i32 i32)))
            (import "kusari" "input_size" (func $n (result i32)))
            (global $g (export "__g") (mut i32) (i32.const 5))
            (data (i32.const 100) "\07")
            (func (export "bump")
              (global.set $g (i32.add (global.get $g) (i32.const 1)))
              (i32.store8 (i32.const 100) (i32.add (i32.load8_u (i32.const 100)) (i32.const 1)))
              (if (call $n) (then (drop (memory.grow (i32.const 1)))))
              (i32.store8 (i32.const 101) (global.get $g))
              (i32.store8 (i32.const 102) (memory.size))
              (call $r (i32.const 100) (i32.const 3)))
            (func (export "fail")
              (global.set $g (i32.const 99)) (i32.store8 (i32.const 100) (i32.const 99)) unreachable)
            """#)
        let code = try ContractCode(bytes: bytes)
        for reuse in [true, false] {
            let runtime = ContractRuntime(reuseInstances: reuse)
            let host = InMemoryContractHost()
            func call(_ method: String, grow: Bool = false) -> ContractOutcome {
                runtime.run(code, ContractCall(contract: contractAddress, caller: alice, method: method,
                                               input: grow ? [1] : [], gasLimit: 1_000_000), block: block, host: host)
            }
            // The first call loads the code; the next finds it loaded (18.5) and pays less.
            let first = call("bump")
            #expect(first.returnData == [8, 6, 1])
            let load = GasSchedule.standard.perCodeKiB * UInt64((code.bytes.count + 1023) / 1024)
            let warm = ContractOutcome(result: first.result, gasUsed: first.gasUsed - load)
            #expect(call("bump") == warm)
            // A failed call unloads the code; so does one whose memory grew (its instance is not kept).
            #expect(call("fail").error == .trapped(.unreachable))
            #expect(call("bump") == first)
            #expect(call("bump", grow: true).returnData == [8, 6, 2])
            #expect(call("bump") == first)
            #expect(call("bump") == warm)
        }
        let hidden = try wat(#"(global $g (mut i32) (i32.const 0)) (func (export "f") (global.set $g (i32.const 1)))"#)
        #expect(throws: ContractModuleError.unexportedMutableGlobal(0)) { try ContractCode(bytes: hidden) }
    }

    @Test func theAttachedValueMovesWithTheCallAndBackWhenItFails() throws {
        let bytes = try wat(#"""
            (func (export "keep"))
            (func (export "fail") unreachable)
            """#)
        let host = InMemoryContractHost()
        host.setBalance(alice, 10)
        let code = try ContractCode(bytes: bytes)
        let runtime = ContractRuntime()
        func call(_ method: String, _ value: UInt64) -> ContractOutcome {
            runtime.run(code, ContractCall(contract: contractAddress, caller: alice, method: method, value: value, gasLimit: 1_000_000),
                        block: block, host: host)
        }
        #expect(call("fail", 4).error == .trapped(.unreachable))
        #expect(host.balance(of: alice) == 10 && host.balance(of: contractAddress) == 0)
        #expect(call("keep", 4).succeeded)
        #expect(host.balance(of: alice) == 6 && host.balance(of: contractAddress) == 4)
        #expect(call("keep", 7).error == .insufficientFunds(balance: 6, value: 7))
    }
}
