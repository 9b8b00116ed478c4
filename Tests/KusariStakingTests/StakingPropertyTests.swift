import KusariCore
@testable import KusariStaking
import Testing

/// Random bonding, delegation, unbonding, redelegation, rewards, downtime and double signing
/// over many blocks and seeds. After every block: supply is conserved (every balance, the
/// module's included, plus what was burned equals what was issued), the module holds exactly
/// the bonded and unbonding stake and the reward pool, the pool covers every unpaid reward,
/// the set fixed for h + 2 is the top N by stake, and the block's transactions (each from its
/// own sender about its own validators) give the same state root in the reverse order.
/// A failing seed is printed for replay.
@Suite struct StakingPropertyTests {
    typealias Chain = StakingTestChain
    static let ksr = Chain.ksr

    @Test func invariantsHoldOverRandomFlows() throws {
        var seen = Coverage()
        for seed in UInt64(1)...12 {
            try run(seed: seed, blocks: 40, coverage: &seen)
        }
        // The flows reached every rule: a test that never slashed would prove nothing about slashing.
        #expect(seen.succeeded.keys.sorted() == Array(StakingAction.kinds), "actions that never succeeded: \(seen.succeeded)")
        #expect(seen.jailed > 0 && seen.tombstoned > 0 && seen.unbondingPaid > 0, "\(seen)")
    }

    struct Coverage {
        var succeeded: [UInt8: Int] = [:]
        var jailed = 0
        var tombstoned = 0
        var unbondingPaid = 0
    }

    func run(seed: UInt64, blocks: Int, coverage seen: inout Coverage) throws {
        var rng = SplitMix64(seed: seed)
        let parameters = StakingParameters(maxValidators: 3, unbondingPeriod: 8, evidenceMaxAge: 4, signedBlocksWindow: 4,
                                           jailPeriod: 2, maxCommissionBps: 5_000, maxCommissionChangeBps: 500,
                                           commissionChangeInterval: 2)
        // An odd subsidy makes every split leave a remainder.
        let c = try Chain(parameters: parameters, accounts: 6, balance: 500 * Self.ksr, initialSubsidy: 1_234_567)
        for _ in 0..<blocks {
            let txs = try randomTransactions(c, &rng)
            let signers = c.fullCommit.filter { _ in rng.next() % 5 != 0 }
            var offences: [ConsensusRecord.Offence] = []
            if rng.next() % 10 == 0, c.height >= 2 {
                let validators = c.view.validators
                if let v = validators.isEmpty ? nil : validators[Int(rng.next() % UInt64(validators.count))] {
                    let age = 1 + rng.next() % min(parameters.evidenceMaxAge, c.height)
                    offences.append(ConsensusRecord.Offence(consensusKey: v.consensusKey, height: c.height + 1 - age))
                }
            }
            let reversed = try c.execute(Array(txs.reversed()), signers: signers, offences: offences)
            let entries = c.view.unbonding.filter { $0.release == c.height + 1 }.count
            try c.block(txs, signers: signers, offences: offences)
            seen.unbondingPaid += entries
            for (tx, failure) in zip(txs, c.failures) where failure == nil {
                seen.succeeded[tx.action.kind, default: 0] += 1
            }
            seen.jailed += c.view.slashes.filter { $0.height == c.height && $0.record.reason == .downtime }.count
            seen.tombstoned += c.view.slashes.filter { $0.height == c.height && $0.record.reason == .doubleSign }.count
            #expect(reversed.state.root == c.state.root, "seed \(seed) height \(c.height): transaction order changed the root")
            check(c, seed: seed)
        }
    }

    func check(_ c: Chain, seed: UInt64) {
        let view = c.view
        let at = "seed \(seed) height \(c.height)"
        #expect(c.allBalances + view.burned == c.rules.issued(through: c.height), "\(at): supply not conserved")
        #expect(view.moduleBalance == c.stakingHoldings, "\(at): module balance is not bonded + unbonding + pool")
        let owed = view.delegations.reduce(UInt64(0)) { $0 + $1.rewards }
        #expect(owed <= view.rewardPool, "\(at): rewards owed \(owed) exceed the pool \(view.rewardPool)")
        for v in view.validators {
            #expect((v.tokens == 0) == (v.shares == 0), "\(at): \(v.operatorAddress) has tokens without shares or shares without tokens")
            let shares = view.delegations.filter { $0.validator == v.operatorAddress }.reduce(UInt64(0)) { $0 + $1.shares }
            #expect(shares == v.shares, "\(at): delegations' shares do not add up to the validator's")
        }
        // The set is the top N; when no validator qualifies, the last set stays (never empty).
        let top = c.expectedTopN
        let voting = view.votingMembers(at: c.height + 2) ?? []
        #expect(top.isEmpty ? voting == (view.votingMembers(at: c.height + 1) ?? []) : voting == top, "\(at): the set is not the top N")
    }

    /// Up to four transactions, each from a different account about validators no other
    /// transaction of the block touches (so that their order cannot matter).
    func randomTransactions(_ c: Chain, _ rng: inout SplitMix64) throws -> [Transaction] {
        var usedSenders: Set<Int> = []
        var usedValidators: Set<AddressPayload> = []
        var txs: [Transaction] = []
        let validators = c.view.validators.map(\.operatorAddress)
        func pick() -> AddressPayload? {
            let free = validators.filter { !usedValidators.contains($0) }
            return free.isEmpty ? nil : free[Int(rng.next() % UInt64(free.count))]
        }
        for _ in 0..<(rng.next() % 5) {
            let sender = Int(rng.next() % UInt64(c.keys.count))
            guard usedSenders.insert(sender).inserted else { continue }
            let me = c.who(sender)
            // A validator's own transactions are about it: keep others off it this block.
            guard !usedValidators.contains(me) else { continue }
            let amount = (1 + rng.next() % 40) * Self.ksr + rng.next() % 1_000
            var action: StakingAction?
            switch rng.next() % 8 {
            case 0 where !validators.contains(me):
                action = .createValidator(consensusKey: c.consensusKeys[sender].publicKey,
                                          commissionBps: UInt16(rng.next() % 5_001), selfBond: amount)
                usedValidators.insert(me)
            case 1, 2:
                if let v = pick() { action = .delegate(validator: v, amount: amount); usedValidators.insert(v) }
            case 3:
                if let v = pick() { action = .undelegate(validator: v, amount: rng.next() % 3 == 0 ? 0 : amount / 2); usedValidators.insert(v) }
            case 4:
                if let s = pick() {
                    usedValidators.insert(s)
                    if let d = pick() { action = .redelegate(source: s, destination: d, amount: amount / 3); usedValidators.insert(d) }
                }
            case 5 where validators.contains(me):
                action = .unjail(validator: me)
                usedValidators.insert(me)
            case 6 where validators.contains(me):
                let bps = c.view.validator(operator: me)?.commissionBps ?? 0
                action = .editValidator(validator: me, commissionBps: rng.next() % 2 == 0 ? min(bps + 400, 5_000) : bps / 2)
                usedValidators.insert(me)
            case 7:
                if let v = pick() { action = .withdrawRewards(validator: v); usedValidators.insert(v) }
            default:
                break
            }
            if let action { txs.append(try c.tx(sender, action)) }
        }
        return txs
    }
}
