import KusariContractSDK
import Testing
import TokenContract
import RegistryContract
import EscrowContract

/// A contract's logic tested natively: the SDK over `TestHost` instead of a node, no
/// WebAssembly involved. This is how a contract author unit-tests with `swift test`.
/// Serialized: the SDK's native host is one global.
@Suite(.serialized) struct NativeContractTests {
    let alice = Address(bytes: [UInt8](repeating: 0xA1, count: 20))!
    let bob = Address(bytes: [UInt8](repeating: 0xB0, count: 20))!
    let carol = Address(bytes: [UInt8](repeating: 0xCA, count: 20))!
    let contract = Address(bytes: [UInt8](repeating: 0xC0, count: 20))!

    func args(_ build: (inout ArgumentWriter) -> Void) -> ArgumentWriter {
        var w = ArgumentWriter(); build(&w); return w
    }

    func u64(_ outcome: TestHost.Outcome) throws -> UInt64 {
        guard case .returned(let bytes) = outcome else { throw Revert("call reverted") }
        var r = ArgumentReader(bytes)
        return try r.readU64()
    }

    @Test func tokenLogic() throws {
        let host = TestHost(contract: contract)
        #expect(host.call(tokenInit, from: alice, arguments: args { $0.write(UInt64(1_000)) }) == .returned([]))
        #expect(host.call(tokenTransfer, from: alice, arguments: args { $0.write(bob); $0.write(UInt64(40)) }) == .returned([]))
        #expect(host.events.count == 1)
        #expect(try u64(host.call(tokenBalanceOf, from: carol, arguments: args { $0.write(bob) })) == 40)
        let storageBefore = host.storage
        #expect(host.call(tokenTransfer, from: bob, arguments: args { $0.write(alice); $0.write(UInt64(41)) })
                == .reverted("insufficient balance"))
        #expect(host.storage == storageBefore && host.events.isEmpty)
        #expect(host.call(tokenTransfer, from: bob, arguments: args { $0.write(alice) }) == .reverted("invalid arguments"))
    }

    @Test func registryLogic() throws {
        let host = TestHost(contract: contract)
        host.setBalance(alice, 100)
        #expect(host.call(registryInit, from: alice, arguments: args { $0.write(UInt64(5)) }) == .returned([]))
        let name = Array("kusari".utf8)
        #expect(host.call(registryRegister, from: alice, arguments: args { $0.write(name) }, value: 5) == .returned([]))
        #expect(host.balance(contract) == 5)
        #expect(host.call(registryRegister, from: alice, arguments: args { $0.write(name) }, value: 5) == .reverted("name is taken"))
        #expect(host.balance(contract) == 5 && host.balance(alice) == 95)
        var expected = ArgumentWriter(); expected.write(alice)
        #expect(host.call(registryOwner, from: bob, arguments: args { $0.write(name) }) == .returned(expected.bytes))
    }

    @Test func escrowLogic() throws {
        let host = TestHost(contract: contract)
        host.setBalance(alice, 100)
        #expect(host.call(escrowInit, from: alice, arguments: args { $0.write(bob); $0.write(carol); $0.write(Int64(0)) })
                == .returned([]))
        #expect(host.call(escrowDeposit, from: alice, value: 60) == .returned([]))
        #expect(host.call(escrowRelease, from: bob) == .reverted("only the buyer or the arbiter releases"))
        #expect(host.call(escrowRelease, from: alice) == .returned([]))
        #expect(host.balance(bob) == 60 && host.balance(contract) == 0)
    }

    @Test func theCodecRoundTripsAndRefusesMalformedInput() throws {
        var w = ArgumentWriter()
        w.write(UInt64(5)); w.write(Int64(-2)); w.write(true); w.write([UInt8]([1, 2])); w.write(alice)
        var r = ArgumentReader(w.bytes)
        #expect(try r.readU64() == 5)
        #expect(try r.readI64() == -2)
        #expect(try r.readBool() == true)
        #expect(try r.readBytes() == [1, 2])
        #expect(try r.readAddress() == alice)
        try r.finish()
        var bad = ArgumentReader([0x03, 0x02])
        #expect(throws: Revert.invalidArguments) { try bad.readBool() }
        var short = ArgumentReader([0x04, 0, 0, 0, 9, 1])
        #expect(throws: Revert.invalidArguments) { try short.readBytes() }
    }
}
