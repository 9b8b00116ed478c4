import KusariCore
import Testing
@testable import KusariPeers
@testable import KusariSimulator

/// The network layer's small parts, without a network.
@Suite struct PartsTests {
    @Test func backoffDoublesToThirtySecondsAndResetsAfterAHandshake() {
        var b = Backoff()
        #expect(b.nextAt == -.infinity)
        b.failed(now: 10, jitter: 1)
        #expect(b.nextAt == 10.25 && b.delay == 0.5)
        for _ in 0..<10 { b.failed(now: 10, jitter: 1) }
        #expect(b.delay == 30)
        b.failed(now: 100, jitter: 1.25)
        #expect(b.nextAt == 137.5)
        b.connected(now: 200)
        #expect(b.nextAt == 201 && b.delay == 0.25)
        b.failed(now: 300, jitter: 1)
        b.succeeded()
        #expect(b.delay == 0.25)
    }

    @Test func bansApplyToTheAddressOrOnLoopbackToTheAddressAndPort() {
        #expect(PeerNetwork.banKey("10.1.2.3:4567") == "10.1.2.3")
        #expect(PeerNetwork.banKey("127.0.0.1:4567") == "127.0.0.1:4567")
        #expect(PeerNetwork.banKey("::1:4567") == "::1:4567")
        #expect(PeerNetwork.banKey("fe80::1:4567") == "fe80::1")
        #expect(PeerNetwork.hostAndPort("fe80::1:9000")?.host == "fe80::1" && PeerNetwork.hostAndPort("fe80::1:9000")?.port == 9000)
        #expect(PeerNetwork.hostAndPort("nope") == nil)
    }

    @Test func recentIdsForgetTheOldestFirst() {
        let ids = RecentIds(capacity: 3)
        let h = (0..<5).map { Hash256.sha256([UInt8($0)]) }
        for x in h.prefix(3) { #expect(ids.insert(x)) }
        #expect(!ids.insert(h[0]))
        ids.insert(h[3])
        #expect(!ids.contains(h[0]) && ids.contains(h[1]) && ids.contains(h[3]) && ids.count == 3)
    }

    @Test func theSeededSourceRepeatsAndTheVirtualClockNeverGoesBack() {
        let a = SeededRandom(seed: 7), b = SeededRandom(seed: 7), c = SeededRandom(seed: 8)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
        let clock = VirtualClock(epoch: 1_000)
        clock.advance(to: 5)
        clock.advance(to: 3)
        #expect(clock.now == 5 && clock.unixSeconds == 1_005)
    }

    @Test func percentilesAreNearestRank() {
        let v = (1...100).map(Double.init)
        #expect(TrackedTransaction.percentile(v, 50) == 50)
        #expect(TrackedTransaction.percentile(v, 99) == 99)
        #expect(TrackedTransaction.percentile([3], 99) == 3)
        #expect(TrackedTransaction.percentile([], 50) == nil)
    }

    @Test func theShortestPathFloorDoesNotRelayThroughSilentNodes() {
        // 0 - 1 - 2 - 3, and 0 - 4 - 3: through 4 it is two hops, unless 4 is silent.
        let graph = [[1, 4], [0, 2], [1, 3], [2, 4], [0, 3]]
        #expect(GossipExperiment.distances(from: 0, in: graph, avoiding: [])[3] == 2)
        #expect(GossipExperiment.distances(from: 0, in: graph, avoiding: [4])[3] == 3)
        #expect(GossipExperiment.distances(from: 0, in: graph, avoiding: [4])[4] == 1)
    }
}
