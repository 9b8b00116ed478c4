/// The ledger rules of one chain that do not depend on consensus: which chain
/// id transactions must carry, and how many new coins each block may create.
///
/// New coins follow Bitcoin's schedule: `initialSubsidy` per block, halved every
/// `halvingInterval` blocks, and never more than what keeps the total supply
/// (genesis allocations included) at or under 21,000,000 KSR.
public struct LedgerRules: Hashable, Sendable {
    public var chainId: UInt32
    /// Base units created by each block of the first era.
    public var initialSubsidy: UInt64
    /// Blocks per era; the subsidy halves after each.
    public var halvingInterval: UInt64
    /// Base units allocated by the genesis block.
    public var genesisAllocated: UInt64

    /// 50 KSR per block, halving every 210,000 blocks, as Bitcoin.
    public static let defaultInitialSubsidy: UInt64 = 50 * Amount.unitsPerKSR
    public static let defaultHalvingInterval: UInt64 = 210_000
    /// Devnet's halving interval: 150 blocks, as Bitcoin's regtest.
    public static let devnetHalvingInterval: UInt64 = 150

    public init(chainId: UInt32, genesisAllocated: UInt64,
                initialSubsidy: UInt64 = LedgerRules.defaultInitialSubsidy,
                halvingInterval: UInt64 = LedgerRules.defaultHalvingInterval) {
        self.chainId = chainId
        self.initialSubsidy = initialSubsidy
        self.halvingInterval = max(1, halvingInterval)
        self.genesisAllocated = genesisAllocated
    }

    /// The subsidy of the schedule alone at `height` (0 for genesis).
    public func scheduledSubsidy(height: UInt64) -> UInt64 {
        guard height > 0 else { return 0 }
        let era = (height - 1) / halvingInterval
        return era >= 64 ? 0 : initialSubsidy >> era
    }

    /// Base units in existence after the block at `height` (saturating at the cap).
    public func issued(through height: UInt64) -> UInt64 {
        var total = genesisAllocated
        var era: UInt64 = 0
        var remaining = height   // blocks 1...height
        while remaining > 0 && era < 64 {
            let reward = initialSubsidy >> era
            if reward == 0 { break }
            let blocks = min(remaining, halvingInterval)
            let (product, overflow) = blocks.multipliedReportingOverflow(by: reward)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            if overflow || overflow2 || sum >= Amount.maxSupply { return Amount.maxSupply }
            total = sum
            remaining -= blocks
            era += 1
        }
        return min(total, Amount.maxSupply)
    }

    /// The coins the block at `height` may create: the scheduled subsidy, cut
    /// so the supply never passes 21,000,000 KSR.
    public func subsidy(height: UInt64) -> UInt64 {
        guard height > 0 else { return 0 }
        let before = issued(through: height - 1)
        return min(scheduledSubsidy(height: height), Amount.maxSupply - before)
    }
}
