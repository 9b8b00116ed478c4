import Foundation
import Testing
import KusariCore
@testable import KusariExchange

/// docs/protocol.md section 19.7 (computed in Python by docs/exchange-example.py) must be
/// exactly what the code does: every value is read from the document and rebuilt here.
@Suite struct ExchangeProtocolExampleTests {
    let fields: [String: String]

    init() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let marker = "<!-- worked-example:exchange -->"
        let start = try #require(document.range(of: marker), "\(marker) not found in docs/protocol.md")
        let rest = document[start.upperBound...]
        let open = try #require(rest.range(of: "```text\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        var f: [String: String] = [:]
        for line in rest[open.upperBound..<close.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { f[String(parts[0])] = String(parts[1]) }
        }
        fields = f
    }

    func text(_ name: String) throws -> String { try #require(fields[name], "no \(name) in 19.7") }
    func bytes(_ name: String) throws -> [UInt8] { try Hex.decode(try text(name)) }
    func number(_ name: String) throws -> UInt64 { try #require(UInt64(try text(name))) }

    @Test func transactionsKeysAndTheAuctionAreWhatTheCodeProduces() throws {
        let alice = try KeyPair(seed: try bytes("seedAlice"))
        let bob = try KeyPair(seed: try bytes("seedBob"))
        let carol = try KeyPair(seed: [UInt8](repeating: 3, count: 32))
        let who = { (k: KeyPair) in AddressPayload(publicKey: k.publicKey) }
        #expect(who(alice).hex == (try text("alice")))
        #expect(who(bob).hex == (try text("bob")))
        let gold = MarketPair(base: 1, quote: 0)

        let create = try Transaction(chainId: 3, key: alice, nonce: 0, exchange: .createAsset(
            AssetDefinition(symbol: "GOLD", decimals: 4, supply: 1_000_000_000, mintable: true)), fee: 1_000)
        #expect(Hex.encode(create.encoded) == (try text("createAsset")))
        #expect(create.id.hex == (try text("createAssetId")))
        let sell = try Transaction(chainId: 3, key: alice, nonce: 2,
                                   exchange: .placeOrder(OrderTerms(pair: gold, side: .sell, price: 1_000, lots: 5)), fee: 1_000)
        #expect(Hex.encode(sell.encoded) == (try text("placeOrder")))
        #expect(sell.id.hex == (try text("placeOrderId")))
        #expect(try Transaction(decoding: try bytes("placeOrder")) == sell)

        #expect(ExchangeModule.address.hex == (try text("moduleAddress")))
        #expect(ExchangeModule.codeHash.hex == (try text("moduleCodeHash")))
        let record = OrderRecord(id: sell.id, pair: gold, side: .sell, height: 3, owner: who(alice), type: .limit,
                                 price: 1_000, lots: 5, placedLots: 5, expiry: 0)
        #expect(Hex.encode(record.key) == (try text("bookKey")))
        #expect(Hex.encode(record.encoded) == (try text("bookValue")))
        let buyKey = ExchangeKey.order(gold, .buy, price: 1_200, height: 3, id: sell.id)
        #expect(Hex.encode(Array(buyKey[10..<18])) == (try text("buyPriority1200")))

        // The three blocks of the example.
        let rules = LedgerRules(chainId: 3, genesisAllocated: 3_000 * Amount.unitsPerKSR)
        let engine = ExchangeEngine()
        let miner = AddressPayload(bytes: [UInt8](repeating: 0x4D, count: 20)) ?? .zero
        func run(_ txs: [Transaction], _ state: StateTree, _ height: UInt64) throws -> AppliedBlock {
            try BlockApplication.execute(txs, on: state, height: height, time: 1_700_000_000 + height, beneficiary: miner,
                                         rules: rules, exchange: engine)
        }
        let genesis = StateTree(accounts: [alice, bob, carol].map { (who($0), Account(balance: 1_000 * Amount.unitsPerKSR)) })
        let b1 = try run([create], genesis, 1)
        let terms = MarketTerms(pair: gold, lotSize: 10_000, tickSize: 10, minLots: 1, makerFeeBps: 10, takerFeeBps: 20)
        let b2 = try run([try Transaction(chainId: 3, key: alice, nonce: 1, exchange: .createMarket(terms), fee: 1_000)], b1.state, 2)
        let b3Orders = [try Transaction(chainId: 3, key: bob, nonce: 0,
                                        exchange: .placeOrder(OrderTerms(pair: gold, side: .buy, price: 1_200, lots: 3)), fee: 1_000),
                        try Transaction(chainId: 3, key: carol, nonce: 0,
                                        exchange: .placeOrder(OrderTerms(pair: gold, side: .buy, price: 1_100, lots: 4)), fee: 1_000)]
        let b3 = try run([sell] + b3Orders, b2.state, 3)
        #expect((b1.receipts + b2.receipts + b3.receipts).allSatisfy { $0.succeeded })
        let clearing = try #require(b3.clearings.first)
        // The crossing walk over the block's three orders (none rested before).
        func side(_ o: [Transaction], _ s: OrderSide) -> () -> AuctionOrder? {
            var orders = o.compactMap { t -> AuctionOrder? in
                guard case .exchange(.placeOrder(let terms)) = t.action, terms.side == s else { return nil }
                return AuctionOrder(id: t.id, side: s, price: terms.price, lots: terms.lots, height: 3)
            }.sorted(by: BatchAuction.precedes)
            return { orders.isEmpty ? nil : orders.removeFirst() }
        }
        let placed = [sell] + b3Orders
        let crossing = try #require(BatchAuction.crossing(nextBuy: side(placed, .buy), nextSell: side(placed, .sell)))
        #expect(UInt64(crossing.orders.count) == (try number("crossingRead")))
        #expect(crossing.candidates == (try number("candidatesFrom"))...(try number("candidatesTo")))
        for level in clearing.levels {
            #expect(fields["level\(level.price)"] == "D=\(level.demand),S=\(level.supply)")
        }
        #expect(clearing.levels.count == fields.keys.filter { $0.hasPrefix("level") }.count)
        #expect(clearing.price == (try number("clearingPrice")))
        #expect(clearing.lots == (try number("matchedLots")))
        let view = ExchangeView(state: b3.state)
        #expect(Hex.encode(ExchangeKey.bookCount(gold, .buy)) == (try text("bookCountBuyKey")))
        let storage = b3.state.storage(ExchangeModule.address)
        #expect(storage.value(ExchangeKey.bookCount(gold, .buy)).map(Hex.encode) == (try text("bookCountBuy")))
        #expect(storage.value(ExchangeKey.bookCount(gold, .sell)) == nil)
        let carolBuy = b3.state.storage(ExchangeModule.address).entries(prefix: ExchangeKey.ownerOrders(who(carol)))
        #expect(carolBuy.map { Hex.encode($0.key) } == [try text("carolOwnerKey")] && carolBuy.map(\.value) == [[0x01]])
        #expect(view.openOrders(of: who(carol)).map(\.id.hex) == [try text("carolOrderId")])
        #expect(Hex.encode(ExchangeKey.openCount(who(carol))) == (try text("carolOpenCountKey")))
        #expect(Hex.encode(ExchangeKey.expiryCount(10)) == (try text("expiryCountKey10")))
        #expect(storage.value(ExchangeKey.openCount(who(carol))).map(Hex.encode) == (try text("carolOpenCount")))
        #expect(view.balance(of: who(bob), asset: 1) == (try number("bobReceivesGold")))
        let ksr = 1_000 * Amount.unitsPerKSR
        #expect(b3.state.account(who(bob)).balance == ksr - 1_000 - 3 * 1_200 + (try number("bobRefundKsr")))
        #expect(b3.state.account(who(alice)).balance == ksr - 3 * 1_000 + (try number("aliceReceivesKsr")))
    }
}
