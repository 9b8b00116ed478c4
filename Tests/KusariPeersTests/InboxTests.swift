import Testing
import KusariCore
import KusariNetwork
@testable import KusariPeers

/// A connection's waiting messages: reading pauses by count or by bytes, resumes
/// below half of both, and a flood past the limits closes the connection.
@Suite struct InboxTests {
    @Test func readingPausesByBytesAndResumesBelowHalf() {
        let inbox = Inbox(pauseAt: 1_000, pauseBytes: 100)
        #expect(inbox.push(.ping(nonce: 1), weight: 60, limit: 10, byteLimit: 1_000) == .queued)
        // The second pushes the bytes waiting to the pause mark, whatever the count.
        #expect(inbox.push(.ping(nonce: 2), weight: 60, limit: 10, byteLimit: 1_000) == .pause)
        #expect(inbox.isPaused)
        let (messages, bytes, failure) = inbox.take()
        #expect(messages.count == 2 && bytes == 120 && failure == nil)
        // Handled: below half of both marks, reading resumes (once).
        #expect(inbox.handled(2, bytes: 120))
        #expect(!inbox.isPaused)
        #expect(!inbox.handled(0, bytes: 0))
    }

    @Test func tooMuchWaitingIsOverTheLimit() {
        let inbox = Inbox(pauseAt: 2, pauseBytes: 1 << 20)
        #expect(inbox.push(.ping(nonce: 1), weight: 10, limit: 3, byteLimit: 1_000) == .queued)
        #expect(inbox.push(.ping(nonce: 2), weight: 10, limit: 3, byteLimit: 1_000) == .pause)
        #expect(inbox.push(.ping(nonce: 3), weight: 10, limit: 3, byteLimit: 1_000) == .queued)
        #expect(inbox.push(.ping(nonce: 4), weight: 10, limit: 3, byteLimit: 1_000) == .overLimit)
        let big = Inbox(pauseAt: 100, pauseBytes: 1 << 20)
        #expect(big.push(.ping(nonce: 1), weight: 2_000, limit: 100, byteLimit: 1_000) == .overLimit)
    }

    @Test func waitingEndsWithWhatWasQueuedThenTheFinish() async {
        let inbox = Inbox(pauseAt: 10, pauseBytes: 1 << 20)
        _ = inbox.push(.verack, weight: 10, limit: 100, byteLimit: 1 << 20)
        inbox.fail("frame: bad checksum on ping")
        inbox.finish()
        // Queued before the finish: still delivered, with the fault after it.
        #expect(await inbox.wait())
        let (messages, _, failure) = inbox.take()
        #expect(messages.count == 1 && failure == "frame: bad checksum on ping")
        #expect(await inbox.wait() == false)
    }

    @Test func messagesWeighAboutTheirWireSize() {
        let ids = BlockDownloadTests.ids(1_000).map { Inventory(kind: .transaction, hash: $0) }
        #expect(Inbox.weight(of: .inv(ids)) >= 33_000)
        #expect(Inbox.weight(of: .ping(nonce: 1)) < 100)
    }
}
