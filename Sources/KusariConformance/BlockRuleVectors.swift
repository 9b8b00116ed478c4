import KusariCore
import KusariJSON

/// `block-rules.json`: the subsidy schedule, and blocks applied to a state with
/// the resulting state root (and undo records) or the error the node reports.
enum BlockRuleVectors {
    static func make() throws(ConformanceError) -> [(String, JSON)] {
        [("subsidy", .array(subsidyCases())), ("blocks", .array(try BlockRuleCases.all().map(json)))]
    }

    static func rulesJSON(_ r: LedgerRules) -> JSON {
        .object([("chainId", .uint(UInt64(r.chainId))), ("genesisAllocated", .uint(r.genesisAllocated)),
                 ("initialSubsidy", .uint(r.initialSubsidy)), ("halvingInterval", .uint(r.halvingInterval))])
    }

    static func subsidyCases() -> [JSON] {
        let main = LedgerRules(chainId: 1, genesisAllocated: 0)
        let devnet = LedgerRules(chainId: 3, genesisAllocated: 100_000_000_000_000, halvingInterval: LedgerRules.devnetHalvingInterval)
        let nearCap = LedgerRules(chainId: 3, genesisAllocated: Amount.maxSupply - 7_500_000_000,
                                  halvingInterval: LedgerRules.devnetHalvingInterval)
        let large = LedgerRules(chainId: 2, genesisAllocated: 2_310_001)
        var cases: [(LedgerRules, UInt64)] = []
        for h: UInt64 in [0, 1, 2, 209_999, 210_000, 210_001, 420_000, 420_001, 6_720_000, 6_720_001, 6_930_000,
                          6_930_001, 13_440_001, 100_000_000, .max] { cases.append((main, h)) }
        for h: UInt64 in [0, 1, 150, 151, 300, 301, 4_950, 4_951, 9_600, 9_601, 9_751] { cases.append((devnet, h)) }
        for h: UInt64 in [0, 1, 2, 3] { cases.append((nearCap, h)) }
        for h: UInt64 in [6_929_999, 6_930_000, 6_930_001, 7_000_000] { cases.append((large, h)) }
        return cases.map { rules, height in
            .object([("rules", rulesJSON(rules)), ("height", .uint(height)),
                     ("scheduledSubsidy", .uint(rules.scheduledSubsidy(height: height))),
                     ("issued", .uint(rules.issued(through: height))), ("subsidy", .uint(rules.subsidy(height: height)))])
        }
    }

    static func json(_ c: BlockRuleCase) -> JSON {
        let before = StateTree(accounts: c.state)
        var fields: [(String, JSON)] = [
            ("description", .string(c.description)),
            ("rules", rulesJSON(c.rules)),
            ("state", .array(c.state.map(StateVectors.accountJSON))),
            ("stateRoot", .string(before.root.hex)),
            ("block", .hex(c.block.encoded)),
        ]
        do {
            let applied = try BlockApplication.apply(c.block, to: before, rules: c.rules)
            var after: [(AddressPayload, Account)] = []
            applied.state.forEach { after.append(($0, $1)) }
            fields.append(("result", .object([
                ("stateRoot", .string(applied.state.root.hex)),
                ("fees", .uint(applied.fees)),
                ("subsidy", .uint(applied.subsidy)),
                ("undo", .array(applied.undo.map(StateVectors.accountJSON))),
                ("accounts", .array(after.map(StateVectors.accountJSON))),
            ])))
        } catch {
            fields.append(("error", .string(error.description)))
        }
        return .object(fields)
    }
}

/// One block applied to one state under one set of rules.
struct BlockRuleCase {
    var description: String
    var rules: LedgerRules
    var state: [(AddressPayload, Account)]
    var block: Block
}
