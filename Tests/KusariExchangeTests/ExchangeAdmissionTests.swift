import KusariCore
import KusariExchange
import Testing

/// The API's admission check (`ExchangeEngine.check`) pays the fee first, as a block does,
/// so it refuses exactly what the block would refuse.
@Suite struct ExchangeAdmissionTests {
    let base: ExchangeLedgerTests
    static let gold = ExchangeLedgerTests.gold

    init() throws { base = try ExchangeLedgerTests() }

    @Test func aBuyWhoseLockIsCoveredButNotWithTheFeeIsRefusedBeforeAdmission() throws {
        let state = try base.withMarket()
        let balance = state.account(base.who(base.bob)).balance
        let fee = ExchangeLedgerTests.fee
        // Locks all but half the fee: enough for the lock alone, not for lock + fee.
        let short = try base.tx(base.bob, 1, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: (balance - fee / 2) / 10 * 10, lots: 1)))
        let refusal = try #require(base.engine.check(short, on: state, height: 3, time: 0))
        #expect(refusal.hasPrefix("amount: KSR balance \(balance - fee) is less than"), "\(refusal)")
        // The block refuses it with the same reason (and keeps the fee).
        let block = try base.run([short], on: state, height: 3)
        #expect(block.receipts.map(\.failure) == [refusal])
        #expect(block.state.account(base.who(base.bob)).balance == balance - fee)

        // Lock + fee exactly covered: admitted, and the block agrees.
        let exact = try base.tx(base.bob, 1, .placeOrder(OrderTerms(pair: Self.gold, side: .buy, price: (balance - fee) / 10 * 10, lots: 1)))
        #expect(base.engine.check(exact, on: state, height: 3, time: 0) == nil)
        #expect(try base.run([exact], on: state, height: 3).receipts.map(\.failure) == [nil])

        // A fee the sender cannot pay at all is the payment's refusal.
        let broke = try Transaction(chainId: ExchangeLedgerTests.chainId, key: base.bob, nonce: 1,
                                    exchange: .cancelOrder(Hash256.sha256([1])), fee: balance + 1)
        #expect(base.engine.check(broke, on: state, height: 3, time: 0)
                == TransactionError.insufficientBalance(balance: balance, needed: balance + 1).description)
        // A future nonce is the mempool's to judge: the action alone is checked, as before.
        let later = try base.tx(base.bob, 7, .cancelOrder(Hash256.sha256([1])))
        #expect(base.engine.check(later, on: state, height: 3, time: 0) == "order: no open order \(Hash256.sha256([1]))")
    }
}
