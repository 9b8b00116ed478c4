import Foundation
import KusariChain
import KusariConsensus
import KusariCore
import KusariAPI
import KusariNode
import Testing

/// The exchange's routes on a real node and server (issue 20): an asset issued, a market
/// opened, crossing orders from two accounts cleared at one price in one block; then every
/// route answers what the chain holds, bad names are refused, and the block's `trade`
/// event is published.
@Suite(.serialized) struct ExchangeRouteTests {
    let faucet = DevnetGenesis.faucetKey
    let bob = (try? KeyPair(seed: [UInt8](repeating: 7, count: 32))) ?? KeyPair()
    let chainId = Network.devnet.defaultChainId

    var bobAddress: String { bob.address(on: .devnet).string }
    var faucetAddress: String { faucet.address(on: .devnet).string }

    /// Mines the node's template and connects it; returns its height.
    @discardableResult
    func mine(_ node: Node) async throws -> UInt64 {
        let (template, _, params) = try await node.miningTemplate(beneficiary: AddressPayload(publicKey: faucet.publicKey))
        let header = try #require(ProofOfWorkEngine(params: params).seal(template.header, shouldStop: { false }))
        try await node.accept(block: Block(header: header, transactions: template.transactions))
        return header.height
    }

    func exchange(_ key: KeyPair, _ nonce: UInt64, _ action: ExchangeAction, to: AddressPayload? = nil) throws -> Transaction {
        try Transaction(chainId: chainId, key: key, nonce: nonce, exchange: action, fee: 10_000, to: to)
    }

    func json(_ server: TestServer, _ path: String, status: Int = 200) async throws -> [String: Any] {
        let a = try await get(server, path)
        #expect(a.status == status, "GET \(path): \(String(decoding: a.body, as: UTF8.self))")
        return a.json
    }

    @Test func marketDataFollowsTheChain() async throws {
        try await TestServer.with { server in
            let node = server.node
            let bobPayload = AddressPayload(publicKey: bob.publicKey)
            // Block 1: GOLD issued (id 1), KSR sent to bob.
            let create = try exchange(faucet, 0, .createAsset(AssetDefinition(symbol: "GOLD", decimals: 2, supply: 1_000_000, mintable: true)))
            _ = try await node.submit(transaction: create.encoded)
            _ = try await node.submit(transaction: try Transaction(chainId: chainId, key: faucet, nonce: 1, to: bobPayload,
                                                                   amount: 100 * Amount.unitsPerKSR, fee: 10_000).encoded)
            try await mine(node)
            let created = try await json(server, "/v1/txs/\(create.id.hex)")
            #expect((created["receipt"] as? [String: Any])?["output"] as? String == "00000001")
            let createView = (created["tx"] as? [String: Any])?["exchange"] as? [String: Any]
            #expect(createView?["action"] as? String == "create-asset" && createView?["symbol"] as? String == "GOLD")

            // Block 2: the market GOLD-KSR (lot 100, tick 10), GOLD to bob.
            let pair = MarketPair(base: 1, quote: 0)
            _ = try await node.submit(transaction: try exchange(faucet, 2, .createMarket(MarketTerms(pair: pair, lotSize: 100, tickSize: 10, minLots: 1))).encoded)
            _ = try await node.submit(transaction: try exchange(faucet, 3, .transferAsset(asset: 1, amount: 5_000), to: bobPayload).encoded)
            try await mine(node)

            // Block 3: the faucet sells 5 lots at 100, bob buys 3 at 120: one price for both.
            let sell = try exchange(faucet, 4, .placeOrder(OrderTerms(pair: pair, side: .sell, price: 100, lots: 5)))
            let buy = try exchange(bob, 0, .placeOrder(OrderTerms(pair: pair, side: .buy, price: 120, lots: 3)))
            _ = try await node.submit(transaction: sell.encoded)
            _ = try await node.submit(transaction: buy.encoded)
            let events = node.events.subscribe { if case .trade = $0 { return true } else { return false } }
            let height = try await mine(node)
            var iterator = events.makeAsyncIterator()
            let event = await iterator.next()
            guard case .trade(let tradedPair, let symbol, let h, let price, let lots)? = event else {
                Issue.record("no trade event: \(String(describing: event))")
                return
            }
            #expect(tradedPair == pair && symbol == "GOLD-KSR" && h == height && lots == 3)
            #expect(EventStream.format(.trade(pair: pair, symbol: symbol, height: h, price: price, lots: lots))
                    == "event: trade\ndata: {\"market\":\"GOLD-KSR\",\"pair\":\"1-0\",\"height\":\(h),\"price\":\(price),\"lots\":3}\n\n")

            // Assets: KSR first with the chain's supply, then GOLD by id or symbol.
            let assets = try await json(server, "/v1/assets")["assets"] as? [[String: Any]] ?? []
            #expect(assets.map { $0["symbol"] as? String } == ["KSR", "GOLD"])
            #expect(assets.first?["supply"] as? Int == Int(DevnetGenesis.faucetBalance + 3 * 50 * Amount.unitsPerKSR))
            #expect(try await json(server, "/v1/assets/gold")["id"] as? Int == 1)
            #expect(try await json(server, "/v1/assets/1")["issuer"] as? String == faucetAddress)
            _ = try await json(server, "/v1/assets/SILVER", status: 404)
            _ = try await json(server, "/v1/assets/-1", status: 400)

            // The market, its book and its trade.
            let market = try await json(server, "/v1/markets/GOLD-KSR")
            #expect(market["pair"] as? String == "1-0" && market["lastPrice"] as? Int == Int(price))
            #expect(market["bestAsk"] as? Int == 100 && market["bestBid"] == nil)
            #expect(try await json(server, "/v1/markets/1-0")["market"] as? String == "GOLD-KSR")
            #expect((try await json(server, "/v1/markets")["markets"] as? [[String: Any]])?.count == 1)
            let book = try await json(server, "/v1/markets/GOLD-KSR/book")
            #expect((book["asks"] as? [[String: Any]])?.first?["lots"] as? Int == 2)
            #expect((book["bids"] as? [[String: Any]])?.isEmpty == true)
            let trades = try await json(server, "/v1/markets/GOLD-KSR/trades")["trades"] as? [[String: Any]] ?? []
            #expect(trades.count == 1 && trades.first?["height"] as? Int == Int(height) && trades.first?["fills"] as? Int == 2)
            #expect((try await json(server, "/v1/markets/GOLD-KSR/trades?before=\(height)")["trades"] as? [[String: Any]])?.isEmpty == true)
            let candles = try await json(server, "/v1/markets/GOLD-KSR/candles?interval=86400")["candles"] as? [[String: Any]] ?? []
            #expect(candles.count == 1 && candles.first?["lots"] as? Int == 3 && candles.first?["quoteVolume"] as? Int == 3 * Int(price))
            _ = try await json(server, "/v1/markets/GOLD-KSR/candles?interval=61", status: 400)
            _ = try await json(server, "/v1/markets/SILVER-KSR", status: 404)
            _ = try await json(server, "/v1/markets/KSR-GOLD/book", status: 404)
            _ = try await json(server, "/v1/markets/GOLD_KSR", status: 400)

            // The audit: every fill at the one price and within its limit; the curves cross there.
            let audit = try await json(server, "/v1/blocks/\(height)/clearings")
            let clearing = try #require((audit["clearings"] as? [[String: Any]])?.first)
            #expect(clearing["price"] as? Int == Int(price) && clearing["lots"] as? Int == 3)
            for fill in clearing["fills"] as? [[String: Any]] ?? [] {
                let limit = fill["limit"] as? Int ?? 0
                #expect(fill["side"] as? String == "buy" ? limit >= Int(price) : limit <= Int(price))
            }
            #expect((clearing["levels"] as? [[String: Any]])?.isEmpty == false)
            #expect((try await json(server, "/v1/blocks/1/clearings")["clearings"] as? [[String: Any]])?.isEmpty == true)

            // Orders: bob's filled, the faucet's open with 2 lots locked.
            let bought = try await json(server, "/v1/orders/\(buy.id.hex)")
            #expect(bought["status"] as? String == "filled" && bought["filledLots"] as? Int == 3)
            #expect((bought["fills"] as? [[String: Any]])?.first?["price"] as? Int == Int(price))
            let sold = try await json(server, "/v1/orders/\(sell.id.hex)")
            #expect(sold["status"] as? String == "open" && sold["openLots"] as? Int == 2 && sold["filledLots"] as? Int == 3)
            _ = try await json(server, "/v1/orders/\(create.id.hex)", status: 404)
            let open = try await json(server, "/v1/accounts/\(faucetAddress)/orders")["orders"] as? [[String: Any]] ?? []
            #expect(open.map { $0["id"] as? String } == [sell.id.hex])
            let holdings = try await json(server, "/v1/accounts/\(faucetAddress)/assets")["balances"] as? [[String: Any]] ?? []
            #expect(holdings.map { $0["symbol"] as? String } == ["KSR", "GOLD"])
            #expect(holdings.last?["locked"] as? Int == 200 && holdings.last?["available"] as? Int == 1_000_000 - 5_000 - 500)
            let bobs = try await json(server, "/v1/accounts/\(bobAddress)/assets")["balances"] as? [[String: Any]] ?? []
            #expect(bobs.last?["available"] as? Int == 5_000 + 300 && bobs.last?["locked"] as? Int == 0)

            // A placed order's transaction names its market by symbols.
            let placed = (try await json(server, "/v1/txs/\(buy.id.hex)")["tx"] as? [String: Any])?["exchange"] as? [String: Any]
            #expect(placed?["market"] as? String == "GOLD-KSR" && placed?["side"] as? String == "buy" && placed?["type"] as? String == "limit")

            // Block 4: the faucet cancels its sell; bob's IOC finds no ask; bob's limit rests
            // until its expiry, block 5. Each closed order says how it left the book.
            let cancel = try exchange(faucet, 5, .cancelOrder(sell.id))
            let ioc = try exchange(bob, 1, .placeOrder(OrderTerms(pair: pair, side: .buy, type: .immediateOrCancel, price: 90, lots: 1)))
            let resting = try exchange(bob, 2, .placeOrder(OrderTerms(pair: pair, side: .buy, price: 50, lots: 1, expiry: height + 2)))
            let toReplace = try exchange(faucet, 6, .placeOrder(OrderTerms(pair: pair, side: .sell, price: 200, lots: 1)))
            for tx in [cancel, ioc, resting, toReplace] { _ = try await node.submit(transaction: tx.encoded) }
            try await mine(node)
            func closedBy(_ id: Hash256) async throws -> [String: Any]? {
                let order = try await json(server, "/v1/orders/\(id.hex)")
                #expect(order["status"] as? String == "closed", "\(order)")
                return order["closedBy"] as? [String: Any]
            }
            let cancelled = try await closedBy(sell.id)
            #expect(cancelled?["reason"] as? String == "cancelled" && cancelled?["height"] as? Int == Int(height + 1)
                    && cancelled?["cancel"] as? String == cancel.id.hex)
            let immediate = try await closedBy(ioc.id)
            #expect(immediate?["reason"] as? String == "immediate" && immediate?["height"] as? Int == Int(height + 1) && immediate?["cancel"] == nil)
            #expect(try await json(server, "/v1/orders/\(resting.id.hex)")["status"] as? String == "open")
            // Block 5 also replaces the faucet's sell at 200 by one at 300: the new order has the
            // replace's id, the old one says it was replaced and by what.
            let replace = try exchange(faucet, 7, .replaceOrder(toReplace.id, OrderTerms(pair: pair, side: .sell, price: 300, lots: 1)))
            _ = try await node.submit(transaction: replace.encoded)
            try await mine(node)
            let replaced = try await closedBy(toReplace.id)
            #expect(replaced?["reason"] as? String == "replaced" && replaced?["cancel"] as? String == replace.id.hex)
            let newOrder = try await json(server, "/v1/orders/\(replace.id.hex)")
            #expect(newOrder["status"] as? String == "open" && newOrder["price"] as? Int == 300, "\(newOrder)")
            let replaceView = (try await json(server, "/v1/txs/\(replace.id.hex)")["tx"] as? [String: Any])?["exchange"] as? [String: Any]
            #expect(replaceView?["action"] as? String == "replace-order" && replaceView?["order"] as? String == toReplace.id.hex
                    && replaceView?["price"] as? Int == 300)
            let expired = try await closedBy(resting.id)
            #expect(expired?["reason"] as? String == "expired" && expired?["height"] as? Int == Int(height + 2))
            #expect(try await json(server, "/v1/orders/\(buy.id.hex)")["closedBy"] == nil, "a filled order was not closed")

            // Fills by account, newest first, paged by height.
            let bobFills = try await json(server, "/v1/accounts/\(bobAddress)/fills")
            let bobFill = try #require((bobFills["fills"] as? [[String: Any]])?.first)
            #expect((bobFills["fills"] as? [[String: Any]])?.count == 1 && bobFills["next"] == nil)
            #expect(bobFill["order"] as? String == buy.id.hex && bobFill["side"] as? String == "buy" && bobFill["lots"] as? Int == 3
                    && bobFill["price"] as? Int == Int(price) && bobFill["height"] as? Int == Int(height) && bobFill["market"] as? String == "GOLD-KSR")
            #expect((bobFill["feeAsset"] as? [String: Any])?["symbol"] as? String == "GOLD")
            let faucetFills = try await json(server, "/v1/accounts/\(faucetAddress)/fills?limit=1")
            #expect((faucetFills["fills"] as? [[String: Any]])?.first?["side"] as? String == "sell")
            #expect(((faucetFills["fills"] as? [[String: Any]])?.first?["feeAsset"] as? [String: Any])?["symbol"] as? String == "KSR")
            let next = try #require(faucetFills["next"] as? Int)
            #expect(next == Int(height))
            let older = try await json(server, "/v1/accounts/\(faucetAddress)/fills?before=\(next)")
            #expect((older["fills"] as? [[String: Any]])?.isEmpty == true && older["next"] == nil)
            _ = try await json(server, "/v1/accounts/\(faucetAddress)/fills?limit=0", status: 400)
            _ = try await json(server, "/v1/accounts/nobody/fills", status: 400)
        }
    }
}
