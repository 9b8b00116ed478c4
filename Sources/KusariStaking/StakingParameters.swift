import KusariCore

/// The numbers of a chain's proof of stake (docs/protocol.md 20.1), fixed for the chain.
/// Periods are in blocks; fractions in parts per million (slashing) or basis points
/// (commission, signed share). The defaults follow the Cosmos SDK's, counted in blocks
/// of about 6 seconds.
public struct StakingParameters: Hashable, Sendable {
    /// N: how many validators, the top N by bonded stake, vote (Cosmos: 100).
    public var maxValidators: Int
    /// Blocks an undelegation waits before its coins come back (21 days: 302,400).
    public var unbondingPeriod: UInt64
    /// The oldest evidence a block may carry, in blocks behind it (about a week: 100,000);
    /// less than the unbonding period, so that stake can never leave before its offence is punished.
    public var evidenceMaxAge: UInt64
    /// The downtime window: the last this many commits of each active validator (Cosmos: 100).
    public var signedBlocksWindow: UInt64
    /// The least share of the window a validator must sign, in basis points (5,000: half).
    public var minSignedPerWindowBps: UInt16
    /// Blocks a validator stays jailed for downtime (100, about 10 minutes; Cosmos: 600 s).
    public var jailPeriod: UInt64
    /// The share of stake burned for double signing, in parts per million (50,000: 5%).
    public var doubleSignSlashPpm: UInt32
    /// The share of stake burned for downtime, in parts per million (100: 0.01%).
    public var downtimeSlashPpm: UInt32
    /// The highest commission a validator may ask, in basis points (5,000: 50%).
    public var maxCommissionBps: UInt16
    /// The most one edit may change a commission, in basis points (100: one point).
    public var maxCommissionChangeBps: UInt16
    /// Blocks between two commission changes (14,400, about a day).
    public var commissionChangeInterval: UInt64
    /// The least self-bond of a new validator, in base units (1 KSR: one unit of voting power).
    public var minSelfBond: UInt64

    /// The defaults (docs/protocol.md 20.1).
    public init(maxValidators: Int = 100, unbondingPeriod: UInt64 = 302_400, evidenceMaxAge: UInt64 = 100_000,
                signedBlocksWindow: UInt64 = 100, minSignedPerWindowBps: UInt16 = 5_000, jailPeriod: UInt64 = 100,
                doubleSignSlashPpm: UInt32 = 50_000, downtimeSlashPpm: UInt32 = 100, maxCommissionBps: UInt16 = 5_000,
                maxCommissionChangeBps: UInt16 = 100, commissionChangeInterval: UInt64 = 14_400,
                minSelfBond: UInt64 = Amount.unitsPerKSR) {
        self.maxValidators = maxValidators
        self.unbondingPeriod = unbondingPeriod
        self.evidenceMaxAge = evidenceMaxAge
        self.signedBlocksWindow = signedBlocksWindow
        self.minSignedPerWindowBps = minSignedPerWindowBps
        self.jailPeriod = jailPeriod
        self.doubleSignSlashPpm = doubleSignSlashPpm
        self.downtimeSlashPpm = downtimeSlashPpm
        self.maxCommissionBps = maxCommissionBps
        self.maxCommissionChangeBps = maxCommissionChangeBps
        self.commissionChangeInterval = commissionChangeInterval
        self.minSelfBond = minSelfBond
    }

    /// One million: slashing fractions are parts of it.
    public static let ppm: UInt64 = 1_000_000

    /// The most commits of the window a validator may miss without being jailed:
    /// window − ceil(window × minSigned / 10,000).
    public var maxMissed: UInt64 {
        let (product, overflow) = signedBlocksWindow.multipliedReportingOverflow(by: UInt64(minSignedPerWindowBps))
        guard !overflow else { return 0 }
        return signedBlocksWindow - (product + 9_999) / 10_000
    }

    /// The field and why the parameters are refused, or nil.
    public var problem: (String, String)? {
        if maxValidators < 1 || maxValidators > 10_000 { return ("maxValidators", "1 to 10,000") }
        if unbondingPeriod < 1 || unbondingPeriod > 1 << 40 { return ("unbondingPeriod", "1 to 2^40 blocks") }
        // Stake that left a validator in the two blocks before an offence still voted there
        // (the set takes effect two heights later), so its entries must outlive the evidence age.
        if evidenceMaxAge < 1 || evidenceMaxAge > unbondingPeriod - min(unbondingPeriod, 2) {
            return ("evidenceMaxAge", "at least 1 block and at most the unbonding period minus 2")
        }
        if signedBlocksWindow < 1 || signedBlocksWindow > 1 << 20 { return ("signedBlocksWindow", "1 to 2^20 blocks") }
        if minSignedPerWindowBps > 10_000 { return ("minSignedPerWindowBps", "at most 10,000 (100%)") }
        if jailPeriod > 1 << 40 { return ("jailPeriod", "at most 2^40 blocks") }
        if UInt64(doubleSignSlashPpm) >= Self.ppm { return ("doubleSignSlashPpm", "less than 1,000,000 (100%)") }
        if UInt64(downtimeSlashPpm) >= Self.ppm { return ("downtimeSlashPpm", "less than 1,000,000 (100%)") }
        if maxCommissionBps > StakingAction.maxCommissionBps { return ("maxCommissionBps", "at most 10,000 (100%)") }
        if minSelfBond < 1 || minSelfBond > Amount.maxSupply { return ("minSelfBond", "1 base unit to the supply cap") }
        if commissionChangeInterval > 1 << 40 { return ("commissionChangeInterval", "at most 2^40 blocks") }
        if maxCommissionChangeBps > StakingAction.maxCommissionBps { return ("maxCommissionChangeBps", "at most 10,000 (100%)") }
        return nil
    }
}
