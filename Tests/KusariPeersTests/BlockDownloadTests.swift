import Testing
import KusariCore
import KusariPeers

/// The sync's body schedule: window, spread over peers, stalls, departures.
@Suite struct BlockDownloadTests {
    static func ids(_ n: Int, seed: UInt64 = 1) -> [Hash256] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in Hash256(bytes: rng.bytes(32)) ?? .zero }
    }

    static func limits(window: Int = 1024, perPeer: Int = 16, stall: Double = 10, bench: Double = 60) -> BlockDownload.Limits {
        var l = BlockDownload.Limits()
        l.window = window
        l.perPeer = perPeer
        l.stallSeconds = stall
        l.benchSeconds = bench
        return l
    }

    @Test func requestsAreSpreadOverPeersWithinTheirLimits() {
        var d = BlockDownload(limits: Self.limits(window: 100, perPeer: 4))
        let blocks = Self.ids(50)
        d.add(blocks, from: 1)
        d.add(blocks, from: 2)
        let a = d.assign(peers: [1, 2], now: 0)
        #expect(a.map(\.peer) == [1, 2])
        #expect(a.allSatisfy { $0.ids.count == 4 })
        // The first eight blocks of the queue, each asked once.
        #expect(Set(a.flatMap(\.ids)) == Set(blocks.prefix(8)))
        // Nothing more until answers come.
        let more = d.assign(peers: [1, 2], now: 1)
        #expect(more.isEmpty)
        #expect(d.requested == 8)
    }

    @Test func theWindowHoldsBlocksUntilTheyAreConnected() {
        var d = BlockDownload(limits: Self.limits(window: 10, perPeer: 100))
        let blocks = Self.ids(30)
        d.add(blocks, from: 7)
        let first = d.assign(peers: [7], now: 0)
        #expect(first.first?.ids == Array(blocks.prefix(10)))
        // Bodies 2...9 arrive before body 1: they wait for their parent inside the window.
        for id in blocks[1..<10] { let mine = d.received(id); #expect(mine) }
        let none = d.assign(peers: [7], now: 1)
        #expect(none.isEmpty)
        // Body 0 arrives and all ten connect: the window moves ten on.
        let first0 = d.received(blocks[0])
        #expect(first0)
        for id in blocks.prefix(10) { d.done(id) }
        let next = d.assign(peers: [7], now: 2)
        #expect(next.first?.ids == Array(blocks[10..<20]))
        #expect(d.remaining == 20)
        // A body nobody asked for is not ours.
        let stranger = d.received(Self.ids(1, seed: 99)[0])
        #expect(!stranger)
    }

    @Test func aStallingPeerGivesItsBlocksToOthersAndIsBenched() {
        var d = BlockDownload(limits: Self.limits(window: 100, perPeer: 3, stall: 5, bench: 60))
        let blocks = Self.ids(6)
        d.add(blocks, from: 1)
        d.add(blocks, from: 2)
        let a = d.assign(peers: [1, 2], now: 0)
        let slow = a.first { $0.peer == 1 }?.ids ?? []
        #expect(slow.count == 3)
        // Peer 2 answers everything; peer 1 answers nothing.
        for id in a.first(where: { $0.peer == 2 })?.ids ?? [] { d.received(id); d.done(id) }
        let early = d.stalled(now: 4)
        #expect(early.late.isEmpty)
        let late = d.stalled(now: 5)
        #expect(late.late == [1] && late.giveUp.isEmpty)
        // Peer 1's blocks go to peer 2, although peer 1 has room again.
        let again = d.assign(peers: [1, 2], now: 5)
        #expect(again.count == 1 && again[0].peer == 2 && Set(again[0].ids) == Set(slow))
        // A late answer from the staller is still welcome, but it is not its request anymore.
        #expect(!d.isRequested(slow[0], from: 1))
        #expect(d.isRequested(slow[0], from: 2))
    }

    @Test func aBenchedPeerIsStillAskedWhenNoOneElseHasTheBlock() {
        var d = BlockDownload(limits: Self.limits(window: 100, perPeer: 2, stall: 5, bench: 60))
        let blocks = Self.ids(2)
        d.add(blocks, from: 1)
        _ = d.assign(peers: [1], now: 0)
        let late = d.stalled(now: 6)
        #expect(late.late == [1])
        let again = d.assign(peers: [1], now: 6)
        #expect(again.first?.peer == 1 && again.first?.ids == blocks)
        // The only peer that has the blocks is kept for twice the stalls (a busy honest peer),
        // but not for ever (one withholding blocks would hold the sync up without end).
        for t in [12.0, 18, 24, 30] {
            let again = d.stalled(now: t)
            #expect(again.late == [1] && again.giveUp.isEmpty)
            _ = d.assign(peers: [1], now: t)
        }
        #expect(d.stalled(now: 36).giveUp == [1])
        d.peerGone(1)
        #expect(d.remaining == 0)
    }

    @Test func aPeerThatStallsAgainAndAgainIsGivenUpWhenOthersHaveItsBlocks() {
        var d = BlockDownload(limits: Self.limits(window: 100, perPeer: 2, stall: 5, bench: 1))
        let blocks = Self.ids(2)
        d.add(blocks, from: 1)
        d.add(blocks, from: 2)
        var giveUp: [Int] = []
        var t = 0.0
        for _ in 0..<3 {
            // Peer 2 is busy elsewhere: each round peer 1 is asked (2 is not usable) and says nothing.
            _ = d.assign(peers: [1], now: t)
            t += 6
            giveUp = d.stalled(now: t).giveUp
            t += 2
        }
        #expect(giveUp == [1])
    }

    @Test func aDeliveredBodyForgivesPastStalls() {
        var d = BlockDownload(limits: Self.limits(window: 100, perPeer: 1, stall: 5, bench: 1))
        let blocks = Self.ids(4)
        d.add(blocks, from: 1)
        d.add(blocks, from: 2)
        var t = 0.0
        // Two stalls, then a delivery, then two more: never three in a row.
        for round in 0..<4 {
            if round == 2, let asked = d.assign(peers: [1], now: t).first?.ids.first {
                d.received(asked)
                d.done(asked)
            }
            _ = d.assign(peers: [1], now: t)
            t += 6
            #expect(d.stalled(now: t).giveUp.isEmpty, "round \(round)")
            t += 2
        }
    }

    @Test func aSlowPeerThatKeepsSendingIsNotStalling() {
        var d = BlockDownload(limits: Self.limits(window: 100, perPeer: 4, stall: 5, bench: 60))
        let blocks = Self.ids(8)
        d.add(blocks, from: 1)
        d.add(blocks, from: 2)
        _ = d.assign(peers: [1, 2], now: 0)
        // Peer 1's bytes keep arriving (a busy machine sends slowly); peer 2 sends nothing.
        for t in stride(from: 1.0, through: 9, by: 2) { d.progressed(1, now: t) }
        let check = d.stalled(now: 10)
        #expect(check.late == [2])
        // But a request may wait only so long, however much else arrives.
        var limits = Self.limits(window: 100, perPeer: 4, stall: 5, bench: 60)
        limits.maxWaitSeconds = 30
        var e = BlockDownload(limits: limits)
        e.add(blocks, from: 1)
        _ = e.assign(peers: [1], now: 0)
        for t in stride(from: 1.0, through: 31, by: 2) { e.progressed(1, now: t) }
        #expect(e.stalled(now: 29).late.isEmpty)
        #expect(e.stalled(now: 31).late == [1])
    }

    @Test func aSecondCopyOfABodyIsNotReceivedTwice() {
        var d = BlockDownload(limits: Self.limits())
        let blocks = Self.ids(2)
        d.add(blocks, from: 1)
        _ = d.assign(peers: [1], now: 0)
        let first = d.received(blocks[1])
        let copy = d.received(blocks[1])
        #expect(first && !copy)
        #expect(d.remaining == 2)
    }

    @Test func aRefusedBodyIsAskedOfAnotherPeerAndNeverOfItsSender() {
        var d = BlockDownload(limits: Self.limits(perPeer: 1))
        let block = Self.ids(1)
        d.add(block, from: 1)
        d.add(block, from: 2)
        let a = d.assign(peers: [1, 2], now: 0)
        #expect(a.map(\.peer) == [1])
        let got = d.received(block[0])
        #expect(got)
        // Its body did not match its header: peer 1 is no source any more.
        d.rejected(block[0], from: 1)
        let b = d.assign(peers: [1, 2], now: 1)
        #expect(b.map(\.peer) == [2] && b.first?.ids == block)
        d.rejected(block[0], from: 2)
        #expect(d.remaining == 0)
    }

    @Test func theQueueStopsAtItsCap() {
        var l = Self.limits()
        l.maxQueued = 10
        var d = BlockDownload(limits: l)
        d.add(Self.ids(25), from: 1)
        #expect(d.remaining == 10 && !d.hasRoom)
    }

    @Test func aDepartedPeersRequestsGoToTheOtherSources() {
        var d = BlockDownload(limits: Self.limits(window: 100, perPeer: 10))
        let shared = Self.ids(4, seed: 1)
        let onlyOne = Self.ids(3, seed: 2)
        d.add(shared, from: 1)
        d.add(shared, from: 2)
        d.add(onlyOne, from: 1)
        // Peer 1 is the only one asked (peer 2 is not usable yet).
        _ = d.assign(peers: [1], now: 0)
        #expect(d.requested == 7)
        d.peerGone(1)
        // Blocks only peer 1 had leave the queue; the shared ones go to peer 2.
        #expect(d.remaining == 4)
        let again = d.assign(peers: [2], now: 1)
        #expect(again.first?.peer == 2 && again.first?.ids == shared)
    }

    @Test func notFoundAsksAnotherSource() {
        var d = BlockDownload(limits: Self.limits(window: 100, perPeer: 1))
        let block = Self.ids(1)
        d.add(block, from: 1)
        d.add(block, from: 2)
        let a = d.assign(peers: [1, 2], now: 0)
        #expect(a.first?.peer == 1)
        d.notFound(block[0], from: 1)
        let b = d.assign(peers: [1, 2], now: 1)
        #expect(b.first?.peer == 2)
        d.notFound(block[0], from: 2)
        #expect(d.remaining == 0)
    }

    /// Many peers answering in random order, some stalling and some leaving:
    /// every block is connected in the end, limits always hold.
    @Test func randomScheduleCompletesWithinLimits() {
        for seed in UInt64(1)...20 {
            var rng = SplitMix64(seed: seed)
            let limits = Self.limits(window: 64, perPeer: 8, stall: 3, bench: 10)
            var d = BlockDownload(limits: limits)
            let chain = Self.ids(600, seed: seed)
            var connected = 0
            var peers = Set(1...5)
            var nextPeer = 6
            for p in peers { d.add(chain, from: p) }
            var outstanding: [(id: Hash256, peer: Int)] = []
            var arrivedEarly = Set<Hash256>()
            var now = 0.0
            var steps = 0
            while connected < chain.count && steps < 20_000 {
                steps += 1
                now += 0.5
                for a in d.assign(peers: peers.sorted(), now: now) {
                    #expect(peers.contains(a.peer))
                    outstanding += a.ids.map { ($0, a.peer) }
                }
                #expect(d.requested <= peers.count * limits.perPeer)
                // Answer some requests in random order; peer 1 of every seed never answers.
                outstanding.shuffle(using: &rng)
                let answering = outstanding.prefix(Int(rng.next() % 6))
                outstanding.removeFirst(answering.count)
                for r in answering where r.peer != 1 && d.isRequested(r.id, from: r.peer) {
                    d.received(r.id)
                    arrivedEarly.insert(r.id)
                }
                // Connect in chain order what has arrived.
                while connected < chain.count && arrivedEarly.contains(chain[connected]) {
                    d.done(chain[connected])
                    connected += 1
                }
                // Window: nothing asked beyond `window` blocks past the first unconnected one.
                let windowEnd = min(chain.count, connected + limits.window)
                let inWindow = Set(chain[connected..<windowEnd])
                let beyond = outstanding.contains { r in !inWindow.contains(r.id) && d.isRequested(r.id, from: r.peer) }
                #expect(!beyond)
                _ = d.stalled(now: now)
                // Now and then a peer leaves and a new one arrives with all headers.
                if rng.next() % 50 == 0, let gone = peers.filter({ $0 != 1 }).randomElement(using: &rng) {
                    peers.remove(gone)
                    d.peerGone(gone)
                    outstanding.removeAll { $0.peer == gone }
                    peers.insert(nextPeer)
                    d.add(Array(chain[connected...]), from: nextPeer)
                    nextPeer += 1
                }
            }
            #expect(connected == chain.count, "seed \(seed): \(connected) of \(chain.count) connected")
            #expect(d.remaining == 0)
        }
    }
}
