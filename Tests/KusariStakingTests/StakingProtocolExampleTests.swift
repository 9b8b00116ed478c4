import Foundation
import KusariCore
@testable import KusariStaking
import Testing

/// docs/protocol.md section 20.8 (computed in Python by docs/staking-example.py) must be
/// exactly what the code does: every value is read from the document and rebuilt here.
@Suite struct StakingProtocolExampleTests {
    let fields: [String: String]

    init() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let marker = "<!-- worked-example:staking -->"
        let start = try #require(document.range(of: marker), "\(marker) not found in docs/protocol.md")
        let rest = document[start.upperBound...]
        let open = try #require(rest.range(of: "```text\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        var f: [String: String] = [:]
        for line in rest[open.upperBound..<close.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { f[String(parts[0])] = String(parts[1]) }
        }
        fields = f
    }

    func text(_ name: String) throws -> String { try #require(fields[name], "no \(name) in 20.8") }
    func number(_ name: String) throws -> UInt64 { try #require(UInt64(try text(name))) }

    @Test func transactionsStateAndTheRewardSplitAreWhatTheCodeProduces() throws {
        let ksr = Amount.unitsPerKSR
        let c = try StakingTestChain(parameters: StakingParameters(), accounts: 3, initialSubsidy: 1_000_003)
        let (alice, bob, carol) = (c.who(0), c.who(1), c.who(2))
        #expect(alice.hex == (try text("alice")))
        #expect(bob.hex == (try text("bob")))
        #expect(carol.hex == (try text("carol")))
        #expect(c.consensusKeys[0].publicKey.hex == (try text("aliceConsensusKey")))

        let create = try c.create(0, bond: 300 * ksr, commissionBps: 1_000)
        let delegate = try c.tx(2, .delegate(validator: alice, amount: 100 * ksr))
        #expect(Hex.encode(create.encoded) == (try text("createValidator")))
        #expect(create.id.hex == (try text("createValidatorId")))
        #expect(Hex.encode(delegate.encoded) == (try text("delegate")))
        #expect(delegate.id.hex == (try text("delegateId")))
        #expect(try Transaction(decoding: try Hex.decode(try text("delegate"))) == delegate)
        let unjail = try Transaction(chainId: 5, key: c.keys[0], nonce: 1, staking: .unjail(validator: alice), fee: 1_000)
        #expect(unjail.encodedSize == Int(try number("unjailSize")))

        #expect(StakingModule.address.hex == (try text("moduleAddress")))
        #expect(StakingModule.codeHash.hex == (try text("moduleCodeHash")))
        try c.block([create, c.create(1, bond: 100 * ksr, commissionBps: 0), delegate], signers: [])
        #expect(c.failures == [nil, nil, nil])
        let storage = c.state.storage(StakingModule.address)
        #expect(Hex.encode(StakingKey.power(400 * ksr, alice)) == (try text("powerKeyAlice")))
        #expect(storage.value(StakingKey.power(400 * ksr, alice)) == [0x01])
        #expect(Hex.encode(StakingKey.delegation(alice, carol)) == (try text("delegationKey")))
        #expect(storage.value(StakingKey.delegation(alice, carol)).map(Hex.encode) == (try text("delegationValue")))
        #expect(Hex.encode(StakingKey.votingSet(3)) == (try text("votingSetKey")))
        #expect(storage.value(StakingKey.votingSet(3)).map(Hex.encode) == (try text("votingSetValue")))

        let aliceBefore = c.balance(0)
        try c.block(signers: [ConsensusRecord.Signer(consensusKey: c.consensusKeys[0].publicKey, power: 400),
                              ConsensusRecord.Signer(consensusKey: c.consensusKeys[1].publicKey, power: 100)])
        #expect(c.balance(0) - aliceBefore == (try number("commissionAlice")))
        #expect(c.view.pendingRewards(of: carol, with: alice) == (try number("rewardCarol")))
        #expect(c.view.pendingRewards(of: alice, with: alice) == (try number("rewardAlice")))
        #expect(c.view.pendingRewards(of: bob, with: bob) == (try number("rewardBob")))
        #expect(c.view.rewardPool == (try number("rewardPool")))
        #expect(try number("partAlice") + (try number("partBob")) == 1_000_003)
        #expect(try number("commissionBob") == 0)
        #expect(Hex.encode(StakingKey.validator(alice)) == (try text("validatorKey")))
        let record = c.state.storage(StakingModule.address).value(StakingKey.validator(alice))
        #expect(record.map(Hex.encode) == (try text("validatorValue")))

        // Double signing at height 2, proved in block 3: 5% of alice's 400 KSR is burned.
        try c.block(offences: [ConsensusRecord.Offence(consensusKey: c.consensusKeys[0].publicKey, height: 2)])
        #expect(c.view.burned == (try number("doubleSignBurn")))
    }
}
