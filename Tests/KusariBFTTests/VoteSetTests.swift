import Testing
import KusariCore
@testable import KusariBFT

@Suite struct VoteSetTests {
    let chainID: UInt32 = 0x4b53_5244
    let blockA = Hash256.sha256(Array("block A".utf8))
    let blockB = Hash256.sha256(Array("block B".utf8))

    /// A set of `powers`, the keys in the set's index order, and an empty precommit set
    /// at height 5, round 2.
    func fixture(_ powers: [UInt64]) throws -> (set: VoteSet, keys: [KeyPair]) {
        let names = powers.indices.map { "n\($0)" }
        let roster = try Roster(names)
        let validators = try ValidatorSet(zip(names, powers).map { try roster.update($0.0, $0.1) })
        let keys = try validators.validators.map { v in try #require(roster.keys[roster.name(v)]) }
        return (VoteSet(chainID: chainID, height: 5, round: 2, type: .precommit, validators: validators), keys)
    }

    func vote(_ keys: [KeyPair], _ index: Int, _ block: Hash256?, type: VoteType = .precommit, height: UInt64 = 5,
              round: UInt32 = 2, timestamp: UInt64 = 1_700_000_000_000, chain: UInt32? = nil) throws -> Vote {
        try Vote.signed(by: keys[index], chainID: chain ?? chainID, type: type, height: height, round: round,
                        blockID: block, validatorIndex: UInt32(index), timestamp: timestamp)
    }

    @Test func majorityNeedsMoreThanTwoThirdsNotExactlyTwoThirds() throws {
        var (votes, keys) = try fixture([1, 1, 1])
        #expect(votes.validators.twoThirdsPlusOne == 3)
        let r1 = try votes.add(vote(keys, 0, blockA))
        #expect(r1 == .added)
        let r2 = try votes.add(vote(keys, 1, blockA))
        #expect(r2 == .added)
        #expect(votes.power(for: .block(blockA)) == 2)  // exactly two thirds
        #expect(votes.twoThirdsMajority == nil && !votes.hasTwoThirdsAny)
        let r3 = try votes.add(vote(keys, 2, blockA))
        #expect(r3 == .added)
        #expect(votes.twoThirdsMajority == .block(blockA) && votes.hasTwoThirdsAny)

        // Total 6: 4 is exactly two thirds, 5 is more.
        var (weighted, wkeys) = try fixture([2, 2, 1, 1])
        #expect(weighted.validators.twoThirdsPlusOne == 5)
        let twos = weighted.validators.validators.indices.filter { weighted.validators.validators[$0].votingPower == 2 }
        let ones = weighted.validators.validators.indices.filter { weighted.validators.validators[$0].votingPower == 1 }
        for i in twos { try weighted.add(vote(wkeys, i, blockB)) }
        #expect(weighted.power(for: .block(blockB)) == 4 && weighted.twoThirdsMajority == nil)
        try weighted.add(vote(wkeys, ones[0], blockB))
        #expect(weighted.twoThirdsMajority == .block(blockB))
    }

    @Test func thresholdIsTheLeastPowerAboveTwoThirds() throws {
        for total in [UInt64(1), 2, 3, 4, 5, 6, 7, 99, 100, 101] {
            let (votes, _) = try fixture([total])
            let p = votes.validators.twoThirdsPlusOne
            #expect(3 * p > 2 * total && 3 * (p - 1) <= 2 * total, "total \(total)")
        }
    }

    @Test func nilVotesCountAndCanBeTheMajority() throws {
        var (votes, keys) = try fixture([1, 1, 1, 1])
        try votes.add(vote(keys, 0, nil))
        try votes.add(vote(keys, 1, .zero))  // the zero hash is a nil vote
        try votes.add(vote(keys, 2, blockA))
        #expect(votes.power(for: .nilVote) == 2 && votes.power(for: .block(blockA)) == 1)
        #expect(votes.hasTwoThirdsAny && votes.twoThirdsMajority == nil)
        try votes.add(vote(keys, 3, nil))
        #expect(votes.twoThirdsMajority == .nilVote)
        #expect(votes.vote(validatorIndex: 1)?.blockID == nil)
    }

    @Test func badSignaturesAreRefused() throws {
        var (votes, keys) = try fixture([1, 1, 1])
        // Signed by another validator's key.
        var forged = try vote(keys, 1, blockA)
        forged.validatorIndex = 0
        #expect(throws: VoteError.invalidSignature(index: 0)) { try votes.add(forged) }
        // Signed for another chain.
        #expect(throws: VoteError.invalidSignature(index: 1)) { try votes.add(try vote(keys, 1, blockA, chain: 1)) }
        // A field changed after signing.
        var altered = try vote(keys, 2, blockA)
        altered.choice = .block(blockB)
        #expect(throws: VoteError.invalidSignature(index: 2)) { try votes.add(altered) }
        #expect(votes.votedPower == 0 && votes.countedVotes.isEmpty)
    }

    @Test func wrongStepAndUnknownValidatorAreRefused() throws {
        var (votes, keys) = try fixture([1, 1, 1])
        #expect(throws: VoteError.wrongHeight(expected: 5, got: 6)) { try votes.add(try vote(keys, 0, blockA, height: 6)) }
        #expect(throws: VoteError.wrongRound(expected: 2, got: 0)) { try votes.add(try vote(keys, 0, blockA, round: 0)) }
        #expect(throws: VoteError.wrongType(expected: .precommit, got: .prevote)) {
            try votes.add(try vote(keys, 0, blockA, type: .prevote))
        }
        let outsider = try KeyPair(seed: [UInt8](repeating: 9, count: 32))
        let stranger = try Vote.signed(by: outsider, chainID: chainID, type: .precommit, height: 5, round: 2,
                                       blockID: blockA, validatorIndex: 3, timestamp: 1)
        #expect(throws: VoteError.unknownValidator(index: 3, count: 3)) { try votes.add(stranger) }
        #expect(VoteError.unknownValidator(index: 3, count: 3).description
            == "vote from validator index 3, but the set has 3 validators (0 to 2)")
        #expect(votes.votedPower == 0)
    }

    @Test func anIdenticalVoteIsIgnored() throws {
        var (votes, keys) = try fixture([1, 1, 1])
        let v = try vote(keys, 0, blockA)
        let r4 = try votes.add(v)
        #expect(r4 == .added)
        let r5 = try votes.add(v)
        #expect(r5 == .duplicate)
        #expect(votes.power(for: .block(blockA)) == 1 && votes.votedPower == 1 && votes.evidence.isEmpty)
        // The same block with another timestamp: another signature, refused, first kept.
        #expect(throws: VoteError.sameChoiceDifferentSignature(index: 0)) {
            try votes.add(try vote(keys, 0, blockA, timestamp: 1))
        }
        #expect(votes.vote(validatorIndex: 0) == v)
    }

    @Test func aNilVoteRelabelledAsTheZeroBlockIsTheSameNilVote() throws {
        var (votes, keys) = try fixture([1, 1, 1])
        let honest = try vote(keys, 0, nil)
        var relabelled = honest
        relabelled.choice = .block(.zero)  // signs the same bytes as nil
        #expect(relabelled.choice == .nilVote && relabelled == honest)
        let r1 = try votes.add(honest)
        #expect(r1 == .added)
        // Not evidence against an honest validator, not a vote for a "zero block".
        let r2 = try votes.add(relabelled)
        #expect(r2 == .duplicate && votes.evidence.isEmpty && votes.power(for: .block(.zero)) == 0)
    }

    @Test func aValidatorSigningManyBlocksLeavesOneEvidence() throws {
        var (votes, keys) = try fixture([1, 1, 1])
        try votes.add(try vote(keys, 2, blockA))
        for i in 0..<20 { _ = try votes.add(try vote(keys, 2, Hash256.sha256([UInt8(i), 9]))) }
        #expect(votes.evidence.count == 1)
    }

    @Test func aConflictingVoteYieldsEvidence() throws {
        var (votes, keys) = try fixture([1, 1, 1])
        let first = try vote(keys, 1, blockB)
        let second = try vote(keys, 1, nil)
        let r6 = try votes.add(first)
        #expect(r6 == .added)
        guard case .conflicting(let evidence) = try votes.add(second) else {
            Issue.record("expected evidence"); return
        }
        // Canonical order: nil (zero bytes) first, whichever came first.
        #expect(evidence.voteA == second && evidence.voteB == first)
        #expect(evidence.validatorAddress == votes.validators.validators[1].address)
        #expect(evidence.validatorPower == 1 && evidence.totalPower == 3)
        #expect(evidence.hasValidSignatures(chainID: chainID, publicKey: keys[1].publicKey))
        #expect(votes.evidence == [evidence])
        // Only the first vote counts.
        #expect(votes.power(for: .block(blockB)) == 1 && votes.power(for: .nilVote) == 0 && votes.votedPower == 1)
        // Sent again: the same evidence, kept once.
        let r7 = try votes.add(second)
        #expect(r7 == .conflicting(evidence))
        #expect(votes.evidence.count == 1)
        // The other order of arrival gives the same evidence.
        var (other, _) = try fixture([1, 1, 1])
        try other.add(second)
        let r8 = try other.add(first)
        #expect(r8 == .conflicting(evidence))
        // A badly signed "conflict" is no evidence.
        var fake = try vote(keys, 2, blockA)
        fake.validatorIndex = 1
        #expect(throws: VoteError.invalidSignature(index: 1)) { try votes.add(fake) }
    }

    @Test func sameVotesSameResult() throws {
        let (empty, keys) = try fixture([3, 1, 2, 5])
        let sequence = try [vote(keys, 2, blockA), vote(keys, 0, blockA), vote(keys, 3, blockA), vote(keys, 2, blockB),
                            vote(keys, 1, blockA)]
        func run() -> ([VoteAddResult], VoteSet) {
            var set = empty
            return (sequence.map { (try? set.add($0)) ?? .duplicate }, set)
        }
        let (r1, s1) = run(), (r2, s2) = run()
        #expect(r1 == r2)
        #expect(s1.countedVotes == s2.countedVotes && s1.evidence == s2.evidence)
        #expect(s1.twoThirdsMajority == s2.twoThirdsMajority && s1.twoThirdsMajority == .block(blockA))
        #expect(try vote(keys, 0, blockA) == vote(keys, 0, blockA))  // Ed25519 is deterministic
    }

    /// An equivocator's conflicting vote counts towards its choice's supporting power
    /// (the paper's count of distinct senders), never towards `power(for:)` or
    /// `twoThirdsMajority`; and only when the caller says it can matter.
    @Test func conflictingVotesCountAsSupportWhenAsked() throws {
        var (votes, keys) = try fixture([1, 1, 1, 1])  // two thirds plus one: 3
        _ = try votes.add(vote(keys, 0, blockA))
        _ = try votes.add(vote(keys, 1, blockA))
        _ = try votes.add(vote(keys, 2, blockB))
        let ignored = try votes.add(vote(keys, 2, nil), countIfConflicting: false)
        guard case .conflicting = ignored else { Issue.record("expected evidence, got \(ignored)"); return }
        #expect(votes.supportingPower(for: .nilVote) == 0)
        let counted = try votes.add(vote(keys, 2, blockA))
        guard case .conflicting = counted else { Issue.record("expected evidence, got \(counted)"); return }
        #expect(votes.power(for: .block(blockA)) == 2 && votes.twoThirdsMajority == nil)
        #expect(votes.supportingPower(for: .block(blockA)) == 3 && votes.hasTwoThirds(for: .block(blockA)))
        #expect(votes.twoThirdsChoices == [.block(blockA)])
        #expect(votes.votes(for: .block(blockA)).map(\.validatorIndex) == [0, 1, 2])
        // Two conflicts of one validator: one piece of evidence (its first) is enough.
        #expect(votes.allVotes.count == 4 && votes.evidence.count == 1)
    }
}
