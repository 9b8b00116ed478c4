@testable import KusariCore
@testable import KusariExchange
import Testing

/// What one block of the exchange costs whatever the book holds: the end of a block reads
/// only as much of each market's book as the crossing walk needs (docs/protocol.md 19.5), and what it stores is
/// bounded (19.1).
@Suite struct ExchangeCostTests {
    let base: ExchangeLedgerTests
    static let gold = ExchangeLedgerTests.gold

    init() throws { base = try ExchangeLedgerTests() }

    func who(_ k: KeyPair) -> AddressPayload { base.who(k) }

    /// Alice rests 100 sells from 1,100 up, Bob 90 buys up to 900: a book far from where
    /// one small order trades. Height 3.
    func wideBook() throws -> StateTree {
        let state = try base.withMarket()
        let sells = try (0..<100).map { i in
            try base.tx(base.alice, UInt64(2 + i), .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_100 + 10 * UInt64(i), lots: 1)))
        }
        let buys = try (0..<90).map { i in
            try base.tx(base.bob, UInt64(1 + i), .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 10 + 10 * UInt64(i), lots: 1)))
        }
        let b = try base.run(sells + buys, on: state, height: 3)
        #expect(b.receipts.allSatisfy { $0.succeeded }, "\(b.receipts.compactMap(\.failure).first ?? "")")
        #expect(b.clearings.isEmpty)
        return b.state
    }

    /// One lot bought at a price above every sell: the walk stops after one match, so the
    /// auction reads four orders and stores three levels, not the book's 191 prices.
    @Test func aSmallOrderAgainstAWideBookReadsAndStoresOnlyTheCrossing() throws {
        let state = try wideBook()
        let view = ExchangeView(state: state)
        #expect(view.bookCount(Self.gold, .sell) == 100 && view.bookCount(Self.gold, .buy) == 90)
        let ioc = try base.tx(base.carol, 0, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, type: .immediateOrCancel,
                                                                    price: 3_000, lots: 1)))
        let b = try base.run([ioc], on: state, height: 4)
        let clearing = try #require(b.clearings.first)
        // Read: the IOC, the best sell (1,100), the best buy (900) and the next sell (1,110);
        // the next buy (890) and sell (1,120) bound the candidates to 891 ... 1,119.
        #expect(clearing.levels == [ClearingLevel(price: 900, demand: 2, supply: 0), ClearingLevel(price: 1_100, demand: 1, supply: 1),
                                    ClearingLevel(price: 1_110, demand: 1, supply: 2)])
        #expect(clearing.fills.count == 2 && clearing.price == 1_100)
        // The full book's auction decides the same price and fills.
        var all = view.orders(Self.gold, side: .buy) + view.orders(Self.gold, side: .sell)
        all.append(OrderRecord(id: ioc.id, pair: Self.gold, side: .buy, height: 4, owner: who(base.carol), type: .immediateOrCancel,
                               price: 3_000, lots: 1, placedLots: 1, expiry: 0))
        let full = BatchAuction.clear(all.map { AuctionOrder(id: $0.id, side: $0.side, price: $0.price, lots: $0.lots, height: $0.height) },
                                      reference: nil)
        #expect(full.levels.count == 191)
        #expect(full.levels.filter { (891...1_119).contains($0.price) } == clearing.levels)
        #expect(full.price == clearing.price && full.fills.map(\.lots) == clearing.fills.map(\.lots))
        #expect(full.fills.map(\.id) == clearing.fills.map(\.order))
        let after = ExchangeView(state: b.state)
        #expect(after.bookCount(Self.gold, .sell) == 99 && after.bookCount(Self.gold, .buy) == 90)
        #expect(after.orders(Self.gold, side: .sell).count == 99)

        // An IOC far below every sell crosses nothing (no auction) and still leaves, with what it locked.
        let low = try base.tx(base.carol, 1, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, type: .immediateOrCancel,
                                                                   price: 20, lots: 1)))
        let b5 = try base.run([low], on: b.state, height: 5)
        #expect(b5.receipts[0].succeeded && b5.clearings.isEmpty)
        #expect(ExchangeView(state: b5.state).order(id: low.id) == nil)
        #expect(b5.state.account(ExchangeModule.address).balance == b.state.account(ExchangeModule.address).balance)
    }

    @Test func aFullBookSideRefusesAnotherOrder() throws {
        let state = try base.withMarket()
        // The sell side at the cap (written directly: 2^20 orders would take long to place).
        let full = state.updating([], storage: [(ExchangeModule.address, [
            (ExchangeKey.bookCount(Self.gold, .sell), ExchangeKey.be(ExchangeLimits.maxBookOrders)),
        ])])
        let b = try base.run([base.tx(base.alice, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 1_000, lots: 1))),
                              base.tx(base.bob, 1, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 900, lots: 1)))],
                             on: full, height: 3)
        #expect(b.receipts.map(\.failure) == ["market: the sell side of 1/0 holds the most orders it may (1048576)", nil])
        // Both sides of one book bound a clearing's fills and levels within what MarketClearing decodes.
        #expect(2 * UInt64(ExchangeLimits.maxBookOrders) <= MarketClearing.maxFills)
    }

    /// M markets touched by one small IOC each: the end of the block looks at a few of the
    /// block's writes per market (a sorted walk from each prefix), not at all of them per
    /// market (which was ~12 M^2).
    @Test func theEndOfABlockLooksAtAFewWritesPerMarket() throws {
        let m = 40
        let state = try base.withMarket()
        let assets = try base.run(try (0..<m).map { i in
            try base.tx(base.alice, UInt64(2 + i), .createAsset(AssetDefinition(symbol: "T\(i)", decimals: 0, supply: 1_000, mintable: false)))
        }, on: state, height: 3)
        let markets = try base.run(try (0..<m).map { i in
            try base.tx(base.bob, UInt64(1 + i), .createMarket(MarketTerms(pair: MarketPair(base: UInt32(2 + i), quote: 0), lotSize: 1, tickSize: 1)))
        }, on: assets.state, height: 4)
        #expect((assets.receipts + markets.receipts).allSatisfy { $0.succeeded })
        let ledger = LedgerWorkspace(state: markets.state)
        let block = base.engine.beginBlock(ledger: ledger, block: BlockEnvironment(height: 5, time: 0))
        for i in 0..<m {
            let t = try base.tx(base.carol, UInt64(i), .placeOrder(OrderTerms(pair: MarketPair(base: UInt32(2 + i), quote: 0), side: .buy,
                                                                              type: .immediateOrCancel, price: 10, lots: 1)))
            #expect(block.apply(t, id: t.id).failure == nil)
        }
        let before = ledger.writesVisited
        #expect(block.finish(beneficiary: base.miner).isEmpty)
        let visited = ledger.writesVisited - before
        print("finish() of \(m) markets looked at \(visited) writes of the block")
        #expect(visited <= 20 * m)
        #expect(ledger.account(ExchangeModule.address).balance == 0)
    }

    @Test func ordersExpiringAtOneHeightAreCapped() throws {
        let state = try base.withMarket()
        let counted = { (s: StateTree, h: UInt64) in ExchangeView(state: s).expiryCount(h) }
        // Two orders expire at 6; one is cancelled, so one remains counted.
        let keep = try base.tx(base.alice, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 2_000, lots: 1, expiry: 6)))
        let gone = try base.tx(base.alice, 3, .placeOrder(OrderTerms(pair: Self.gold, side: .sell, price: 2_010, lots: 1, expiry: 6)))
        let b3 = try base.run([keep, gone], on: state, height: 3)
        #expect(counted(b3.state, 6) == 2)
        let b4 = try base.run([base.tx(base.alice, 4, .cancelOrder(gone.id))], on: b3.state, height: 4)
        #expect(counted(b4.state, 6) == 1)
        // Height 7 at the cap (written directly): an order expiring there is refused, one at 8 rests.
        let full = b4.state.updating([], storage: [(ExchangeModule.address, [
            (ExchangeKey.expiryCount(7), ExchangeKey.be(ExchangeLimits.maxExpiriesPerHeight)),
        ])])
        let b5 = try base.run([base.tx(base.bob, 1, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 10, lots: 1, expiry: 7))),
                               base.tx(base.bob, 2, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: 10, lots: 1, expiry: 8)))],
                              on: full, height: 5)
        #expect(b5.receipts.map(\.failure) == [
            "expiry: 4096 open orders already expire at height 7, the most one height takes; choose another", nil,
        ])
        // At the end of block 6 the order expires and the height's count goes with it.
        let b6 = try base.run([], on: b5.state, height: 6)
        #expect(ExchangeView(state: b6.state).order(id: keep.id) == nil)
        #expect(b6.state.storage(ExchangeModule.address).value(ExchangeKey.expiryCount(6)) == nil)
        #expect(counted(b6.state, 8) == 1)
        // A block's end on a chain that never used the exchange writes nothing (no module account).
        let quiet = try base.run([], on: base.genesis, height: 1)
        #expect(quiet.state.account(ExchangeModule.address).codeHash == nil && quiet.storageUndo.isEmpty)
    }
}
