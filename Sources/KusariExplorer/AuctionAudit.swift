import KusariCore

/// The fairness audit of one stored auction (`MarketClearing`), recomputed from what the
/// clearing itself records: its price and lots, every fill with its order's limit, and the
/// demand and supply curves at every candidate price. The auction page shows these results
/// (so it reads without JavaScript), and `auction.js` runs the same checks in the browser on
/// the JSON the page embeds. Written from the rules of `BatchAuction`'s doc comments, not
/// from its code, so that a bug there shows here as a failed check.
enum AuctionAudit {
    /// What the tie rule's third step needs: the market's price before this auction.
    enum Reference: Equatable {
        /// The market had not traded before: the third step is skipped.
        case none
        /// The last earlier auction's price.
        case price(UInt64)
        /// Not found within the blocks the page may read: the page cannot tell.
        case unknown
    }

    /// One check's outcome.
    enum Outcome: String {
        case pass, fail, unknown
    }

    /// One check with its outcome and what it found.
    struct Check {
        /// A stable id (the page's element and the script use it).
        let id: String
        let outcome: Outcome
        let detail: String
    }

    /// The checks in the order the page lists them, with what each one asserts.
    static let titles: [(id: String, title: String)] = [
        ("curves", "The curves are well formed: prices ascending, demand never rising, supply never falling"),
        ("limits", "Every filled buy's limit is at least the price, every filled sell's at most"),
        ("balance", "Buy fills and sell fills both sum to the matched lots"),
        ("executable", "The matched lots are min(D(p), S(p)) at the clearing price p"),
        ("maximal", "No candidate price would have matched more"),
        ("priority", "Better prices first: at every price q, buys with limit ≥ q got min(D(q), V) and sells with limit ≤ q got min(S(q), V)"),
        ("tiebreak", "The tie rule picks this price among the maximal ones"),
    ]

    /// Runs every check on `c`; `reference` is what the tie rule's third step needs.
    static func run(_ c: MarketClearing, reference: Reference) -> [Check] {
        [curves(c), limits(c), balance(c), executable(c), maximal(c), priority(c), tiebreak(c, reference: reference)]
    }

    static func curves(_ c: MarketClearing) -> Check {
        let l = c.levels
        guard !l.isEmpty else { return Check(id: "curves", outcome: .fail, detail: "no candidate prices recorded") }
        for i in l.indices.dropFirst() {
            if l[i].price <= l[i - 1].price {
                return Check(id: "curves", outcome: .fail, detail: "price \(l[i].price) does not ascend from \(l[i - 1].price)")
            }
            if l[i].demand > l[i - 1].demand {
                return Check(id: "curves", outcome: .fail, detail: "demand rises from \(l[i - 1].demand) to \(l[i].demand) at \(l[i].price)")
            }
            if l[i].supply < l[i - 1].supply {
                return Check(id: "curves", outcome: .fail, detail: "supply falls from \(l[i - 1].supply) to \(l[i].supply) at \(l[i].price)")
            }
        }
        return Check(id: "curves", outcome: .pass, detail: "\(l.count) candidate prices")
    }

    static func limits(_ c: MarketClearing) -> Check {
        for f in c.fills {
            let within = f.side == .buy ? f.limit >= c.price : f.limit <= c.price
            if !within {
                return Check(id: "limits", outcome: .fail,
                             detail: "order \(f.order.hex) (\(f.side), limit \(f.limit)) filled at \(c.price)")
            }
        }
        return Check(id: "limits", outcome: .pass, detail: "\(c.fills.count) fills, each within its limit at \(c.price)")
    }

    /// The sum of `values`, nil on overflow.
    static func sum(_ values: some Sequence<UInt64>) -> UInt64? {
        var total: UInt64 = 0
        for v in values {
            let (s, o) = total.addingReportingOverflow(v)
            if o { return nil }
            total = s
        }
        return total
    }

    static func balance(_ c: MarketClearing) -> Check {
        if let zero = c.fills.first(where: { $0.lots == 0 }) {
            return Check(id: "balance", outcome: .fail, detail: "order \(zero.order.hex) has a fill of 0 lots")
        }
        guard let bought = sum(c.fills.filter { $0.side == .buy }.map(\.lots)),
              let sold = sum(c.fills.filter { $0.side == .sell }.map(\.lots)) else {
            return Check(id: "balance", outcome: .fail, detail: "the fills' lots overflow 64 bits")
        }
        let ok = bought == c.lots && sold == c.lots
        return Check(id: "balance", outcome: ok ? .pass : .fail, detail: "bought \(bought), sold \(sold), matched \(c.lots)")
    }

    static func executable(_ c: MarketClearing) -> Check {
        guard let at = c.levels.first(where: { $0.price == c.price }) else {
            return Check(id: "executable", outcome: .fail, detail: "the price \(c.price) is not one of the candidate prices")
        }
        let v = min(at.demand, at.supply)
        return Check(id: "executable", outcome: v == c.lots ? .pass : .fail,
                     detail: "D(\(c.price)) = \(at.demand), S(\(c.price)) = \(at.supply), min = \(v), matched \(c.lots)")
    }

    static func maximal(_ c: MarketClearing) -> Check {
        guard let best = c.levels.max(by: { min($0.demand, $0.supply) < min($1.demand, $1.supply) }) else {
            return Check(id: "maximal", outcome: .fail, detail: "no candidate prices recorded")
        }
        let most = min(best.demand, best.supply)
        if most > c.lots {
            return Check(id: "maximal", outcome: .fail, detail: "price \(best.price) would have matched \(most) lots, more than \(c.lots)")
        }
        return Check(id: "maximal", outcome: .pass, detail: "the most any candidate price matches is \(most) lots")
    }

    static func priority(_ c: MarketClearing) -> Check {
        let v = c.lots
        for level in c.levels {
            guard let buys = sum(c.fills.filter { $0.side == .buy && $0.limit >= level.price }.map(\.lots)),
                  let sells = sum(c.fills.filter { $0.side == .sell && $0.limit <= level.price }.map(\.lots)) else {
                return Check(id: "priority", outcome: .fail, detail: "the fills' lots overflow 64 bits")
            }
            if buys != min(level.demand, v) {
                return Check(id: "priority", outcome: .fail,
                             detail: "buys with limit ≥ \(level.price) got \(buys) lots, not min(\(level.demand), \(v))")
            }
            if sells != min(level.supply, v) {
                return Check(id: "priority", outcome: .fail,
                             detail: "sells with limit ≤ \(level.price) got \(sells) lots, not min(\(level.supply), \(v))")
            }
        }
        return Check(id: "priority", outcome: .pass, detail: "at all \(c.levels.count) candidate prices")
    }

    /// What the price rule picks from a set of curves.
    enum Pick: Equatable {
        /// This price, by this step of the rule.
        case picked(price: UInt64, rule: String)
        /// Nothing crosses: no price.
        case noCross
        /// The tie reaches the third step and the reference price is not known.
        case needsReference
    }

    /// The price the rule of `BatchAuction` picks from `levels`: of the prices with the highest
    /// V(p) = min(D(p), S(p)), (1) those with the least surplus |D - S|; (2) if all have D > S
    /// the highest, if all have S > D the lowest; (3) the one nearest the reference price
    /// (skipped when there is none); (4) the lowest left.
    static func choose(_ levels: [ClearingLevel], reference: Reference) -> Pick {
        func v(_ l: ClearingLevel) -> UInt64 { min(l.demand, l.supply) }
        func surplus(_ l: ClearingLevel) -> UInt64 { l.demand > l.supply ? l.demand - l.supply : l.supply - l.demand }
        let most = levels.map(v).max() ?? 0
        guard most > 0 else { return .noCross }
        let byVolume = levels.filter { v($0) == most }
        if byVolume.count == 1, let only = byVolume.first { return .picked(price: only.price, rule: "the highest volume") }
        let least = byVolume.map(surplus).min() ?? 0
        let bySurplus = byVolume.filter { surplus($0) == least }
        guard let lowest = bySurplus.first, let highest = bySurplus.last else { return .noCross }
        if bySurplus.count == 1 { return .picked(price: lowest.price, rule: "the least surplus") }
        if bySurplus.allSatisfy({ $0.demand > $0.supply }) { return .picked(price: highest.price, rule: "buy pressure (the highest)") }
        if bySurplus.allSatisfy({ $0.supply > $0.demand }) { return .picked(price: lowest.price, rule: "sell pressure (the lowest)") }
        switch reference {
        case .unknown: return .needsReference
        case .none: return .picked(price: lowest.price, rule: "the lowest (no reference price)")
        case .price(let r):
            func distance(_ l: ClearingLevel) -> UInt64 { l.price > r ? l.price - r : r - l.price }
            let nearest = bySurplus.map(distance).min() ?? 0
            let byReference = bySurplus.filter { distance($0) == nearest }
            guard let first = byReference.first else { return .noCross }
            return .picked(price: first.price, rule: byReference.count == 1 ? "nearest the reference price \(r)" : "the lowest")
        }
    }

    static func tiebreak(_ c: MarketClearing, reference: Reference) -> Check {
        switch choose(c.levels, reference: reference) {
        case .needsReference:
            return Check(id: "tiebreak", outcome: .unknown,
                         detail: "the tie reaches the reference price, which this page could not find (the market's last earlier auction is too far back)")
        case .noCross:
            return Check(id: "tiebreak", outcome: .fail, detail: "no candidate price matches anything")
        case .picked(let price, let rule):
            return Check(id: "tiebreak", outcome: price == c.price ? .pass : .fail, detail: "the rule picks \(price), by \(rule)")
        }
    }
}
