import KusariCore
import KusariExchange
import Testing

/// The exchange as ledger rules: assets, markets and orders applied in blocks with
/// `BlockApplication` and `ExchangeEngine`, cleared at the end of each block.
@Suite struct ExchangeLedgerTests {
    static let chainId: UInt32 = 3
    let rules = LedgerRules(chainId: 3, genesisAllocated: 3_000 * Amount.unitsPerKSR)
    let engine = ExchangeEngine()
    let miner = AddressPayload(bytes: [UInt8](repeating: 0x4D, count: 20)) ?? .zero
    let alice: KeyPair, bob: KeyPair, carol: KeyPair
    static let fee: UInt64 = 1_000
    static let gold = MarketPair(base: 1, quote: 0)

    init() throws {
        alice = try KeyPair(seed: [UInt8](repeating: 1, count: 32))
        bob = try KeyPair(seed: [UInt8](repeating: 2, count: 32))
        carol = try KeyPair(seed: [UInt8](repeating: 3, count: 32))
    }

    func who(_ k: KeyPair) -> AddressPayload { AddressPayload(publicKey: k.publicKey) }

    var genesis: StateTree {
        StateTree(accounts: [alice, bob, carol].map { (who($0), Account(balance: 1_000 * Amount.unitsPerKSR)) })
    }

    func tx(_ key: KeyPair, _ nonce: UInt64, _ action: ExchangeAction, to: AddressPayload? = nil) throws -> Transaction {
        try Transaction(chainId: Self.chainId, key: key, nonce: nonce, exchange: action, fee: Self.fee, to: to)
    }

    func run(_ txs: [Transaction], on state: StateTree, height: UInt64) throws -> AppliedBlock {
        try BlockApplication.execute(txs, on: state, height: height, time: 1_700_000_000 + height, beneficiary: miner,
                                     rules: rules, exchange: engine)
    }

    /// GOLD (asset 1, 10^9 units) from alice, 200,000 to carol, and the GOLD/KSR market:
    /// lots of 10,000 units, ticks of 10, maker fee 10 bps, taker fee 20 bps. Height 2.
    func withMarket() throws -> StateTree {
        let b1 = try run([tx(alice, 0, .createAsset(AssetDefinition(symbol: "GOLD", decimals: 4, supply: 1_000_000_000, mintable: true))),
                          tx(alice, 1, .transferAsset(asset: 1, amount: 200_000), to: who(carol))], on: genesis, height: 1)
        #expect(b1.receipts.allSatisfy { $0.succeeded }, "\(b1.receipts.map(\.failure))")
        #expect(b1.receipts[0].output == [0, 0, 0, 1])
        let terms = MarketTerms(pair: Self.gold, lotSize: 10_000, tickSize: 10, minLots: 1, makerFeeBps: 10, takerFeeBps: 20)
        let b2 = try run([tx(bob, 0, .createMarket(terms))], on: b1.state, height: 2)
        #expect(b2.receipts[0].succeeded, "\(b2.receipts[0].failure ?? "")")
        return b2.state
    }

    /// Everything that exists of `asset`: every holder's balance plus what the module locks.
    func total(_ state: StateTree, asset: UInt32) -> UInt64 {
        let view = ExchangeView(state: state)
        return ([alice, bob, carol].map(who) + [miner, ExchangeModule.address]).reduce(0) { $0 + view.balance(of: $1, asset: asset) }
    }

    @Test func everyActionRoundTripsAndBadBodiesAreRefused() throws {
        let actions: [(ExchangeAction, AddressPayload)] = [
            (.createAsset(AssetDefinition(symbol: "GOLD", decimals: 4, supply: 9, mintable: true)), who(alice)),
            (.mintAsset(asset: 1, amount: 5), who(carol)),
            (.transferAsset(asset: 1, amount: 5), who(bob)),
            (.createMarket(MarketTerms(pair: Self.gold, lotSize: 10, tickSize: 1, minLots: 2, makerFeeBps: 1, takerFeeBps: 2)), .zero),
            (.placeOrder(OrderTerms(pair: Self.gold, side: .sell, type: .postOnly, price: 70, lots: 3, expiry: 9)), .zero),
            (.cancelOrder(Hash256.sha256([1])), .zero),
        ]
        for (i, (action, to)) in actions.enumerated() {
            let t = try tx(alice, UInt64(i), action, to: to)
            let back = try Transaction(decoding: t.encoded)
            #expect(back == t)
            #expect(back.hasValidSignature)
            #expect(t.encodedSize == t.encoded.count)
            #expect(t.encoded.prefix(5) == [0, 0, 0, 0, action.kind])
            #expect(back.to == to)
            // Every kind is at least as long as the smallest transfer (the block decoder's count bound).
            #expect(t.encodedSize >= Transaction.minEncodedSize)
        }
        let refused: [(ExchangeAction, String)] = [
            (.createAsset(AssetDefinition(symbol: "gold", decimals: 4, supply: 9, mintable: false)), "symbol"),
            (.createAsset(AssetDefinition(symbol: "KSR", decimals: 4, supply: 9, mintable: false)), "symbol"),
            (.createAsset(AssetDefinition(symbol: "GOLD", decimals: 19, supply: 9, mintable: false)), "decimals"),
            (.transferAsset(asset: 0, amount: 5), "amount"),
            (.mintAsset(asset: 1, amount: 0), "amount"),
            (.createMarket(MarketTerms(pair: MarketPair(base: 1, quote: 1), lotSize: 1, tickSize: 1)), "quote"),
            (.createMarket(MarketTerms(pair: Self.gold, lotSize: 1, tickSize: 1, takerFeeBps: 1_001)), "takerFeeBps"),
            (.placeOrder(OrderTerms(pair: Self.gold, side: .buy, type: .market, price: 5, lots: 1, expiry: 3)), "expiry"),
            (.placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 0, lots: 1)), "price"),
            (.placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 5, lots: (1 << 40) + 1)), "lots"),
        ]
        for (action, field) in refused {
            #expect(throws: TransactionError.self) { _ = try tx(alice, 0, action) }
            do { _ = try tx(alice, 0, action) } catch let error as TransactionError { #expect(error.field == field, "\(error)") }
        }
        // An order type the decoder does not know, written by hand.
        var bytes = try tx(alice, 0, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 5, lots: 1))).encoded
        bytes[4 + 1 + 4 + 32 + 8 + 8 + 8 + 1] = 9
        #expect(throws: CanonicalDecodingError.self) { _ = try Transaction(decoding: bytes) }
    }

    @Test func assetsAreCreatedMovedAndMintedByTheirRules() throws {
        let state = try withMarket()
        let view = ExchangeView(state: state)
        #expect(view.asset(symbol: "GOLD")?.supply == 1_000_000_000)
        #expect(view.balance(of: who(alice), asset: 1) == 999_800_000)
        #expect(view.balance(of: who(carol), asset: 1) == 200_000)
        #expect(view.markets.map(\.terms.pair) == [Self.gold])
        // Bob may not mint; a second GOLD is refused; alice mints; each pays its fee anyway.
        let b = try run([tx(bob, 1, .mintAsset(asset: 1, amount: 5)),
                         tx(carol, 0, .createAsset(AssetDefinition(symbol: "GOLD", decimals: 0, supply: 1, mintable: false))),
                         tx(alice, 2, .mintAsset(asset: 1, amount: 7)),
                         tx(carol, 1, .transferAsset(asset: 1, amount: 300_000), to: who(bob)),
                         tx(carol, 2, .transferAsset(asset: 1, amount: 5), to: ExchangeModule.address)], on: state, height: 3)
        #expect(b.receipts.map(\.failure) == [
            "asset: only the issuer of asset 1 may mint it", "symbol: GOLD is already an asset", nil,
            "amount: GOLD balance 200000 is less than the 300000 needed", "to: the exchange's module account takes no transfers",
        ])
        let after = ExchangeView(state: b.state)
        #expect(after.asset(id: 1)?.supply == 1_000_000_007)
        #expect(total(b.state, asset: 1) == 1_000_000_007)
        #expect(b.state.account(who(carol)).balance == 1_000 * Amount.unitsPerKSR - 3 * Self.fee)
        #expect(b.fees == 5 * Self.fee)
    }

    /// The worked auction: alice sells 5 lots at 1,000; bob buys 3 at 1,200; carol buys 4 at
    /// 1,100. V(1,000) = V(1,100) = 5 > V(1,200) = 3; both tied prices have 2 lots of surplus
    /// and more demand than supply, so market pressure picks the higher, 1,100.
    @Test func oneBlockClearsAtOnePriceAndSettlesExactly() throws {
        let state = try withMarket()
        let orders = [try tx(alice, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_000, lots: 5))),
                      try tx(bob, 1, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 1_200, lots: 3))),
                      try tx(carol, 0, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 1_100, lots: 4)))]
        let b = try run(orders, on: state, height: 3)
        #expect(b.receipts.allSatisfy { $0.succeeded }, "\(b.receipts.map(\.failure))")
        #expect(b.clearings.count == 1)
        let c = try #require(b.clearings.first)
        #expect(c.price == 1_100 && c.lots == 5)
        #expect(c.fills.map(\.lots).reduce(0, +) == 10)
        #expect(c.levels.map(\.price) == [1_000, 1_100, 1_200])
        #expect(try MarketClearing.decodeAll(MarketClearing.encodeAll(b.clearings)) == b.clearings)
        let view = ExchangeView(state: b.state)
        let ksr = 1_000 * Amount.unitsPerKSR
        // Bob: 30,000 GOLD less 20 bps (60); paid 3 x 1,100 of the 3,600 he locked.
        #expect(view.balance(of: who(bob), asset: 1) == 30_000 - 60)
        #expect(b.state.account(who(bob)).balance == ksr - 2 * Self.fee - 3_300)
        // Carol: 2 of 4 lots (20,000 less 40) and 2 lots still resting with 2,200 locked.
        #expect(view.balance(of: who(carol), asset: 1) == 200_000 + 20_000 - 40)
        #expect(b.state.account(who(carol)).balance == ksr - Self.fee - 4_400)
        #expect(view.openOrders(of: who(carol)).map(\.lots) == [2])
        // Alice: 5 x 1,100 = 5,500 less 20 bps (11).
        #expect(b.state.account(who(alice)).balance == ksr - 3 * Self.fee + 5_500 - 11)
        #expect(view.balance(of: miner, asset: 1) == 100)
        #expect(b.state.account(ExchangeModule.address).balance == 2_200)
        #expect(total(b.state, asset: 1) == 1_000_000_000)
        #expect(view.market(pair: Self.gold)?.lastPrice == 1_100)

        // The same transactions in another order give the same state.
        let reordered = try run([orders[2], orders[0], orders[1]], on: state, height: 3)
        #expect(reordered.state.root == b.state.root)
        #expect(reordered.clearings == b.clearings)

        // Carol's rest is a maker next block: bob's new sell at 1,100 meets it; then carol cancels nothing left.
        let next = try run([try tx(bob, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_100, lots: 1)))], on: b.state, height: 4)
        let fill = try #require(next.clearings.first?.fills.first { $0.owner == who(carol) })
        #expect(fill.maker && fill.fee == 10)   // 10 bps of 10,000
        let cancel = try run([try tx(carol, 1, .cancelOrder(orders[2].id)), try tx(bob, 3, .cancelOrder(orders[2].id))],
                             on: next.state, height: 5)
        #expect(cancel.receipts.map(\.failure) == [nil, "order: no open order \(orders[2].id)"])
        #expect(cancel.state.account(ExchangeModule.address).balance == 0)
        #expect(ExchangeView(state: cancel.state).openOrders(of: who(carol)).isEmpty)
    }

    @Test func ordersThatMayNotRestLeaveAndExpiredOrdersGoBack() throws {
        let state = try withMarket()
        let b = try run([tx(alice, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_000, lots: 2))),
                         tx(bob, 1, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, type: .immediateOrCancel, price: 1_000, lots: 5))),
                         tx(carol, 0, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, type: .postOnly, price: 900, lots: 1))),
                         tx(carol, 1, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_500, lots: 1, expiry: 4)))],
                        on: state, height: 3)
        #expect(b.receipts.allSatisfy { $0.succeeded }, "\(b.receipts.map(\.failure))")
        // Only alice's 2 lots traded: carol's post-only order took no part; bob's rest was cancelled.
        #expect(b.clearings.first?.lots == 2)
        let view = ExchangeView(state: b.state)
        #expect(view.openOrders(of: who(bob)).isEmpty)
        // The post-only sell at 900 would cross nothing left (bob's rest is gone), so it rests.
        #expect(view.openOrders(of: who(carol)).map(\.price).sorted() == [900, 1_500])
        #expect(b.state.account(who(bob)).balance == 1_000 * Amount.unitsPerKSR - 2 * Self.fee - 2_000)
        // Carol's order with expiry 4 is gone after block 4, and its GOLD is back.
        let b4 = try run([], on: b.state, height: 4)
        #expect(ExchangeView(state: b4.state).openOrders(of: who(carol)).map(\.price) == [900])
        #expect(ExchangeView(state: b4.state).balance(of: who(carol), asset: 1) == 200_000 - 10_000)
    }

    @Test func badOrdersAreRefusedWithTheirReason() throws {
        let state = try withMarket()
        let resting = try tx(alice, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_000, lots: 1)))
        let b = try run([resting,
                         tx(alice, 3, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 1_000, lots: 1))),
                         tx(bob, 1, .placeOrder(OrderTerms(pair: MarketPair(base: 2, quote: 0), side: .buy, price: 10, lots: 1))),
                         tx(bob, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 1_005, lots: 1))),
                         tx(bob, 3, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 1_000_000_000_000, lots: 1))),
                         tx(bob, 4, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_000, lots: 1))),
                         tx(bob, 5, .cancelOrder(resting.id)),
                         tx(bob, 6, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 10, lots: 1, expiry: 2)))],
                        on: state, height: 3)
        #expect(b.receipts.map(\.failure) == [
            nil,
            "price: the order would trade with the sender's own order \(resting.id)",
            "market: no market 2/0 on this chain",
            "price: 1005 is not a multiple of the tick size 10",
            "amount: KSR balance 99999996000 is less than the 1000000000000 needed",
            "amount: GOLD balance 0 is less than the 10000 needed",
            "order: order \(resting.id) belongs to another account",
            "expiry: height 2 is before this block's height 3",
        ])
        // A ledger without the exchange refuses the block outright.
        #expect(throws: BlockError.self) {
            _ = try BlockApplication.execute([resting], on: state, height: 3, time: 0, beneficiary: miner, rules: rules)
        }
    }
}
