import Foundation
import KusariCore
import Testing

/// The exchange end to end on three real nodes (A mines, B and C follow, in a line), driven
/// by `kusari dex`: an asset issued, GOLD-KSR opened, a second wallet funded, crossing
/// orders from two wallets cleared at one price, a cancel, an order that expires; after
/// each step every node shows the same book, balances and state root. Bad input is refused
/// with its reason.
@Suite(.serialized) struct ExchangeProcessTests {
    let faucet = TestKeys.faucet, bob = TestKeys.bob, miner = TestKeys.miner
    let dir: URL

    init() throws { dir = try Kusari.temporaryDirectory() }

    /// Runs `kusari args`; returns its result, failing when the exit status is not `status`.
    @discardableResult
    func kusari(_ args: [String], expect status: Int32 = 0) throws -> Kusari.Result {
        let r = try Kusari.run(args, in: dir, timeout: 300)
        #expect(r.status == status, "kusari \(args.joined(separator: " ")): \(r.stderr)\(r.stdout)")
        return r
    }

    /// What one node shows of the exchange: the book and the balances and open orders of
    /// both wallets (heights and state roots left out, as the tip moves on).
    func exchangeState(_ node: NodeProcess, addresses: [String]) async throws -> String {
        var parts: [String] = []
        var book = try await node.get("/v1/markets/GOLD-KSR/book").json
        book["height"] = nil
        parts.append(canonical(book))
        for address in addresses {
            var assets = try await node.get("/v1/accounts/\(address)/assets").json
            assets["height"] = nil
            assets["stateRoot"] = nil
            var orders = try await node.get("/v1/accounts/\(address)/orders").json
            orders["height"] = nil
            parts += [canonical(assets), canonical(orders)]
        }
        return parts.joined(separator: "\n")
    }

    func canonical(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Waits until every node holds the same block at `height` or above (so the same state
    /// root there) and shows the same book, balances and orders; returns what they show.
    @discardableResult
    func agree(_ nodes: [NodeProcess], atLeast height: Int, _ what: String) async throws -> String {
        let addresses = [faucet.address(on: .devnet).string, bob.address(on: .devnet).string]
        var shown = ""
        try await nodes[0].waitFor("all nodes agree after \(what)", seconds: 90) {
            guard try await NetworkTests.onOneChain(nodes, atLeast: height) else { return false }
            var roots = Set<String>(), states = Set<String>()
            let common = try await nodes.asyncMin { try await $0.get("/v1/status").json["height"] as? Int ?? 0 }
            for node in nodes {
                roots.insert(try await node.get("/v1/blocks/\(common)").json["header"].flatMap { ($0 as? [String: Any])?["stateRoot"] as? String } ?? "")
                states.insert(try await exchangeState(node, addresses: addresses))
            }
            shown = states.first ?? ""
            return roots.count == 1 && states.count == 1
        }
        return shown
    }

    /// The JSON a `--json` command printed.
    func object(_ r: Kusari.Result) -> [String: Any] { r.object }

    @Test func threeNodesTradeCancelAndExpireInStep() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let a = try NodeProcess(datadir: path("a"), arguments: ["--p2p", "127.0.0.1:0", "--mine", "--miner-address",
                                                                miner.address(on: .devnet).string, "--miner-interval", "0.5",
                                                                "--miner-threads", "1", "--no-discover"])
        defer { a.stop() }
        let b = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? "", "--no-discover"])
        defer { b.stop() }
        let c = try NodeProcess(datadir: path("c"), arguments: ["--peer", b.p2p ?? "", "--no-discover"])
        defer { c.stop() }
        let nodes = [a, b, c]
        try KeyFile(key: faucet, network: .devnet).jsonData().write(to: URL(fileURLWithPath: path("faucet.json")))
        try KeyFile(key: bob, network: .devnet).jsonData().write(to: URL(fileURLWithPath: path("bob.json")))
        let apiC = ["--api", String(c.base.dropFirst("http://".count))]
        let apiB = ["--api", String(b.base.dropFirst("http://".count))]
        let asFaucet = ["--key", path("faucet.json")], asBob = ["--key", path("bob.json")]
        let bobAddress = bob.address(on: .devnet).string

        // Issue GOLD (asset 1) and open GOLD-KSR: lots of 100, ticks of 10, at least 2 lots, fees 10/20 bps.
        let created = object(try kusari(["dex", "asset", "create", "GOLD", "--supply", "1000000", "--decimals", "2", "--mintable",
                                         "--wait", "--json"] + asFaucet + apiC))
        #expect(created["asset"] as? Int == 1 && created["succeeded"] as? Bool == true, "\(created)")
        try await agree(nodes, atLeast: created["height"] as? Int ?? 1, "the asset")
        let opened = object(try kusari(["dex", "market", "create", "GOLD-KSR", "--lot", "100", "--tick", "10", "--min-lots", "2",
                                        "--maker-bps", "10", "--taker-bps", "20", "--wait", "--json"] + asFaucet + apiB))
        try await agree(nodes, atLeast: opened["height"] as? Int ?? 1, "the asset and the market")
        let markets = try kusari(["dex", "markets"] + apiC).stdout
        #expect(markets.contains("GOLD-KSR") && markets.contains("1-0"), "\(markets)")

        // Fund bob with KSR and GOLD.
        try kusari(["tx", "send", "--to", bobAddress, "--amount", "1000ksr", "--wait"] + asFaucet + apiC)
        let moved = object(try kusari(["dex", "asset", "transfer", "GOLD", "50000", "--to", bobAddress, "--wait", "--json"] + asFaucet + apiC))
        var shown = try await agree(nodes, atLeast: moved["height"] as? Int ?? 1, "funding bob")
        #expect(shown.contains("\"available\":50000"), "\(shown)")

        // Trade: the faucet sells 10 lots at 100, bob buys 4 at 120; the auction fills both at one price.
        let sold = object(try kusari(["dex", "order", "sell", "GOLD-KSR", "--price", "100", "--lots", "10", "--json"] + asFaucet + apiC))
        let sell = try #require(sold["id"] as? String)
        let bought = object(try kusari(["dex", "order", "buy", "gold-ksr", "--price", "120", "--lots", "4", "--wait", "--json"] + asBob + apiC))
        let buy = try #require(bought["id"] as? String)
        #expect(bought["order"] as? String == "filled" && bought["filledLots"] as? Int == 4, "\(bought)")
        let tradedAt = bought["height"] as? Int ?? 1
        shown = try await agree(nodes, atLeast: tradedAt, "the trade")
        var clearings = Set<String>()
        for node in nodes {
            let audit = try await node.get("/v1/blocks/\(tradedAt)/clearings").json
            let clearing = try #require((audit["clearings"] as? [[String: Any]])?.first, "\(audit)")
            let price = clearing["price"] as? Int ?? 0
            #expect((100...120).contains(price) && clearing["lots"] as? Int == 4)
            let fills = clearing["fills"] as? [[String: Any]] ?? []
            #expect(Set(fills.compactMap { $0["order"] as? String }) == [sell, buy], "\(fills)")
            #expect(fills.allSatisfy { $0["lots"] as? Int == 4 })
            clearings.insert(canonical(audit))
        }
        #expect(clearings.count == 1)
        let sellOrder = try await a.get("/v1/orders/\(sell)").json
        #expect(sellOrder["status"] as? String == "open" && sellOrder["openLots"] as? Int == 6, "\(sellOrder)")
        #expect(try await b.get("/v1/orders/\(buy)").json["status"] as? String == "filled")
        #expect(shown.contains("\"locked\":600"), "\(shown)")   // the faucet's 6 open lots of 100 GOLD
        let book = try kusari(["dex", "book", "GOLD-KSR"] + apiC).stdout
        #expect(book.contains("ask") && book.contains("100") && book.contains("6"), "\(book)")
        let trades = object(try kusari(["dex", "trades", "GOLD-KSR", "--json"] + apiC))
        #expect((trades["trades"] as? [[String: Any]])?.first?["height"] as? Int == tradedAt)
        let bobFills = object(try kusari(["dex", "fills", bobAddress, "--json"] + apiB))["fills"] as? [[String: Any]] ?? []
        #expect(bobFills.count == 1 && bobFills.first?["order"] as? String == buy && bobFills.first?["lots"] as? Int == 4
                && bobFills.first?["height"] as? Int == tradedAt, "\(bobFills)")
        #expect(try kusari(["dex", "fills", bobAddress] + apiB).stdout.contains("GOLD-KSR"))

        // Cancel: the rest of the sell comes off the book and its GOLD back.
        let cancelled = object(try kusari(["dex", "cancel", sell, "--wait", "--json"] + asFaucet + apiB))
        #expect(cancelled["succeeded"] as? Bool == true, "\(cancelled)")
        shown = try await agree(nodes, atLeast: cancelled["height"] as? Int ?? 1, "the cancel")
        #expect(shown.contains("\"asks\":[]") && !shown.contains("\"locked\":600"), "\(shown)")
        let closedSell = try await c.get("/v1/orders/\(sell)").json
        #expect(closedSell["status"] as? String == "closed" && (closedSell["closedBy"] as? [String: Any])?["reason"] as? String == "cancelled",
                "\(closedSell)")

        // An order with an expiry rests until that height, then leaves with its KSR back.
        let tip = try await c.get("/v1/status").json["height"] as? Int ?? 0
        let expiring = object(try kusari(["dex", "order", "buy", "GOLD-KSR", "--price", "50", "--lots", "2", "--expiry", "\(tip + 12)",
                                          "--wait", "--json"] + asBob + apiC))
        let expiringId = try #require(expiring["id"] as? String)
        #expect(expiring["order"] as? String == "open" && expiring["openLots"] as? Int == 2, "\(expiring)")
        let placedAt = expiring["height"] as? Int ?? 0
        if placedAt < tip + 12 {
            shown = try await agree(nodes, atLeast: placedAt, "an order with an expiry")
            #expect(shown.contains(expiringId) && shown.contains("\"locked\":100"), "\(shown)")
        }
        shown = try await agree(nodes, atLeast: tip + 13, "the expiry")
        #expect(!shown.contains(expiringId) && shown.contains("\"bids\":[]"), "\(shown)")
        #expect(try await a.get("/v1/orders/\(expiringId)").json["status"] as? String == "closed")

        // Bad input, each refused with its reason.
        func refused(_ args: [String], _ reason: String) throws {
            let r = try kusari(args, expect: 1)
            #expect(r.stderr.contains(reason), "kusari \(args.joined(separator: " ")): \(r.stderr)")
        }
        try refused(["dex", "order", "buy", "KSR-GOLD", "--price", "100", "--lots", "2"] + asBob + apiC, "market KSR-GOLD not found")
        try refused(["dex", "order", "buy", "SILVER-KSR", "--price", "100", "--lots", "2"] + asBob + apiC, "asset SILVER not found")
        try refused(["dex", "order", "buy", "GOLD-KSR", "--price", "105", "--lots", "2"] + asBob + apiC,
                    "price: 105 is not a multiple of the tick size 10")
        try refused(["dex", "order", "buy", "GOLD-KSR", "--price", "100", "--lots", "1"] + asBob + apiC,
                    "lots: 1 is below the market's minimum of 2")
        try refused(["dex", "order", "buy", "GOLD-KSR", "--price", "100000", "--lots", "10000000"] + asBob + apiC,
                    "KSR balance")
        try refused(["dex", "order", "sell", "GOLD-KSR", "--price", "100", "--lots", "2000000"] + asBob + apiC, "GOLD balance")
        let rest = object(try kusari(["dex", "order", "sell", "GOLD-KSR", "--price", "500", "--lots", "2", "--wait", "--json"] + asFaucet + apiC))
        let faucetOrder = try #require(rest["id"] as? String)
        try refused(["dex", "cancel", faucetOrder] + asBob + apiC, "belongs to another account")
        try refused(["dex", "asset", "mint", "GOLD", "5"] + asBob + apiC, "only the issuer")
        let after = try await agree(nodes, atLeast: rest["height"] as? Int ?? 1, "the refusals")
        #expect(after.contains(faucetOrder), "\(after)")
        let orders = try kusari(["dex", "orders", faucet.address(on: .devnet).string] + apiB).stdout
        #expect(orders.contains(faucetOrder) && orders.contains("sell"), "\(orders)")
        let balance = try kusari(["dex", "balance", bobAddress] + apiB).stdout
        #expect(balance.contains("GOLD") && balance.contains("KSR"), "\(balance)")

        // Cancel and replace in one transaction: the faucet's sell at 500 becomes one at 600.
        try refused(["dex", "order", "sell", "GOLD-KSR", "--price", "600", "--lots", "2", "--replace", faucetOrder] + asBob + apiC,
                    "belongs to another account")
        let replacing = object(try kusari(["dex", "order", "sell", "GOLD-KSR", "--price", "600", "--lots", "2", "--replace", faucetOrder,
                                       "--wait", "--json"] + asFaucet + apiC))
        let newOrder = try #require(replacing["id"] as? String)
        #expect(replacing["order"] as? String == "open", "\(replacing)")
        shown = try await agree(nodes, atLeast: replacing["height"] as? Int ?? 1, "the replace")
        #expect(shown.contains(newOrder) && !shown.contains(faucetOrder), "\(shown)")
        let old = try await a.get("/v1/orders/\(faucetOrder)").json
        #expect((old["closedBy"] as? [String: Any])?["reason"] as? String == "replaced", "\(old)")
    }
}

extension Array {
    /// The smallest of `value` over the elements (0 for none).
    func asyncMin(_ value: (Element) async throws -> Int) async rethrows -> Int {
        var least: Int?
        for e in self {
            let v = try await value(e)
            least = Swift.min(least ?? v, v)
        }
        return least ?? 0
    }
}
