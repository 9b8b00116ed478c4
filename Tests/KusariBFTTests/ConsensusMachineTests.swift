import Foundation
import Testing
import KusariCore
@testable import KusariBFT

/// Single rules of Algorithm 1, each driven by hand on one machine of four equal
/// validators (f = 1: 2f+1 = 3 votes, f+1 = 2).
@Suite struct ConsensusMachineTests {
    let fx: ConsensusFixture

    init() throws { fx = try ConsensusFixture(powers: [10, 10, 10, 10]) }

    /// The others of `me`, first `count`.
    func others(_ me: Int, _ count: Int) -> [Int] { Array((0..<fx.count).filter { $0 != me }.prefix(count)) }

    func votes(_ type: VoteType, from indices: [Int], round: UInt32, block: Hash256?) throws -> [ConsensusEvent] {
        try indices.map { .vote(try fx.vote(type, from: $0, round: round, block: block)) }
    }

    @Test func theProposerAsksForAValueProposesItAndCommitsWithTwoThirds() throws {
        let me = fx.proposer(round: 0)
        var (m, start) = fx.machine(me)
        #expect(start.contains(.needValue(height: 1, round: 0)))
        let a = block("A")
        let proposed = m.handle(.proposeValue(height: 1, round: 0, blockID: a))
        #expect(proposed.proposals.map(\.blockID) == [a])
        #expect(proposed.votes.map(\.choice) == [.block(a)])  // line 22: its own proposal, prevoted
        #expect(m.step == .prevote)
        let locked = m.feed(try votes(.prevote, from: others(me, 2), round: 0, block: a))
        #expect(locked.votes.map(\.type) == [.precommit])
        #expect(m.lockedValue == a && m.lockedRound == 0 && m.validValue == a && m.validRound == 0)
        let committed = m.feed(try votes(.precommit, from: others(me, 2), round: 0, block: a))
        let commit = try #require(committed.commits.first)
        #expect(commit.blockID == a && commit.height == 1 && commit.round == 0 && commit.precommits.count == 3)
        #expect(m.decision == commit)
        // Nothing more for this height; the next height's messages wait for it.
        let late = m.handle(.vote(try fx.vote(.precommit, from: others(me, 3)[2], round: 0, block: a)))
        #expect(late.ignoredReasons == [.alreadyDecided(height: 1)])
    }

    @Test func anInvalidValueGetsANilPrevote() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me, isValid: { $0 != block("bad") })
        let actions = m.handle(.proposal(try fx.proposal(round: 0, block: block("bad"))))
        #expect(actions.votes.map(\.choice) == [.nilVote])
    }

    /// Locked on A in round 0, a validator prevotes nil for a fresh proposal of B in round 1.
    @Test func aLockedValidatorPrevotesNilForAnotherFreshValue() throws {
        let me = fx.nonProposer(rounds: 0...1)
        var (m, _) = fx.machine(me)
        let a = block("A"), b = block("B")
        _ = m.handle(.proposal(try fx.proposal(round: 0, block: a)))
        _ = m.feed(try votes(.prevote, from: others(me, 2), round: 0, block: a))
        #expect(m.lockedValue == a && m.lockedRound == 0 && m.step == .precommit)
        // The others precommit nil: 2f+1 precommits of any kind -> timeoutPrecommit.
        let any = m.feed(try votes(.precommit, from: others(me, 2), round: 0, block: nil))
        #expect(any.timeouts.map(\.0) == [Timeout(kind: .precommit, height: 1, round: 0)])
        _ = m.handle(.timeout(Timeout(kind: .precommit, height: 1, round: 0)))
        #expect(m.round == 1 && m.step == .propose)
        let fresh = m.handle(.proposal(try fx.proposal(round: 1, block: b)))
        #expect(fresh.votes.map(\.choice) == [.nilVote])
        #expect(m.lockedValue == a)
        // The locked value itself, re-proposed fresh, gets the prevote (lockedValue = v).
        var (m2, _) = fx.machine(me)
        _ = m2.handle(.proposal(try fx.proposal(round: 0, block: a)))
        _ = m2.feed(try votes(.prevote, from: others(me, 2), round: 0, block: a))
        _ = m2.handle(.timeout(Timeout(kind: .precommit, height: 1, round: 0)))
        #expect(m2.round == 1)
        let same = m2.handle(.proposal(try fx.proposal(round: 1, block: a)))
        #expect(same.votes.map(\.choice) == [.block(a)])
    }

    /// Locked on A in round 0; 2f+1 prevotes for B in round 1 (a polka the validator saw);
    /// the round 2 proposer re-proposes B with polRound 1: lockedRound 0 <= 1, so it
    /// prevotes B (line 29), and once B gets 2f+1 prevotes in round 2 it re-locks on B.
    @Test func aPolkaInALaterRoundUnlocks() throws {
        let me = fx.nonProposer(rounds: 0...2)
        var (m, _) = fx.machine(me)
        let a = block("A"), b = block("B")
        _ = m.handle(.proposal(try fx.proposal(round: 0, block: a)))
        _ = m.feed(try votes(.prevote, from: others(me, 2), round: 0, block: a))
        _ = m.feed(try votes(.precommit, from: others(me, 2), round: 0, block: nil))
        _ = m.handle(.timeout(Timeout(kind: .precommit, height: 1, round: 0)))
        #expect(m.round == 1 && m.lockedValue == a)
        _ = m.handle(.timeout(Timeout(kind: .propose, height: 1, round: 1)))  // no proposal: prevote nil
        _ = m.feed(try votes(.prevote, from: others(me, 3), round: 1, block: b))
        // 3 prevotes for B in round 1 (no proposal seen, so no lock), our nil: timeoutPrevote.
        #expect(m.lockedValue == a && m.step == .prevote)
        _ = m.handle(.timeout(Timeout(kind: .prevote, height: 1, round: 1)))
        _ = m.feed(try votes(.precommit, from: others(me, 2), round: 1, block: nil))
        _ = m.handle(.timeout(Timeout(kind: .precommit, height: 1, round: 1)))
        #expect(m.round == 2)
        // B re-proposed with polRound 1, where B had its polka: lockedRound 0 <= 1.
        let stale = m.handle(.proposal(try fx.proposal(round: 2, block: b, polRound: 1)))
        #expect(stale.votes.map(\.choice) == [.block(b)])
        _ = m.feed(try votes(.prevote, from: others(me, 2), round: 2, block: b))
        #expect(m.lockedValue == b && m.lockedRound == 2)
    }

    /// A re-proposal whose polRound is older than our lock does not unlock.
    @Test func aPolkaOlderThanTheLockDoesNotUnlock() throws {
        let me = fx.nonProposer(rounds: 0...2)
        var (m, _) = fx.machine(me)
        let a = block("A"), b = block("B")
        // Round 0: a polka for B we only see as prevotes; our prevote goes nil (timeout).
        _ = m.handle(.timeout(Timeout(kind: .propose, height: 1, round: 0)))
        _ = m.feed(try votes(.prevote, from: others(me, 3), round: 0, block: b))
        _ = m.handle(.timeout(Timeout(kind: .prevote, height: 1, round: 0)))
        _ = m.feed(try votes(.precommit, from: others(me, 2), round: 0, block: nil))
        _ = m.handle(.timeout(Timeout(kind: .precommit, height: 1, round: 0)))
        // Round 1: we lock on A.
        _ = m.handle(.proposal(try fx.proposal(round: 1, block: a)))
        _ = m.feed(try votes(.prevote, from: others(me, 2), round: 1, block: a))
        #expect(m.lockedValue == a && m.lockedRound == 1)
        _ = m.feed(try votes(.precommit, from: others(me, 2), round: 1, block: nil))
        _ = m.handle(.timeout(Timeout(kind: .precommit, height: 1, round: 1)))
        // Round 2: B re-proposed with polRound 0 < lockedRound 1: prevote nil (line 32).
        let actions = m.handle(.proposal(try fx.proposal(round: 2, block: b, polRound: 0)))
        #expect(actions.votes.map(\.choice) == [.nilVote])
        #expect(m.lockedValue == a)
    }

    @Test func twoThirdsNilPrevotesGiveANilPrecommit() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me)
        _ = m.handle(.proposal(try fx.proposal(round: 0, block: block("A"))))
        let actions = m.feed(try votes(.prevote, from: others(me, 3), round: 0, block: nil))
        #expect(actions.votes.map(\.type) == [.precommit])
        #expect(actions.votes.map(\.choice) == [.nilVote])
        #expect(m.step == .precommit && m.lockedValue == nil)
    }

    @Test func fPlusOneMessagesOfAHigherRoundSkipToIt() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me)
        let one = m.handle(.vote(try fx.vote(.prevote, from: others(me, 1)[0], round: 5, block: nil)))
        #expect(m.round == 0 && one.timeouts.isEmpty)  // one validator is not f+1
        let two = m.handle(.vote(try fx.vote(.precommit, from: others(me, 2)[1], round: 5, block: nil)))
        #expect(m.round == 5 && m.step == .propose)
        #expect(two.timeouts.map(\.0) == [Timeout(kind: .propose, height: 1, round: 5)])
        // A timeout of the round left behind does nothing.
        #expect(m.handle(.timeout(Timeout(kind: .propose, height: 1, round: 0))).isEmpty)
        #expect(m.round == 5)
    }

    @Test func timeoutsGrowPerRoundAndAreScheduledAtTheRightPoints() throws {
        let t = ConsensusTimeouts.devnet
        #expect((0..<3).map { t.duration(.propose, round: $0) } == [1_000, 1_250, 1_500])
        #expect((0..<3).map { t.duration(.prevote, round: $0) } == [500, 750, 1_000])
        #expect(t.duration(.precommit, round: 4) == 1_500)
        #expect(t.duration(.propose, round: .max) == 1_000 + 250 * UInt64(UInt32.max))
        let huge = ConsensusTimeouts(proposeBaseMs: .max, proposeDeltaMs: 1, prevoteBaseMs: 0, prevoteDeltaMs: .max,
                                     precommitBaseMs: 0, precommitDeltaMs: 0)
        #expect(huge.duration(.propose, round: 1) == .max && huge.duration(.prevote, round: 2) == .max)

        let me = fx.nonProposer()
        var (m, start) = fx.machine(me)
        #expect(start.timeouts.map(\.1) == [1_000])
        _ = m.handle(.timeout(Timeout(kind: .propose, height: 1, round: 0)))
        // Two prevotes plus ours: 2f+1 of any kind, timeoutPrevote once.
        let first = m.feed(try votes(.prevote, from: [others(me, 2)[0]], round: 0, block: block("A")))
        #expect(first.timeouts.isEmpty)
        let second = m.feed(try votes(.prevote, from: [others(me, 2)[1]], round: 0, block: nil))
        #expect(second.timeouts.map(\.0) == [Timeout(kind: .prevote, height: 1, round: 0)])
        let third = m.feed(try votes(.prevote, from: [others(me, 3)[2]], round: 0, block: block("B")))
        #expect(third.timeouts.isEmpty)
        let precommitted = m.handle(.timeout(Timeout(kind: .prevote, height: 1, round: 0)))
        #expect(precommitted.votes.map(\.choice) == [.nilVote] && m.step == .precommit)
        let any = m.feed(try votes(.precommit, from: others(me, 2), round: 0, block: nil))
        #expect(any.timeouts.map(\.1) == [500])
        let next = m.handle(.timeout(Timeout(kind: .precommit, height: 1, round: 0)))
        #expect(m.round == 1 && next.timeouts.map(\.1) == [1_250])
    }

    @Test func commitsOnPrecommitsOfAnyRoundWithItsProposal() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me)
        let a = block("A")
        // A lagging validator hears round 3's precommits and then its proposal.
        let early = m.feed(try votes(.precommit, from: others(me, 3), round: 3, block: a))
        #expect(early.commits.isEmpty && m.round == 3)  // f+1 skipped it to round 3 first
        let done = m.handle(.proposal(try fx.proposal(round: 3, block: a)))
        #expect(done.commits.map(\.blockID) == [a])
        #expect(done.commits.first?.round == 3)
    }

    @Test func proposalsAreCheckedAgainstTheRoundsProposer() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me)
        let wrong = (fx.proposer(round: 0) + 1) % fx.count
        let a = try m.handle(.proposal(fx.proposal(round: 0, block: block("A"), by: wrong)))
        #expect(a.ignoredReasons == [.invalidProposal(.notTheProposer(index: UInt32(wrong),
                                                                      expected: fx.proposer(round: 0), round: 0))])
        let b = try m.handle(.proposal(fx.proposal(round: 1, block: block("A"), polRound: 1)))
        #expect(b.ignoredReasons == [.invalidProposal(.invalidPOLRound(polRound: 1, round: 1))])
        var forged = try fx.proposal(round: 0, block: block("A"))
        forged.blockID = block("B")
        let c = m.handle(.proposal(forged))
        #expect(c.ignoredReasons == [.invalidProposal(.invalidSignature(index: forged.proposerIndex))])
        #expect(m.step == .propose)
        // An equivocating proposer's proposals are kept, first first, up to three.
        _ = m.handle(.proposal(try fx.proposal(round: 0, block: block("A"))))
        #expect(m.handle(.proposal(try fx.proposal(round: 0, block: block("C")))).ignoredReasons.isEmpty)
        #expect(m.handle(.proposal(try fx.proposal(round: 0, block: block("D")))).ignoredReasons.isEmpty)
        let d = m.handle(.proposal(try fx.proposal(round: 0, block: block("E"))))
        #expect(d.ignoredReasons == [.conflictingProposal(round: 0)])
        #expect(m.proposal(round: 0)?.blockID == block("A"))
        #expect(m.proposals(round: 0).map(\.blockID) == [block("A"), block("C"), block("D")])
    }

    @Test func aDoubleVoteIsReportedOnceAsEvidence() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me)
        let other = others(me, 1)[0]
        _ = m.handle(.vote(try fx.vote(.prevote, from: other, round: 0, block: block("A"))))
        let second = try fx.vote(.prevote, from: other, round: 0, block: block("B"))
        let first = m.handle(.vote(second))
        #expect(first.count == 1)
        guard case .evidence(let evidence)? = first.first else { Issue.record("no evidence"); return }
        #expect(evidence.validatorAddress == fx.address(other))
        #expect(m.handle(.vote(second)).isEmpty)
    }

    /// Review finding: a Byzantine proposer's three junk proposals sent first must not
    /// keep a validator from the proposal the others decided (its precommits arrive).
    @Test func junkProposalsCannotCrowdOutTheDecidedOne() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me)
        for junk in ["X", "Y", "Z"] { _ = m.handle(.proposal(try fx.proposal(round: 0, block: block(junk)))) }
        let d = block("D")
        _ = m.feed(try votes(.precommit, from: others(me, 3), round: 0, block: d))
        let late = m.handle(.proposal(try fx.proposal(round: 0, block: d)))
        #expect(late.ignoredReasons.isEmpty)
        #expect(late.commits.map(\.blockID) == [d])
        // A fourth proposal nobody voted for is still refused.
        var (n, _) = fx.machine(me)
        for junk in ["X", "Y", "Z"] { _ = n.handle(.proposal(try fx.proposal(round: 0, block: block(junk)))) }
        #expect(n.handle(.proposal(try fx.proposal(round: 0, block: block("W")))).ignoredReasons == [.conflictingProposal(round: 0)])
    }

    /// Review finding: a validator signing ever more blocks is reported once per round and
    /// type, not once per vote (memory and actions stay bounded).
    @Test func aDoubleVoterIsReportedOncePerRoundAndType() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me)
        let liar = others(me, 1)[0]
        var reports = 0
        for i in 0..<50 {
            let actions = m.handle(.vote(try fx.vote(.prevote, from: liar, round: 0, block: block("junk \(i)"))))
            reports += actions.filter { if case .evidence = $0 { return true } else { return false } }.count
        }
        #expect(reports == 1)
    }

    /// Seed 658 of the 7-validator simulation: a double voter sent many conflicting
    /// prevotes for values proposed in later rounds, filling its slots before the one
    /// that completed the polka. Only conflicting votes that can matter are counted.
    @Test func anEquivocatorsJunkVotesCannotCrowdOutItsDecisiveVote() throws {
        let seven = try ConsensusFixture(powers: [10, 10, 10, 10, 10, 10, 10])
        let proposer = seven.proposer(round: 0)
        let me = (0..<7).first { $0 != proposer && $0 != 6 } ?? 0
        let liar = (0..<7).last { $0 != proposer && $0 != me } ?? 6
        var (m, _) = seven.machine(me)
        let a = block("A")
        _ = m.handle(.proposal(try seven.proposal(round: 0, block: a)))  // we prevote A
        for junk in ["X", "Y", "Z", "W", "V", "U", "T", "S", "R"] {
            _ = m.handle(.vote(try seven.vote(.prevote, from: liar, round: 0, block: block(junk))))
        }
        let honest = (0..<7).filter { $0 != me && $0 != liar }.prefix(3)
        for i in honest { _ = m.handle(.vote(try seven.vote(.prevote, from: i, round: 0, block: a))) }
        #expect(m.lockedValue == nil)  // 4 of 7 for A: not yet two thirds (5)
        let decisive = m.handle(.vote(try seven.vote(.prevote, from: liar, round: 0, block: a)))
        #expect(decisive.votes.map(\.choice) == [.block(a)])  // counted: lock and precommit A
        #expect(m.lockedValue == a)
    }

    @Test func nextHeightMessagesAreBufferedAndReplayed() throws {
        let me = fx.nonProposer()
        var (m, _) = fx.machine(me)
        let a = block("A")
        _ = m.handle(.proposal(try fx.proposal(round: 0, block: a)))
        let early = try fx.proposal(height: 2, round: 0, block: block("B"))
        _ = m.handle(.proposal(early))
        _ = m.feed(try votes(.prevote, from: others(me, 2), round: 0, block: a))
        let done = m.feed(try votes(.precommit, from: others(me, 2), round: 0, block: a))
        #expect(done.commits.count == 1)
        let next = m.handle(.startHeight(2, validators: fx.validators(height: 2)))
        #expect(m.height == 2 && m.lockedValue == nil && m.lockedRound == -1)
        if fx.proposer(height: 2, round: 0) != me {
            #expect(next.votes.map(\.choice) == [.block(block("B"))])
        }
    }

    @Test func theSignerNeverSignsConflictingMessages() throws {
        var signer = fx.signer(0)
        let a = block("A"), b = block("B")
        let v1 = signer.signVote(type: .prevote, height: 1, round: 0, blockID: a, validatorIndex: 0)
        let again = signer.signVote(type: .prevote, height: 1, round: 0, blockID: a, validatorIndex: 0)
        let other = signer.signVote(type: .prevote, height: 1, round: 0, blockID: b, validatorIndex: 0)
        let nilVote = signer.signVote(type: .prevote, height: 1, round: 0, blockID: nil, validatorIndex: 0)
        let oldProposal = signer.signProposal(height: 1, round: 0, blockID: a, polRound: -1, proposerIndex: 0)
        let precommit = signer.signVote(type: .precommit, height: 1, round: 0, blockID: nil, validatorIndex: 0)
        let backwards = signer.signVote(type: .prevote, height: 1, round: 0, blockID: a, validatorIndex: 0)
        let next = signer.signProposal(height: 1, round: 1, blockID: a, polRound: 0, proposerIndex: 0)
        #expect(v1 != nil && again == v1)
        #expect(other == nil && nilVote == nil && oldProposal == nil && backwards == nil)
        #expect(precommit != nil && next != nil)
        #expect(signer.lastSigned?.round == 1 && signer.lastSigned?.step == 1)
    }
}
