import Testing
import KusariCore
@testable import KusariBFT

/// CometBFT's proposer-selection tests, reproduced value for value. Source:
/// https://github.com/cometbft/cometbft/blob/5bba72c14f2be2b06ac4d89dbdf6712e2e5e095c/types/validator_set_test.go
/// (Apache-2.0); the test name of each is given. Names stand for addresses (`Roster`).
@Suite struct ProposerSelectionTests {
    /// TestProposerSelection1: powers foo 1000, bar 300, baz 330; 99 proposers.
    @Test func cometProposerSelection1() throws {
        let roster = try Roster(["foo", "bar", "baz"])
        var set = try roster.set([("foo", 1000), ("bar", 300), ("baz", 330)])
        var proposers: [String] = []
        for _ in 0..<99 {
            proposers.append(roster.name(set.proposer))
            set.incrementProposerPriority(times: 1)
        }
        let expected = "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar"
            + " foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar"
            + " foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz"
            + " foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo"
            + " foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo"
        #expect(proposers.joined(separator: " ") == expected)
        // The same sequence, read without changing the set.
        let fresh = try roster.set([("foo", 1000), ("bar", 300), ("baz", 330)])
        #expect(fresh.upcomingProposers(99).map(roster.name).joined(separator: " ") == expected)
    }

    /// TestProposerSelection2: equal powers go in address order; 400 of 600 is not
    /// enough to propose twice in a row, 401 is; powers 4/5/3 propose 40/50/30 of 120.
    @Test func cometProposerSelection2() throws {
        let roster = try Roster(["addr0", "addr1", "addr2"])
        var set = try roster.set([("addr0", 100), ("addr1", 100), ("addr2", 100)])
        for i in 0..<15 {
            #expect(roster.name(set.proposer) == "addr\(i % 3)", "step \(i)")
            set.incrementProposerPriority(times: 1)
        }

        set = try roster.set([("addr0", 100), ("addr1", 100), ("addr2", 400)])
        #expect(roster.name(set.proposer) == "addr2")
        set.incrementProposerPriority(times: 1)
        #expect(roster.name(set.proposer) == "addr0")

        set = try roster.set([("addr0", 100), ("addr1", 100), ("addr2", 401)])
        #expect(roster.name(set.proposer) == "addr2")
        set.incrementProposerPriority(times: 1)
        #expect(roster.name(set.proposer) == "addr2")
        set.incrementProposerPriority(times: 1)
        #expect(roster.name(set.proposer) == "addr0")

        set = try roster.set([("addr0", 4), ("addr1", 5), ("addr2", 3)])
        var counts: [String: Int] = [:]
        for _ in 0..<120 {
            counts[roster.name(set.proposer), default: 0] += 1
            set.incrementProposerPriority(times: 1)
        }
        #expect(counts == ["addr0": 40, "addr1": 50, "addr2": 30])
    }

    /// TestProposerSelection3: four validators of power 1 keep their order of four
    /// forever, even when moved on several steps at once. CometBFT draws `times` from
    /// an unseeded random source; we draw it the same way from a seeded SplitMix64.
    @Test func cometProposerSelection3() throws {
        let roster = try Roster(["a", "b", "c", "d"])
        var set = try roster.set([("a", 1), ("b", 1), ("c", 1), ("d", 1)])
        let order = set.upcomingProposers(4).map(\.address)
        set.incrementProposerPriority(times: 4)
        var random = SplitMix64(seed: 3)
        var j: UInt64 = 4
        for i in 0..<10_000 {
            #expect(set.proposer.address == order[Int(j % 4)], "step \(i)")
            if set.proposer.address != order[Int(j % 4)] { break }
            var times: UInt64 = 1
            let mod = random.next() % 5 + 1
            if random.next() % mod > 0 { times = random.next() % 4 + 1 }
            set.incrementProposerPriority(times: UInt32(times))
            j += times
        }
    }

    /// TestAvgProposerPriority: the mean is exact even when the sum overflows Int64.
    @Test func cometAvgProposerPriority() {
        #expect(PriorityArithmetic.floorMean([0, 0, 0]) == 0)
        #expect(PriorityArithmetic.floorMean([.max, 0, 0]) == Int64.max / 3)
        #expect(PriorityArithmetic.floorMean([.max, 0]) == Int64.max / 2)
        #expect(PriorityArithmetic.floorMean([.max, .max]) == .max)
        #expect(PriorityArithmetic.floorMean([.min, .min]) == .min)
    }

    /// Go's big.Int.Div is Euclidean: for a negative sum it rounds down, not towards zero
    /// as Go's `/` (and Swift's) does.
    @Test func meanRoundsTowardsNegativeInfinity() {
        #expect(PriorityArithmetic.floorMean([-7, 0]) == -4)
        #expect(PriorityArithmetic.floorMean([-13, 2, -2]) == -5)
        #expect(PriorityArithmetic.floorMean([7, 0]) == 3)
        #expect(PriorityArithmetic.floorMean([.min, .min, -1]) == -6_148_914_691_236_517_206)  // -(2^64 + 1) / 3
        #expect(PriorityArithmetic.floorMean([.min, -1]) == Int64.min / 2 - 1)
        #expect(PriorityArithmetic.floorMean([.min, .max]) == -1)
    }

    /// TestSafeAddClip and TestSafeSubClip.
    @Test func cometSafeAddClipAndSubClip() {
        #expect(PriorityArithmetic.addClip(.max, 10) == .max)
        #expect(PriorityArithmetic.addClip(.max, .max) == .max)
        #expect(PriorityArithmetic.addClip(.min, -10) == .min)
        #expect(PriorityArithmetic.subClip(.min, 10) == .min)
        #expect(PriorityArithmetic.subClip(.min, .min) == 0)
        #expect(PriorityArithmetic.subClip(.min, .max) == .min)
        #expect(PriorityArithmetic.subClip(.max, -10) == .max)
    }

    /// TestAveragingInIncrementProposerPriority: validators of power 0 with chosen
    /// priorities; incrementing only centres them (by 2, by 0 after 11 steps, by 91 / 3).
    @Test(arguments: [
        ([Int64(1), 2, 3], UInt32(1), Int64(2)),
        ([10, -10, 1], 11, 0),
        ([100, -10, 1], 1, 91 / 3),
    ] as [([Int64], UInt32, Int64)])
    func cometAveragingInIncrementProposerPriority(priorities: [Int64], times: UInt32, average: Int64) throws {
        let roster = try Roster(["a", "b", "c"])
        let validators = try zip(["a", "b", "c"], priorities).map { try roster.raw($0.0, priority: $0.1) }
        let set = try #require(ValidatorSet(uncheckedValidators: validators))
        let moved = set.incrementedProposerPriority(times: times)
        for old in set.validators {
            #expect(moved.validator(address: old.address)?.proposerPriority == old.proposerPriority - average)
        }
    }

    /// TestAveragingInIncrementProposerPriorityWithVotingPower: powers 10, 1, 1 from
    /// priority 0, moved on 1 to 11 steps; the expected priorities and proposer of each.
    @Test func cometAveragingInIncrementProposerPriorityWithVotingPower() throws {
        let (vp0, vp1, vp2): (Int64, Int64, Int64) = (10, 1, 1)
        let total = vp0 + vp1 + vp2
        let avg = (vp0 + vp1 + vp2 - total) / 3
        let cases: [(times: UInt32, priorities: [Int64], proposer: Int)] = [
            (1, [0 + vp0 - total - avg, 0 + vp1, 0 + vp2], 0),
            (2, [(0 + vp0 - total) + vp0 - total - avg, (0 + vp1) + vp1, (0 + vp2) + vp2], 0),
            (3, [0 + 3 * (vp0 - total) - avg, 0 + 3 * vp1, 0 + 3 * vp2], 0),
            (4, [0 + 4 * (vp0 - total), 0 + 4 * vp1, 0 + 4 * vp2], 0),
            (5, [0 + 4 * (vp0 - total) + vp0, 0 + 5 * vp1 - total, 0 + 5 * vp2], 1),
            (6, [0 + 6 * vp0 - 5 * total, 0 + 6 * vp1 - total, 0 + 6 * vp2], 0),
            (7, [0 + 7 * vp0 - 6 * total, 0 + 7 * vp1 - total, 0 + 7 * vp2], 0),
            (8, [0 + 8 * vp0 - 7 * total, 0 + 8 * vp1 - total, 0 + 8 * vp2], 0),
            (9, [0 + 9 * vp0 - 7 * total, 0 + 9 * vp1 - total, 0 + 9 * vp2 - total], 2),
            (10, [0 + 10 * vp0 - 8 * total, 0 + 10 * vp1 - total, 0 + 10 * vp2 - total], 0),
            (11, [0 + 11 * vp0 - 9 * total, 0 + 11 * vp1 - total, 0 + 11 * vp2 - total], 0),
        ]
        // CometBFT's addresses are the bytes 0, 1, 2: names in the same byte order.
        let roster = try Roster(["0", "1", "2"])
        let base = try #require(ValidatorSet(uncheckedValidators: [
            try roster.raw("0", power: 10, priority: 0),
            try roster.raw("1", power: 1, priority: 0),
            try roster.raw("2", power: 1, priority: 0),
        ]))
        for (times, priorities, proposer) in cases {
            let set = base.incrementedProposerPriority(times: times)
            #expect(roster.name(set.proposer) == "\(proposer)", "times \(times)")
            #expect(set.validators.map(\.proposerPriority) == priorities, "times \(times)")
        }
    }

    /// Priorities at the Int64 bounds clip instead of trapping, with Go's semantics: the
    /// spread max - min wraps to -1 and is negated to 1 (so no rescaling), the mean
    /// floor(-1 / 2) = -1 is subtracted with clipping, and so on.
    @Test func prioritiesAtTheBoundsClip() throws {
        let roster = try Roster(["hi", "lo"])
        let set = try #require(ValidatorSet(uncheckedValidators: [
            try roster.raw("hi", power: 1, priority: .max),
            try roster.raw("lo", power: 1, priority: .min),
        ]))
        #expect(PriorityArithmetic.maxMinDifference([.max, .min]) == 1)
        let moved = set.incrementedProposerPriority(times: 1)
        #expect(roster.name(moved.proposer) == "hi")
        #expect(moved.validators.map(\.proposerPriority) == [Int64.max - 2, Int64.min + 2])
    }

    /// TestIncrementProposerPriorityPositiveTimes: CometBFT panics on times <= 0; ours
    /// takes an unsigned count and does nothing for 0.
    @Test func zeroTimesDoesNothing() throws {
        let roster = try Roster(["foo", "bar", "baz"])
        let set = try roster.set([("foo", 1000), ("bar", 300), ("baz", 330)])
        #expect(set.incrementedProposerPriority(times: 0) == set)
        #expect(set.incrementedProposerPriority(times: 1) != set)
    }

    /// Determinism: the same inputs in any order give the same set, priorities and
    /// proposers, every time.
    @Test func sameInputsSameOutputs() throws {
        let roster = try Roster(["foo", "bar", "baz", "qux"])
        let list: [(String, UInt64)] = [("foo", 1000), ("bar", 300), ("baz", 330), ("qux", 7)]
        let a = try roster.set(list)
        let b = try roster.set(list.reversed())
        #expect(a == b)
        #expect(a.hash == b.hash)
        #expect(a.upcomingProposers(500) == b.upcomingProposers(500))
        let c = try roster.set(list)
        #expect(a.incrementedProposerPriority(times: 77) == c.incrementedProposerPriority(times: 77))
    }
}
