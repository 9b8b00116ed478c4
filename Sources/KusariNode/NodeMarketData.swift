import KusariChain
import KusariCore
import KusariExchange

/// The exchange at the tip as one consistent read: its state, the height and state root
/// it is at, and the KSR issued so far (asset 0's supply).
public struct ExchangeSnapshot: Sendable {
    /// The exchange's state at the tip.
    public var view: ExchangeView
    /// The tip's height.
    public var height: UInt64
    /// The tip's state root.
    public var stateRoot: Hash256
    /// KSR in existence after the tip: genesis allocations and every block's subsidy (fees
    /// move KSR, they create none).
    public var ksrSupply: UInt64
}

/// One candle of a market: the auctions of the blocks whose time falls in one interval.
public struct Candle: Sendable, Hashable {
    /// The interval's start (Unix seconds, a multiple of the interval).
    public var time: UInt64
    /// The first auction's price in the interval.
    public var open: UInt64
    /// The highest auction price.
    public var high: UInt64
    /// The lowest auction price.
    public var low: UInt64
    /// The last auction's price.
    public var close: UInt64
    /// Lots traded.
    public var lots: UInt64
    /// Quote units traded (lots x price, summed over the auctions).
    public var quoteVolume: UInt64
    /// Auctions (blocks that traded the market) in the interval.
    public var auctions: Int
}

/// One fill of an order, with its auction's block and price.
public struct OrderFillRecord: Sendable, Hashable {
    /// The block whose auction filled it.
    public var height: UInt64
    /// That auction's clearing price.
    public var price: UInt64
    /// The fill as the clearing keeps it.
    public var fill: OrderFill
}

/// An order as the node knows it: placed (pending or in a block), open or not, and the fills found.
public struct OrderInfo: Sendable {
    /// Where the order is.
    public enum Status: String, Sendable {
        /// In the mempool, not in a block yet.
        case pending
        /// Resting on the book.
        case open
        /// Every lot filled.
        case filled
        /// Off the book with lots unfilled: cancelled, expired, or what an immediate
        /// (immediate-or-cancel, market) or crossing post-only order had left.
        case closed
        /// The exchange refused the transaction (its receipt says why).
        case refused
    }
    /// The order's id: its transaction's id.
    public var id: Hash256
    /// Who placed it.
    public var owner: AddressPayload
    /// The order as placed.
    public var terms: OrderTerms
    /// Where it is now.
    public var status: Status
    /// The block that placed it (nil while pending).
    public var height: UInt64?
    /// Lots still open (0 unless open).
    public var openLots: UInt64
    /// Why the exchange refused it.
    public var failure: String?
    /// Its fills, oldest first, from at most ``Node/maxTradeScan`` blocks from its placement.
    public var fills: [OrderFillRecord]
    /// How it left the book (closed orders only; nil when that cannot be told).
    public var closing: OrderClosing? = nil
}

/// A block's auctions with the block they belong to.
public struct BlockClearings: Sendable {
    /// The block's id.
    public var id: Hash256
    /// Its height.
    public var height: UInt64
    /// Its header's timestamp.
    public var time: UInt64
    /// Whether it is on the best chain.
    public var onBestChain: Bool
    /// Its auctions, by pair (empty when nothing cleared).
    public var clearings: [MarketClearing]
}

/// Market data the node derives from its stored clearings: candles, an order's history,
/// a block's auctions, and the trade events it publishes as blocks connect.
extension Node {
    /// The most blocks a candles request walks back over.
    public nonisolated static let maxCandleScan: UInt64 = 10_000
    /// Candle intervals served, in seconds.
    public nonisolated static let candleIntervals: [UInt64] = [60, 300, 3_600, 86_400]

    /// The exchange at the tip, with its height and the KSR supply.
    public func exchangeSnapshot() -> ExchangeSnapshot {
        ExchangeSnapshot(view: exchangeView, height: chain.height, stateRoot: chain.state.root,
                         ksrSupply: chain.rules.issued(through: chain.height))
    }

    /// The candles of `pair` over `interval` seconds, oldest first: the newest `limit`
    /// intervals with a trade, from at most ``maxCandleScan`` blocks below the tip.
    /// Intervals without a trade are left out.
    public func candles(_ pair: MarketPair, interval: UInt64, limit: Int) throws(NodeError) -> [Candle] {
        guard exchangeView.market(pair: pair) != nil else { throw .notFound("market \(pair)") }
        guard interval > 0 else { throw .badRequest(field: "interval", reason: "must be above 0") }
        var newestFirst: [Candle] = []
        var height = chain.height
        let floor = height > Self.maxCandleScan ? height - Self.maxCandleScan : 0
        scan: while height > floor {
            defer { height -= 1 }
            for c in try clearings(atHeight: height) where c.pair == pair {
                let time = chain.id(atHeight: height).flatMap { chain.header($0) }?.timestamp ?? 0
                let start = time - time % interval
                let quote = c.lots.multipliedReportingOverflow(by: c.price)
                let volume = quote.overflow ? UInt64.max : quote.partialValue
                if let last = newestFirst.last, last.time == start {
                    var k = last
                    k.open = c.price   // walking back: this auction is earlier
                    k.high = max(k.high, c.price)
                    k.low = min(k.low, c.price)
                    k.lots = k.lots &+ c.lots
                    k.quoteVolume = k.quoteVolume.addingReportingOverflow(volume).overflow ? .max : k.quoteVolume + volume
                    k.auctions += 1
                    newestFirst[newestFirst.count - 1] = k
                } else {
                    // A block's time may be below its parent's (median-time-past rules): an
                    // interval seen again later in the walk starts a candle of its own only
                    // when it is older than the last one.
                    if let last = newestFirst.last, start > last.time { continue }
                    if newestFirst.count == limit { break scan }
                    newestFirst.append(Candle(time: start, open: c.price, high: c.price, low: c.price, close: c.price,
                                              lots: c.lots, quoteVolume: volume, auctions: 1))
                }
            }
        }
        return newestFirst.reversed()
    }

    /// The order placed by transaction `id`: pending, open, filled, closed or refused, with
    /// the fills found from its block on. Not found when `id` is no order transaction.
    public func order(_ id: Hash256) throws(NodeError) -> OrderInfo {
        let info: TransactionInfo
        do throws(NodeError) { info = try transaction(id) } catch {
            if case .notFound = error { throw .notFound("order \(id)") }
            throw error
        }
        guard let terms = info.tx.exchangeAction?.placedOrder else {
            throw .notFound("order \(id) (transaction \(id) places no order)")
        }
        var order = OrderInfo(id: id, owner: info.tx.from, terms: terms, status: .pending, height: info.height,
                              openLots: 0, failure: nil, fills: [])
        guard let placed = info.height else { return order }
        if let failure = info.receipt?.failure {
            order.status = .refused
            order.failure = failure
            return order
        }
        let upper = min(chain.height, placed + Self.maxTradeScan)
        var height = placed
        while height <= upper {
            for c in try clearings(atHeight: height) where c.pair == terms.pair {
                for f in c.fills where f.order == id { order.fills.append(OrderFillRecord(height: height, price: c.price, fill: f)) }
            }
            height += 1
        }
        if let open = exchangeView.order(id: id) {
            order.status = .open
            order.openLots = open.lots
        } else {
            let filled = order.fills.reduce(UInt64(0)) { $0 &+ $1.fill.lots }
            order.status = filled >= terms.lots ? .filled : .closed
            if order.status == .closed { order.closing = try closing(of: id, terms: terms, owner: order.owner, placed: placed) }
        }
        return order
    }

    /// The auctions of a block (by height on the best chain, or by id).
    public func blockClearings(_ ref: BlockRef) throws(NodeError) -> BlockClearings {
        let info = try block(ref)
        let stored: [MarketClearing]
        do { stored = try chain.store.clearings(info.id) } catch { throw .unavailable(error.description) }
        return BlockClearings(id: info.id, height: info.block.header.height, time: info.block.header.timestamp,
                              onBestChain: info.onBestChain, clearings: stored)
    }

    /// Publishes a `trade` event for every market the last `blocks` best-chain blocks up to
    /// `top` cleared, oldest first.
    func publishTrades(through top: UInt64, blocks: Int) {
        guard top > 0, blocks > 0 else { return }
        let heights = (top - min(top, UInt64(blocks)) + 1)...top
        let view = exchangeView
        func symbol(_ asset: UInt32) -> String { asset == 0 ? "KSR" : view.asset(id: asset)?.symbol ?? String(asset) }
        for height in heights {
            guard let cleared = try? clearings(atHeight: height) else { continue }
            for c in cleared {
                events.publish(.trade(pair: c.pair, symbol: "\(symbol(c.pair.base))-\(symbol(c.pair.quote))", height: height,
                                      price: c.price, lots: c.lots))
            }
        }
    }
}
