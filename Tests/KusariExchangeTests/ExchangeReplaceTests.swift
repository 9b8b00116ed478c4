import KusariCore
import KusariExchange
import Testing

/// Cancel and replace (kind 38, protocol.md 19.3): the old order leaves and the new one is
/// placed in one transaction, all or nothing.
@Suite struct ExchangeReplaceTests {
    let base: ExchangeLedgerTests
    init() throws { base = try ExchangeLedgerTests() }

    var gold: MarketPair { ExchangeLedgerTests.gold }

    @Test func aReplaceRoundTripsAndIsLongEnough() throws {
        let action = ExchangeAction.replaceOrder(Hash256.sha256([9]), OrderTerms(pair: gold, side: .buy, price: 70, lots: 3, expiry: 12))
        let t = try base.tx(base.alice, 4, action)
        let back = try Transaction(decoding: t.encoded)
        #expect(back == t && back.hasValidSignature && back.to == .zero)
        #expect(t.encoded.prefix(5) == [0, 0, 0, 0, 38])
        #expect(t.encodedSize == 57 + 32 + 34 + 64 && t.encodedSize >= Transaction.minEncodedSize)
        #expect(action.cancelledOrder == Hash256.sha256([9]) && action.placedOrder?.lots == 3)
        // The placed terms are checked by the decoder as a placeOrder's are.
        #expect(throws: TransactionError.self) {
            _ = try base.tx(base.alice, 4, .replaceOrder(Hash256.sha256([9]), OrderTerms(pair: gold, side: .buy, price: 0, lots: 3)))
        }
    }

    @Test func theOldOrderLeavesAndTheNewOneRestsOrNothingChanges() throws {
        let (alice, bob) = (base.alice, base.bob)
        let state = try base.withMarket()
        let first = try base.tx(alice, 2, .placeOrder(OrderTerms(pair: gold, side: .sell, price: 1_000, lots: 2)))
        let b3 = try base.run([first], on: state, height: 3)
        #expect(b3.receipts[0].succeeded)

        // Refused replaces change nothing but the fee and nonce: an off-tick price, someone
        // else's order, an order that is not open.
        let b4 = try base.run([try base.tx(alice, 3, .replaceOrder(first.id, OrderTerms(pair: gold, side: .sell, price: 1_005, lots: 3))),
                               try base.tx(bob, 1, .replaceOrder(first.id, OrderTerms(pair: gold, side: .sell, price: 1_100, lots: 1))),
                               try base.tx(alice, 4, .replaceOrder(Hash256.sha256([1]), OrderTerms(pair: gold, side: .sell, price: 1_100, lots: 1)))],
                              on: b3.state, height: 4)
        #expect(b4.receipts.map(\.failure) == [
            "price: 1005 is not a multiple of the tick size 10",
            "order: order \(first.id) belongs to another account",
            "order: no open order \(Hash256.sha256([1]))",
        ])
        let kept = ExchangeView(state: b4.state)
        #expect(kept.openOrders(of: base.who(alice)).map(\.id) == [first.id])
        #expect(kept.balance(of: ExchangeModule.address, asset: 1) == 2 * 10_000)
        #expect(b4.state.account(base.who(alice)).balance == b3.state.account(base.who(alice)).balance - 2 * ExchangeLedgerTests.fee)

        // Alice replaces her 2-lot sell by a 3-lot sell at 1,100: one open order, the new id, 3 lots locked.
        let replace = try base.tx(alice, 5, .replaceOrder(first.id, OrderTerms(pair: gold, side: .sell, price: 1_100, lots: 3)))
        let b5 = try base.run([replace], on: b4.state, height: 5)
        #expect(b5.receipts[0].succeeded, "\(b5.receipts[0].failure ?? "")")
        let view = ExchangeView(state: b5.state)
        #expect(view.openOrders(of: base.who(alice)).map(\.id) == [replace.id])
        #expect(view.order(id: replace.id)?.price == 1_100 && view.order(id: replace.id)?.lots == 3)
        #expect(view.order(id: first.id) == nil)
        #expect(view.balance(of: ExchangeModule.address, asset: 1) == 3 * 10_000)
        #expect(base.total(b5.state, asset: 1) == 1_000_000_000)

        // Replacing a sell by a buy above it is no self-trade: the sell is gone first.
        let flip = try base.tx(alice, 6, .replaceOrder(replace.id, OrderTerms(pair: gold, side: .buy, price: 1_200, lots: 1)))
        let b6 = try base.run([flip], on: b5.state, height: 6)
        #expect(b6.receipts[0].succeeded, "\(b6.receipts[0].failure ?? "")")
        let flipped = ExchangeView(state: b6.state)
        #expect(flipped.openOrders(of: base.who(alice)).map(\.side) == [.buy])
        #expect(flipped.balance(of: ExchangeModule.address, asset: 1) == 0)
        #expect(flipped.balance(of: base.who(alice), asset: 1) == 999_800_000)
    }
}
