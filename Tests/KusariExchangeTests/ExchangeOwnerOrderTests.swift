@testable import KusariCore
@testable import KusariExchange
import Testing

/// An owner's open orders are one key each plus a count (docs/protocol.md 19.4): they follow
/// every way an order comes and goes, and a change to one order rewrites only its own keys.
@Suite struct ExchangeOwnerOrderTests {
    let base: ExchangeLedgerTests
    static let gold = ExchangeLedgerTests.gold

    init() throws { base = try ExchangeLedgerTests() }

    func place(_ k: KeyPair, _ nonce: UInt64, _ side: OrderSide, _ price: UInt64, lots: UInt64 = 1,
               type: OrderType = .limit, expiry: UInt64 = 0) throws -> Transaction {
        try base.tx(k, nonce, .placeOrder(OrderTerms(pair: Self.gold, side: side, type: type, price: price, lots: lots, expiry: expiry)))
    }

    /// Each owner's `08` keys and count agree with the orders the books hold.
    func expectConsistent(_ state: StateTree, _ note: String) {
        let view = ExchangeView(state: state)
        let book = view.orders(Self.gold, side: .buy) + view.orders(Self.gold, side: .sell)
        for owner in [base.alice, base.bob, base.carol].map(base.who) {
            let mine = book.filter { $0.owner == owner }.map(\.id).sorted()
            #expect(view.openOrders(of: owner).map(\.id) == mine, "\(note)")
            #expect(view.openCount(owner) == mine.count, "\(note)")
            #expect(view.openOrderIds(owner).count == mine.count, "\(note)")
        }
    }

    @Test func ownerKeysFollowPlaceCancelFillAndExpiry() throws {
        let state = try base.withMarket()
        let filled = try place(base.alice, 2, .sell, 1_000, lots: 2)
        let expiring = try place(base.alice, 3, .sell, 1_500, expiry: 4)
        let cancelled = try place(base.alice, 4, .sell, 1_600)
        let resting = try place(base.bob, 1, .buy, 900)
        let b3 = try base.run([filled, expiring, cancelled, resting], on: state, height: 3)
        #expect(b3.receipts.allSatisfy { $0.succeeded })
        expectConsistent(b3.state, "after placing")
        #expect(ExchangeView(state: b3.state).openCount(base.who(base.alice)) == 3)

        // Bob's IOC fills alice's 2 lots to zero; alice cancels one; the third expires at 4.
        let b4 = try base.run([place(base.bob, 2, .buy, 1_000, lots: 2, type: .immediateOrCancel),
                               base.tx(base.alice, 5, .cancelOrder(cancelled.id))], on: b3.state, height: 4)
        #expect(b4.receipts.allSatisfy { $0.succeeded } && b4.clearings.first?.lots == 2)
        expectConsistent(b4.state, "after a fill, a cancel and an expiry")
        let alice = base.who(base.alice)
        let storage = b4.state.storage(ExchangeModule.address)
        #expect(storage.value(ExchangeKey.openCount(alice)) == nil)
        #expect(storage.entries(prefix: ExchangeKey.ownerOrders(alice)).isEmpty)
        #expect(ExchangeView(state: b4.state).openOrders(of: base.who(base.bob)).map(\.id) == [resting.id])

        // Self-trade prevention reads bob's best buy (900): a sell at 900 is refused, at 950 rests.
        let b5 = try base.run([place(base.bob, 3, .sell, 900), place(base.bob, 4, .sell, 950)], on: b4.state, height: 5)
        #expect(b5.receipts.map(\.failure) == ["price: the order would trade with the sender's own order \(resting.id)", nil])
        expectConsistent(b5.state, "after a refused and a resting sell")
        #expect(ExchangeView(state: b5.state).openCount(base.who(base.bob)) == 2)
    }

    @Test func oneCancelAmongManyOrdersRewritesOnlyItsOwnKeys() throws {
        let state = try base.withMarket()
        let sells = try (0..<200).map { try place(base.alice, UInt64(2 + $0), .sell, 1_100 + 10 * UInt64($0)) }
        let b3 = try base.run(sells, on: state, height: 3)
        #expect(b3.receipts.allSatisfy { $0.succeeded })
        let b4 = try base.run([base.tx(base.alice, 202, .cancelOrder(sells[100].id))], on: b3.state, height: 4)
        #expect(b4.receipts[0].succeeded)
        let undo = b4.storageUndo.flatMap(\.1)
        // The order's 06, 07 and 08 keys, the side's and the owner's counts, the GOLD balances.
        let undoBytes = undo.reduce(0) { $0 + $1.0.count + ($1.1?.count ?? 0) }
        print("the undo record of one cancel among 200 orders holds \(undo.count) keys, \(undoBytes) bytes")
        #expect(undo.count <= 8)
        #expect(undoBytes < 600)   // the owner's list of 200 orders alone was 9,802 bytes
        expectConsistent(b4.state, "after one cancel among 200")
        #expect(ExchangeView(state: b4.state).openCount(base.who(base.alice)) == 199)
    }
}
