import Testing
import KusariCore
@testable import KusariExchange

/// The clearing rule checked over many seeded random books against a brute-force reference that
/// applies the rules literally, plus the properties a fair uniform-price auction must have.
/// Every failure names its seed: `book(seed:)` rebuilds the book for replay.
@Suite struct BatchAuctionPropertyTests {
    static let seeds: ClosedRange<UInt64> = 1...4_000

    // MARK: Random books

    /// A random book and reference. The shapes vary with the seed: narrow price ranges and few
    /// heights make ties and same-block groups common, wide ones make them rare.
    static func book(seed: UInt64) -> (orders: [AuctionOrder], reference: UInt64?) {
        var rng = SplitMix64(seed: seed)
        func below(_ n: UInt64) -> UInt64 { rng.next() % n }
        let count = Int(below(4) == 0 ? below(6) : below(60))
        let lowPrice = 1 + below(200)
        let priceSpan = [2, 4, 8, 30, 1_000][Int(below(5))] as UInt64
        let maxLots = [1, 3, 20, 1_000][Int(below(4))] as UInt64
        let heights = [1, 2, 4, 50][Int(below(4))] as UInt64
        let buyShare = 1 + below(9)  // in tenths
        var orders: [AuctionOrder] = []
        for _ in 0..<count {
            let id = Hash256(bytes: rng.bytes(32)) ?? .zero
            let side: OrderSide = below(10) < buyShare ? .buy : .sell
            orders.append(AuctionOrder(id: id, side: side, price: lowPrice + below(priceSpan), lots: 1 + below(maxLots),
                                       height: 100 + below(heights)))
        }
        // No reference, or one near the prices (or wrapped to the far end of UInt64).
        let reference: UInt64? = below(4) == 0 ? nil : lowPrice &- 5 &+ below(priceSpan + 10)
        return (orders, reference)
    }

    // MARK: The brute-force reference

    /// Steps 0 to 2 by the rules' words: every candidate price, D and S summed afresh. Either a
    /// price and the rule that chose it, or the prices still tied for steps 3 and 4.
    static func referenceSteps(_ orders: [AuctionOrder]) -> (volume: UInt64, decided: (UInt64?, AuctionPriceRule)?, tied: [UInt64]) {
        let live = orders.filter { $0.lots > 0 }
        let candidates = Array(Set(live.map(\.price))).sorted()
        var demandAt: [UInt64: UInt64] = [:], supplyAt: [UInt64: UInt64] = [:]
        for p in candidates {
            demandAt[p] = live.filter { $0.side == .buy && $0.price >= p }.reduce(0) { $0 + $1.lots }
            supplyAt[p] = live.filter { $0.side == .sell && $0.price <= p }.reduce(0) { $0 + $1.lots }
        }
        func demand(_ p: UInt64) -> UInt64 { demandAt[p] ?? 0 }
        func supply(_ p: UInt64) -> UInt64 { supplyAt[p] ?? 0 }
        func volume(_ p: UInt64) -> UInt64 { min(demand(p), supply(p)) }
        func surplus(_ p: UInt64) -> UInt64 { max(demand(p), supply(p)) - min(demand(p), supply(p)) }
        guard let most = candidates.map(volume).max(), most > 0 else { return (0, (nil, .noCross), []) }
        let tied = candidates.filter { volume($0) == most }
        if tied.count == 1 { return (most, (tied[0], .volume), []) }
        let leastSurplus = tied.map(surplus).min() ?? 0
        let rule1 = tied.filter { surplus($0) == leastSurplus }
        if rule1.count == 1 { return (most, (rule1[0], .surplus), []) }
        if rule1.allSatisfy({ demand($0) > supply($0) }) { return (most, (rule1.max(), .buyPressure), []) }
        if rule1.allSatisfy({ supply($0) > demand($0) }) { return (most, (rule1.min(), .sellPressure), []) }
        return (most, nil, rule1)
    }

    /// The price, volume and rule by the rules' words: steps 0 to 2, then 3 and 4.
    static func referencePrice(_ orders: [AuctionOrder], reference: UInt64?) -> (price: UInt64?, volume: UInt64, rule: AuctionPriceRule) {
        let steps = referenceSteps(orders)
        if let (price, rule) = steps.decided { return (price, steps.volume, rule) }
        var rule3 = steps.tied
        if let reference {
            func distance(_ p: UInt64) -> UInt64 { max(p, reference) - min(p, reference) }
            let nearest = steps.tied.map(distance).min() ?? 0
            rule3 = steps.tied.filter { distance($0) == nearest }
            if rule3.count == 1 { return (rule3[0], steps.volume, .reference) }
        }
        return (rule3.min(), steps.volume, .lowest)
    }

    /// The fills by the rules' words: on each side, the eligible orders' (price, height) groups
    /// taken best first while whole groups fit, then the first group that does not fit shares pro
    /// rata (small lots here, so plain products fit), the remainder one each by ascending id.
    static func referenceFills(_ orders: [AuctionOrder], price: UInt64, volume: UInt64) -> [Hash256: UInt64] {
        var out: [Hash256: UInt64] = [:]
        for side in OrderSide.allCases {
            let eligible = orders.filter { $0.side == side && $0.lots > 0 && (side == .buy ? $0.price >= price : $0.price <= price) }
            struct Key: Hashable { var price: UInt64; var height: UInt64 }
            let groups = Dictionary(grouping: eligible) { Key(price: $0.price, height: $0.height) }
            let keys = groups.keys.sorted {
                $0.price != $1.price ? (side == .buy ? $0.price > $1.price : $0.price < $1.price) : $0.height < $1.height
            }
            var left = volume
            for key in keys where left > 0 {
                let members = (groups[key] ?? []).sorted { $0.id < $1.id }
                let total = members.reduce(0) { $0 + $1.lots }
                if total <= left {
                    for m in members { out[m.id] = m.lots }
                    left -= total
                    continue
                }
                var shares = members.map { $0.lots * left / total }
                var rest = left - shares.reduce(0, +)
                for k in shares.indices where rest > 0 { shares[k] += 1; rest -= 1 }
                for (m, s) in zip(members, shares) where s > 0 { out[m.id] = s }
                left = 0
            }
        }
        return out
    }

    // MARK: The properties

    @Test func agreesWithTheBruteForceReference() {
        var rules: [AuctionPriceRule: Int] = [:]
        var halfway = 0  // books cleared with the reference halfway between two tied prices
        for seed in Self.seeds {
            let (orders, reference) = Self.book(seed: seed)
            let result = BatchAuction.clear(orders, reference: reference)
            let expected = Self.referencePrice(orders, reference: reference)
            rules[result.rule, default: 0] += 1
            // Where steps 3 and 4 decide, again with the reference halfway between each two neighbouring tied
            // prices (when that is an integer): step 3 leaves both, and step 4 must take the lower.
            let tied = Self.referenceSteps(orders).tied
            for (low, high) in zip(tied, tied.dropFirst()) where (high - low) % 2 == 0 {
                let halfwayResult = BatchAuction.clear(orders, reference: low + (high - low) / 2)
                let halfwayExpected = Self.referencePrice(orders, reference: low + (high - low) / 2)
                #expect(halfwayResult.price == halfwayExpected.price && halfwayResult.rule == halfwayExpected.rule,
                        "seed \(seed): reference halfway between \(low) and \(high)")
                if halfwayResult.rule == .lowest { halfway += 1 }
            }
            #expect(result.price == expected.price, "seed \(seed): price")
            #expect(result.matchedLots == expected.volume, "seed \(seed): volume")
            #expect(result.rule == expected.rule, "seed \(seed): rule \(result.rule) vs \(expected.rule)")
            guard let price = result.price else {
                #expect(result.fills.isEmpty, "seed \(seed): fills without a price")
                continue
            }
            let want = Self.referenceFills(orders, price: price, volume: expected.volume)
            let got = Dictionary(result.fills.map { ($0.id, $0.lots) }, uniquingKeysWith: +)
            #expect(got == want, "seed \(seed): fills differ from the reference allocation")
        }
        // The books must reach every step of the rule, or the agreement above proves little.
        for rule in [AuctionPriceRule.noCross, .volume, .surplus, .buyPressure, .sellPressure, .reference, .lowest] {
            #expect(rules[rule, default: 0] >= 20, "only \(rules[rule, default: 0]) books decided by \(rule)")
        }
        #expect(halfway >= 20, "only \(halfway) books cleared with a reference halfway between two tied prices")
        let counts = rules.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key): \($0.value)" }
        print("BatchAuction rules over \(Self.seeds.count) books: \(counts.joined(separator: ", ")); reference halfway: \(halfway)")
    }

    @Test func curvesAreTheSumsAtEveryCandidatePrice() {
        for seed in Self.seeds {
            let (orders, reference) = Self.book(seed: seed)
            let result = BatchAuction.clear(orders, reference: reference)
            let candidates = Array(Set(orders.map(\.price))).sorted()
            #expect(result.levels.map(\.price) == candidates, "seed \(seed): candidate prices")
            for level in result.levels {
                let d = orders.filter { $0.side == .buy && $0.price >= level.price }.reduce(0) { $0 + $1.lots }
                let s = orders.filter { $0.side == .sell && $0.price <= level.price }.reduce(0) { $0 + $1.lots }
                #expect(level.demand == d && level.supply == s, "seed \(seed): curves at \(level.price)")
            }
            // V is maximal over every candidate price.
            #expect(result.matchedLots == result.levels.map(\.executable).max() ?? 0, "seed \(seed): V not maximal")
        }
    }

    @Test func fillsBalanceAndRespectLimits() {
        for seed in Self.seeds {
            let (orders, reference) = Self.book(seed: seed)
            let result = BatchAuction.clear(orders, reference: reference)
            let byId = Dictionary(orders.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var bought: UInt64 = 0, sold: UInt64 = 0
            for fill in result.fills {
                guard let order = byId[fill.id], let price = result.price else {
                    Issue.record("seed \(seed): a fill for an unknown order or without a price")
                    continue
                }
                #expect(fill.lots > 0 && fill.lots <= order.lots, "seed \(seed): fill of \(fill.lots) for \(order.lots) lots")
                if order.side == .buy {
                    bought += fill.lots
                    #expect(order.price >= price, "seed \(seed): a buy filled above its limit")
                } else {
                    sold += fill.lots
                    #expect(order.price <= price, "seed \(seed): a sell filled below its limit")
                }
            }
            #expect(bought == result.matchedLots && sold == result.matchedLots, "seed \(seed): \(bought) bought, \(sold) sold")
            #expect(zip(result.fills, result.fills.dropFirst()).allSatisfy { $0.id < $1.id }, "seed \(seed): fills not sorted by id")
        }
    }

    @Test func priorityIsRespected() {
        for seed in Self.seeds {
            let (orders, reference) = Self.book(seed: seed)
            let result = BatchAuction.clear(orders, reference: reference)
            guard let price = result.price, let level = result.levels.first(where: { $0.price == price }) else { continue }
            let filled = Dictionary(result.fills.map { ($0.id, $0.lots) }, uniquingKeysWith: +)
            func fill(_ o: AuctionOrder) -> UInt64 { filled[o.id] ?? 0 }
            for side in OrderSide.allCases {
                let mine = orders.filter { $0.side == side }
                func better(_ a: AuctionOrder, _ b: AuctionOrder) -> Bool {
                    a.price != b.price ? (side == .buy ? a.price > b.price : a.price < b.price) : a.height < b.height
                }
                func strictlyBetterThanPrice(_ o: AuctionOrder) -> Bool { side == .buy ? o.price > price : o.price < price }
                let short = side == .buy ? level.demand <= level.supply : level.supply <= level.demand
                // When volume, surplus or pressure chose the price, every order strictly better than it fills fully,
                // on both sides. (Not when the reference or the lowest price chose among ties: see
                // BatchAuctionTests.aBetterOrderCanWaitWhenTheReferenceDecides.)
                let decisive = [.volume, .surplus, .buyPressure, .sellPressure].contains(result.rule)
                for o in mine {
                    // On the short side every eligible order fills fully, whatever the rule.
                    if (short && BatchAuction.isEligible(o, at: price)) || (decisive && strictlyBetterThanPrice(o)) {
                        #expect(fill(o) == o.lots, "seed \(seed): \(side) at \(o.price) not fully filled at \(price) (\(result.rule))")
                    }
                }
                // No order of worse priority (worse price, or same price and a later block) got lots while a better one
                // stayed partly unfilled.
                for a in mine where fill(a) < a.lots {
                    for b in mine where better(a, b) && fill(b) > 0 {
                        Issue.record("seed \(seed): \(side) \(b.price)@\(b.height) filled before \(a.price)@\(a.height)")
                    }
                }
                // Within a group of one price and one block that is partly filled, each order gets floor(l R / G) or one
                // more, and those with one more have the lowest ids.
                struct Key: Hashable { var price: UInt64; var height: UInt64 }
                for (_, group) in Dictionary(grouping: mine, by: { Key(price: $0.price, height: $0.height) }) {
                    let total = group.reduce(0) { $0 + $1.lots }
                    let given = group.reduce(0) { $0 + fill($1) }
                    guard given > 0, given < total else { continue }
                    let extra = group.sorted { $0.id < $1.id }.map { Int64(fill($0)) - Int64($0.lots * given / total) }
                    #expect(extra.allSatisfy { $0 == 0 || $0 == 1 }, "seed \(seed): pro rata share off by \(extra)")
                    #expect(extra == extra.sorted(by: >), "seed \(seed): the remainder lots did not go by ascending id")
                }
            }
        }
    }

    @Test func theBookLeftOverDoesNotCross() {
        for seed in Self.seeds {
            let (orders, reference) = Self.book(seed: seed)
            let result = BatchAuction.clear(orders, reference: reference)
            let filled = Dictionary(result.fills.map { ($0.id, $0.lots) }, uniquingKeysWith: +)
            let open = orders.filter { (filled[$0.id] ?? 0) < $0.lots }
            let bestBid = open.filter { $0.side == .buy }.map(\.price).max()
            let bestAsk = open.filter { $0.side == .sell }.map(\.price).min()
            if let bestBid, let bestAsk {
                #expect(bestBid < bestAsk, "seed \(seed): open buy at \(bestBid) and sell at \(bestAsk) after the auction")
            }
        }
    }

    @Test func theInputOrderChangesNothing() {
        for seed in Self.seeds {
            let (orders, reference) = Self.book(seed: seed)
            let result = BatchAuction.clear(orders, reference: reference)
            var rng = SplitMix64(seed: seed ^ 0x5eed)
            for _ in 0..<3 {
                let shuffled = orders.shuffled(using: &rng)
                #expect(BatchAuction.clear(shuffled, reference: reference) == result, "seed \(seed): shuffling changed the result")
            }
            #expect(BatchAuction.clear(orders.reversed(), reference: reference) == result, "seed \(seed): reversing changed the result")
        }
    }

    /// A block's worth of work for a busy market: 20,000 orders cleared, and the result still
    /// balanced. (The time is printed, not asserted: the machine is shared.)
    @Test func twentyThousandOrders() {
        var rng = SplitMix64(seed: 20_000)
        let orders = (0..<20_000).map { _ in
            AuctionOrder(id: Hash256(bytes: rng.bytes(32)) ?? .zero, side: rng.next() % 2 == 0 ? .buy : .sell,
                         price: 9_500 + rng.next() % 1_000, lots: 1 + rng.next() % 10_000, height: 1 + rng.next() % 20)
        }
        let clock = ContinuousClock()
        var result: AuctionResult?
        let elapsed = clock.measure { result = BatchAuction.clear(orders, reference: 10_000) }
        print("BatchAuction.clear: 20,000 orders in \(elapsed)")
        let r = result ?? AuctionResult(price: nil, matchedLots: 0, fills: [], levels: [], rule: .noCross)
        #expect(r.price != nil && r.matchedLots > 0)
        let buyIds = Set(orders.filter { $0.side == .buy }.map(\.id))
        let bought = r.fills.filter { buyIds.contains($0.id) }.reduce(0) { $0 + $1.lots }
        let sold = r.fills.filter { !buyIds.contains($0.id) }.reduce(0) { $0 + $1.lots }
        #expect(bought == r.matchedLots && sold == r.matchedLots)
    }
}
