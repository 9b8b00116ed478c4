import Testing
import KusariCore
@testable import KusariNode

/// A transaction announced by several peers is asked of one of them, once.
@Suite struct TransactionRequestsTests {
    let ids = BlockDownloadTests.ids(4)

    @Test func eachTransactionIsAskedOnceUntilTheRequestIsOld() {
        var r = TransactionRequests()
        #expect(r.claim(ids, now: 0) == ids)
        // Announced again by another peer a moment later: not asked again.
        #expect(r.claim(ids, now: 1).isEmpty)
        // One arrived; another peer's announcement of it would be filtered by the node, not here.
        r.received(ids[0])
        #expect(r.claim([ids[0]], now: 2) == [ids[0]])
        // Unanswered for the retry time: another announcer may be asked.
        #expect(r.claim([ids[1]], now: 5) == [ids[1]])
        #expect(r.claim([ids[2]], now: 4.9).isEmpty)
        // Old requests are forgotten.
        r.expire(now: 100)
        #expect(r.count == 0)
    }

    @Test func theRequestsStayBounded() {
        var r = TransactionRequests()
        r.capacity = 100
        let many = BlockDownloadTests.ids(150, seed: 7)
        for (i, id) in many.enumerated() { _ = r.claim([id], now: Double(i)) }
        #expect(r.count <= 100)
        // The newest are kept.
        #expect(r.claim([many[149]], now: 150).isEmpty)
    }
}
