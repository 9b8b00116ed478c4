import Testing
import KusariCore
@testable import KusariBFT

/// CometBFT's validator-set update tests, reproduced. Source:
/// https://github.com/cometbft/cometbft/blob/5bba72c14f2be2b06ac4d89dbdf6712e2e5e095c/types/validator_set_test.go
/// (Apache-2.0). Cases with negative powers are left out: our powers are unsigned.
@Suite struct ValidatorSetUpdateTests {
    let maxVP = ValidatorSet.maxTotalVotingPower

    /// CometBFT's `executeValSetErrTestCase`: the change is refused and the set unchanged.
    func expectRefused(_ start: [(String, UInt64)], _ changes: [(String, UInt64)], roster: Roster,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        var set = try roster.set(start)
        let before = set
        #expect(throws: ValidatorSetError.self, sourceLocation: sourceLocation) {
            try set.update(with: try roster.updates(changes))
        }
        #expect(set == before, sourceLocation: sourceLocation)
    }

    /// TestUpdatesForNewValidatorSet (and TestEmptySet): duplicates and zero powers are
    /// refused in a new set; a set cannot be emptied.
    @Test func cometUpdatesForNewValidatorSet() throws {
        let roster = try Roster.numbered(3)
        let set = try roster.set([("v1", 100), ("v2", 100)])
        expectWellFormed(set)
        let v1 = try roster.address("v1")
        #expect(throws: ValidatorSetError.duplicate(v1)) {
            try roster.set([("v1", 100), ("v1", 123), ("v1", 234)])
        }
        #expect(throws: ValidatorSetError.zeroPowerInNewSet(v1)) {
            try roster.set([("v1", 0), ("v2", 22), ("v3", 33)])
        }
        #expect(throws: ValidatorSetError.empty) { try ValidatorSet([]) }
        #expect(throws: ValidatorSetError.wouldBeEmpty) { try set.updated(with: try roster.updates([("v1", 0), ("v2", 0)])) }
    }

    /// TestValidatorSetHashCommitsPubKeyAndVotingPower, for our encoding: the hash covers
    /// every key and power, not the priorities, the proposer or the order of the input.
    @Test func hashCoversKeysAndPowersOnly() throws {
        let roster = try Roster.numbered(3)
        let set = try roster.set([("v1", 10), ("v2", 20)])
        #expect(set.hashPreimage.count == 120)
        #expect(set.hash == Hash256.sha256(set.hashPreimage))
        #expect(set.hash == (try roster.set([("v2", 20), ("v1", 10)])).hash)
        #expect(set.hash == set.incrementedProposerPriority(times: 5).hash)
        #expect(set.hash != (try roster.set([("v1", 10), ("v2", 21)])).hash)
        #expect(set.hash != (try roster.set([("v1", 10), ("v3", 20)])).hash)
        #expect(set.hash != (try roster.set([("v1", 10)])).hash)
    }

    /// TestValSetUpdatesDuplicateEntries.
    @Test func cometValSetUpdatesDuplicateEntries() throws {
        let roster = try Roster.numbered(3)
        let two: [(String, UInt64)] = [("v1", 10), ("v2", 10)]
        let three: [(String, UInt64)] = [("v1", 10), ("v2", 10), ("v3", 10)]
        try expectRefused(two, [("v1", 11), ("v1", 22)], roster: roster)
        try expectRefused(two, [("v2", 11), ("v2", 22)], roster: roster)
        try expectRefused(two, [("v1", 11), ("v2", 22), ("v1", 12)], roster: roster)
        try expectRefused(three, [("v1", 11), ("v3", 22), ("v1", 12)], roster: roster)
        try expectRefused(two, [("v1", 0), ("v1", 0)], roster: roster)
        try expectRefused(two, [("v2", 0), ("v2", 0)], roster: roster)
        try expectRefused(two, [("v1", 0), ("v2", 0), ("v1", 0)], roster: roster)
        try expectRefused(three, [("v1", 0), ("v3", 0), ("v1", 0)], roster: roster)
        try expectRefused(two, [("v1", 0), ("v2", 20), ("v1", 30)], roster: roster)
        try expectRefused(two, [("v1", 0), ("v2", 20), ("v2", 30), ("v1", 0)], roster: roster)
        try expectRefused(three, [("v1", 0), ("v3", 5), ("v2", 20), ("v2", 30), ("v1", 0)], roster: roster)
    }

    /// TestValSetUpdatesOverflows (math.MaxInt64 as an unsigned power).
    @Test func cometValSetUpdatesOverflows() throws {
        let roster = try Roster.numbered(3)
        let maxInt64 = UInt64(Int64.max)
        try expectRefused([("v1", 10), ("v2", 10)], [("v1", maxInt64)], roster: roster)
        try expectRefused([("v1", 10), ("v2", 10)], [("v2", maxInt64)], roster: roster)
        try expectRefused([("v1", maxVP)], [("v2", maxInt64)], roster: roster)
        try expectRefused([("v1", maxVP - 1)], [("v2", 5)], roster: roster)
        try expectRefused([("v1", maxVP / 3), ("v2", maxVP / 3)], [("v3", maxVP / 2)], roster: roster)
        try expectRefused([("v1", maxVP)], [("v2", maxVP)], roster: roster)
        #expect(throws: ValidatorSetError.totalPowerTooLarge) {
            try roster.set([("v1", self.maxVP), ("v2", 1)])
        }
    }

    /// TestValSetUpdatesOtherErrors (the two negative-power cases cannot be written).
    @Test func cometValSetUpdatesOtherErrors() throws {
        let roster = try Roster.numbered(3)
        try expectRefused([("v1", 10), ("v2", 10)], [("v3", 0)], roster: roster)
        try expectRefused([("v1", 10), ("v2", 20), ("v3", 30)], [("v1", 0), ("v2", 0), ("v3", 0)], roster: roster)
        let set = try roster.set([("v1", 10), ("v2", 10)])
        let v3 = try roster.address("v3")
        #expect(throws: ValidatorSetError.removalOfUnknownValidator(v3)) {
            try set.updated(with: try roster.updates([("v3", 0)]))
        }
    }

    /// TestValSetUpdatesBasicTestsExecute: the resulting list (power descending, then
    /// address), scaled and centred.
    @Test(arguments: [
        ([("v1", UInt64(10)), ("v2", 10)], [(String, UInt64)](), [("v1", UInt64(10)), ("v2", 10)]),
        ([("v1", 10), ("v2", 10)], [("v2", 22), ("v1", 11)], [("v2", 22), ("v1", 11)]),
        ([("v2", 20), ("v1", 10)], [("v4", 40), ("v3", 30)], [("v4", 40), ("v3", 30), ("v2", 20), ("v1", 10)]),
        ([("v3", 20), ("v1", 10)], [("v2", 30)], [("v2", 30), ("v3", 20), ("v1", 10)]),
        ([("v3", 20), ("v2", 10)], [("v1", 30)], [("v1", 30), ("v3", 20), ("v2", 10)]),
        ([("v3", 30), ("v2", 20), ("v1", 10)], [("v2", 0)], [("v3", 30), ("v1", 10)]),
    ] as [([(String, UInt64)], [(String, UInt64)], [(String, UInt64)])])
    func cometValSetUpdatesBasic(start: [(String, UInt64)], changes: [(String, UInt64)],
                                 expected: [(String, UInt64)]) throws {
        let roster = try Roster.numbered(4)
        var set = try roster.set(start)
        try set.update(with: try roster.updates(changes))
        #expect(roster.list(set) == pairs(expected))
        expectWellFormed(set)
    }

    /// TestValSetUpdatesOrderIndependenceTestsExecute: every order of the same changes
    /// gives the same set (CometBFT tries random permutations; we try every rotation of
    /// the list and of its reverse).
    @Test func cometValSetUpdatesOrderIndependence() throws {
        let roster = try Roster.numbered(6)
        let cases: [([(String, UInt64)], [(String, UInt64)])] = [
            ([("v4", 40), ("v3", 30), ("v2", 10), ("v1", 10)], [("v4", 44), ("v3", 33), ("v2", 22), ("v1", 11)]),
            ([("v2", 20), ("v1", 10)], [("v3", 30), ("v4", 40), ("v5", 50), ("v6", 60)]),
            ([("v4", 40), ("v3", 30), ("v2", 20), ("v1", 10)], [("v1", 0), ("v3", 0), ("v4", 0)]),
            ([("v4", 40), ("v3", 30), ("v2", 20), ("v1", 10)], [("v1", 0), ("v3", 0), ("v2", 22), ("v5", 50), ("v4", 44)]),
        ]
        for (start, changes) in cases {
            let set = try roster.set(start)
            let expected = try set.updated(with: try roster.updates(changes))
            for list in [changes, changes.reversed()] {
                for shift in 0..<list.count {
                    let order = Array(list[shift...] + list[..<shift])
                    let result = try set.updated(with: try roster.updates(order))
                    #expect(result == expected)
                    expectWellFormed(result)
                }
            }
        }
    }

    /// TestValSetApplyUpdatesTestsExecute: the merge by address of `applyUpdates`.
    @Test func cometValSetApplyUpdates() throws {
        let roster = try Roster.numbered(9)
        let cases: [([(String, UInt64)], [(String, UInt64)], [(String, UInt64)])] = [
            ([("v4", 44), ("v5", 55)], [("v1", 11)], [("v1", 11), ("v4", 44), ("v5", 55)]),
            ([("v4", 44), ("v5", 55)], [("v6", 66)], [("v4", 44), ("v5", 55), ("v6", 66)]),
            ([("v4", 44), ("v6", 66)], [("v5", 55)], [("v4", 44), ("v5", 55), ("v6", 66)]),
            ([("v4", 44), ("v6", 66), ("v9", 99)], [("v5", 55), ("v7", 77), ("v8", 88)],
             [("v4", 44), ("v5", 55), ("v6", 66), ("v7", 77), ("v8", 88), ("v9", 99)]),
            ([("v1", 111), ("v2", 22)], [("v1", 11)], [("v1", 11), ("v2", 22)]),
            ([("v1", 11), ("v2", 222)], [("v2", 22)], [("v1", 11), ("v2", 22)]),
            ([("v1", 11), ("v2", 222), ("v3", 33)], [("v2", 22)], [("v1", 11), ("v2", 22), ("v3", 33)]),
            ([("v1", 111), ("v2", 222), ("v3", 333)], [("v1", 11), ("v2", 22), ("v3", 33)],
             [("v1", 11), ("v2", 22), ("v3", 33)]),
            ([("v1", 111), ("v2", 22)], [("v1", 11), ("v3", 33), ("v4", 44)],
             [("v1", 11), ("v2", 22), ("v3", 33), ("v4", 44)]),
        ]
        for (start, changes, expected) in cases {
            let set = try roster.set(start)
            let existing = set.validators.sorted { $0.address < $1.address }
            let incoming = try changes.map { try roster.raw($0.0, power: $0.1, priority: 0) }.sorted { $0.address < $1.address }
            let merged = ValidatorSet.merge(existing, incoming)
            #expect(merged.map { Pair(name: roster.name($0), power: $0.votingPower) } == pairs(expected))
        }
    }

    /// TestValSetUpdateOverflowRelated: no false overflow errors (decreases are counted
    /// before increases), and a real overflow refused with the set unchanged.
    @Test func cometValSetUpdateOverflowRelated() throws {
        let roster = try Roster.numbered(9)
        let m = maxVP
        let cases: [(start: [(String, UInt64)], changes: [(String, UInt64)], expected: [(String, UInt64)], fails: Bool)] = [
            ([("v2", m - 1), ("v1", 1)], [("v1", m - 1), ("v2", 1)], [("v1", m - 1), ("v2", 1)], false),
            ([("v2", m - 1), ("v1", 1)], [("v1", m / 2 - 1), ("v2", m / 2)], [("v2", m / 2), ("v1", m / 2 - 1)], false),
            ([("v1", m - 2), ("v2", 1), ("v3", 1)], [("v4", m - 2), ("v1", 0)], [("v4", m - 2), ("v2", 1), ("v3", 1)], false),
            ([("v1", m / 4), ("v2", m / 4), ("v3", m / 4), ("v4", m / 4)],
             [("v5", 3), ("v1", m / 2 - 2), ("v3", m / 2 - 3), ("v4", 2), ("v2", 0)],
             [("v1", m / 2 - 2), ("v3", m / 2 - 3), ("v5", 3), ("v4", 2)], false),
            ((1...9).map { ("v\($0)", UInt64(1)) },
             (1...8).map { ("v\($0)", m) } + [("v9", 8)],
             (1...9).map { ("v\($0)", UInt64(1)) }, true),
        ]
        for (start, changes, expected, fails) in cases {
            var set = try roster.set(start)
            expectWellFormed(set)
            if fails {
                #expect(throws: ValidatorSetError.totalPowerTooLarge) { try set.update(with: try roster.updates(changes)) }
            } else {
                try set.update(with: try roster.updates(changes))
            }
            #expect(roster.list(set) == pairs(expected))
            expectWellFormed(set)
        }
    }
}
