import Foundation
import Hummingbird
import KusariAPI
import KusariCore
import KusariExchange
import KusariNode

/// The fairness audit of one auction, `/auction/{height}/{BASE-QUOTE}`, and the block
/// page's list of its auctions.
extension Site {
    /// `/auction/{height}/{BASE-QUOTE}`: the auction of one market at the end of one block of
    /// the best chain: its price, the demand and supply curves, every fill, and the audit's
    /// checks, run here (shown without JavaScript) and again in the browser (`auction.js`) on
    /// the JSON the page embeds.
    func auction(height text: String, pair pairText: String) async throws -> Response {
        guard let height = Digits.uint64(text, maxDigits: 19) else {
            throw APIError(.badRequest, "bad_request", "height: '\(text)' is not a height")
        }
        let state = try await marketState(pairText)
        let pair = state.market.terms.pair
        guard let clearing = try await node.clearings(atHeight: height).first(where: { $0.pair == pair }) else {
            throw APIError(.notFound, "not_found", "market \(state.name) did not trade at height \(height): "
                           + "a block keeps an auction only for a market that traded in it")
        }
        let time = (try? await blockInfo(String(height)))?.block.header.timestamp
        let reference = try await auctionReference(pair, height: height, openedAt: state.market.openedAt)
        let context = auctionContext(clearing, height: height, time: time, state: state, reference: reference)
        return renderer.page("auction", title: "Auction of \(state.name) at height \(height)", scripts: ["auction.js"], context)
    }

    /// The market's price before the auction at `height`: the last earlier auction's, found
    /// within ``Node/maxTradeScan`` blocks below; none when the market had not traded since it opened.
    func auctionReference(_ pair: MarketPair, height: UInt64, openedAt: UInt64) async throws -> AuctionAudit.Reference {
        guard height > 1 else { return .none }
        let before = height - 1
        if let last = try await node.trades(pair, limit: 1, before: before).first { return .price(last.clearing.price) }
        let floor = before > Node.maxTradeScan ? before - Node.maxTradeScan : 0
        return openedAt > floor ? .none : .unknown
    }

    /// The auction page's values for `clearing` (a function of the clearing alone, so that a
    /// test can render a tampered one).
    func auctionContext(_ c: MarketClearing, height: UInt64, time: UInt64?, state: MarketState,
                        reference: AuctionAudit.Reference) -> [String: Any] {
        let checks = AuctionAudit.run(c, reference: reference)
        let byId = Dictionary(checks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let failed = checks.filter { $0.outcome == .fail }.count
        let unknown = checks.filter { $0.outcome == .unknown }.count
        let network = self.network
        let t = state.market.terms
        var context: [String: Any] = [
            "height": height, "name": state.name, "base": state.base, "quote": state.quote, "price": c.price, "lots": c.lots,
            "time": time.map(Format.time) ?? "unknown", "lot": t.lotSize, "fillCount": c.fills.count,
            "reference": Self.referenceText(reference),
            "fills": c.fills.map { f -> [String: Any] in
                let within = f.side == .buy ? f.limit >= c.price : f.limit <= c.price
                return ["order": f.order.hex, "short": Format.short(f.order.hex), "owner": Address(payload: f.owner, network: network).string,
                        "side": f.side.description, "limit": f.limit, "lots": f.lots, "fee": f.fee,
                        "feeAsset": f.side == .buy ? state.base : state.quote, "role": f.maker ? "maker" : "taker", "within": within]
            },
            "levels": c.levels.map { l -> [String: Any] in
                ["price": l.price, "demand": l.demand, "supply": l.supply, "volume": min(l.demand, l.supply),
                 "clearing": l.price == c.price]
            },
            "checks": AuctionAudit.titles.map { item -> [String: Any] in
                let check = byId[item.id]
                let outcome = check?.outcome ?? .unknown
                return ["id": item.id, "title": item.title, "outcome": outcome.rawValue, "pass": outcome == .pass,
                        "fail": outcome == .fail, "unknown": outcome == .unknown, "detail": check?.detail ?? ""]
            },
            "allPass": failed == 0 && unknown == 0, "failed": failed, "anyFailed": failed > 0, "undecided": unknown,
            "json": Self.auctionJSON(c, height: height, reference: reference),
            "prevHeight": height > 0 ? height - 1 : 0,
        ]
        if let chart = ExchangeCharts.curves(c) { context["curves"] = chart }
        return context
    }

    /// The reference price as the page prints it.
    static func referenceText(_ r: AuctionAudit.Reference) -> String {
        switch r {
        case .none: return "none: the market had not traded before"
        case .price(let p): return "\(p), the market's last earlier auction"
        case .unknown: return "not found within \(Node.maxTradeScan) blocks"
        }
    }

    /// The auction as the page embeds it for the in-browser check: every number a decimal
    /// string (prices and lots reach 2^62, past what a JavaScript number holds exactly).
    static func auctionJSON(_ c: MarketClearing, height: UInt64, reference: AuctionAudit.Reference) -> String {
        let ref: Any
        switch reference {
        case .none: ref = NSNull()
        case .price(let p): ref = String(p)
        case .unknown: ref = "unknown"
        }
        let object: [String: Any] = [
            "height": String(height), "base": String(c.pair.base), "quote": String(c.pair.quote),
            "price": String(c.price), "lots": String(c.lots), "reference": ref,
            "fills": c.fills.map { f in
                ["order": f.order.hex, "side": f.side.description, "limit": String(f.limit), "lots": String(f.lots),
                 "fee": String(f.fee), "maker": f.maker] as [String: Any]
            },
            "levels": c.levels.map { ["price": String($0.price), "demand": String($0.demand), "supply": String($0.supply)] },
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The block page's auctions: one row per market that traded at the end of the block, each
    /// linking its audit. Empty for a block off the best chain (its auctions are not kept).
    func blockAuctions(height: UInt64, onBestChain: Bool) async -> [String: Any] {
        guard onBestChain, let clearings = try? await node.clearings(atHeight: height), !clearings.isEmpty else {
            return ["auctions": [[String: Any]](), "hasAuctions": false]
        }
        let pairs = clearings.map(\.pair)
        let names = (try? await node.readExchange { view in pairs.map { ExchangeFormat.pair($0, in: view) } }) ?? pairs.map { "\($0.base)-\($0.quote)" }
        let rows: [[String: Any]] = zip(clearings, names).map { c, name in
            ["pair": name, "price": c.price, "lots": c.lots, "fills": c.fills.count, "href": "/auction/\(height)/\(name)"]
        }
        return ["auctions": rows, "hasAuctions": true]
    }
}
