import Testing
import KusariCore
@testable import KusariBFT

/// Priorities across heights with validator changes: CometBFT's state tests, its
/// priority-order test, and the worked examples of its specification.
@Suite struct ProposerScenarioTests {
    /// CometBFT's state transition (`updateState` in state/execution.go): the next
    /// height's set is the current next set, changed, then moved on once.
    func nextHeight(_ set: ValidatorSet, _ changes: [ValidatorUpdate] = []) throws -> ValidatorSet {
        var next = set
        if !changes.isEmpty { try next.update(with: changes) }
        next.incrementProposerPriority(times: 1)
        return next
    }

    /// TestProposerPriorityDoesNotGetResetToZero, state/state_test.go at
    /// https://github.com/cometbft/cometbft/blob/5bba72c14f2be2b06ac4d89dbdf6712e2e5e095c/state/state_test.go
    @Test func cometProposerPriorityDoesNotGetResetToZero() throws {
        let roster = try Roster(["val1", "val2"])
        let genesis = try roster.set([("val1", 10)])
        let first = try nextHeight(genesis)
        #expect(first.validators[0].proposerPriority == 0)  // 0 + 10 - 10

        // Add val2 (100): joins at -123, centred by floor(-123 / 2) = -62: val1 62, val2 -61;
        // then +power: 72 and 39, and val1 proposes: -38.
        let second = try nextHeight(first, [try roster.update("val2", 100)])
        #expect(second.validator(address: try roster.address("val1"))?.proposerPriority == -38)
        #expect(second.validator(address: try roster.address("val2"))?.proposerPriority == 39)

        // val2 down to 1: spread 77 > 2 * 11, so divided by ceil(77 / 22) = 4: -9 and 9;
        // centring is a no-op; +power: 1 and 10, val2 proposes: -1.
        let third = try nextHeight(second, [try roster.update("val2", 1)])
        #expect(third.validator(address: try roster.address("val1"))?.proposerPriority == 1)
        #expect(third.validator(address: try roster.address("val2"))?.proposerPriority == -1)
    }

    /// TestProposerPriorityProposerAlternates, state/state_test.go (same commit): two
    /// validators of equal power, the second added later, alternate for ever.
    @Test func cometProposerPriorityProposerAlternates() throws {
        let roster = try Roster(["val1", "val2"])
        let a1 = try roster.address("val1"), a2 = try roster.address("val2")
        let genesis = try roster.set([("val1", 10)])
        #expect(genesis.proposer.address == a1)
        let n1 = try nextHeight(genesis)
        #expect(n1.validators[0].proposerPriority == 0)
        #expect(n1.proposer.address == a1)

        let n2 = try nextHeight(n1, [try roster.update("val2", 10)])
        #expect(n2.proposer.address == a1)
        #expect(n2.validator(address: a1)?.proposerPriority == 1)
        #expect(n2.validator(address: a2)?.proposerPriority == -1)

        let n3 = try nextHeight(n2)
        #expect(n3.proposer.address == a1)
        #expect(n3.validator(address: a1)?.proposerPriority == -9)
        #expect(n3.validator(address: a2)?.proposerPriority == 9)

        var sets = [n2, n3, try nextHeight(n3)]  // sets[k] is the next set at step k
        for i in 0..<1000 {
            let next = try nextHeight(sets[sets.count - 1])
            let current = sets[sets.count - 1]
            #expect(current.proposer.address != next.proposer.address, "iteration \(i)")
            #expect(sets[sets.count - 2].proposer.address == next.proposer.address, "iteration \(i)")
            let expected: (String, Int64, Int64) = i % 2 == 0 ? ("val2", -9, 9) : ("val1", 1, -1)
            #expect(roster.name(current.proposer) == expected.0, "iteration \(i)")
            #expect(next.validator(address: a1)?.proposerPriority == expected.1, "iteration \(i)")
            #expect(next.validator(address: a2)?.proposerPriority == expected.2, "iteration \(i)")
            sets.append(next)
        }
    }

    /// CometBFT's `State` as far as validators go: this height's set and the next one's.
    struct Heights {
        var validators: ValidatorSet
        var next: ValidatorSet
    }

    /// `sm.UpdateState`: the next set becomes current; the one after is derived from it.
    func advance(_ state: Heights, _ changes: [ValidatorUpdate] = []) throws -> Heights {
        Heights(validators: state.next, next: try nextHeight(state.next, changes))
    }

    /// TestLargeGenesisValidator, state/state_test.go (same commit): a genesis validator
    /// of power MaxTotalVotingPower / 1000 alone keeps priority 0; after validators of
    /// power 10 join and it leaves, the proposer changes after one block and the eleven
    /// equal validators then take turns in a fixed cycle.
    @Test func cometLargeGenesisValidator() throws {
        let added = (0..<10).map { "added\($0)" }
        let roster = try Roster(["genesis", "first"] + added)
        let genesisSet = try roster.set([("genesis", ValidatorSet.maxTotalVotingPower / 1000)])
        var state = Heights(validators: genesisSet, next: genesisSet)
        for _ in 0..<10 {
            let updated = try advance(state)
            #expect(updated.next == state.next)
            #expect(updated.next.proposer.proposerPriority == 0)
            state = updated
        }
        let afterFirst = try advance(state, [try roster.update("first", 10)])
        var last = afterFirst
        for _ in 0..<200 { last = try advance(last) }
        let genesis = try roster.address("genesis"), first = try roster.address("first")
        let oldGenesis = try #require(afterFirst.next.validator(address: genesis)?.proposerPriority)
        let newGenesis = try #require(last.next.validator(address: genesis)?.proposerPriority)
        let oldFirst = try #require(afterFirst.next.validator(address: first)?.proposerPriority)
        let newFirst = try #require(last.next.validator(address: first)?.proposerPriority)
        #expect(oldGenesis > newGenesis && oldFirst < newFirst)

        state = last
        for name in added { state = try advance(state, [try roster.update(name, 10)]) }
        #expect(state.next.count == 12)
        var current = try advance(state, [try roster.update("genesis", 0)])
        #expect(current.next.count == 11)

        var count = 0
        repeat {
            current = try advance(current)
            count += 1
        } while current.validators.proposer.address == current.next.proposer.address && count < 10_000
        #expect(count == 1)

        let n = current.validators.count
        var cycle = [AddressPayload?](repeating: nil, count: n)
        for i in 0..<100 {
            current = try advance(current)
            guard i > n else { continue }
            if let seen = cycle[i % n] {
                #expect(current.next.proposer.address == seen, "block \(i)")
            } else {
                cycle[i % n] = current.next.proposer.address
            }
        }
    }

    /// TestValSetUpdatePriorityOrderTests (its three fixed cases, and random ones drawn
    /// from a seeded SplitMix64 as CometBFT's `randTestVSetCfg` draws them): after any
    /// number of steps and a change, the list is as expected and the validators just
    /// added share the lowest priority.
    @Test func cometValSetUpdatePriorityOrder() throws {
        typealias List = [(String, UInt64)]
        var cases: [(start: List, changes: List, added: List, expected: List)] = [
            ([("v3", 1000), ("v1", 1), ("v2", 1)], [("v3", 0)], [], [("v1", 1), ("v2", 1)]),
            ([("v3", 1000), ("v2", 10), ("v1", 1)], [("v3", 0)], [], [("v2", 10), ("v1", 1)]),
            ([("v3", 1000), ("v2", 2), ("v1", 1)], [("v5", 50), ("v4", 40), ("v2", 1), ("v3", 0)],
             [("v5", 50), ("v4", 40)], [("v5", 50), ("v4", 40), ("v1", 1), ("v2", 1)]),
        ]
        var random = SplitMix64(seed: 17)
        for (base, addMax) in [(100, 10), (10, 100), (100, 100)] {
            cases.append(Self.randomCase(base: base, addMax: addMax, random: &random))
        }
        for (start, changes, added, expected) in cases {
            let names = Set((start + changes).map { $0.0 })
            let roster = try Roster(Array(names))
            var set = try roster.set(start)
            expectWellFormed(set)
            set.incrementProposerPriority(times: UInt32(random.next() % 5000 + 1))
            try set.update(with: try roster.updates(changes))
            #expect(roster.list(set) == pairs(expected))
            expectWellFormed(set)
            guard !added.isEmpty else { continue }
            let byPriority = set.validators.sorted {
                $0.proposerPriority != $1.proposerPriority ? $0.proposerPriority < $1.proposerPriority : $0.address < $1.address
            }
            let lowest = byPriority.prefix(added.count).sorted(by: Validator.byPowerThenAddress)
            #expect(lowest.map { Pair(name: roster.name($0), power: $0.votingPower) } == pairs(added))
            #expect(Set(lowest.map(\.proposerPriority)).count == 1)
        }
    }

    /// CometBFT's `randTestVSetCfg`: `base` validators, some kept, some changed, some
    /// removed, and 1 ... `addMax` added; lists sorted by power, then name.
    static func randomCase(base: Int, addMax: Int, random: inout SplitMix64)
        -> (start: [(String, UInt64)], changes: [(String, UInt64)], added: [(String, UInt64)], expected: [(String, UInt64)]) {
        let kept = Int(random.next() % UInt64(base)) + 1
        let removed = base - kept > 0 ? Int(random.next() % UInt64(base - kept)) : 0
        let changed = base - kept - removed
        let adding = Int(random.next() % UInt64(addMax)) + 1
        func power() -> UInt64 { random.next() % 1000 + 1 }
        var start: [(String, UInt64)] = [], changes: [(String, UInt64)] = [], expected: [(String, UInt64)] = []
        var added: [(String, UInt64)] = []
        for i in 0..<base {
            let name = "v\(i)"
            start.append((name, power()))
            if i < kept { expected.append(start[i]) } else if i < kept + changed {
                let change = (name, power())
                changes.append(change); expected.append(change)
            } else {
                changes.append((name, 0))
            }
        }
        for i in base..<(base + adding) {
            let change = ("v\(i)", power())
            changes.append(change); added.append(change); expected.append(change)
        }
        func byPower(_ a: (String, UInt64), _ b: (String, UInt64)) -> Bool {
            a.1 != b.1 ? a.1 > b.1 : Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8))
        }
        return (start.sorted(by: byPower), changes, added.sorted(by: byPower), expected.sorted(by: byPower))
    }

    // MARK: spec/consensus/proposer-selection.md
    // https://github.com/cometbft/cometbft/blob/5bba72c14f2be2b06ac4d89dbdf6712e2e5e095c/spec/consensus/proposer-selection.md

    /// "Stable Set": p1 power 1, p2 power 3 give p2, p1, p2, p2 again and again, and the
    /// priorities of the table after each run.
    @Test func specStableSet() throws {
        let roster = try Roster(["p1", "p2"])
        let set = try roster.set([("p1", 1), ("p2", 3)])
        #expect(set.upcomingProposers(8).map(roster.name) == ["p2", "p1", "p2", "p2", "p2", "p1", "p2", "p2"])
        var moving = set
        let a1 = try roster.address("p1"), a2 = try roster.address("p2")
        for (p1, p2) in [(Int64(1), Int64(-1)), (-2, 2), (-1, 1), (0, 0)] {
            #expect(moving.validator(address: a1)?.proposerPriority == p1)
            #expect(moving.validator(address: a2)?.proposerPriority == p2)
            moving.incrementProposerPriority(times: 1)
        }
    }

    /// "Validator Removal": p1 1, p2 2, p3 3 at priorities 1, 2, -3; p2 removed; the next
    /// run centres by -1 and p1 proposes, ending at p1 -1, p3 1 as the table shows.
    @Test func specValidatorRemoval() throws {
        let roster = try Roster(["p1", "p2", "p3"])
        var set = try #require(ValidatorSet(uncheckedValidators: [
            try roster.raw("p3", power: 3, priority: -3),
            try roster.raw("p2", power: 2, priority: 2),
            try roster.raw("p1", power: 1, priority: 1),
        ]))
        try set.update(with: [try roster.update("p2", 0)])
        set.incrementProposerPriority(times: 1)
        #expect(roster.name(set.proposer) == "p1")
        #expect(set.validator(address: try roster.address("p1"))?.proposerPriority == -1)
        #expect(set.validator(address: try roster.address("p3"))?.proposerPriority == 1)
    }

    /// "New Validator": p1 1 and p2 3 at priorities 2 and -2, p3 8 added at
    /// -1.125 * 12 = -13. The specification's table centres by avg = -4 (-13 / 3 rounded
    /// towards zero) and ends at p1 -5, p2 5, p3 -1. The code (and so this module) takes
    /// the floor, -5, as Go's big.Int.Div does: p1 7, p2 3, p3 -8, then after the run
    /// p1 -4, p2 6, p3 0. Same proposer (p1); the table's values are off by one.
    @Test func specNewValidatorAndTheRoundingOfItsTable() throws {
        let roster = try Roster(["p1", "p2", "p3"])
        var set = try #require(ValidatorSet(uncheckedValidators: [
            try roster.raw("p2", power: 3, priority: -2),
            try roster.raw("p1", power: 1, priority: 2),
        ]))
        try set.update(with: [try roster.update("p3", 8)])
        let p1 = try roster.address("p1"), p2 = try roster.address("p2"), p3 = try roster.address("p3")
        #expect(set.validators.map { [p1: "p1", p2: "p2", p3: "p3"][$0.address] ?? "?" } == ["p3", "p2", "p1"])
        #expect(set.validator(address: p1)?.proposerPriority == 7)
        #expect(set.validator(address: p2)?.proposerPriority == 3)
        #expect(set.validator(address: p3)?.proposerPriority == -8)
        set.incrementProposerPriority(times: 1)
        #expect(roster.name(set.proposer) == "p1")
        #expect(set.validator(address: p1)?.proposerPriority == -4)
        #expect(set.validator(address: p2)?.proposerPriority == 6)
        #expect(set.validator(address: p3)?.proposerPriority == 0)
    }
}
