import KusariChain
import KusariCore
import KusariExchange


/// A market's book at the tip, aggregated by price, best first on each side.
public struct MarketBook: Sendable {
    public var market: MarketRecord
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var height: UInt64
}

/// One block's auction of one market, with the block's height and time.
public struct MarketTrade: Sendable {
    public var height: UInt64
    public var time: UInt64
    public var clearing: MarketClearing
}

/// What the node answers about the exchange.
extension Node {
    /// The most blocks one trades listing walks back over.
    public nonisolated static let maxTradeScan: UInt64 = 2_000

    /// The exchange at the tip.
    public var exchangeView: ExchangeView { ExchangeView(state: chain.state) }

    /// Why the exchange would refuse `tx` as the next block's transaction, or nil. A sender
    /// with transactions already pending is not checked: those may make it valid (an asset
    /// created, a market opened), and the block's receipt says why if it is not.
    func exchangeRefusal(_ tx: Transaction) -> String? {
        guard mempool.pending(of: tx.from).isEmpty else { return nil }
        return chain.exchange.check(tx, on: chain.state, height: chain.height + 1, time: Self.now())
    }

    /// A market's book, `depth` price levels per side at most.
    public func book(_ pair: MarketPair, depth: Int) throws(NodeError) -> MarketBook {
        let view = exchangeView
        guard let market = view.market(pair: pair) else { throw .notFound("market \(pair)") }
        return MarketBook(market: market, bids: view.levels(pair, side: .buy, depth: depth),
                          asks: view.levels(pair, side: .sell, depth: depth), height: chain.height)
    }

    /// The auctions of the best chain's block at `height` (empty when nothing cleared).
    public func clearings(atHeight height: UInt64) throws(NodeError) -> [MarketClearing] {
        guard height <= chain.height, Int(height) < chain.best.count else { throw .notFound("height \(height)") }
        do { return try chain.store.clearings(chain.best[Int(height)]) } catch { throw .unavailable(error.description) }
    }

    /// The latest auctions of `pair` that traded, newest first: at most `limit`, from at
    /// most ``maxTradeScan`` blocks below `before` (default: the tip).
    public func trades(_ pair: MarketPair, limit: Int, before: UInt64? = nil) throws(NodeError) -> [MarketTrade] {
        guard exchangeView.market(pair: pair) != nil else { throw .notFound("market \(pair)") }
        var out: [MarketTrade] = []
        var height = min(before ?? chain.height, chain.height)
        let floor = height > Self.maxTradeScan ? height - Self.maxTradeScan : 0
        while height > floor, out.count < limit {
            for c in try clearings(atHeight: height) where c.pair == pair {
                let time = chain.id(atHeight: height).flatMap { chain.header($0) }?.timestamp ?? 0
                out.append(MarketTrade(height: height, time: time, clearing: c))
            }
            height -= 1
        }
        return out
    }
}
