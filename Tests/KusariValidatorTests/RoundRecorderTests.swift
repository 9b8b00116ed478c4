import Foundation
import KusariBFT
import KusariCore
import KusariValidator
import Testing

/// The record of rounds a driver keeps for the explorer (`RoundLog`, `RoundRecorder`):
/// rounds in order with their proposer, proposal, votes and timeouts, the decision, and
/// the bounds on heights, rounds and votes.
@Suite struct RoundRecorderTests {
    let block = Hash256.sha256([7])

    func vote(_ type: VoteType, height: UInt64 = 5, round: UInt32, block: Hash256?, index: UInt32) throws -> Vote {
        try WALFixtures.vote(type, height: height, round: round, block: block, index: index)
    }

    @Test func aHeightWithATimedOutRoundAndADecidingOne() throws {
        var log = RoundLog()
        log.startHeight(5, nowMs: 1_000, wallMs: 1_700_000_000_000)
        log.enterRound(height: 5, round: 0, proposerIndex: 3, nowMs: 1_000)
        // Round 0: the proposer (3) is silent; the propose timeout fires; nil prevotes and precommits; the precommit timeout.
        log.timeout(Timeout(kind: .propose, height: 5, round: 0), durationMs: 1_000, nowMs: 2_000)
        for i: UInt32 in 0...2 { log.vote(try vote(.prevote, round: 0, block: nil, index: i), power: 10, nowMs: 2_010 + UInt64(i)) }
        for i: UInt32 in 0...2 { log.vote(try vote(.precommit, round: 0, block: nil, index: i), power: 10, nowMs: 2_020 + UInt64(i)) }
        log.timeout(Timeout(kind: .precommit, height: 5, round: 0), durationMs: 1_000, nowMs: 3_020)
        // Round 1: a proposal, prevotes and precommits for it (one vote arrives twice), the decision.
        log.enterRound(height: 5, round: 1, proposerIndex: 0, nowMs: 3_020)
        let proposal = try Proposal.signed(by: WALFixtures.otherKey, chainID: 3, height: 5, round: 1, blockID: block, polRound: -1,
                                           proposerIndex: 0, timestamp: 1)
        log.proposal(proposal, own: false, nowMs: 3_100)
        for i: UInt32 in [0, 1, 2, 1] { log.vote(try vote(.prevote, round: 1, block: block, index: i), power: 10, nowMs: 3_200) }
        for i: UInt32 in [2, 0, 1] { log.vote(try vote(.precommit, round: 1, block: block, index: i), power: 10, nowMs: 3_300) }
        log.decide(height: 5, round: 1, blockID: block, nowMs: 3_301)

        let h = try #require(log.heights.first)
        #expect(log.heights.count == 1 && h.height == 5 && h.startedMs == 1_000 && h.startedAtMs == 1_700_000_000_000)
        #expect(h.rounds.map(\.round) == [0, 1])
        let r0 = h.rounds[0], r1 = h.rounds[1]
        #expect(r0.proposerIndex == 3 && r0.proposal == nil && r0.startedMs == 1_000)
        #expect(r0.timeouts.map(\.kind) == [.propose, .precommit])
        #expect(r0.timeouts.map(\.durationMs) == [1_000, 1_000] && r0.timeouts.map(\.atMs) == [2_000, 3_020])
        #expect(r0.prevotes.map(\.blockID) == [nil, nil, nil] && r0.precommits.count == 3)
        #expect(r1.proposerIndex == 0 && r1.startedMs == 3_020 && r1.timeouts.isEmpty)
        let p = try #require(r1.proposal)
        #expect(p.blockID == block && p.polRound == -1 && p.atMs == 3_100 && !p.own)
        #expect(r1.prevotes.map(\.validatorIndex) == [0, 1, 2], "the second copy of validator 1's prevote is not added")
        #expect(r1.precommits.map(\.validatorIndex) == [2, 0, 1])
        #expect(r1.prevotes.allSatisfy { $0.blockID == block && $0.power == 10 })
        #expect(h.decision?.round == 1 && h.decision?.blockID == block && h.decision?.atMs == 3_301)
        #expect(h.timeoutCount == 2)
    }

    @Test func votesOfTheNextHeightAndOfRoundsAheadGetTheirOwnRecords() throws {
        var log = RoundLog()
        log.startHeight(5, nowMs: 0, wallMs: 0)
        log.enterRound(height: 5, round: 0, proposerIndex: 1, nowMs: 0)
        log.vote(try vote(.prevote, height: 6, round: 0, block: block, index: 0), power: 10, nowMs: 50)
        log.vote(try vote(.prevote, round: 4, block: nil, index: 2), power: 10, nowMs: 60)
        log.vote(try vote(.prevote, round: 2, block: nil, index: 2), power: 10, nowMs: 70)
        #expect(log.heights.map(\.height) == [5, 6])
        #expect(log.heights[0].rounds.map(\.round) == [0, 2, 4])
        #expect(log.heights[0].rounds[2].startedMs == nil && log.heights[0].rounds[2].proposerIndex == nil)
        #expect(log.heights[1].startedMs == nil, "height 6 has not started: its vote came early")
        log.startHeight(6, nowMs: 100, wallMs: 0)
        #expect(log.heights[1].startedMs == 100 && log.heights[1].rounds[0].prevotes.count == 1)
        #expect(log.currentHeight == 6)
    }

    @Test func aDoubleSignerKeepsTwoChoicesAtMost() throws {
        var log = RoundLog()
        for (n, choice) in [nil, block, Hash256.sha256([8]), block].enumerated() {
            log.vote(try vote(.prevote, round: 0, block: choice, index: 1), power: 10, nowMs: UInt64(n))
        }
        #expect(log.heights[0].rounds[0].prevotes.map(\.blockID) == [nil, block])
    }

    @Test func theOldestHeightsGoPastTheBound() {
        var log = RoundLog()
        let total = RoundRecorder.maxHeights + 50
        for h in 1...UInt64(total) { log.startHeight(h, nowMs: h, wallMs: h) }
        #expect(log.heights.count == RoundRecorder.maxHeights)
        #expect(log.heights.first?.height == 51 && log.heights.last?.height == UInt64(total))
        // A height older than every one kept is not recorded once the log is full.
        log.startHeight(3, nowMs: 0, wallMs: 0)
        #expect(log.heights.first?.height == 51 && log.heights.count == RoundRecorder.maxHeights)
        #expect(zip(log.heights, log.heights.dropFirst()).allSatisfy { $0.height < $1.height })
    }

    @Test func roundsPastTheBoundDropThoseNeverEnteredFirst() throws {
        var log = RoundLog()
        log.enterRound(height: 9, round: 0, proposerIndex: 0, nowMs: 0)
        // Votes of many far rounds (a flood) cannot push out a round this node is in.
        for r in 1...UInt32(RoundRecorder.maxRoundsPerHeight + 10) {
            log.vote(try vote(.prevote, height: 9, round: r * 3, block: nil, index: 0), power: 1, nowMs: 1)
        }
        let h = try #require(log.heights.first)
        #expect(h.rounds.count == RoundRecorder.maxRoundsPerHeight)
        #expect(h.droppedRounds == 11, "round 0 and 42 more make 43: 11 over the bound")
        #expect(h.rounds.first?.round == 0 && h.rounds.first?.startedMs == 0)
        // Rounds this node enters are kept in place of rounds it only saw votes of.
        log.enterRound(height: 9, round: 1, proposerIndex: 1, nowMs: 5)
        #expect(log.heights[0].rounds.prefix(2).map(\.round) == [0, 1])
        #expect(log.heights[0].rounds.count == RoundRecorder.maxRoundsPerHeight)
    }

    @Test func theRecorderIsShared() throws {
        let recorder = RoundRecorder()
        #expect(recorder.role == nil && recorder.height(1) == nil && recorder.recent(limit: 5).isEmpty)
    }
}
