import Hummingbird
import KusariCore
import KusariExchange
import KusariNode

/// The routes of the exchange (docs/openapi.yaml, tag `exchange`): assets (KSR is asset 0),
/// an account's holdings and open orders, markets with their books, trades and candles,
/// orders, and each block's auctions with their fills and curves (what a fairness audit
/// reads). Creating, trading and cancelling are transactions (`POST /v1/txs`).
extension API {
    static func addExchangeRoutes(to router: Router<APIContext>, node: Node, network: Network, views: Views) {
        router.get("/v1/assets") { _, _ -> Response in
            let s = await node.exchangeSnapshot()
            let assets = [views.ksrAsset(supply: s.ksrSupply)] + s.view.assets.map(views.asset)
            return JSONBody.response(View.AssetList(assets: assets, height: s.height))
        }

        router.get("/v1/assets/:asset") { _, context -> Response in
            let ref = try ExchangePath.asset(context.parameters.get("asset") ?? "", field: "asset")
            let s = await node.exchangeSnapshot()
            let id = try ExchangePath.resolve(ref, in: s.view)
            guard id != 0 else { return JSONBody.response(views.ksrAsset(supply: s.ksrSupply)) }
            guard let record = s.view.asset(id: id) else { throw APIError(.notFound, "not_found", "asset \(id) not found") }
            return JSONBody.response(views.asset(record))
        }

        router.get("/v1/accounts/:address/assets") { _, context -> Response in
            let address = try Path.address(context.parameters.get("address") ?? "", network: network)
            let s = await node.exchangeSnapshot()
            return JSONBody.response(views.holdings(of: address, in: s))
        }

        router.get("/v1/accounts/:address/orders") { _, context -> Response in
            let address = try Path.address(context.parameters.get("address") ?? "", network: network)
            let s = await node.exchangeSnapshot()
            let names = ExchangeNames(s.view)
            return JSONBody.response(View.OrderList(address: views.address(address), height: s.height,
                                                    orders: s.view.openOrders(of: address).map { views.order($0, names: names) }))
        }

        router.get("/v1/accounts/:address/fills") { request, context -> Response in
            let address = try Path.address(context.parameters.get("address") ?? "", network: network)
            let limit = try Query.limit(request)
            let before = try Query.uint(request, "before")
            let s = await node.exchangeSnapshot()
            let page = try await node.fills(of: address, limit: limit, before: before)
            return JSONBody.response(views.fills(page, of: address, height: s.height, names: ExchangeNames(s.view)))
        }

        router.get("/v1/markets") { _, _ -> Response in
            let s = await node.exchangeSnapshot()
            let names = ExchangeNames(s.view)
            let markets = s.view.markets.map { m in
                views.market(m, names: names, bestBid: s.view.best(m.terms.pair, side: .buy)?.price,
                             bestAsk: s.view.best(m.terms.pair, side: .sell)?.price)
            }
            return JSONBody.response(View.MarketList(markets: markets, height: s.height))
        }

        router.get("/v1/markets/:market") { _, context -> Response in
            let (pair, view) = try await ExchangePath.market(context, node: node)
            guard let m = view.market(pair: pair) else { throw APIError(.notFound, "not_found", "market \(pair) not found") }
            return JSONBody.response(views.market(m, names: ExchangeNames(view), bestBid: view.best(pair, side: .buy)?.price,
                                                  bestAsk: view.best(pair, side: .sell)?.price))
        }

        router.get("/v1/markets/:market/book") { request, context -> Response in
            let depth = try Query.bounded(request, "depth", 1...500, fallback: 50)
            let (pair, view) = try await ExchangePath.market(context, node: node)
            return JSONBody.response(views.book(try await node.book(pair, depth: depth), names: ExchangeNames(view)))
        }

        router.get("/v1/markets/:market/trades") { request, context -> Response in
            let limit = try Query.limit(request)
            let before = try Query.uint(request, "before")
            let (pair, view) = try await ExchangePath.market(context, node: node)
            let names = ExchangeNames(view)
            // `before` is exclusive, as for blocks; the node's walk starts at the height it is given.
            var trades: [MarketTrade] = []
            if before != 0 { trades = try await node.trades(pair, limit: limit, before: before.map { $0 - 1 }) }
            let next = trades.count == limit ? trades.last.map(\.height).flatMap { $0 > 1 ? $0 : nil } : nil
            return JSONBody.response(View.Trades(market: names.market(pair), pair: ExchangeNames.pair(pair),
                                                 trades: trades.map(views.trade), next: next))
        }

        router.get("/v1/markets/:market/candles") { request, context -> Response in
            let interval = try Query.interval(request)
            let limit = try Query.limit(request, maximum: 500, fallback: 100)
            let (pair, view) = try await ExchangePath.market(context, node: node)
            let names = ExchangeNames(view)
            let candles = try await node.candles(pair, interval: interval, limit: limit)
            return JSONBody.response(View.Candles(market: names.market(pair), pair: ExchangeNames.pair(pair), interval: interval,
                                                  candles: candles.map(views.candle)))
        }

        router.get("/v1/orders/:id") { _, context -> Response in
            let id = try Path.hash(context.parameters.get("id") ?? "", field: "id")
            let order = try await node.order(id)
            return JSONBody.response(views.order(order, names: ExchangeNames(await node.exchangeView)))
        }

        router.get("/v1/blocks/:ref/clearings") { _, context -> Response in
            let ref = try Path.blockRef(context.parameters.get("ref") ?? "")
            let cleared = try await node.blockClearings(ref)
            return JSONBody.response(views.blockClearings(cleared, names: ExchangeNames(await node.exchangeView)))
        }
    }
}

extension Views {
    /// These views with the asset symbols of `node`'s tip, for exchange transactions.
    package func withExchangeNames(_ node: Node) async -> Views {
        var v = self
        v.exchangeNames = ExchangeNames(await node.exchangeView)
        return v
    }

    /// What `owner` holds of each asset (KSR always; others when available or locked), and
    /// what its open orders lock.
    package func holdings(of owner: AddressPayload, in s: ExchangeSnapshot) -> View.AccountAssets {
        let names = ExchangeNames(s.view)
        let open = s.view.openOrders(of: owner)
        var locked: [UInt32: UInt64] = [:]
        for o in open {
            guard let lot = s.view.market(pair: o.pair)?.terms.lotSize else { continue }
            let (asset, per) = o.side == .buy ? (o.pair.quote, o.price) : (o.pair.base, lot)
            let (amount, overflow) = o.lots.multipliedReportingOverflow(by: per)
            locked[asset, default: 0] = overflow ? .max : locked[asset, default: 0].addingReportingOverflow(amount).partialValue
        }
        var ids: Set<UInt32> = [0]
        for (a, _) in s.view.balances(of: owner) { ids.insert(a.id) }
        ids.formUnion(locked.keys)
        let balances = ids.sorted().map { id in
            View.Holding(asset: id, symbol: names.symbol(id), decimals: names.decimals[id] ?? 0,
                         available: s.view.balance(of: owner, asset: id), locked: locked[id] ?? 0)
        }
        return View.AccountAssets(address: address(owner), height: s.height, stateRoot: s.stateRoot.hex, balances: balances,
                                  openOrders: open.count)
    }
}

/// An asset as a path names it: its id or its symbol.
package enum AssetSpec: Sendable, Equatable {
    case id(UInt32)
    case symbol(String)
}

/// The exchange's path parameters, checked.
package enum ExchangePath {
    /// An asset id (1 to 10 digits, at most 2^32 - 1) or a symbol (2-12 of A-Z and 0-9
    /// starting with a letter; lower case is read as upper case).
    package static func asset(_ text: String, field: String) throws -> AssetSpec {
        if let v = Digits.uint64(text, maxDigits: 10) {
            guard let id = UInt32(exactly: v) else { throw APIError(.badRequest, "bad_request", "\(field): asset ids go up to 4294967295") }
            return .id(id)
        }
        let symbol = text.uppercased()
        guard symbol == "KSR" || AssetDefinition.isValidSymbol(symbol) else {
            throw APIError(.badRequest, "bad_request",
                           "\(field): '\(text)' is neither an asset id nor a symbol (2-12 of A-Z and 0-9, starting with a letter)")
        }
        return .symbol(symbol)
    }

    /// A market: `BASE-QUOTE`, each an asset id or symbol (`GOLD-KSR`, `1-0`).
    package static func market(_ text: String) throws -> (AssetSpec, AssetSpec) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw APIError(.badRequest, "bad_request", "market: expected BASE-QUOTE by symbols or ids (GOLD-KSR, 1-0), got '\(text)'")
        }
        return (try asset(String(parts[0]), field: "market"), try asset(String(parts[1]), field: "market"))
    }

    /// The id of `ref` in `view` (KSR is 0); not found when no asset has it.
    package static func resolve(_ ref: AssetSpec, in view: ExchangeView) throws -> UInt32 {
        switch ref {
        case .id(let id):
            guard id == 0 || view.asset(id: id) != nil else { throw APIError(.notFound, "not_found", "asset \(id) not found") }
            return id
        case .symbol(let s):
            if s == "KSR" { return 0 }
            guard let a = view.asset(symbol: s) else { throw APIError(.notFound, "not_found", "asset \(s) not found") }
            return a.id
        }
    }

    /// The market a route's `market` names, and the tip's exchange it was resolved in:
    /// 404 when an asset or the market does not exist.
    static func market(_ context: APIContext, node: Node) async throws -> (MarketPair, ExchangeView) {
        let text = context.parameters.get("market") ?? ""
        let (base, quote) = try market(text)
        let view = await node.exchangeView
        let pair = MarketPair(base: try resolve(base, in: view), quote: try resolve(quote, in: view))
        guard view.market(pair: pair) != nil else { throw APIError(.notFound, "not_found", "market \(text.uppercased()) not found") }
        return (pair, view)
    }
}

extension Query {
    /// A whole number in `range`, `fallback` when absent.
    package static func bounded(_ request: Request, _ name: String, _ range: ClosedRange<Int>, fallback: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return fallback }
        guard let v = Digits.uint64(text), v >= UInt64(range.lowerBound), v <= UInt64(range.upperBound) else {
            throw APIError(.badRequest, "bad_request", "\(name): must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return Int(v)
    }

    /// A candle interval in seconds: 60, 300, 3600 or 86400 (default 60).
    package static func interval(_ request: Request) throws -> UInt64 {
        guard let text = request.uri.queryParameters.get("interval") else { return 60 }
        guard let v = Digits.uint64(text), Node.candleIntervals.contains(v) else {
            let allowed = Node.candleIntervals.map(String.init).joined(separator: ", ")
            throw APIError(.badRequest, "bad_request", "interval: one of \(allowed) seconds, got '\(text)'")
        }
        return v
    }
}
