import Foundation
import KusariContracts
import KusariCore
import Testing

/// The example contracts, built from their Swift sources with the real toolchain (Embedded
/// Swift to wasm32), deployed into an in-memory host and exercised through the runtime.
@Suite struct ExampleContractTests {
    func deploy(_ build: @autoclosure @escaping @Sendable () -> Result<ContractBuild, ContractBuildError>) async throws -> Deployed {
        let built = try await Examples.built(build)
        #expect(built.size < 32 * 1024)
        #expect(built.codeHash == Hash256.sha256(built.wasm))
        return Deployed(code: built.code)
    }

    func u64(_ outcome: ContractOutcome, _ token: Deployed) throws -> UInt64 {
        guard case .u64(let v)? = try token.values(outcome).first else { throw ContractError.reverted("not a u64") }
        return v
    }

    @Test func theTokenMintsTransfersApprovesAndSpendsAllowances() async throws {
        let token = try await deploy(Examples.token)
        #expect(token.code.methods == ["allowance", "approve", "balance_of", "init", "total_supply", "transfer", "transfer_from"])
        let initialised = token.call("init", from: alice, [.u64(1_000)])
        #expect(initialised.succeeded, "\(initialised)")
        #expect(try u64(token.call("balance_of", from: bob, [.address(alice)]), token) == 1_000)
        #expect(token.call("init", from: alice, [.u64(5)]).error == .reverted("already initialised"))

        let transfer = token.call("transfer", from: alice, [.address(bob), .u64(250)])
        #expect(transfer.succeeded, "\(transfer)")
        #expect(transfer.events == [ContractEvent(contract: contractAddress, topic: Array("transfer".utf8),
                                                  data: ContractValue.encode([.address(alice), .address(bob), .u64(250)]))])
        #expect(try u64(token.call("balance_of", from: bob, [.address(bob)]), token) == 250)
        #expect(try u64(token.call("balance_of", from: bob, [.address(alice)]), token) == 750)
        print("token transfer: \(transfer.gasUsed) gas; init: \(initialised.gasUsed) gas; entry cost \(GasSchedule.standard.entryCost(of: token.code, loaded: false)), code \(token.code.bytes.count) bytes, memory \(token.code.initialPages) pages")

        #expect(token.call("approve", from: bob, [.address(carol), .u64(100)]).succeeded)
        #expect(try u64(token.call("allowance", from: alice, [.address(bob), .address(carol)]), token) == 100)
        let spend = token.call("transfer_from", from: carol, [.address(bob), .address(alice), .u64(60)])
        #expect(spend.succeeded, "\(spend)")
        print("token transfer_from: \(spend.gasUsed) gas")
        #expect(try u64(token.call("allowance", from: alice, [.address(bob), .address(carol)]), token) == 40)
        #expect(token.call("transfer_from", from: carol, [.address(bob), .address(alice), .u64(41)]).error
                == .reverted("allowance exceeded"))
        #expect(try u64(token.call("balance_of", from: bob, [.address(alice)]), token) == 810)
        #expect(try u64(token.call("total_supply", from: bob), token) == 1_000)
    }

    @Test func aRevertedTransferLeavesNoTraceButItsGas() async throws {
        let token = try await deploy(Examples.token)
        #expect(token.call("init", from: alice, [.u64(100)]).succeeded)
        let before = token.host.entries(of: contractAddress)
        let failed = token.call("transfer", from: bob, [.address(alice), .u64(1)])
        #expect(failed.error == .reverted("insufficient balance"))
        #expect(failed.events.isEmpty && failed.gasUsed > 0)
        #expect(token.host.entries(of: contractAddress).map(\.key) == before.map(\.key))
        #expect(token.host.entries(of: contractAddress).map(\.value) == before.map(\.value))
    }

    @Test func garbageArgumentsRevert() async throws {
        let token = try await deploy(Examples.token)
        #expect(token.call("init", from: alice, [.u64(100)]).succeeded)
        let garbage = token.runtime.run(token.code, ContractCall(contract: contractAddress, caller: alice, method: "transfer",
                                                                 input: [0xFF, 0x00, 0x13], gasLimit: 10_000_000),
                                        block: block, host: token.host)
        #expect(garbage.error == .reverted("invalid arguments"))
        #expect(token.call("transfer", from: alice, [.u64(1), .u64(1)]).error == .reverted("invalid arguments"))
        #expect(token.call("transfer", from: alice, [.address(bob), .u64(1), .u64(1)]).error == .reverted("invalid arguments"))
    }

    @Test func tooLittleGasRunsOutAndChargesTheLimit() async throws {
        let token = try await deploy(Examples.token)
        #expect(token.call("init", from: alice, [.u64(100)]).succeeded)
        // The first transfer to bob costs less (his balance is absent, a shorter read);
        // from the second on, every transfer reads and writes the same sizes.
        #expect(token.call("transfer", from: alice, [.address(bob), .u64(1)]).succeeded)
        let full = token.call("transfer", from: alice, [.address(bob), .u64(1)])
        let short = token.call("transfer", from: alice, [.address(bob), .u64(1)], gas: full.gasUsed - 1)
        #expect(short.error == .outOfGas && short.gasUsed == full.gasUsed - 1)
        // The failed call unloaded the code (18.5): one more call loads it again, as before `full`.
        #expect(token.call("transfer", from: alice, [.address(bob), .u64(1)]).succeeded)
        let exact = token.call("transfer", from: alice, [.address(bob), .u64(1)], gas: full.gasUsed)
        #expect(exact.succeeded && exact.gasUsed == full.gasUsed, "\(exact) vs \(full)")
        print("token transfer to an existing holder: \(full.gasUsed) gas")
    }

    @Test func tokenTransfersAreDeterministic() async throws {
        // Fresh instances every call, and reused ones, give the same outcomes.
        var runs: [[ContractOutcome]] = []
        for reuse in [true, false, true] {
            var token = try await deploy(Examples.token)
            token.runtime = ContractRuntime(reuseInstances: reuse)
            runs.append([token.call("init", from: alice, [.u64(1_000)]),
                         token.call("transfer", from: alice, [.address(bob), .u64(7)]),
                         token.call("transfer", from: bob, [.address(carol), .u64(8)])])
        }
        #expect(runs[0] == runs[1] && runs[1] == runs[2])
    }

    @Test func theRegistryRegistersResolvesTransfersListsAndReleases() async throws {
        let registry = try await deploy(Examples.registry)
        registry.host.setBalance(alice, 1_000)
        registry.host.setBalance(bob, 1_000)
        #expect(registry.call("init", from: alice, [.u64(10)]).succeeded)
        #expect(registry.call("register", from: alice, [.bytes(Array("alice".utf8))], value: 9).error
                == .reverted("attach the registration price"))
        #expect(registry.host.balance(of: alice) == 1_000)
        let registered = registry.call("register", from: alice, [.bytes(Array("alice".utf8))], value: 10)
        #expect(registered.succeeded, "\(registered)")
        print("registry register: \(registered.gasUsed) gas")
        #expect(registry.host.balance(of: alice) == 990 && registry.host.balance(of: contractAddress) == 10)
        #expect(registry.call("register", from: bob, [.bytes(Array("alice".utf8))], value: 10).error == .reverted("name is taken"))
        #expect(registry.call("register", from: bob, [.bytes(Array("Bob!".utf8))], value: 10).error
                == .reverted("name may hold only a-z, 0-9 and -"))
        #expect(registry.call("register", from: bob, [.bytes(Array("bob".utf8))], value: 10).succeeded)
        #expect(registry.call("register", from: bob, [.bytes(Array("ann".utf8))], value: 10).succeeded)
        #expect(try registry.values(registry.call("owner", from: carol, [.bytes(Array("alice".utf8))])) == [.address(alice)])
        // In the order of the encoded keys: the length prefix first, so shorter names first.
        let list = registry.call("list", from: carol, [.u64(10)])
        #expect(try registry.values(list) == [.list([.bytes(Array("ann".utf8)), .bytes(Array("bob".utf8)),
                                                     .bytes(Array("alice".utf8))])])
        #expect(try registry.values(registry.call("list", from: carol, [.u64(2)]))
                == [.list([.bytes(Array("ann".utf8)), .bytes(Array("bob".utf8))])])
        #expect(registry.call("transfer_name", from: bob, [.bytes(Array("alice".utf8)), .address(bob)]).error
                == .reverted("only the owner may transfer a name"))
        #expect(registry.call("transfer_name", from: alice, [.bytes(Array("alice".utf8)), .address(carol)]).succeeded)
        #expect(try registry.values(registry.call("owner", from: carol, [.bytes(Array("alice".utf8))])) == [.address(carol)])
        #expect(registry.call("release", from: carol, [.bytes(Array("alice".utf8))]).succeeded)
        #expect(registry.call("owner", from: carol, [.bytes(Array("alice".utf8))]).error == .reverted("name is not registered"))
    }

    @Test func theEscrowReleasesToTheSellerOrRefundsTheBuyer() async throws {
        let escrow = try await deploy(Examples.escrow)
        escrow.host.setBalance(alice, 500)
        let deadline: Int64 = block.time + 3_600
        #expect(escrow.call("init", from: alice, [.address(bob), .address(carol), .i64(deadline)]).succeeded)
        #expect(escrow.call("deposit", from: bob, value: 0).error == .reverted("only the buyer deposits"))
        let deposit = escrow.call("deposit", from: alice, value: 300)
        #expect(deposit.succeeded, "\(deposit)")
        #expect(escrow.host.balance(of: contractAddress) == 300)
        #expect(escrow.call("deposit", from: alice, value: 600) .error == .insufficientFunds(balance: 200, value: 600))
        #expect(escrow.call("refund", from: alice).error
                == .reverted("only the seller or the arbiter refunds (the buyer after the deadline)"))
        #expect(escrow.call("release", from: bob).error == .reverted("only the buyer or the arbiter releases"))
        let release = escrow.call("release", from: carol)
        #expect(release.succeeded, "\(release)")
        print("escrow release: \(release.gasUsed) gas")
        #expect(escrow.host.balance(of: bob) == 300 && escrow.host.balance(of: contractAddress) == 0)
        #expect(release.events.map(\.topic) == [Array("released".utf8)])
        #expect(try escrow.values(escrow.call("state", from: alice)) == [.u64(1), .u64(0)])
        #expect(escrow.call("refund", from: carol).error == .reverted("escrow is already settled"))

        // A second escrow: the buyer takes the deposit back after the deadline.
        let late = try await deploy(Examples.escrow)
        late.host.setBalance(alice, 500)
        #expect(late.call("init", from: alice, [.address(bob), .address(carol), .i64(deadline)]).succeeded)
        #expect(late.call("deposit", from: alice, value: 200).succeeded)
        #expect(late.call("refund", from: alice, time: deadline).error != nil)
        #expect(late.call("refund", from: alice, time: deadline + 1).succeeded)
        #expect(late.host.balance(of: alice) == 500)
    }
}
