import Testing
import KusariCore
@testable import KusariPeers

/// A transaction announced by several peers is asked of one of them, and of the
/// next when that one does not deliver.
@Suite struct TransactionRequestsTests {
    let ids = BlockDownloadTests.ids(4)

    @Test func eachTransactionIsAskedOfOneAnnouncerAtATime() {
        var r = TransactionRequests()
        #expect(r.announced(ids, by: 1, now: 0) == ids)
        // Announced by two more peers a moment later: not asked again, they are remembered.
        #expect(r.announced(ids, by: 2, now: 1).isEmpty)
        #expect(r.announced([ids[0]], by: 3, now: 1).isEmpty)
        // One arrives; nothing is due before the retry time.
        let first = r.received(ids[1]), second = r.received(ids[1])
        #expect(first && !second)
        #expect(r.retries(now: 4.9).isEmpty)
        // Unanswered for the retry time: each goes to its next announcer.
        let again = Dictionary(uniqueKeysWithValues: r.retries(now: 5).map { ($0.peer, $0.ids) })
        #expect(again[2] == [ids[0], ids[2], ids[3]].sorted())
        // The second announcer says it has not got ids[0]: the third is asked at once.
        r.notFound(ids[0], from: 2)
        let next = r.retries(now: 5.1)
        #expect(next.map(\.peer) == [3] && next.map(\.ids) == [[ids[0]]])
        // Peer 2 goes: what it was asked for has no announcer left and is forgotten.
        r.peerGone(2)
        #expect(r.retries(now: 5.2).isEmpty)
        #expect(r.count == 1)
        // A later announcement starts again.
        #expect(r.announced([ids[2]], by: 4, now: 6) == [ids[2]])
        r.expire(now: 100)
        #expect(r.count == 0)
    }

    @Test func theRequestsStayBounded() {
        var r = TransactionRequests()
        r.capacity = 100
        let many = BlockDownloadTests.ids(150, seed: 7)
        for (i, id) in many.enumerated() { _ = r.announced([id], by: 1, now: Double(i)) }
        #expect(r.count <= 100)
        // The newest are kept.
        #expect(r.announced([many[149]], by: 2, now: 150).isEmpty)
    }
}
