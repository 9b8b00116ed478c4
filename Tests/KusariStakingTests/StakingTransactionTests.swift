import KusariCore
@testable import KusariStaking
import Testing

/// Each staking transaction: its encoding, what the decoder refuses, what it does to the
/// state, and every refusal by the state with its reason.
@Suite struct StakingTransactionTests {
    typealias Chain = StakingTestChain
    static let ksr = Chain.ksr

    static func parameters() -> StakingParameters {
        StakingParameters(maxValidators: 2, unbondingPeriod: 10, evidenceMaxAge: 5, signedBlocksWindow: 4, jailPeriod: 3,
                          maxCommissionBps: 2_000, maxCommissionChangeBps: 100, commissionChangeInterval: 5)
    }

    @Test func everyActionRoundTripsAndIsAtLeastTheSmallestTransfer() throws {
        let key = try KeyPair(seed: [UInt8](repeating: 9, count: 32))
        let v = AddressPayload(bytes: [UInt8](repeating: 7, count: 20)) ?? .zero
        let w = AddressPayload(bytes: [UInt8](repeating: 8, count: 20)) ?? .zero
        let actions: [StakingAction] = [
            .createValidator(consensusKey: key.publicKey, commissionBps: 500, selfBond: 5 * Self.ksr),
            .delegate(validator: v, amount: 3), .undelegate(validator: v, amount: 0), .undelegate(validator: v, amount: 9),
            .redelegate(source: v, destination: w, amount: 4), .unjail(validator: v),
            .editValidator(validator: v, commissionBps: 10_000), .withdrawRewards(validator: v),
        ]
        for (i, action) in actions.enumerated() {
            let tx = try Transaction(chainId: 5, key: key, nonce: UInt64(i), staking: action, fee: 77)
            let bytes = tx.encoded
            #expect(bytes.count == tx.encodedSize)
            #expect(bytes.count >= Transaction.minEncodedSize, "\(action.name) is \(bytes.count) bytes")
            #expect(bytes[4] == action.kind)
            let decoded = try Transaction(decoding: bytes)
            #expect(decoded == tx)
            #expect(decoded.stakingAction == action)
            #expect(decoded.hasValidSignature)
            #expect(decoded.amount == 0 && decoded.to == .zero)
        }
        #expect(Set(actions.map(\.kind)) == Set(StakingAction.kinds))
    }

    @Test func theDecoderRefusesBadBodies() throws {
        let key = try KeyPair(seed: [UInt8](repeating: 9, count: 32))
        let v = AddressPayload(bytes: [UInt8](repeating: 7, count: 20)) ?? .zero
        func refused(_ action: StakingAction, _ field: String) {
            #expect(throws: TransactionError.self) { try Transaction(chainId: 5, key: key, nonce: 0, staking: action, fee: 1) }
            do { _ = try Transaction(chainId: 5, key: key, nonce: 0, staking: action, fee: 1) } catch {
                #expect(error.field == field, "\(action.name): \(error)")
            }
        }
        refused(.createValidator(consensusKey: key.publicKey, commissionBps: 10_001, selfBond: 1), "commissionBps")
        refused(.createValidator(consensusKey: key.publicKey, commissionBps: 0, selfBond: 0), "selfBond")
        refused(.delegate(validator: v, amount: 0), "amount")
        refused(.delegate(validator: v, amount: Amount.maxSupply + 1), "amount")
        refused(.redelegate(source: v, destination: v, amount: 1), "destination")
        refused(.editValidator(validator: v, commissionBps: 10_001), "commissionBps")
        // Reserved bytes must be zero: flip one in an encoded unjail.
        var bytes = try Transaction(chainId: 5, key: key, nonce: 0, staking: .unjail(validator: v), fee: 1).encoded
        bytes[57 + 20] = 1
        #expect(throws: CanonicalDecodingError.self) { try Transaction(decoding: bytes) }
        // Kinds 23-31 are kept, not yet valid.
        bytes[4] = 23
        #expect(throws: CanonicalDecodingError.self) { try Transaction(decoding: bytes) }
    }

    @Test func createDelegateUndelegateAndTheUnbondingPeriod() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 3)
        try c.block([c.create(0, bond: 100 * Self.ksr), c.tx(1, .delegate(validator: c.who(0), amount: 50 * Self.ksr))])
        #expect(c.failures == [nil, nil])
        let v = try #require(c.view.validator(operator: c.who(0)))
        #expect(v.tokens == 150 * Self.ksr && v.shares == 150 * Self.ksr && v.power == 150 && v.status == .bonded)
        #expect(c.balance(1) == 950 * Self.ksr - Chain.fee)
        #expect(c.view.stake(of: c.who(1), with: c.who(0)) == 50 * Self.ksr)
        // The set takes effect two heights later.
        #expect(c.view.votingMembers(at: 2) == nil)
        #expect(c.view.votingMembers(at: 3)?.map(\.power) == [150])

        try c.block([c.tx(1, .undelegate(validator: c.who(0), amount: 20 * Self.ksr))])
        #expect(c.failures == [nil])
        let release = c.height + 10
        #expect(c.last?.receipts[0].output == StakingKey.be(20 * Self.ksr) + StakingKey.be(release))
        #expect(c.view.unbonding.map { $0.amount } == [20 * Self.ksr])
        #expect(c.view.unbonding.map { $0.release } == [release])
        let before = c.balance(1)
        while c.height < release - 1 { try c.block() }
        #expect(c.balance(1) == before)
        try c.block()
        #expect(c.balance(1) == before + 20 * Self.ksr)   // rewards wait for a withdrawal
        #expect(c.view.unbonding.isEmpty)
        // Undelegating everything (amount 0) removes the delegation.
        try c.block([c.tx(1, .undelegate(validator: c.who(0), amount: 0))])
        #expect(c.failures == [nil])
        #expect(c.view.stake(of: c.who(1), with: c.who(0)) == nil)
        #expect(c.view.unbonding.map { $0.amount } == [30 * Self.ksr])
    }

    @Test func everyRefusalSaysWhy() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 3)
        let nobody = AddressPayload(bytes: [UInt8](repeating: 0xEE, count: 20)) ?? .zero
        try c.block([c.create(0, bond: 10 * Self.ksr)])
        try c.block([
            c.create(0, bond: 10 * Self.ksr),                                                        // 0 exists
            c.tx(1, .createValidator(consensusKey: c.consensusKeys[0].publicKey, commissionBps: 0, selfBond: Self.ksr)), // 1 key taken
            c.create(1, bond: 10 * Self.ksr, commissionBps: 2_001),                                 // 2 commission
            c.create(1, bond: Self.ksr - 1),                                                        // 3 self-bond
            c.create(1, bond: 2_000 * Self.ksr),                                                    // 4 balance
            c.tx(1, .delegate(validator: nobody, amount: 1)),                                       // 5 no validator
            c.tx(1, .undelegate(validator: c.who(0), amount: 1)),                                   // 6 no delegation
            c.tx(0, .undelegate(validator: c.who(0), amount: 11 * Self.ksr)),                       // 7 more than delegated
            c.tx(1, .unjail(validator: c.who(0))),                                                  // 8 not operator
            c.tx(0, .unjail(validator: c.who(0))),                                                  // 9 not jailed
            c.tx(0, .editValidator(validator: c.who(0), commissionBps: 1_000)),                     // 10 too soon
            c.tx(1, .withdrawRewards(validator: c.who(0))),                                         // 11 no delegation
            c.tx(2, .redelegate(source: c.who(0), destination: nobody, amount: 1)),                 // 12 no destination
        ])
        let f = c.failures
        #expect(f[0] == StakingError.validatorExists(c.who(0)).description)
        #expect(f[1] == StakingError.consensusKeyTaken(c.consensusKeys[0].publicKey).description)
        #expect(f[2] == StakingError.commissionTooHigh(bps: 2_001, maximum: 2_000).description)
        #expect(f[3] == StakingError.selfBondTooSmall(amount: Self.ksr - 1, minimum: Self.ksr).description)
        #expect(f[4]?.hasPrefix("amount: balance") == true)
        #expect(f[5] == StakingError.noSuchValidator(nobody).description)
        #expect(f[6] == StakingError.noDelegation(validator: c.who(0)).description)
        #expect(f[7] == StakingError.moreThanDelegated(amount: 11 * Self.ksr, delegated: 10 * Self.ksr).description)
        #expect(f[8] == StakingError.notOperator(c.who(0)).description)
        #expect(f[9] == StakingError.notJailed(c.who(0)).description)
        #expect(f[10] == StakingError.commissionChangeTooSoon(next: 6).description)
        #expect(f[11] == StakingError.noDelegation(validator: c.who(0)).description)
        #expect(f[12] == StakingError.noSuchValidator(nobody).description)
        // Refused transactions paid their fees and used their nonces, nothing else.
        #expect(c.balance(1) == 1_000 * Self.ksr - 8 * Chain.fee)
        #expect(c.view.validators.count == 1)
        // A staking transaction without a staking executor makes the block invalid.
        let t = try c.tx(2, .withdrawRewards(validator: c.who(0)))
        #expect(throws: BlockError.self) {
            try BlockApplication.execute([t], on: c.state, height: c.height + 1, time: 0, beneficiary: c.miner, rules: c.rules)
        }
    }

    @Test func editValidatorWithinItsLimits() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 2)
        try c.block([c.create(0, bond: 10 * Self.ksr, commissionBps: 1_000)])
        while c.height < 6 { try c.block() }
        try c.block([c.tx(0, .editValidator(validator: c.who(0), commissionBps: 1_101)),
                     c.tx(0, .editValidator(validator: c.who(0), commissionBps: 2_500)),
                     c.tx(0, .editValidator(validator: c.who(0), commissionBps: 1_100)),
                     c.tx(0, .editValidator(validator: c.who(0), commissionBps: 1_000))])
        #expect(c.failures[0] == StakingError.commissionChangeTooLarge(from: 1_000, to: 1_101, maximum: 100).description)
        #expect(c.failures[1] == StakingError.commissionTooHigh(bps: 2_500, maximum: 2_000).description)
        #expect(c.failures[2] == nil)
        #expect(c.failures[3] == StakingError.commissionChangeTooSoon(next: 12).description)
        #expect(c.view.validator(operator: c.who(0))?.commissionBps == 1_100)
    }

    @Test func redelegationMovesStakeAtOnceAndCannotHopOnUntilItMatures() throws {
        let c = try Chain(parameters: Self.parameters(), accounts: 3)
        try c.block([c.create(0, bond: 10 * Self.ksr), c.create(1, bond: 10 * Self.ksr),
                     c.tx(2, .delegate(validator: c.who(0), amount: 40 * Self.ksr))])
        try c.block([c.tx(2, .redelegate(source: c.who(0), destination: c.who(1), amount: 15 * Self.ksr))])
        #expect(c.failures == [nil])
        #expect(c.view.stake(of: c.who(2), with: c.who(0)) == 25 * Self.ksr)
        #expect(c.view.stake(of: c.who(2), with: c.who(1)) == 15 * Self.ksr)
        try c.block([c.tx(2, .redelegate(source: c.who(1), destination: c.who(0), amount: 1 * Self.ksr))])
        #expect(c.failures == [StakingError.redelegationMaturing(validator: c.who(1), until: 12).description])
        while c.height < 12 { try c.block() }
        try c.block([c.tx(2, .redelegate(source: c.who(1), destination: c.who(0), amount: 0))])
        #expect(c.failures == [nil])
        #expect(c.view.stake(of: c.who(2), with: c.who(1)) == nil)
        #expect(c.view.stake(of: c.who(2), with: c.who(0)) == 40 * Self.ksr)
    }
}
