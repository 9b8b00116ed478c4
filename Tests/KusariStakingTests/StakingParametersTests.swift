import KusariCore
import KusariStaking
import Testing

/// The parameters' bounds (protocol.md 20.1): an engine refuses what could trap or halt.
@Suite struct StakingParametersTests {
    @Test func boundsAreEnforced() {
        #expect(StakingParameters().problem == nil)
        #expect(StakingEngine(parameters: StakingParameters()) != nil)
        // Evidence may reach back at most the unbonding period minus 2: stake that left in the
        // two blocks before an offence voted there, and must still be there to be slashed.
        #expect(StakingParameters(unbondingPeriod: 10, evidenceMaxAge: 8).problem == nil)
        #expect(StakingParameters(unbondingPeriod: 10, evidenceMaxAge: 9).problem?.0 == "evidenceMaxAge")
        #expect(StakingParameters(unbondingPeriod: 2, evidenceMaxAge: 1).problem?.0 == "evidenceMaxAge")
        // A commission-change interval near 2^64 would overflow when added to a height.
        #expect(StakingParameters(commissionChangeInterval: 1 << 40).problem == nil)
        #expect(StakingParameters(commissionChangeInterval: (1 << 40) + 1).problem?.0 == "commissionChangeInterval")
        #expect(StakingParameters(maxCommissionChangeBps: 10_001).problem?.0 == "maxCommissionChangeBps")
        #expect(StakingEngine(parameters: StakingParameters(commissionChangeInterval: .max)) == nil)
    }
}
