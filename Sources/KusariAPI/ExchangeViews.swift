import KusariCore
import KusariExchange
import KusariNode

/// The JSON shapes of the exchange (docs/openapi.yaml, tag `exchange`). Amounts are base
/// units, prices quote units per lot; a market is named `BASE-QUOTE` by symbols (`market`)
/// and by asset ids (`pair`).
extension View {
    package struct Asset: Encodable {
        package let id: UInt32, symbol: String, decimals: UInt8, supply: UInt64, mintable: Bool
        /// Who created it; left out of KSR.
        package let issuer: String?
    }
    package struct AssetList: Encodable { package let assets: [Asset]; package let height: UInt64 }

    /// An asset named inside another answer.
    package struct AssetRef: Encodable { package let id: UInt32, symbol: String, decimals: UInt8 }

    package struct Holding: Encodable {
        package let asset: UInt32, symbol: String, decimals: UInt8
        /// What the account can spend.
        package let available: UInt64
        /// What its open orders lock (held by the exchange until they fill, are cancelled or expire).
        package let locked: UInt64
    }
    package struct AccountAssets: Encodable {
        package let address: String, height: UInt64, stateRoot: String
        package let balances: [Holding]
        package let openOrders: Int
    }

    package struct Market: Encodable {
        package let market: String, pair: String, base: AssetRef, quote: AssetRef
        package let lotSize: UInt64, tickSize: UInt64, minLots: UInt64, makerFeeBps: UInt16, takerFeeBps: UInt16
        package let creator: String, openedAt: UInt64
        /// The last auction's price, the best bid and the best ask; each left out when there is none.
        package let lastPrice: UInt64?, bestBid: UInt64?, bestAsk: UInt64?
    }
    package struct MarketList: Encodable { package let markets: [Market]; package let height: UInt64 }

    package struct Level: Encodable { package let price: UInt64, lots: UInt64, orders: Int }
    package struct Book: Encodable { package let market: String, pair: String, height: UInt64, bids: [Level], asks: [Level] }

    package struct Trade: Encodable {
        package let height: UInt64, time: UInt64, price: UInt64, lots: UInt64, quoteVolume: UInt64, fills: Int
    }
    package struct Trades: Encodable {
        package let market: String, pair: String, trades: [Trade]
        /// `before` for the next page; left out on the last.
        package let next: UInt64?
    }

    package struct CandleView: Encodable {
        package let time: UInt64, open: UInt64, high: UInt64, low: UInt64, close: UInt64
        package let lots: UInt64, quoteVolume: UInt64, auctions: Int
    }
    package struct Candles: Encodable { package let market: String, pair: String, interval: UInt64, candles: [CandleView] }

    package struct Fill: Encodable {
        package let order: String, owner: String, side: String, lots: UInt64, fee: UInt64, maker: Bool, limit: UInt64
    }
    package struct OrderFillView: Encodable { package let height: UInt64, price: UInt64, lots: UInt64, fee: UInt64, maker: Bool }
    package struct Order: Encodable {
        package let id: String, market: String, pair: String, owner: String, side: String, type: String
        package let price: UInt64, lots: UInt64, openLots: UInt64, filledLots: UInt64
        /// The last height it may rest at; left out when it has none.
        package let expiry: UInt64?
        /// `pending`, `open`, `filled`, `closed` or `refused`.
        package let status: String
        /// The block that placed it; left out while pending.
        package let height: UInt64?
        /// Why the exchange refused it; left out otherwise.
        package let failure: String?
        /// Its fills (in `GET /v1/orders/{id}`; left out of listings).
        package let fills: [OrderFillView]?
        /// How a closed order left the book (in `GET /v1/orders/{id}`; left out otherwise, and
        /// when the node cannot tell).
        package var closedBy: ClosedBy? = nil
    }
    /// Why and when an order left the book with lots unfilled.
    package struct ClosedBy: Encodable {
        /// `cancelled`, `expired`, `immediate` or `post-only-crossed`.
        package let reason: String
        package let height: UInt64
        /// The cancelling transaction; left out unless cancelled.
        package let cancel: String?
    }
    /// One fill of an account's order (`GET /v1/accounts/{address}/fills`).
    package struct AccountFill: Encodable {
        package let height: UInt64, time: UInt64, market: String, pair: String, order: String, side: String
        package let price: UInt64, lots: UInt64, fee: UInt64
        /// The asset the fee was taken in: what the order received.
        package let feeAsset: AssetRef
        package let maker: Bool
    }
    package struct AccountFills: Encodable {
        package let address: String, height: UInt64, fills: [AccountFill]
        /// The `before` of the next page; left out when the walk reached genesis.
        package let next: UInt64?
    }
    package struct OrderList: Encodable { package let address: String, height: UInt64, orders: [Order] }

    package struct ClearingLevelView: Encodable { package let price: UInt64, demand: UInt64, supply: UInt64 }
    package struct Clearing: Encodable {
        package let market: String, pair: String, price: UInt64, lots: UInt64, quoteVolume: UInt64
        package let fills: [Fill], levels: [ClearingLevelView]
    }
    package struct BlockClearingsView: Encodable {
        package let blockId: String, height: UInt64, time: UInt64, onBestChain: Bool, clearings: [Clearing]
    }

    /// An exchange transaction's own fields (in a transaction's `exchange`); those its kind
    /// does not have are left out.
    package struct ExchangeAction: Encodable {
        package var action: String
        package var asset: UInt32? = nil, symbol: String? = nil, decimals: UInt8? = nil, supply: UInt64? = nil
        package var mintable: Bool? = nil, amount: UInt64? = nil
        package var market: String? = nil, pair: String? = nil
        package var lotSize: UInt64? = nil, tickSize: UInt64? = nil, minLots: UInt64? = nil
        package var makerFeeBps: UInt16? = nil, takerFeeBps: UInt16? = nil
        package var side: String? = nil, type: String? = nil, price: UInt64? = nil, lots: UInt64? = nil, expiry: UInt64? = nil
        package var order: String? = nil
    }
}

/// The exchange's names for assets and markets, from one state.
package struct ExchangeNames: Sendable {
    /// Symbols by asset id (KSR included).
    package let symbols: [UInt32: String]
    package let decimals: [UInt32: UInt8]

    package init(_ view: ExchangeView) {
        var symbols: [UInt32: String] = [0: "KSR"]
        var decimals: [UInt32: UInt8] = [0: Self.ksrDecimals]
        for a in view.assets {
            symbols[a.id] = a.symbol
            decimals[a.id] = a.decimals
        }
        self.symbols = symbols
        self.decimals = decimals
    }

    package init() {
        symbols = [0: "KSR"]
        decimals = [0: Self.ksrDecimals]
    }

    /// KSR's decimal places (10^8 base units a coin).
    package static let ksrDecimals: UInt8 = 8

    package func symbol(_ id: UInt32) -> String { symbols[id] ?? String(id) }
    package func asset(_ id: UInt32) -> View.AssetRef { View.AssetRef(id: id, symbol: symbol(id), decimals: decimals[id] ?? 0) }
    /// `BASE-QUOTE` by symbols (ids where a symbol is unknown).
    package func market(_ p: MarketPair) -> String { "\(symbol(p.base))-\(symbol(p.quote))" }
    /// `BASE-QUOTE` by ids.
    package static func pair(_ p: MarketPair) -> String { "\(p.base)-\(p.quote)" }
}

extension Views {
    package func asset(_ a: AssetRecord) -> View.Asset {
        View.Asset(id: a.id, symbol: a.symbol, decimals: a.decimals, supply: a.supply, mintable: a.mintable, issuer: address(a.issuer))
    }

    /// KSR as an asset: id 0, its supply what the chain has issued.
    package func ksrAsset(supply: UInt64) -> View.Asset {
        View.Asset(id: 0, symbol: "KSR", decimals: ExchangeNames.ksrDecimals, supply: supply, mintable: false, issuer: nil)
    }

    package func market(_ m: MarketRecord, names: ExchangeNames, bestBid: UInt64?, bestAsk: UInt64?) -> View.Market {
        let t = m.terms
        return View.Market(market: names.market(t.pair), pair: ExchangeNames.pair(t.pair), base: names.asset(t.pair.base),
                           quote: names.asset(t.pair.quote), lotSize: t.lotSize, tickSize: t.tickSize, minLots: t.minLots,
                           makerFeeBps: t.makerFeeBps, takerFeeBps: t.takerFeeBps, creator: address(m.creator),
                           openedAt: m.openedAt, lastPrice: m.lastPrice, bestBid: bestBid, bestAsk: bestAsk)
    }

    /// An open order as the book holds it.
    package func order(_ o: OrderRecord, names: ExchangeNames) -> View.Order {
        View.Order(id: o.id.hex, market: names.market(o.pair), pair: ExchangeNames.pair(o.pair), owner: address(o.owner),
                   side: o.side.description, type: o.type.description, price: o.price, lots: o.placedLots, openLots: o.lots,
                   filledLots: o.placedLots - min(o.lots, o.placedLots), expiry: o.expiry == 0 ? nil : o.expiry, status: "open",
                   height: o.height, failure: nil, fills: nil)
    }

    /// An order with its status and fills (`GET /v1/orders/{id}`).
    package func order(_ o: OrderInfo, names: ExchangeNames) -> View.Order {
        let t = o.terms
        let found = o.fills.reduce(UInt64(0)) { $0 &+ $1.fill.lots }
        let filled = o.status == .open ? t.lots - min(o.openLots, t.lots) : min(found, t.lots)
        return View.Order(id: o.id.hex, market: names.market(t.pair), pair: ExchangeNames.pair(t.pair), owner: address(o.owner),
                          side: t.side.description, type: t.type.description, price: t.price, lots: t.lots, openLots: o.openLots,
                          filledLots: filled, expiry: t.expiry == 0 ? nil : t.expiry, status: o.status.rawValue, height: o.height,
                          failure: o.failure,
                          fills: o.fills.map { View.OrderFillView(height: $0.height, price: $0.price, lots: $0.fill.lots,
                                                                  fee: $0.fill.fee, maker: $0.fill.maker) },
                          closedBy: o.closing.map { View.ClosedBy(reason: $0.reason.rawValue, height: $0.height, cancel: $0.cancel?.hex) })
    }

    /// A page of an account's fills.
    package func fills(_ page: AccountFills, of owner: AddressPayload, height: UInt64, names: ExchangeNames) -> View.AccountFills {
        View.AccountFills(address: address(owner), height: height, fills: page.fills.map { f in
            View.AccountFill(height: f.height, time: f.time, market: names.market(f.pair), pair: ExchangeNames.pair(f.pair),
                             order: f.fill.order.hex, side: f.fill.side.description, price: f.price, lots: f.fill.lots, fee: f.fill.fee,
                             feeAsset: names.asset(f.fill.side == .buy ? f.pair.base : f.pair.quote), maker: f.fill.maker)
        }, next: page.scannedTo)
    }

    package func book(_ b: MarketBook, names: ExchangeNames) -> View.Book {
        func levels(_ l: [BookLevel]) -> [View.Level] { l.map { View.Level(price: $0.price, lots: $0.lots, orders: $0.orders) } }
        return View.Book(market: names.market(b.market.terms.pair), pair: ExchangeNames.pair(b.market.terms.pair), height: b.height,
                         bids: levels(b.bids), asks: levels(b.asks))
    }

    package func trade(_ t: MarketTrade) -> View.Trade {
        View.Trade(height: t.height, time: t.time, price: t.clearing.price, lots: t.clearing.lots,
                   quoteVolume: Self.quoteVolume(t.clearing), fills: t.clearing.fills.count)
    }

    package func candle(_ c: Candle) -> View.CandleView {
        View.CandleView(time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, lots: c.lots,
                        quoteVolume: c.quoteVolume, auctions: c.auctions)
    }

    package func clearing(_ c: MarketClearing, names: ExchangeNames) -> View.Clearing {
        View.Clearing(market: names.market(c.pair), pair: ExchangeNames.pair(c.pair), price: c.price, lots: c.lots,
                      quoteVolume: Self.quoteVolume(c),
                      fills: c.fills.map { View.Fill(order: $0.order.hex, owner: address($0.owner), side: $0.side.description,
                                                     lots: $0.lots, fee: $0.fee, maker: $0.maker, limit: $0.limit) },
                      levels: c.levels.map { View.ClearingLevelView(price: $0.price, demand: $0.demand, supply: $0.supply) })
    }

    package func blockClearings(_ b: BlockClearings, names: ExchangeNames) -> View.BlockClearingsView {
        View.BlockClearingsView(blockId: b.id.hex, height: b.height, time: b.time, onBestChain: b.onBestChain,
                                clearings: b.clearings.map { clearing($0, names: names) })
    }

    /// Quote units an auction moved: lots x price (saturating; both are bounded far below).
    package static func quoteVolume(_ c: MarketClearing) -> UInt64 {
        let (v, overflow) = c.lots.multipliedReportingOverflow(by: c.price)
        return overflow ? .max : v
    }

    /// An exchange transaction's fields, with symbols where `exchangeNames` knows them.
    package func exchangeAction(_ t: Transaction) -> View.ExchangeAction? {
        guard let action = t.exchangeAction else { return nil }
        let names = exchangeNames
        var v = View.ExchangeAction(action: action.name)
        switch action {
        case .createAsset(let d):
            v.symbol = d.symbol
            v.decimals = d.decimals
            v.supply = d.supply
            v.mintable = d.mintable
        case .mintAsset(let asset, let amount), .transferAsset(let asset, let amount):
            v.asset = asset
            v.symbol = names.symbols[asset]
            v.amount = amount
        case .createMarket(let m):
            v.market = names.market(m.pair)
            v.pair = ExchangeNames.pair(m.pair)
            v.lotSize = m.lotSize
            v.tickSize = m.tickSize
            v.minLots = m.minLots
            v.makerFeeBps = m.makerFeeBps
            v.takerFeeBps = m.takerFeeBps
        case .placeOrder, .cancelOrder, .replaceOrder:
            // A replace names the order it cancels and the one it places.
            v.order = action.cancelledOrder?.hex
            if let o = action.placedOrder {
                v.market = names.market(o.pair)
                v.pair = ExchangeNames.pair(o.pair)
                v.side = o.side.description
                v.type = o.type.description
                v.price = o.price
                v.lots = o.lots
                v.expiry = o.expiry == 0 ? nil : o.expiry
            }
        }
        return v
    }
}
