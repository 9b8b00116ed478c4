import Hummingbird
import KusariAPI
import KusariCore
import KusariExchange
import KusariNode

/// The exchange's pages: every market (`/markets`), every asset (`/assets`) and one market
/// (`/market/{BASE-QUOTE}`: its depth chart, book, recent auctions, candles and open orders).
/// They read the exchange's state at the tip and the auctions stored beside the blocks.
extension Site {
    /// Price levels per side on the market page, open orders listed per side, auctions
    /// listed, candles drawn, and trades (one per block that cleared) read for the candles.
    static let bookDepth = 30, ordersListed = 100, tradesListed = 20, candlesDrawn = 60, tradesRead = 600

    /// `/markets`: every market with its pair, terms, last price and best bid and ask.
    func markets() async throws -> Response {
        let rows = try await node.readExchange { view -> [[String: String]] in
            view.markets.map { m in
                let pair = ExchangeFormat.pair(m.terms.pair, in: view)
                let bid = view.best(m.terms.pair, side: .buy)?.price
                let ask = view.best(m.terms.pair, side: .sell)?.price
                return ["pair": pair, "base": ExchangeFormat.symbol(m.terms.pair.base, in: view),
                        "quote": ExchangeFormat.symbol(m.terms.pair.quote, in: view), "ids": m.terms.pair.description,
                        "last": m.lastPrice.map { String($0) } ?? "–", "bid": bid.map { String($0) } ?? "–", "ask": ask.map { String($0) } ?? "–",
                        "lot": String(m.terms.lotSize), "tick": String(m.terms.tickSize),
                        "fees": "\(m.terms.makerFeeBps) / \(m.terms.takerFeeBps) bps", "opened": String(m.openedAt)]
            }
        }
        return renderer.page("markets", title: "Markets", ["markets": rows, "hasMarkets": !rows.isEmpty])
    }

    /// `/assets`: every asset with its symbol, decimals, supply and issuer.
    func assets() async throws -> Response {
        let network = self.network
        let rows = try await node.readExchange { view -> [[String: String]] in
            view.assets.map { a in
                ["id": String(a.id), "symbol": a.symbol, "decimals": String(a.decimals),
                 "supply": ExchangeFormat.units(a.supply, decimals: a.decimals), "units": String(a.supply),
                 "mintable": a.mintable ? "mintable" : "fixed", "issuer": Address(payload: a.issuer, network: network).string]
            }
        }
        return renderer.page("assets", title: "Assets", ["assets": rows, "hasAssets": !rows.isEmpty])
    }

    /// What the market page reads of the exchange's state, in one visit to the node.
    struct MarketState: Sendable {
        let market: MarketRecord
        let name: String, base: String, quote: String
        let bids: [OrderRecord], asks: [OrderRecord]
        let bidCount: Int, askCount: Int
        let bidLevels: [ExchangeCharts.Level], askLevels: [ExchangeCharts.Level]
    }

    /// The market `text` names (symbols or ids), with its book at the tip.
    func marketState(_ text: String) async throws -> MarketState {
        try await node.readExchange { view in
            let pair = try ExchangeFormat.resolve(text, in: view)
            guard let market = view.market(pair: pair) else {
                throw APIError(.notFound, "not_found", "no market \(ExchangeFormat.pair(pair, in: view)) on this chain")
            }
            // Reads only the top of each side: the listed orders, the drawn levels and the counts.
            return MarketState(market: market, name: ExchangeFormat.pair(pair, in: view),
                               base: ExchangeFormat.symbol(pair.base, in: view), quote: ExchangeFormat.symbol(pair.quote, in: view),
                               bids: view.orders(pair, side: .buy, limit: Self.ordersListed),
                               asks: view.orders(pair, side: .sell, limit: Self.ordersListed),
                               bidCount: view.orderCount(pair, side: .buy), askCount: view.orderCount(pair, side: .sell),
                               bidLevels: view.levels(pair, side: .buy, depth: Self.bookDepth),
                               askLevels: view.levels(pair, side: .sell, depth: Self.bookDepth))
        }
    }

    /// How candles are bucketed: `blocks` (1 to 1,000, default 10) or `seconds` (1 to 86,400).
    static func candleBucket(_ form: Form) throws -> (size: UInt64, byTime: Bool) {
        if let text = form["seconds"] {
            guard let s = Digits.uint64(text, maxDigits: 6), (1...86_400).contains(s) else {
                throw APIError(.badRequest, "bad_request", "seconds: a candle of 1 to 86400 seconds, got '\(text)'")
            }
            return (s, true)
        }
        guard let text = form["blocks"] else { return (10, false) }
        guard let b = Digits.uint64(text, maxDigits: 4), (1...1_000).contains(b) else {
            throw APIError(.badRequest, "bad_request", "blocks: a candle of 1 to 1000 blocks, got '\(text)'")
        }
        return (b, false)
    }

    /// `/market/{BASE-QUOTE}?blocks=|seconds=`: the depth chart, the book by price level, the
    /// recent auctions (one row per block, each linking its audit), OHLCV candles from the
    /// stored auctions, and the open orders with their owners.
    func market(_ text: String, form: Form) async throws -> Response {
        let bucket = try Self.candleBucket(form)
        let state = try await marketState(text)
        let pair = state.market.terms.pair
        let trades = try await node.trades(pair, limit: Self.tradesRead)
        let candles = Array(ExchangeCharts.candles(trades, bucket: bucket.size, byTime: bucket.byTime).suffix(Self.candlesDrawn))
        let network = self.network
        func orderRow(_ o: OrderRecord) -> [String: Any] {
            let owner = Address(payload: o.owner, network: network).string
            return ["id": o.id.hex, "short": Format.short(o.id.hex), "owner": owner, "side": o.side.description, "type": o.type.description,
                    "price": o.price, "lots": o.lots, "placed": o.placedLots, "height": o.height, "expiry": o.expiry == 0 ? "none" : String(o.expiry)]
        }
        func levelRows(_ levels: [ExchangeCharts.Level]) -> [[String: Any]] {
            var total: UInt64 = 0
            return levels.map { l in
                total &+= l.lots
                return ["price": l.price, "lots": l.lots, "orders": l.orders, "total": total]
            }
        }
        let t = state.market.terms
        var context: [String: Any] = [
            "name": state.name, "base": state.base, "quote": state.quote, "ids": pair.description,
            "lot": t.lotSize, "tick": t.tickSize, "minLots": t.minLots, "makerFee": t.makerFeeBps, "takerFee": t.takerFeeBps,
            "opened": state.market.openedAt, "last": state.market.lastPrice.map { String($0) } ?? "none yet",
            "bestBid": state.bidLevels.first.map { String($0.price) } ?? "none", "bestAsk": state.askLevels.first.map { String($0.price) } ?? "none",
            "bidLevels": levelRows(state.bidLevels), "askLevels": levelRows(state.askLevels),
            "hasBook": !(state.bidLevels.isEmpty && state.askLevels.isEmpty),
            "bidOrders": state.bids.map(orderRow), "askOrders": state.asks.map(orderRow),
            "bidCount": state.bidCount, "askCount": state.askCount,
            "moreBids": state.bidCount > state.bids.count, "moreAsks": state.askCount > state.asks.count,
            "ordersListed": Self.ordersListed, "bookDepthNote": Self.bookDepth,
            "trades": trades.prefix(Self.tradesListed).map { tr -> [String: Any] in
                ["height": tr.height, "time": Format.time(tr.time), "price": tr.clearing.price, "lots": tr.clearing.lots,
                 "fills": tr.clearing.fills.count, "auction": "/auction/\(tr.height)/\(state.name)"]
            },
            "hasTrades": !trades.isEmpty, "scanned": Node.maxTradeScan,
            "candles": candles.reversed().map { c -> [String: Any] in
                ["start": bucket.byTime ? Format.time(c.start) : String(c.start), "from": c.from, "to": c.to, "open": c.open,
                 "high": c.high, "low": c.low, "close": c.close, "volume": c.volume]
            },
            "bucket": bucket.size, "byTime": bucket.byTime, "bucketUnit": bucket.byTime ? "seconds" : "blocks",
        ]
        if let depth = ExchangeCharts.depth(bids: state.bidLevels, asks: state.askLevels) { context["depth"] = depth }
        if let chart = ExchangeCharts.candleChart(candles) { context["candleChart"] = chart }
        return renderer.page("market", title: "Market \(state.name)", context)
    }
}
