import Foundation
import KusariClient
import KusariCore

/// Keeps a demo market trading on the devnet, so that the explorer's market pages
/// (`/markets`, `/market/DEMO-KSR`, the auction audits) have something to show from the
/// first minute.
///
/// Demo account 7 issues the asset `DEMO` (1,000,000.00 DEMO, two decimals), gives
/// 200,000.00 to accounts 8 and 9 and opens the market DEMO-KSR. Then accounts 7, 8 and 9
/// take turns placing one limit order a second around a price that wanders: most rest on
/// the book (and expire after 20 blocks), about a third cross it, so most blocks' auctions
/// trade. Each step reads the chain first, so a resumed devnet (or one where another
/// client already made the asset or market) carries on without making them twice.
///
/// It talks to one running node at a time and takes each sender's next nonce from that
/// node's `pendingNonce`, so its transactions never compete for a nonce; the transfer
/// traffic uses the other demo accounts (0 to 6).
final class DemoMarket: Sendable {
    /// The demo accounts that trade: 7 issues the asset and opens the market.
    static let traders = 7...9
    /// The asset's symbol.
    static let symbol = "DEMO"
    /// The market's terms, given the asset's id: lots of 1.00 DEMO, prices in steps of
    /// 0.0001 KSR, fees 5 and 10 basis points.
    static func terms(base: UInt32) -> MarketTerms {
        MarketTerms(pair: MarketPair(base: base, quote: 0), lotSize: 100, tickSize: 10_000, minLots: 1,
                    makerFeeBps: 5, takerFeeBps: 10)
    }
    /// The price the wandering starts from when the market has not traded: 0.05 KSR a lot.
    static let startTicks: UInt64 = 500
    /// Blocks an order rests before it expires.
    static let restBlocks: UInt64 = 20
    /// The fee of each transaction (well above the minimum of one unit a byte).
    static let fee: UInt64 = 2_000

    let accounts: [DemoAccounts.Account]
    let chainId: UInt32
    let supervisor: Supervisor
    let report: @Sendable (String) -> Void
    private let walk = Walk()

    init(accounts: [DemoAccounts.Account], chainId: UInt32, supervisor: Supervisor, report: @escaping @Sendable (String) -> Void) {
        self.accounts = accounts
        self.chainId = chainId
        self.supervisor = supervisor
        self.report = report
    }

    /// The wandering price (in ticks) and whose turn it is.
    private actor Walk {
        var ticks: UInt64?
        var turn = 0
        var announced = false
        func next(lastPrice: UInt64?) -> (ticks: UInt64, trader: Int) {
            var t = ticks ?? lastPrice ?? DemoMarket.startTicks
            switch UInt8.random(in: 0..<4) {
            case 0: t = max(t - min(t, 2), 100)
            case 1: t = min(t + 2, 2_000)
            default: break
            }
            ticks = t
            turn += 1
            return (t, DemoMarket.traders.lowerBound + turn % DemoMarket.traders.count)
        }
        /// True the first time only.
        func announce() -> Bool { defer { announced = true }; return !announced }
    }

    /// Sets up and trades, one step a second, until the task is cancelled.
    func run() async {
        guard accounts.count > Self.traders.upperBound else { return }
        while !Task.isCancelled {
            if let node = supervisor.children.first(where: { $0.snapshot.state == .running }) {
                await step(HTTPClient(base: node.apiBase, timeout: 5))
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// One step: whatever the setup still lacks, else one order.
    func step(_ client: HTTPClient) async {
        let issuer = accounts[Self.traders.lowerBound]
        guard let assets = try? await client.get("/v1/assets"), assets.status == 200 else { return }
        let demo = (assets.json["assets"] as? [[String: Any]] ?? []).first { $0["symbol"] as? String == Self.symbol }
        guard let demo, let base = (demo["id"] as? Int).flatMap(UInt32.init(exactly:)) else {
            // Not there yet: issue it, unless the issuer already has something on the way.
            await sendIfIdle(client, issuer, .createAsset(AssetDefinition(symbol: Self.symbol, decimals: 2, supply: 100_000_000,
                                                                          mintable: false)))
            return
        }
        for t in Self.traders.dropFirst() where await holding(client, accounts[t], asset: base) == 0 {
            await sendIfIdle(client, issuer, .transferAsset(asset: base, amount: 20_000_000), to: accounts[t].address.payload)
            return
        }
        let name = "\(Self.symbol)-KSR"
        guard let market = try? await client.get("/v1/markets/\(name)") else { return }
        guard market.status == 200 else {
            if market.status == 404 { await sendIfIdle(client, issuer, .createMarket(Self.terms(base: base))) }
            return
        }
        if await walk.announce() { report("devnet: demo market \(name) open; accounts 7-9 trade on it (explorer /market/\(name))") }
        await placeOrder(client, pair: MarketPair(base: base, quote: 0), lastPrice: (market.json["lastPrice"] as? Int).flatMap(UInt64.init(exactly:)))
    }

    /// One limit order from the next trader around the wandering price.
    private func placeOrder(_ client: HTTPClient, pair: MarketPair, lastPrice: UInt64?) async {
        let tick = Self.terms(base: pair.base).tickSize
        let (ticks, trader) = await walk.next(lastPrice: lastPrice.map { $0 / tick })
        guard let status = try? await client.get("/v1/status"), let height = (status.json["height"] as? Int).flatMap(UInt64.init(exactly:)) else { return }
        let side: OrderSide = Bool.random() ? .buy : .sell
        let crosses = UInt8.random(in: 0..<3) == 0
        let offset = crosses ? UInt64.random(in: 1...3) : UInt64.random(in: 1...12)
        // A crossing buy bids above the price, a resting one below; sells the other way round.
        let priceTicks = (side == .buy) == crosses ? ticks + offset : ticks - min(offset, ticks - 1)
        let order = OrderTerms(pair: pair, side: side, type: .limit, price: priceTicks * tick,
                               lots: UInt64.random(in: 1...20), expiry: height + Self.restBlocks)
        await sendIfIdle(client, accounts[trader], .placeOrder(order), idle: false)
    }

    /// What `account` holds of `asset`, available and locked (0 if it cannot tell).
    private func holding(_ client: HTTPClient, _ account: DemoAccounts.Account, asset: UInt32) async -> UInt64 {
        guard let reply = try? await client.get("/v1/accounts/\(account.address.string)/assets"), reply.status == 200 else { return 0 }
        let held = (reply.json["balances"] as? [[String: Any]] ?? []).first { ($0["asset"] as? Int) == Int(asset) }
        return [held?["available"], held?["locked"]].compactMap { ($0 as? Int).flatMap(UInt64.init(exactly:)) }.reduce(0, +)
    }

    /// Signs `action` with the sender's next nonce on this node and posts it. With `idle`,
    /// only when the sender has nothing pending (a setup step waits for the last one).
    private func sendIfIdle(_ client: HTTPClient, _ sender: DemoAccounts.Account, _ action: ExchangeAction,
                            to recipient: AddressPayload? = nil, idle: Bool = true) async {
        guard let account = try? await client.get("/v1/accounts/\(sender.address.string)"), account.status == 200,
              let nonce = (account.json["pendingNonce"] as? Int).flatMap(UInt64.init(exactly:)) else { return }
        if idle, (account.json["pending"] as? Int ?? 0) > 0 { return }
        guard let tx = try? Transaction(chainId: chainId, key: sender.key, nonce: nonce, exchange: action, fee: Self.fee,
                                        to: recipient) else { return }
        // A refusal (self-trade prevention, a book that moved) is part of trading: the next step tries again.
        _ = try? await client.post("/v1/txs", json: ["tx": Hex.encode(tx.encoded)])
    }
}
