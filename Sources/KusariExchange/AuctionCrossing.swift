import KusariCore

/// What of a book an auction needs (docs/protocol.md 19.5): the orders from each side's best
/// to where the sides stop crossing, and the candidate prices that can matter.
public struct AuctionCrossing: Hashable, Sendable {
    /// The orders read: buys from the best down, sells from the best up, each side complete
    /// down (up) to a whole price.
    public var orders: [AuctionOrder]
    /// The candidate prices that can decide the auction: the prices above the first buy
    /// price left unread and below the first sell price left unread (bounds included when
    /// a side was read to its end). D(p) and S(p) at these prices are those of the whole book.
    public var candidates: ClosedRange<UInt64>
}

extension BatchAuction {
    /// Reads a book from each side's best order only as far as the auction needs.
    ///
    /// `nextBuy` gives the book's buys best first (price, then block, then id) and `nextSell`
    /// its sells, each once, nil at the end. The walk matches the current best buy with the
    /// current best sell, lot by lot, while the buy's limit is at least the sell's (the
    /// volume it matches is the highest any one price can trade); then it reads the rest of
    /// the price of the last buy and of the last sell it reached, and one order more on each
    /// side, whose price bounds the candidates.
    ///
    /// Why nothing else matters: with `b` the last buy price and `s` the last sell price
    /// reached, D(s) <= S(s) and D(b) >= S(b) (every buy at or above `s` and every sell at or
    /// below `b` was matched in full). Above `s`, V(p) = D(p) <= V(s), and a price that ties
    /// with `s` has more surplus unless no sell lies in (s, p], so prices from the next
    /// unread sell up lose at rule 1 at the latest; below `b` alike. Between the bounds
    /// every order counted by D(p) or S(p) was read. Nil when nothing crosses (a side is
    /// empty, or the best buy is below the best sell).
    public static func crossing(nextBuy: () -> AuctionOrder?, nextSell: () -> AuctionOrder?) -> AuctionCrossing? {
        guard var buy = nextBuy(), var sell = nextSell(), buy.price >= sell.price else { return nil }
        var orders = [buy, sell]
        var buyLeft = buy.lots, sellLeft = sell.lots
        while buy.price >= sell.price {
            let matched = min(buyLeft, sellLeft)
            buyLeft -= matched
            sellLeft -= matched
            if buyLeft == 0 {
                guard let next = nextBuy() else { return complete(orders, buy: nil, sell: sell, nextBuy, nextSell) }
                orders.append(next)
                buy = next
                buyLeft = next.lots
            }
            if sellLeft == 0 {
                guard let next = nextSell() else { return complete(orders, buy: buy, sell: nil, nextBuy, nextSell) }
                orders.append(next)
                sell = next
                sellLeft = next.lots
            }
        }
        return complete(orders, buy: buy, sell: sell, nextBuy, nextSell)
    }

    /// Reads the rest of the last buy price and the last sell price reached (nil: that side
    /// was read to its end), and one order beyond each, which bounds the candidates.
    private static func complete(_ read: [AuctionOrder], buy: AuctionOrder?, sell: AuctionOrder?,
                                 _ nextBuy: () -> AuctionOrder?, _ nextSell: () -> AuctionOrder?) -> AuctionCrossing {
        var orders = read
        var low: UInt64 = 0, high = UInt64.max
        if let buy {
            while let next = nextBuy() {
                guard next.price == buy.price else { low = next.price + 1; break }   // next.price < buy.price, so no overflow
                orders.append(next)
            }
        }
        if let sell {
            while let next = nextSell() {
                guard next.price == sell.price else { high = next.price - 1; break }   // next.price > sell.price >= 1
                orders.append(next)
            }
        }
        return AuctionCrossing(orders: orders, candidates: low...high)
    }
}
