import KusariCore

/// One order taking part in an auction: what is still open of a resting or new order.
public struct AuctionOrder: Hashable, Sendable {
    /// The order id, unique within a market.
    public var id: Hash256
    /// Buy (pays quote for base) or sell.
    public var side: OrderSide
    /// The limit price in quote units per lot (the exchange requires > 0).
    public var price: UInt64
    /// The quantity still open, in lots (the exchange requires 1 ... `BatchAuction.maxLotsPerOrder`).
    /// An order with 0 lots takes no part in the auction.
    public var lots: UInt64
    /// The height of the block that placed the order. Time priority is by block, never by
    /// position within a block: orders of one block at one price share pro rata.
    public var height: UInt64

    /// An order with every field given.
    public init(id: Hash256, side: OrderSide, price: UInt64, lots: UInt64, height: UInt64) {
        self.id = id
        self.side = side
        self.price = price
        self.lots = lots
        self.height = height
    }
}

/// The lots one order trades in an auction, at the auction's one price.
public struct AuctionFill: Hashable, Sendable {
    /// The order's id.
    public var id: Hash256
    /// The lots traded, always > 0 (orders that trade nothing have no fill).
    public var lots: UInt64

    /// A fill of `lots` lots for the order `id`.
    public init(id: Hash256, lots: UInt64) {
        self.id = id
        self.lots = lots
    }
}

/// The two curves at one candidate price: what a fairness audit recomputes. The same value
/// as the stored record's level (KusariCore's ``ClearingLevel``), so a clearing keeps it as is.
public typealias AuctionLevel = ClearingLevel

extension ClearingLevel {
    /// V(p) = min(D(p), S(p)): the lots that can trade at this price.
    public var executable: UInt64 { min(demand, supply) }

    /// |D(p) - S(p)|: the lots left over on the long side at this price.
    public var surplus: UInt64 { demand > supply ? demand - supply : supply - demand }
}

/// The step of the price rule that chose the clearing price (docs/protocol.md 19.6).
public enum AuctionPriceRule: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// Nothing crosses: the highest executable volume is 0, there is no price.
    case noCross = 0
    /// One candidate price alone has the highest executable volume.
    case volume = 1
    /// Rule 1: of the prices with the highest volume, one alone has the least surplus.
    case surplus = 2
    /// Rule 2, buy pressure: every tied price has D > S, so the highest is taken.
    case buyPressure = 3
    /// Rule 2, sell pressure: every tied price has S > D, so the lowest is taken.
    case sellPressure = 4
    /// Rule 3: one tied price alone is nearest the reference price.
    case reference = 5
    /// Rule 4: the lowest of the prices still tied.
    case lowest = 6
    /// Refused: a side's total lots do not fit in 64 bits (the caller broke the caps of
    /// `BatchAuction`); nothing trades and no curve is given.
    case tooLarge = 7

    public var description: String {
        switch self {
        case .noCross: "no cross"
        case .volume: "highest volume"
        case .surplus: "least surplus"
        case .buyPressure: "buy pressure"
        case .sellPressure: "sell pressure"
        case .reference: "nearest the reference"
        case .lowest: "lowest"
        case .tooLarge: "too large"
        }
    }
}

/// What an auction decided: the price, the volume, every order's fill and the curves behind them.
public struct AuctionResult: Hashable, Sendable {
    /// The one price every fill trades at; nil when nothing crosses (or the input was refused).
    public var price: UInt64?
    /// The lots traded: equal to the sum of the buy fills and to the sum of the sell fills.
    public var matchedLots: UInt64
    /// The orders that trade (lots > 0), sorted by id bytewise.
    public var fills: [AuctionFill]
    /// D(p) and S(p) at every candidate price, ascending by price (empty only when the input
    /// has no orders with lots, or was refused).
    public var levels: [AuctionLevel]
    /// The step of the price rule that chose `price`.
    public var rule: AuctionPriceRule

    /// A result with every field given.
    public init(price: UInt64?, matchedLots: UInt64, fills: [AuctionFill], levels: [AuctionLevel], rule: AuctionPriceRule) {
        self.price = price
        self.matchedLots = matchedLots
        self.fills = fills
        self.levels = levels
        self.rule = rule
    }
}

/// The clearing rule of the exchange's frequent batch auction (docs/protocol.md 19.6): at the
/// end of each block every market trades at one uniform price that maximises the matched
/// volume, with ties broken as Xetra's and Euronext's opening auctions break them; fills go by
/// price, then block, then pro rata among the orders of one block at one price, so that the
/// order of transactions within a block changes nothing.
///
/// Pure and deterministic: integers only (no floating point), no dictionaries, and the result
/// does not depend on the order of the input. O(n log n) for n orders (two sorts, then linear).
///
/// Bounds: the engine needs only that each side's total lots fit in a UInt64; it checks that,
/// and refuses an input that breaks it (`AuctionPriceRule.tooLarge`: no trade) instead of
/// trapping. On the ledger a side's open lots total at most 2^62, because every open lot
/// locks at least one unit of an asset whose supply is at most 2^62 (docs/protocol.md 19.6).
public enum BatchAuction {
    /// The most lots one order may have open (2^40), enforced by the exchange when orders are placed.
    public static let maxLotsPerOrder: UInt64 = ExchangeLimits.maxLots
    /// A book size the engine is tested at (2^23 orders); not a rule of the ledger.
    public static let maxOrders = 1 << 23

    /// Clears one market: the auction price, the volume and each order's fill.
    ///
    /// - Parameters:
    ///   - orders: the market's open orders, in any order; ids are unique (an order with 0 lots
    ///     is ignored).
    ///   - reference: the market's last clearing price, used by tie rule 3; nil skips that rule.
    ///   - candidates: the candidate prices to consider (nil: every limit price); the end of a
    ///     block passes what ``crossing(nextBuy:nextSell:)`` read and its bounds.
    public static func clear(_ orders: [AuctionOrder], reference: UInt64?, candidates: ClosedRange<UInt64>? = nil) -> AuctionResult {
        var buys: [AuctionOrder] = [], sells: [AuctionOrder] = []
        for order in orders where order.lots > 0 {
            if order.side == .buy { buys.append(order) } else { sells.append(order) }
        }
        buys.sort(by: precedes)
        sells.sort(by: precedes)
        guard let all = curves(buys: buys, sells: sells) else {
            return AuctionResult(price: nil, matchedLots: 0, fills: [], levels: [], rule: .tooLarge)
        }
        let levels = candidates.map { range in all.filter { range.contains($0.price) } } ?? all
        guard let (index, rule) = choosePrice(levels, reference: reference) else {
            return AuctionResult(price: nil, matchedLots: 0, fills: [], levels: levels, rule: .noCross)
        }
        let level = levels[index]
        let volume = level.executable
        var fills: [AuctionFill] = []
        fills.reserveCapacity(buys.count + sells.count)
        allocate(buys, volume: volume, price: level.price, into: &fills)
        allocate(sells, volume: volume, price: level.price, into: &fills)
        fills.sort { $0.id != $1.id ? $0.id < $1.id : $0.lots < $1.lots }
        return AuctionResult(price: level.price, matchedLots: volume, fills: fills, levels: levels, rule: rule)
    }

    /// Priority between two orders of one side: the better price (higher for a buy, lower for
    /// a sell), then the earlier block. Orders of one price and one block form a group, kept in
    /// ascending id order (lots last, only so that even a repeated id sorts one way).
    static func precedes(_ a: AuctionOrder, _ b: AuctionOrder) -> Bool {
        if a.price != b.price { return a.side == .buy ? a.price > b.price : a.price < b.price }
        if a.height != b.height { return a.height < b.height }
        if a.id != b.id { return a.id < b.id }
        return a.lots < b.lots
    }

    /// Whether an order may trade at `price`: a buy whose limit is at least it, a sell whose
    /// limit is at most it.
    static func isEligible(_ order: AuctionOrder, at price: UInt64) -> Bool {
        order.side == .buy ? order.price >= price : order.price <= price
    }

    /// D(p) and S(p) at every distinct limit price, ascending, from the buys sorted by
    /// descending price and the sells by ascending price. Nil when a side's total lots
    /// overflow 64 bits (every partial sum is at most its side's total, so checking the
    /// running sums checks everything).
    static func curves(buys: [AuctionOrder], sells: [AuctionOrder]) -> [AuctionLevel]? {
        var levels: [AuctionLevel] = []
        levels.reserveCapacity(buys.count + sells.count)
        // Per-price totals, merging the buys from their lowest price and the sells from theirs.
        var b = buys.count - 1, s = 0
        var buyAt: [UInt64] = [], sellAt: [UInt64] = []
        while b >= 0 || s < sells.count {
            let price = b < 0 ? sells[s].price : s == sells.count ? buys[b].price : min(buys[b].price, sells[s].price)
            var bought: UInt64 = 0, sold: UInt64 = 0
            while b >= 0, buys[b].price == price {
                guard let sum = adding(bought, buys[b].lots) else { return nil }
                bought = sum
                b -= 1
            }
            while s < sells.count, sells[s].price == price {
                guard let sum = adding(sold, sells[s].lots) else { return nil }
                sold = sum
                s += 1
            }
            levels.append(AuctionLevel(price: price, demand: 0, supply: 0))
            buyAt.append(bought)
            sellAt.append(sold)
        }
        // S(p) is a running sum upwards, D(p) a running sum downwards.
        var supply: UInt64 = 0
        for i in levels.indices {
            guard let sum = adding(supply, sellAt[i]) else { return nil }
            supply = sum
            levels[i].supply = supply
        }
        var demand: UInt64 = 0
        for i in levels.indices.reversed() {
            guard let sum = adding(demand, buyAt[i]) else { return nil }
            demand = sum
            levels[i].demand = demand
        }
        return levels
    }

    /// The clearing price's index in `levels` and the rule that chose it; nil when nothing crosses.
    ///
    /// Of the prices with the highest V(p) (when it is 0, nothing crosses): (1) those with the
    /// least surplus |D - S|; (2) if all of them have D > S the highest, if all have S > D the
    /// lowest; (3) otherwise the one nearest `reference` (when given); (4) the lowest left.
    static func choosePrice(_ levels: [AuctionLevel], reference: UInt64?) -> (index: Int, rule: AuctionPriceRule)? {
        var most: UInt64 = 0
        for level in levels { most = max(most, level.executable) }
        guard most > 0 else { return nil }
        let byVolume = levels.indices.filter { levels[$0].executable == most }
        if byVolume.count == 1 { return (byVolume[0], .volume) }

        var least = UInt64.max
        for i in byVolume { least = min(least, levels[i].surplus) }
        let bySurplus = byVolume.filter { levels[$0].surplus == least }
        guard let lowest = bySurplus.first, let highest = bySurplus.last else { return nil }
        if bySurplus.count == 1 { return (lowest, .surplus) }

        if bySurplus.allSatisfy({ levels[$0].demand > levels[$0].supply }) { return (highest, .buyPressure) }
        if bySurplus.allSatisfy({ levels[$0].supply > levels[$0].demand }) { return (lowest, .sellPressure) }

        guard let reference else { return (lowest, .lowest) }
        func distance(_ i: Int) -> UInt64 {
            let p = levels[i].price
            return p > reference ? p - reference : reference - p
        }
        var nearest = UInt64.max
        for i in bySurplus { nearest = min(nearest, distance(i)) }
        let byReference = bySurplus.filter { distance($0) == nearest }
        guard let first = byReference.first else { return nil }
        return byReference.count == 1 ? (first, .reference) : (first, .lowest)
    }

    /// `a + b`, or nil when it does not fit in 64 bits.
    static func adding(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }
}


extension BatchAuction {
    /// Fills `volume` lots on one side at `price`, appending a fill for every order that trades.
    ///
    /// `side` holds one side's orders in priority order (`precedes`). Groups of orders with one
    /// price and one height are taken whole, best first, while they fit in what is left; the
    /// first group that does not fit shares what is left pro rata (`shareProRata`), and the
    /// orders after it get nothing. Only eligible orders (`isEligible`) are reached: the caller
    /// passes V(p), which is at most the side's eligible total.
    ///
    /// Sums cannot overflow: every group total is at most the side's total, which `curves`
    /// checked fits in 64 bits.
    static func allocate(_ side: [AuctionOrder], volume: UInt64, price: UInt64, into fills: inout [AuctionFill]) {
        var left = volume
        var start = 0
        while left > 0, start < side.count, isEligible(side[start], at: price) {
            let first = side[start]
            var end = start
            var group: UInt64 = 0
            while end < side.count, side[end].price == first.price, side[end].height == first.height {
                group += side[end].lots
                end += 1
            }
            if group <= left {
                for order in side[start..<end] { fills.append(AuctionFill(id: order.id, lots: order.lots)) }
                left -= group
            } else {
                shareProRata(side[start..<end], lots: left, total: group, into: &fills)
                left = 0
            }
            start = end
        }
    }

    /// Shares `lots` among a group whose lots total `total` (> `lots`): each order gets
    /// floor(its lots x `lots` / `total`), computed over 128 bits, and the lots this leaves (fewer
    /// than the group has orders) go one each to the group's orders in ascending id order, which
    /// is the group's order in `group`.
    ///
    /// No order gets more than it has: floor(l x R / G) < l when R < G, so one more is at most l.
    /// The quotient fits in 64 bits because it is at most `lots`.
    static func shareProRata(_ group: ArraySlice<AuctionOrder>, lots: UInt64, total: UInt64,
                             into fills: inout [AuctionFill]) {
        var shares: [UInt64] = []
        shares.reserveCapacity(group.count)
        var given: UInt64 = 0
        for order in group {
            let share = total.dividingFullWidth(order.lots.multipliedFullWidth(by: lots)).quotient
            shares.append(share)
            given += share
        }
        var rest = lots - given
        for k in shares.indices where rest > 0 {
            shares[k] += 1
            rest -= 1
        }
        for (order, share) in zip(group, shares) where share > 0 {
            fills.append(AuctionFill(id: order.id, lots: share))
        }
    }
}
