import KusariCore

/// The validators of one height: their keys, voting powers and proposer priorities, and
/// the proposer chosen by CometBFT's proposer-priority algorithm (weighted round robin:
/// each step every priority grows by its power, the highest proposes and drops by the
/// total power; see `incrementProposerPriority(times:)`).
///
/// A value type: every change makes a new set, and a failed change leaves it untouched.
/// Everything is exact integer arithmetic over an array in a fixed order, so every node
/// given the same inputs computes the same priorities and proposers.
///
/// The validators are kept in CometBFT's order: higher voting power first, then the
/// lower address. A validator's index (in `validators`, and in votes) is its place in
/// that order.
public struct ValidatorSet: Hashable, Sendable {
    /// The largest total voting power a set may have, `Int64.max / 8` (CometBFT's
    /// `MaxTotalVotingPower`): small enough that `-1.125 * total` and the priority window
    /// arithmetic never overflow.
    public static let maxTotalVotingPower: UInt64 = UInt64(Int64.max / 8)
    /// The priority window is this many times the total power (CometBFT's
    /// `PriorityWindowSizeFactor`): priorities further apart are scaled down.
    public static let priorityWindowSizeFactor: Int64 = 2

    /// The validators, higher power first, then lower address.
    public internal(set) var validators: [Validator]
    /// The proposer chosen by the last `incrementProposerPriority(times:)`, as it was
    /// then (CometBFT's `Proposer`). `update(with:)` does not change it: as CometBFT's
    /// state transition does, increment once after updating to get the next height's.
    public internal(set) var proposer: Validator
    /// The sum of the validators' voting powers, at most `maxTotalVotingPower`.
    public internal(set) var totalPower: UInt64

    /// A new set of `members` (CometBFT's `NewValidatorSet`): each key at most once, each
    /// power 1 ... `maxTotalVotingPower`, the total at most `maxTotalVotingPower`. Every
    /// validator starts at priority `-1.125 * total`, then the priorities are centred and
    /// incremented once, which chooses the first proposer.
    public init(_ members: [ValidatorUpdate]) throws(ValidatorSetError) {
        guard !members.isEmpty else { throw .empty }
        for member in members where member.votingPower == 0 {
            throw .zeroPowerInNewSet(member.address)
        }
        let placeholder = Validator(publicKey: members[0].publicKey, votingPower: 0, proposerPriority: 0)
        var set = ValidatorSet(uncheckedValidators: [], proposer: placeholder)
        try set.applyChanges(members, allowRemovals: false)
        set.incrementProposerPriority(times: 1)
        self = set
    }

    /// A set taken as given, with no checks (the total is recomputed, saturating), its
    /// proposer the highest priority; nil when `validators` is empty. For tests that
    /// reproduce CometBFT's, which build sets with chosen priorities and powers.
    init?(uncheckedValidators validators: [Validator]) {
        guard let best = Self.highestPriority(in: validators) else { return nil }
        self.init(uncheckedValidators: validators, proposer: best)
    }

    private init(uncheckedValidators validators: [Validator], proposer: Validator) {
        self.validators = validators
        var total: UInt64 = 0
        for validator in validators {
            let (sum, overflow) = total.addingReportingOverflow(validator.votingPower)
            total = overflow ? .max : sum
        }
        totalPower = total
        self.proposer = proposer
    }

    /// The number of validators.
    public var count: Int { validators.count }

    /// The smallest power that is more than two thirds of the total: the least `p` with
    /// `3p > 2 * totalPower`, that is `2 * totalPower / 3 + 1` (integer division). A block
    /// or nil with at least this much power behind it has a two-thirds majority.
    public var twoThirdsPlusOne: UInt64 {
        // floor(2T / 3) without forming 2T: 2 * (T / 3) + (2 * (T % 3)) / 3.
        2 * (totalPower / 3) + (2 * (totalPower % 3)) / 3 + 1
    }

    /// The smallest power that is more than one third of the total (`totalPower / 3 + 1`):
    /// any such group holds at least one honest validator when at most a third is faulty.
    public var oneThirdPlusOne: UInt64 { totalPower / 3 + 1 }

    /// The index of the validator with `address`, or nil.
    public func index(of address: AddressPayload) -> Int? {
        validators.firstIndex { $0.address == address }
    }

    /// The validator with `address`, or nil.
    public func validator(address: AddressPayload) -> Validator? {
        index(of: address).map { validators[$0] }
    }

    /// The validator at `index` (its place in `validators`), or nil when out of range.
    public func validator(at index: Int) -> Validator? {
        validators.indices.contains(index) ? validators[index] : nil
    }

    /// The hash that names this set (to go in block headers): SHA-256 of the validators
    /// sorted by address, each as `address (20) ‖ public key (32) ‖ voting power (u64,
    /// big-endian)`, concatenated with nothing between them. Priorities and the
    /// proposer are not part of it. See docs/protocol.md, section 17.
    public var hash: Hash256 {
        Hash256.sha256(hashPreimage)
    }

    /// The bytes `hash` is the SHA-256 of (`count * 60` bytes).
    public var hashPreimage: [UInt8] {
        GenesisValidator.setHashPreimage(members)
    }

    /// The members as a genesis lists them (key and power, in the set's order).
    public var members: [GenesisValidator] {
        validators.map { GenesisValidator(publicKey: $0.publicKey, power: $0.votingPower) }
    }

    /// The validator that would propose next if priorities were compared now: the
    /// highest priority, the lower address on a tie (CometBFT's `findProposer`).
    static func highestPriority(in validators: [Validator]) -> Validator? {
        var best: Validator?
        for validator in validators {
            if let current = best, !validator.outranks(current) { continue }
            best = validator
        }
        return best
    }
}
