import KusariCore
@testable import KusariStaking
import Testing

/// Rewards split by hand, commission and rounding; double-sign slashing reaching unbonding and
/// redelegated stake; evidence too old; downtime jailing, leaving the set and coming back.
@Suite struct StakingRewardAndSlashingTests {
    typealias Chain = StakingTestChain
    static let ksr = Chain.ksr

    static func parameters() -> StakingParameters {
        StakingParameters(maxValidators: 2, unbondingPeriod: 10, evidenceMaxAge: 5, signedBlocksWindow: 4, jailPeriod: 3,
                          commissionChangeInterval: 5)
    }

    func signer(_ c: Chain, _ i: Int, _ power: UInt64) -> ConsensusRecord.Signer {
        ConsensusRecord.Signer(consensusKey: c.consensusKeys[i].publicKey, power: power)
    }

    /// A: 300 KSR self-bond, 10% commission, and C's 100 KSR; B: 100 KSR, no commission.
    /// A reward of 1,000,003 units signed by A (400) and B (100): A's part is
    /// floor(1,000,003 × 400 / 500) = 800,002 plus the remainder 1; B's 200,000. A keeps
    /// floor(800,003 × 10%) = 80,000; its delegators share 720,003 by shares, rounded down:
    /// C 180,000 and A 540,002 (1 unit of dust stays in the pool); B's 200,000 over 10^10
    /// shares rounds down to 199,999.
    @Test func rewardsSplitExactlyByPowerThenCommissionThenShares() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 3, initialSubsidy: 1_000_003)
        try c.block([c.create(0, bond: 300 * Self.ksr, commissionBps: 1_000), c.create(1, bond: 100 * Self.ksr, commissionBps: 0),
                     c.tx(2, .delegate(validator: c.who(0), amount: 100 * Self.ksr))], signers: [])
        // Block 1's reward (subsidy and fees) went to the beneficiary: nobody signed a commit.
        #expect(c.state.account(c.miner).balance == 1_000_003 + 3 * Chain.fee)
        let a0 = c.balance(0), b0 = c.balance(1)
        try c.block(signers: [signer(c, 1, 100), signer(c, 0, 400)])
        #expect(c.balance(0) == a0 + 80_000)
        #expect(c.balance(1) == b0)   // no commission, and its own rewards wait in the pool
        #expect(c.view.pendingRewards(of: c.who(2), with: c.who(0)) == 180_000)
        #expect(c.view.pendingRewards(of: c.who(0), with: c.who(0)) == 540_002)
        #expect(c.view.pendingRewards(of: c.who(1), with: c.who(1)) == 199_999)
        #expect(c.view.rewardPool == 920_003)
        #expect(c.state.account(StakingModule.address).balance == 500 * Self.ksr + 920_003)

        // Withdrawing pays exactly what is pending; a new delegation pays it too.
        let c0 = c.balance(2)
        try c.block([c.tx(2, .withdrawRewards(validator: c.who(0)))], signers: [])
        #expect(c.failures == [nil])
        #expect(c.balance(2) == c0 - Chain.fee + 180_000)
        #expect(c.view.pendingRewards(of: c.who(2), with: c.who(0)) == 0)
        #expect(c.view.rewardPool == 740_003)
        let b1 = c.balance(1)
        try c.block([c.tx(1, .delegate(validator: c.who(1), amount: Self.ksr))], signers: [])
        #expect(c.balance(1) == b1 - Chain.fee - Self.ksr + 199_999)

        // Only the signers share: B alone signs and takes everything.
        let before = c.view.pendingRewards(of: c.who(0), with: c.who(0))
        try c.block(signers: [signer(c, 1, 101)])
        #expect(c.view.pendingRewards(of: c.who(0), with: c.who(0)) == before)
        #expect(c.view.pendingRewards(of: c.who(1), with: c.who(1)) > 990_000)
    }

    @Test func doubleSigningSlashesBondedUnbondingAndRedelegatedStakeAndTombstones() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 3)
        try c.block([c.create(0, bond: 100 * Self.ksr), c.create(1, bond: 100 * Self.ksr),
                     c.tx(2, .delegate(validator: c.who(0), amount: 100 * Self.ksr))])
        // The set voting at height 4 (the offence) was fixed at the end of block 2: stake that
        // left in block 2 did not vote there; stake that left in block 3 still did.
        try c.block([c.tx(2, .undelegate(validator: c.who(0), amount: 10 * Self.ksr))])          // height 2: not voting at 4
        try c.block([c.tx(2, .undelegate(validator: c.who(0), amount: 5 * Self.ksr))])           // height 3: still voting at 4
        try c.block([c.tx(2, .undelegate(validator: c.who(0), amount: 50 * Self.ksr))])          // height 4: the offence
        try c.block([c.tx(2, .redelegate(source: c.who(0), destination: c.who(1), amount: 20 * Self.ksr))]) // height 5
        #expect(c.failures == [nil])
        let supplyBefore = c.allBalances
        let offence = ConsensusRecord.Offence(consensusKey: c.consensusKeys[0].publicKey, height: 4)
        try c.block(offences: [offence])                                                           // height 6
        let a = try #require(c.view.validator(operator: c.who(0)))
        #expect(a.status == .tombstoned)
        #expect(a.tokens == 10_925 * Self.ksr / 100)   // 115 less 5%
        // The entry that did not vote at the offence is whole; the others lost 5%.
        #expect(c.view.unbonding.map { $0.amount }.sorted() == [475 * Self.ksr / 100, 10 * Self.ksr, 475 * Self.ksr / 10])
        // 5% of the 20 KSR of shares redelegated to B after the offence is burned there.
        #expect(c.view.stake(of: c.who(2), with: c.who(1)) == 19 * Self.ksr)
        let burned = 575 * Self.ksr / 100 + 25 * Self.ksr / 100 + 25 * Self.ksr / 10 + Self.ksr
        #expect(c.view.burned == burned)
        #expect(c.view.slashes.map { $0.record } == [SlashRecord(reason: .doubleSign, offenceHeight: 4, burned: burned)])
        #expect(c.allBalances + burned == supplyBefore + c.rules.subsidy(height: 6))
        // Out for good: not in the set two heights on, no unjail, no new stake; repeated evidence changes nothing.
        #expect(c.view.votingMembers(at: 8)?.map(\.operatorAddress) == [c.who(1)])
        try c.block([c.tx(0, .unjail(validator: c.who(0))), c.tx(2, .delegate(validator: c.who(0), amount: Self.ksr))],
                    offences: [offence])
        #expect(c.failures == [StakingError.tombstoned(c.who(0)).description, StakingError.tombstoned(c.who(0)).description])
        #expect(c.view.burned == burned)
        // Delegators of a tombstoned validator may still leave.
        try c.block([c.tx(2, .undelegate(validator: c.who(0), amount: 0))])
        #expect(c.failures == [nil])
    }

    @Test func evidenceOlderThanTheEvidenceAgeMakesTheBlockInvalid() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 2)
        try c.block([c.create(0, bond: 10 * Self.ksr)])
        while c.height < 7 { try c.block() }
        let key = c.consensusKeys[0].publicKey
        #expect(throws: BlockError.staking(.evidenceTooOld(height: 2, current: 8, maxAge: 5))) {
            try c.execute([], offences: [ConsensusRecord.Offence(consensusKey: key, height: 2)])
        }
        #expect(throws: BlockError.staking(.evidenceFromTheFuture(height: 8, current: 8))) {
            try c.execute([], offences: [ConsensusRecord.Offence(consensusKey: key, height: 8)])
        }
        // At the evidence age exactly, it is accepted.
        try c.block(offences: [ConsensusRecord.Offence(consensusKey: key, height: 3)])
        #expect(c.view.validator(operator: c.who(0))?.status == .tombstoned)
    }

    @Test func downtimeJailsLeavesTheSetAndUnjailBringsItBack() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 2)
        try c.block([c.create(0, bond: 100 * Self.ksr), c.create(1, bond: 50 * Self.ksr)])
        #expect(c.view.votingMembers(at: 3)?.map(\.operatorAddress) == [c.who(0), c.who(1)])
        try c.block()
        try c.block()
        // From height 4 A signs nothing: the 4th missed commit of the window (3 > maxMissed 2 would do,
        // but the window must be full first) jails it at height 7.
        for _ in 4...6 {
            try c.block(signers: [signer(c, 1, 50)])
            #expect(c.view.validator(operator: c.who(0))?.status == .bonded)
        }
        #expect(c.view.validator(operator: c.who(0))?.missed == 3)
        try c.block(signers: [signer(c, 1, 50)])
        let a = try #require(c.view.validator(operator: c.who(0)))
        #expect(a.status == .jailed && a.jailedUntil == 10 && a.missed == 0 && a.windowCount == 0)
        #expect(a.tokens == 100 * Self.ksr - 100 * Self.ksr / 10_000)   // 0.01% burned
        #expect(c.view.burned == 100 * Self.ksr / 10_000)
        #expect(c.view.slashes.map { $0.record } == [SlashRecord(reason: .downtime, offenceHeight: 6, burned: Self.ksr / 100)])
        #expect(c.view.votingMembers(at: 8)?.count == 2)
        #expect(c.view.votingMembers(at: 9)?.map(\.operatorAddress) == [c.who(1)])
        try c.block()
        try c.block([c.tx(0, .unjail(validator: c.who(0)))])
        #expect(c.failures == [StakingError.stillJailed(until: 10).description])
        try c.block([c.tx(0, .unjail(validator: c.who(0)))])
        #expect(c.failures == [nil])
        #expect(c.view.validator(operator: c.who(0))?.status == .bonded)
        #expect(c.view.votingMembers(at: 12)?.map(\.operatorAddress) == [c.who(0), c.who(1)])
        #expect(c.view.votingMembers(at: 11)?.map(\.operatorAddress) == [c.who(1)])
    }

    /// Lazy accounting: a block's staking work does not grow with the number of delegations.
    /// An empty block signed by both validators writes the same module keys with 1 delegator
    /// as with 60, and every delegator's reward is still exact when it is withdrawn.
    @Test func aBlockWritesAsMuchWithSixtyDelegatorsAsWithOne() throws {
        func writesOfAnEmptyBlock(delegators: Int) throws -> (Int, StakingTestChain) {
            let c = try Chain(parameters: Self.parameters(), accounts: 2 + delegators)
            try c.block([c.create(0, bond: 100 * Self.ksr), c.create(1, bond: 100 * Self.ksr)]
                        + (2..<(2 + delegators)).map { try c.tx($0, .delegate(validator: c.who(0), amount: 10 * Self.ksr)) })
            while c.height < 4 { try c.block() }
            let applied = try c.block()
            let module = applied.storageUndo.first { $0.0 == StakingModule.address }?.1.count ?? 0
            return (module, c)
        }
        let (one, _) = try writesOfAnEmptyBlock(delegators: 1)
        let (sixty, c) = try writesOfAnEmptyBlock(delegators: 60)
        #expect(one == sixty, "module keys written by one block: \(one) with 1 delegator, \(sixty) with 60")
        #expect(one <= 4)
        // Every delegator is owed the same (equal stakes), and withdrawing pays exactly that.
        let owed = c.view.pendingRewards(of: c.who(2), with: c.who(0))
        #expect(owed > 0)
        #expect((2..<62).allSatisfy { c.view.pendingRewards(of: c.who($0), with: c.who(0)) == owed })
        let before = c.balance(30)
        try c.block([c.tx(30, .withdrawRewards(validator: c.who(0)))], signers: [])
        #expect(c.balance(30) == before - Chain.fee + owed)
    }

    /// How a genesis can bond its validators (Cosmos's gentxs): signed create-validator
    /// transactions applied at height 0, fee 0. Their set takes effect at height 2; height 1
    /// votes with the genesis's own BFT validators.
    @Test func createValidatorTransactionsAtHeightZeroGiveTheSetFromHeightTwo() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 2)
        let gentxs = try [0, 1].map { i in
            try c.tx(i, .createValidator(consensusKey: c.consensusKeys[i].publicKey, commissionBps: 0,
                                         selfBond: UInt64(10 + i) * Self.ksr), fee: 0)
        }
        let applied = try BlockApplication.execute(gentxs, on: c.state, height: 0, time: 0, beneficiary: .zero, rules: c.rules,
                                                   staking: StakingContext(executor: c.engine))
        #expect(applied.receipts.allSatisfy { $0.succeeded })
        #expect(applied.subsidy == 0 && applied.fees == 0)
        let view = StakingView(state: applied.state)
        #expect(view.votingMembers(at: 1) == nil)
        #expect(view.votingMembers(at: 2)?.map { $0.power } == [11, 10])
        #expect(view.votingMembers(at: 2)?.map { $0.consensusKey } == [c.consensusKeys[1].publicKey, c.consensusKeys[0].publicKey])
    }

    @Test func theSetIsTheTopNByStakeTiesByAddress() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 3)
        try c.block([c.create(0, bond: 10 * Self.ksr), c.create(1, bond: 10 * Self.ksr), c.create(2, bond: 10 * Self.ksr)])
        let expected = [0, 1, 2].map(c.who).sorted().prefix(2)
        #expect(c.view.votingMembers(at: 3)?.map(\.operatorAddress) == Array(expected))
        #expect(c.view.votingMembers(at: 3) == c.expectedTopN)
        let third = [0, 1, 2].first { !expected.contains(c.who($0)) } ?? 0
        try c.block([c.tx(third, .delegate(validator: c.who(third), amount: Self.ksr))])
        #expect(c.view.votingMembers(at: 4)?.first?.operatorAddress == c.who(third))
        #expect(c.view.votingMembers(at: 4)?.first?.power == 11)
        #expect(c.view.votingMembers(at: 3)?.map(\.operatorAddress) == Array(expected))
    }
}
