import Foundation
import Hummingbird
import HummingbirdTesting
import KusariAPI
import KusariConsensus
import KusariCore
@testable import KusariExplorer
import KusariExchange
import KusariNode
import Logging
import NIOCore
import Testing

/// The explorer's exchange pages on a real node whose chain is mined in this process: an asset,
/// a market, a block whose auction clears at a tie broken by buy pressure, a maker fill, a
/// cancel and a refused order. Every page is asked through the explorer's router.
@Suite(.serialized) struct ExchangePagesTests {
    static func key(_ n: UInt8) -> KeyPair { (try? KeyPair(seed: [UInt8](repeating: n, count: 32))) ?? KeyPair() }
    let alice = Self.key(1), bob = Self.key(2), carol = Self.key(3), miner = Self.key(9)
    static let gold = MarketPair(base: 1, quote: 0)

    func address(_ k: KeyPair) -> String { k.address(on: .devnet).string }

    func makeNode(_ dir: String) throws -> Node {
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: PowParameters.kusariDevnet.powLimitBits,
                                  allocations: [alice, bob, carol].map { .init(address: address($0), amount: 1_000 * Amount.unitsPerKSR) })
        return try Node(config: NodeConfig(dataDirectory: dir, genesis: genesis), logger: Logger(label: "test"))
    }

    func tx(_ key: KeyPair, _ nonce: UInt64, _ action: ExchangeAction, to: KeyPair? = nil) throws -> Transaction {
        try Transaction(chainId: 3, key: key, nonce: nonce, exchange: action, fee: 1_000,
                        to: to.map { AddressPayload(publicKey: $0.publicKey) })
    }

    /// Submits `txs` in order, mines one block with them and returns its height.
    @discardableResult
    func block(_ node: Node, _ txs: [Transaction]) async throws -> UInt64 {
        for t in txs { _ = try await node.submit(transaction: t.encoded) }
        let (template, _, params) = try await node.miningTemplate(beneficiary: AddressPayload(publicKey: miner.publicKey))
        #expect(Set(template.transactions.map(\.id)) == Set(txs.map(\.id)))
        let header = try #require(ProofOfWorkEngine(params: params).seal(template.header, shouldStop: { false }))
        try await node.accept(block: Block(header: header, transactions: template.transactions))
        return header.height
    }

    /// What the chain holds after `build`.
    struct Built {
        var sell: Transaction, bobBuy: Transaction, carolBuy: Transaction, offTick: Transaction, cancel: Transaction
        var createAsset: Transaction, resting: Transaction, cancelled: Transaction
    }

    /// Heights 1-5: GOLD created (1,000,000,000 units, 4 decimals) and 200,000 sent to carol; the
    /// GOLD/KSR market (lots of 10,000, ticks of 10, fees 10 and 20 bps); at 3 the worked auction
    /// of ExchangeLedgerTests (alice sells 5 at 1,000, bob buys 3 at 1,200, carol 4 at 1,100: 5 lots
    /// at 1,100 by buy pressure) with bob's off-tick order refused; at 4 bob sells 1 at 1,100 to
    /// carol's rest (a maker) and alice offers 2 at 1,500 and 1 at 1,600; at 5 alice cancels the 1,600.
    func build(_ node: Node) async throws -> Built {
        let createAsset = try tx(alice, 0, .createAsset(AssetDefinition(symbol: "GOLD", decimals: 4, supply: 1_000_000_000, mintable: true)))
        // A transfer with a memo beside them: a block may mix every kind of transaction.
        let padding = try Transaction(chainId: 3, key: bob, nonce: 0, to: AddressPayload(publicKey: miner.publicKey), amount: 1,
                                      fee: 1_000, memo: Array("a memo".utf8))
        try await block(node, [createAsset, try tx(alice, 1, .transferAsset(asset: 1, amount: 200_000), to: carol), padding])
        let terms = MarketTerms(pair: Self.gold, lotSize: 10_000, tickSize: 10, minLots: 1, makerFeeBps: 10, takerFeeBps: 20)
        try await block(node, [try tx(bob, 1, .createMarket(terms))])
        let sell = try tx(alice, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_000, lots: 5)))
        let bobBuy = try tx(bob, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 1_200, lots: 3)))
        let carolBuy = try tx(carol, 0, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 1_100, lots: 4)))
        // Refused in its block (admission does not check a sender with a transaction already pending).
        let offTick = try tx(bob, 3, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 1_005, lots: 1)))
        try await block(node, [sell, bobBuy, carolBuy, offTick])
        let resting = try tx(alice, 3, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_500, lots: 2)))
        let cancelled = try tx(alice, 4, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_600, lots: 1, expiry: 100)))
        try await block(node, [try tx(bob, 4, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_100, lots: 1))), resting, cancelled])
        let cancel = try tx(alice, 5, .cancelOrder(cancelled.id))
        try await block(node, [cancel])
        return Built(sell: sell, bobBuy: bobBuy, carolBuy: carolBuy, offTick: offTick, cancel: cancel, createAsset: createAsset,
                     resting: resting, cancelled: cancelled)
    }

    /// Runs `body` with a node built by `build` behind the explorer's router.
    func withExplorer(_ body: @Sendable (Node, Built, any TestClientProtocol) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-dex-explorer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let node = try makeNode(dir)
        let built = try await build(node)
        let router = Router(context: APIContext.self)
        try Explorer.mount(on: router, node: node, network: .devnet, p2p: nil)
        try await Application(router: router).test(.router) { client in try await body(node, built, client) }
        await node.shutdown()
    }

    /// A page's status and body, checked for the explorer's headers and for no inline script or style.
    static func get(_ client: any TestClientProtocol, _ path: String, status: HTTPResponse.Status = .ok) async throws -> String {
        let response = try await client.execute(uri: path, method: .get)
        #expect(response.status == status, "\(path): \(response.status) \(String(buffer: response.body).components(separatedBy: "error-message\">").dropFirst().first?.prefix(300) ?? "")")
        #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(path)")
        #expect(response.headers[.contentSecurityPolicy] == Renderer.contentSecurityPolicy, "\(path)")
        let body = String(buffer: response.body)
        let scripts = body.components(separatedBy: "<script").dropFirst()
        #expect(scripts.allSatisfy { $0.hasPrefix(" src=\"/assets/") }, "\(path): an inline script")
        #expect(!body.contains(" style=") && !body.contains(" onclick="), "\(path): inline style or handler")
        return body
    }

    /// The number of times `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func exchangePagesShowMarketsAssetsBooksAuctionsAndTransactions() async throws {
        let (alice, bob, carol) = (address(self.alice), address(self.bob), address(self.carol))
        try await withExplorer { _, built, client in
            let markets = try await Self.get(client, "/markets")
            #expect(markets.contains("href=\"/market/GOLD-KSR\">GOLD / KSR</a>"))
            #expect(markets.contains("<td class=\"num last-price\">1100</td><td class=\"num best-bid\">1100</td><td class=\"num best-ask\">1500</td>"))
            #expect(markets.contains("href=\"/markets\">Markets</a>") && markets.contains("href=\"/assets\">Assets</a>"), "nav links")

            let assets = try await Self.get(client, "/assets")
            #expect(assets.contains("<td class=\"asset-symbol\">GOLD</td>") && assets.contains("100000.0000") && assets.contains("1000000000"))
            #expect(assets.contains("href=\"/account/\(alice)\""), "the issuer, linked")

            // The market page by symbols (any case) or ids: the depth chart, both sides of the book, the auctions
            // of heights 4 and 3 with their audit links, candles, and the open orders with their owners.
            for path in ["/market/GOLD-KSR", "/market/gold-ksr", "/market/1-0"] {
                let page = try await Self.get(client, path)
                #expect(page.contains("<svg id=\"depth-chart\"") && page.contains("class=\"depth-bid\" d=\"M") && page.contains("class=\"depth-ask\" d=\"M"), "\(path)")
                #expect(page.contains("<caption>Bids · 1 open</caption>") && page.contains("<caption>Asks · 1 open</caption>"), "\(path)")
                #expect(page.contains("href=\"/auction/4/GOLD-KSR\"") && page.contains("href=\"/auction/3/GOLD-KSR\""), "\(path)")
                #expect(Self.count("<tr class=\"trade\">", in: page) == 2, "\(path): one row per block that traded")
                #expect(page.contains("<svg id=\"candle-chart\"") && page.contains("class=\"candle-up\""), "\(path)")
                #expect(Self.count("<tr class=\"order ", in: page) == 2, "\(path): carol's bid and alice's ask")
                #expect(page.contains("href=\"/account/\(carol)\"") && page.contains("href=\"/tx/\(built.resting.id.hex)\""), "\(path)")
                #expect(!page.contains(built.cancelled.id.hex), "\(path): the cancelled order is gone")
            }
            // Candles per block: heights 3 and 4 each make one; per ten blocks, one (opening 1100, closing 1100).
            let perBlock = try await Self.get(client, "/market/GOLD-KSR?blocks=1")
            #expect(Self.count("<tr class=\"candle\">", in: perBlock) == 2)
            #expect(Self.count("<tr class=\"candle\">", in: try await Self.get(client, "/market/GOLD-KSR?blocks=10")) == 1)
            #expect(try await Self.get(client, "/market/GOLD-KSR?seconds=3600").contains("<tr class=\"candle\">"))

            // Block 3 lists its auction and marks its exchange transactions; its transactions' pages decode them.
            let block3 = try await Self.get(client, "/block/3")
            #expect(block3.contains("id=\"block-auctions\"") && block3.contains("href=\"/auction/3/GOLD-KSR\""))
            #expect(Self.count("<span class=\"tag exchange\">place-order</span>", in: block3) == 4)
            #expect(!(try await Self.get(client, "/block/2")).contains("id=\"block-auctions\""))
            let order = try await Self.get(client, "/tx/\(built.carolBuy.id.hex)")
            #expect(order.contains("Exchange: place-order") && order.contains("<a href=\"/market/GOLD-KSR\">GOLD-KSR</a>"))
            #expect(order.contains("<td>buy</td>") && order.contains("<td>limit</td>") && order.contains("1100 KSR base units per lot"))
            #expect(order.contains("open: 1 of 4 lots left") && order.contains("tag ok\">succeeded"))
            let refused = try await Self.get(client, "/tx/\(built.offTick.id.hex)")
            #expect(refused.contains("tag bad\">refused") && refused.contains("price: 1005 is not a multiple of the tick size 10"))
            let cancel = try await Self.get(client, "/tx/\(built.cancel.id.hex)")
            #expect(cancel.contains("Exchange: cancel-order") && cancel.contains("href=\"/tx/\(built.cancelled.id.hex)\""))
            let created = try await Self.get(client, "/tx/\(built.createAsset.id.hex)")
            #expect(created.contains("asset #1 created") && created.contains("<td>GOLD</td>") && created.contains("mintable"))

            // Accounts: carol holds GOLD and has one open order; bob holds what he bought less the fee.
            let carolPage = try await Self.get(client, "/account/\(carol)")
            // 200,000, then 2 lots less 20 bps (block 3), then 1 lot less 10 bps as a maker (block 4).
            #expect(carolPage.contains("id=\"asset-balances\"") && carolPage.contains("<td class=\"num\">22.9950</td><td class=\"num\">229950</td>"))
            #expect(carolPage.contains("id=\"account-orders\"") && carolPage.contains("href=\"/tx/\(built.carolBuy.id.hex)\""))
            let bobPage = try await Self.get(client, "/account/\(bob)")
            // 30,000 less 60 (block 3), then 10,000 sold (block 4).
            #expect(bobPage.contains("<td class=\"num\">19940</td>"), "bob's GOLD")
            #expect(bobPage.contains("id=\"no-open-orders\""))

            // Bad pairs and heights are 404 pages.
            for path in ["/market/XYZ-KSR", "/market/GOLD", "/market/KSR-GOLD", "/market/GOLD-KSR-1", "/market/99999999999-0",
                         "/market/GOLD-KSR?blocks=0", "/market/GOLD-KSR?seconds=x", "/auction/2/GOLD-KSR", "/auction/x/GOLD-KSR",
                         "/auction/99999/GOLD-KSR", "/auction/3/GOLD-XYZ", "/auction/99999999999999999999/GOLD-KSR"] {
                _ = try await Self.get(client, path, status: .notFound)
            }
        }
    }

    @Test func theAuditPassesOnRealAuctionsAndFailsOnTamperedOnes() async throws {
        try await withExplorer { node, built, client in
            // Block 3: a tie between 1,000 and 1,100 (5 lots each, surplus 2) broken by buy pressure.
            let page = try await Self.get(client, "/auction/3/GOLD-KSR")
            #expect(page.contains("id=\"clearing-price\">1100<") && page.contains("id=\"matched-lots\">5 "))
            #expect(page.contains("id=\"audit-tag\">fair<") && page.contains("every check passes"))
            #expect(Self.count("<span class=\"tag ok\">pass</span>", in: page) == AuctionAudit.titles.count)
            #expect(page.contains("the rule picks 1100, by buy pressure (the highest)"))
            #expect(page.contains("<svg id=\"curves-chart\"") && page.contains("class=\"curve-demand\" d=\"M"))
            #expect(Self.count("<tr class=\"fill\">", in: page) == 3 && Self.count("<tr class=\"level", in: page) == 3)
            #expect(page.contains("id=\"auction-json\"") && page.contains("&quot;1100&quot;"))
            #expect(page.contains("<script src=\"/assets/auction.js\""))
            let later = try await Self.get(client, "/auction/4/GOLD-KSR")
            #expect(later.contains("id=\"reference\">1100, the market") && later.contains("id=\"audit-tag\">fair<"))
            #expect(later.contains("maker") && later.contains("taker"))

            // The same clearing, tampered: the page says which check fails.
            let site = try Site(renderer: Renderer(), node: node, network: .devnet, p2p: nil,
                                views: Views(node: node, network: .devnet), errorLog: ErrorLog(logger: Logger(label: "test")))
            let real = try #require(try await node.clearings(atHeight: 3).first)
            let state = try await site.marketState("GOLD-KSR")
            func render(_ c: MarketClearing) throws -> String {
                try #require(site.renderer.library.render(site.auctionContext(c, height: 3, time: nil, state: state, reference: .none),
                                                          withTemplate: "auction"))
            }
            #expect(try render(real).contains("id=\"audit-tag\">fair<"))
            let carolFill = try #require(real.fills.firstIndex { $0.order == built.carolBuy.id })
            var wrongLimit = real
            wrongLimit.fills[carolFill].limit = 1_090
            var otherTie = real
            otherTie.price = 1_000   // as many lots, as much surplus, but the tie rule picks 1,100
            var lessFilled = real
            lessFilled.fills[carolFill].lots -= 1
            lessFilled.lots -= 1
            for (tampered, failing) in [(wrongLimit, "limits"), (otherTie, "tiebreak"), (lessFilled, "maximal")] {
                let html = try render(tampered)
                #expect(html.contains("id=\"audit-tag\">failed the audit<"), "\(failing)")
                let row = try #require(html.components(separatedBy: "id=\"check-\(failing)\"").dropFirst().first)
                #expect(row.prefix(400).contains("<span class=\"tag bad\">fail</span>"), "\(failing): \(row.prefix(400))")
            }
        }
    }
}
