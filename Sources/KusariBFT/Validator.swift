import KusariCore

/// One member of a validator set: an Ed25519 key, its address, its voting power and its
/// current proposer priority (CometBFT's `Validator`).
public struct Validator: Hashable, Sendable, CustomStringConvertible {
    /// The key that signs this validator's votes.
    public let publicKey: PublicKey
    /// `AddressPayload(publicKey:)`: the first 20 bytes of SHA-256 of the key. Sets are
    /// ordered and tie-broken by it.
    public let address: AddressPayload
    /// The voting power, 1 ... `ValidatorSet.maxTotalVotingPower` in a set made by the
    /// public API.
    public let votingPower: UInt64
    /// The accumulated proposer priority (CometBFT's `ProposerPriority`); the validator
    /// with the highest one proposes next.
    public internal(set) var proposerPriority: Int64

    /// A validator as the set keeps it. The public API only makes validators whose
    /// power has been checked; tests reach this initialiser to build the priority-only
    /// sets of CometBFT's tests (power 0, chosen priorities).
    init(publicKey: PublicKey, votingPower: UInt64, proposerPriority: Int64) {
        self.publicKey = publicKey
        self.address = AddressPayload(publicKey: publicKey)
        self.votingPower = votingPower
        self.proposerPriority = proposerPriority
    }

    /// The power as a signed number for the priority arithmetic. Powers are at most
    /// `maxTotalVotingPower` (Int64.max / 8), so this never truncates in a checked set.
    var power: Int64 { Int64(truncatingIfNeeded: votingPower) }

    public var description: String {
        "\(address.hex) power \(votingPower) priority \(proposerPriority)"
    }

    /// True when `self` goes before `other` as the next proposer: the higher priority,
    /// and on equal priorities the lower address (CometBFT's `CompareProposerPriority`).
    func outranks(_ other: Validator) -> Bool {
        if proposerPriority != other.proposerPriority { return proposerPriority > other.proposerPriority }
        return address < other.address
    }

    /// CometBFT's storage order (`ValidatorsByVotingPower`): higher power first, then the
    /// lower address. A validator's index in a set, and so in votes, is its place in it.
    static func byPowerThenAddress(_ a: Validator, _ b: Validator) -> Bool {
        if a.votingPower != b.votingPower { return a.votingPower > b.votingPower }
        return a.address < b.address
    }
}

/// A change to a validator set, as an application returns it at the end of a block:
/// the key, and its new voting power (0 removes the validator; a key not in the set is
/// added).
public struct ValidatorUpdate: Hashable, Sendable {
    /// The validator's key; its address is derived from it.
    public var publicKey: PublicKey
    /// The new voting power; 0 removes the validator.
    public var votingPower: UInt64

    /// An update of `publicKey` to `votingPower` (0: removal).
    public init(publicKey: PublicKey, votingPower: UInt64) {
        self.publicKey = publicKey
        self.votingPower = votingPower
    }

    /// The address of `publicKey`.
    public var address: AddressPayload { AddressPayload(publicKey: publicKey) }
}

/// Why a validator set could not be made or changed. The set is left as it was.
public enum ValidatorSetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A new set was asked for with no validators.
    case empty
    /// The changes would remove every validator.
    case wouldBeEmpty
    /// The same address appears twice in one list of changes.
    case duplicate(AddressPayload)
    /// A new set was given a validator with power 0 (only updates may remove).
    case zeroPowerInNewSet(AddressPayload)
    /// One validator's power is above `ValidatorSet.maxTotalVotingPower`.
    case powerTooLarge(AddressPayload, power: UInt64)
    /// The set's total power would pass `ValidatorSet.maxTotalVotingPower`.
    case totalPowerTooLarge
    /// A removal (power 0) names a validator that is not in the set.
    case removalOfUnknownValidator(AddressPayload)

    public var description: String {
        switch self {
        case .empty:
            return "a validator set needs at least one validator"
        case .wouldBeEmpty:
            return "applying the validator changes would leave the set empty"
        case .duplicate(let address):
            return "validator \(address.hex) appears more than once in the changes"
        case .zeroPowerInNewSet(let address):
            return "validator \(address.hex) has voting power 0; a new set needs power of at least 1 for each validator"
        case .powerTooLarge(let address, let power):
            return "validator \(address.hex) has voting power \(power), above the maximum \(ValidatorSet.maxTotalVotingPower)"
        case .totalPowerTooLarge:
            return "the total voting power of the set would exceed the maximum \(ValidatorSet.maxTotalVotingPower)"
        case .removalOfUnknownValidator(let address):
            return "cannot remove validator \(address.hex): it is not in the set"
        }
    }
}
