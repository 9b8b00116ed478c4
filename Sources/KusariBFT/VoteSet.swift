import KusariCore

/// Why a vote was refused by a `VoteSet`. Nothing is recorded for a refused vote.
public enum VoteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The vote is for another height than the set's.
    case wrongHeight(expected: UInt64, got: UInt64)
    /// The vote is for another round than the set's.
    case wrongRound(expected: UInt32, got: UInt32)
    /// A prevote given to a precommit set, or the reverse.
    case wrongType(expected: VoteType, got: VoteType)
    /// The validator index is not in the validator set.
    case unknownValidator(index: UInt32, count: Int)
    /// The signature is not the validator's over the vote's sign-bytes.
    case invalidSignature(index: UInt32)
    /// The validator's vote for the same block is already here, with another signature
    /// (so other sign-bytes: another timestamp). The first is kept (CometBFT's
    /// `ErrVoteNonDeterministicSignature`).
    case sameChoiceDifferentSignature(index: UInt32)

    public var description: String {
        switch self {
        case .wrongHeight(let expected, let got):
            return "vote for height \(got) given to the vote set of height \(expected)"
        case .wrongRound(let expected, let got):
            return "vote for round \(got) given to the vote set of round \(expected)"
        case .wrongType(let expected, let got):
            return "\(got) given to a \(expected) vote set"
        case .unknownValidator(let index, let count):
            return "vote from validator index \(index), but the set has \(count) validators (0 to \(count - 1))"
        case .invalidSignature(let index):
            return "vote from validator #\(index) does not carry a valid signature by that validator's key"
        case .sameChoiceDifferentSignature(let index):
            return "validator #\(index) already voted for this block with a different signature (another timestamp); the first vote is kept"
        }
    }
}

/// Two validly signed votes from one validator for the same height, round and step but
/// different choices: proof of equivocation (CometBFT's `DuplicateVoteEvidence`). The
/// votes are in a canonical order (by the 32 encoded block-id bytes, so a nil vote
/// first), whichever arrived first, so every node forms the same evidence.
public struct DuplicateVoteEvidence: Hashable, Sendable, CustomStringConvertible {
    /// The vote with the smaller encoded block id.
    public let voteA: Vote
    /// The vote with the larger encoded block id.
    public let voteB: Vote
    /// The equivocating validator.
    public let validatorAddress: AddressPayload
    /// Its voting power in the set the votes were cast in.
    public let validatorPower: UInt64
    /// The total power of that set.
    public let totalPower: UInt64

    /// Evidence from two conflicting votes in either order. The votes must share type,
    /// height, round and validator index and differ in choice; nil otherwise.
    public init?(_ first: Vote, _ second: Vote, validator: Validator, totalPower: UInt64) {
        guard first.type == second.type, first.height == second.height, first.round == second.round,
              first.validatorIndex == second.validatorIndex, first.choice.encoded != second.choice.encoded else { return nil }
        if first.choice < second.choice {
            voteA = first; voteB = second
        } else {
            voteA = second; voteB = first
        }
        validatorAddress = validator.address
        validatorPower = validator.votingPower
        self.totalPower = totalPower
    }

    /// True when both signatures are `publicKey`'s on chain `chainID`.
    public func hasValidSignatures(chainID: UInt32, publicKey: PublicKey) -> Bool {
        voteA.hasValidSignature(chainID: chainID, publicKey: publicKey)
            && voteB.hasValidSignature(chainID: chainID, publicKey: publicKey)
    }

    public var description: String {
        "validator \(validatorAddress.hex) voted both \(voteA.choice) and \(voteB.choice) "
            + "(\(voteA.type), height \(voteA.height), round \(voteA.round))"
    }
}

/// What `VoteSet.add(_:)` did with a vote it accepted as well-formed and validly signed.
public enum VoteAddResult: Hashable, Sendable {
    /// The vote is counted.
    case added
    /// The same vote (same choice and signature) was already counted: nothing changes.
    case duplicate
    /// The validator already has a vote here for another choice. The first vote stays
    /// counted, this one is not; the evidence is returned and kept in `evidence`.
    case conflicting(DuplicateVoteEvidence)
}

/// The prevotes or precommits of one height and round (CometBFT's `VoteSet`): each
/// vote checked (height, round, type, validator, signature), each validator's power
/// counted once, for its first choice. Reports the choice with more than two thirds of
/// the power, if any, and whether more than two thirds voted at all. A second vote for a
/// different choice yields `DuplicateVoteEvidence` instead of being dropped silently.
///
/// Deterministic: the result depends only on the votes added and their order, never on
/// a clock, randomness or the iteration order of a dictionary.
public struct VoteSet: Sendable {
    /// The chain id the votes are signed for.
    public let chainID: UInt32
    /// The height of every vote in the set.
    public let height: UInt64
    /// The round of every vote in the set.
    public let round: UInt32
    /// Prevotes or precommits.
    public let type: VoteType
    /// The validators of `height`.
    public let validators: ValidatorSet

    private var votes: [Vote?]
    private var power: [VoteChoice: UInt64] = [:]
    /// The power of the validators counted so far, whatever they voted for.
    public private(set) var votedPower: UInt64 = 0
    /// The first choice to pass two thirds of the power, or nil while none has. Once set
    /// it stays: each validator counts once, so no other choice can pass two thirds too.
    public private(set) var twoThirdsMajority: VoteChoice?
    /// The equivocations seen, one per validator (its first), in the order they were found.
    public private(set) var evidence: [DuplicateVoteEvidence] = []
    /// A validator's validly signed votes for choices other than its first, at most
    /// `maxChoicesPerValidator - 1` of them, by index.
    private var conflictingVotes: [[Vote]]
    /// The power behind each choice counting every validly signed vote, conflicting ones
    /// included: each validator once per choice it signed.
    private var support: [VoteChoice: UInt64] = [:]

    /// The most distinct choices counted for one validator in `support` (its first vote
    /// and seven conflicting ones); further conflicting votes are evidence only. This
    /// bounds the memory an equivocating validator can take. The caller keeps junk out of
    /// these slots by counting only conflicting votes that can matter (`add(_:
    /// countIfConflicting:)`; `ConsensusMachine` counts those for nil or a value proposed
    /// for that round), so that an equivocator cannot crowd out the vote that would
    /// complete a two-thirds.
    public static let maxChoicesPerValidator = 8

    /// Checks the votes' signatures.
    private let signatureCheck: SignatureCheck

    /// An empty set for the `type` votes of `height` and `round` by `validators`, checking
    /// signatures with `signatureCheck` (by default Ed25519, uncached).
    public init(chainID: UInt32, height: UInt64, round: UInt32, type: VoteType, validators: ValidatorSet,
                signatureCheck: @escaping SignatureCheck = SignatureChecks.ed25519) {
        self.signatureCheck = signatureCheck
        self.chainID = chainID
        self.height = height
        self.round = round
        self.type = type
        self.validators = validators
        self.votes = Array(repeating: nil, count: validators.count)
        self.conflictingVotes = Array(repeating: [], count: validators.count)
    }

    /// Checks and adds `vote`. Throws when the vote does not belong here or its
    /// signature is not the validator's; otherwise says whether it was counted, was
    /// already there, or conflicts with the validator's earlier vote (evidence).
    ///
    /// A conflicting vote is evidence either way; it also counts in `supportingPower(for:)`
    /// when `countIfConflicting` is true (and the validator has fewer than
    /// `maxChoicesPerValidator` choices counted). A validator's first vote always counts.
    @discardableResult
    public mutating func add(_ vote: Vote, countIfConflicting: Bool = true) throws(VoteError) -> VoteAddResult {
        guard vote.height == height else { throw .wrongHeight(expected: height, got: vote.height) }
        guard vote.round == round else { throw .wrongRound(expected: round, got: vote.round) }
        guard vote.type == type else { throw .wrongType(expected: type, got: vote.type) }
        let index = Int(vote.validatorIndex)
        guard let validator = validators.validator(at: index) else {
            throw .unknownValidator(index: vote.validatorIndex, count: validators.count)
        }
        if let existing = votes[index], existing.choice == vote.choice, existing.signature == vote.signature {
            return .duplicate  // nothing new, so no need to check the signature again
        }
        guard signatureCheck(validator.publicKey, vote.signature, vote.signBytes(chainID: chainID)) else {
            throw .invalidSignature(index: vote.validatorIndex)
        }
        if let existing = votes[index], existing.choice == vote.choice {
            throw .sameChoiceDifferentSignature(index: vote.validatorIndex)
        }
        if let existing = votes[index] {
            guard let proof = DuplicateVoteEvidence(existing, vote, validator: validator,
                                                    totalPower: validators.totalPower) else {
                return .duplicate  // unreachable: the choices differ and the rest matches
            }
            // One piece of evidence per validator is enough to punish it: a validator signing
            // ever more blocks cannot make the list grow.
            if !evidence.contains(where: { $0.voteA.validatorIndex == vote.validatorIndex }) { evidence.append(proof) }
            if countIfConflicting, !conflictingVotes[index].contains(where: { $0.choice == vote.choice }),
               conflictingVotes[index].count < Self.maxChoicesPerValidator - 1 {
                conflictingVotes[index].append(vote)
                support[vote.choice, default: 0] += validator.votingPower
            }
            return .conflicting(proof)
        }
        votes[index] = vote
        votedPower += validator.votingPower
        let newPower = power[vote.choice, default: 0] + validator.votingPower
        power[vote.choice] = newPower
        support[vote.choice, default: 0] += validator.votingPower
        if twoThirdsMajority == nil && newPower >= validators.twoThirdsPlusOne {
            twoThirdsMajority = vote.choice
        }
        return .added
    }

    /// The counted vote of the validator at `index`, or nil.
    public func vote(validatorIndex index: Int) -> Vote? {
        votes.indices.contains(index) ? votes[index] : nil
    }

    /// The counted votes, in validator-index order.
    public var countedVotes: [Vote] { votes.compactMap { $0 } }

    /// The power counted for `choice`.
    public func power(for choice: VoteChoice) -> UInt64 { power[choice, default: 0] }

    /// True when more than two thirds of the power has voted, for anything (the
    /// condition that starts Tendermint's prevote and precommit timeouts).
    public var hasTwoThirdsAny: Bool { votedPower >= validators.twoThirdsPlusOne }

    /// True when some choice has more than two thirds of the power.
    public var hasTwoThirdsMajority: Bool { twoThirdsMajority != nil }

    /// The power of the validators that signed a vote for `choice`, whether it was their
    /// first vote or a conflicting one (the paper's count of ⟨PREVOTE, h, r, id(v)⟩
    /// messages from distinct senders: an equivocator counts for each choice it signed).
    public func supportingPower(for choice: VoteChoice) -> UInt64 { support[choice, default: 0] }

    /// True when validators with more than two thirds of the power signed a vote for
    /// `choice` (counting conflicting votes, as `supportingPower(for:)`). With less than
    /// a third of the power faulty, at most one choice can have it.
    public func hasTwoThirds(for choice: VoteChoice) -> Bool {
        supportingPower(for: choice) >= validators.twoThirdsPlusOne
    }

    /// The choices with more than two thirds of the supporting power, in `VoteChoice`
    /// order (nil first).
    public var twoThirdsChoices: [VoteChoice] {
        support.filter { $0.value >= validators.twoThirdsPlusOne }.keys.sorted()
    }

    /// Every validly signed vote kept: the counted ones, then each validator's
    /// conflicting ones, in validator-index order.
    public var allVotes: [Vote] { countedVotes + conflictingVotes.flatMap { $0 } }

    /// The kept votes for `choice`, first or conflicting, in validator-index order.
    public func votes(for choice: VoteChoice) -> [Vote] {
        votes.indices.compactMap { i in
            if let first = votes[i], first.choice == choice { return first }
            return conflictingVotes[i].first { $0.choice == choice }
        }
    }
}
