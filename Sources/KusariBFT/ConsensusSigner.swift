import KusariCore

/// What signs a validator's proposals and votes for a `ConsensusMachine`. It may refuse
/// (return nil), for instance because the request conflicts with something it signed
/// before: the machine then moves on without broadcasting, as CometBFT does when its
/// private validator refuses. A crash-safe signer persists its record before returning.
public protocol ConsensusSigner {
    /// Signs a proposal, or returns nil to refuse. The machine asks only when it is a
    /// validator of the height (a non-validator follows without signing).
    mutating func signProposal(height: UInt64, round: UInt32, blockID: Hash256, polRound: Int,
                               proposerIndex: UInt32) -> Proposal?
    /// Signs a vote (`blockID` nil: a nil vote), or returns nil to refuse.
    mutating func signVote(type: VoteType, height: UInt64, round: UInt32, blockID: Hash256?,
                           validatorIndex: UInt32) -> Vote?
}

/// The last thing a `KeyPairSigner` signed (CometBFT's `LastSignState`): height, round,
/// step (1 proposal, 2 prevote, 3 precommit), and the message itself, returned again
/// when exactly the same thing is asked for.
public struct LastSigned: Hashable, Sendable {
    /// The height signed at.
    public var height: UInt64
    /// The round signed in.
    public var round: UInt32
    /// 1 proposal, 2 prevote, 3 precommit.
    public var step: UInt8
    /// The proposal signed, when `step` is 1.
    public var proposal: Proposal?
    /// The vote signed, when `step` is 2 or 3.
    public var vote: Vote?

    /// `(height, round, step)` compared in that order.
    func isBefore(height h: UInt64, round r: UInt32, step s: UInt8) -> Bool {
        (height, round, step) < (h, r, s)
    }
}

/// A signer holding an Ed25519 key with CometBFT's double-sign guard, in memory: it
/// never signs at a height/round/step before its last one, and at the same one signs
/// only the same message (returning the first signature, timestamp included). Making
/// `lastSigned` durable (fsynced before a signature leaves the process) is the
/// write-ahead log's part, still to come.
public struct KeyPairSigner: ConsensusSigner {
    /// The validator's key.
    public let key: KeyPair
    /// The chain id signed for.
    public let chainID: UInt32
    /// Gives each new signature its timestamp (the caller's clock, ms since the epoch).
    public var timestamp: @Sendable () -> UInt64
    /// The last message signed, or nil before the first.
    public private(set) var lastSigned: LastSigned?

    /// A signer for `key` on `chainID`, resuming after `lastSigned` if given.
    public init(key: KeyPair, chainID: UInt32, lastSigned: LastSigned? = nil,
                timestamp: @escaping @Sendable () -> UInt64 = { 0 }) {
        self.key = key
        self.chainID = chainID
        self.lastSigned = lastSigned
        self.timestamp = timestamp
    }

    public mutating func signProposal(height: UInt64, round: UInt32, blockID: Hash256, polRound: Int,
                                      proposerIndex: UInt32) -> Proposal? {
        if let last = lastSigned, !last.isBefore(height: height, round: round, step: 1) {
            guard last.height == height, last.round == round, last.step == 1, let previous = last.proposal,
                  previous.blockID == blockID, previous.polRound == polRound,
                  previous.proposerIndex == proposerIndex else { return nil }
            return previous
        }
        guard let proposal = try? Proposal.signed(by: key, chainID: chainID, height: height, round: round,
                                                  blockID: blockID, polRound: polRound,
                                                  proposerIndex: proposerIndex, timestamp: timestamp()) else {
            return nil
        }
        lastSigned = LastSigned(height: height, round: round, step: 1, proposal: proposal, vote: nil)
        return proposal
    }

    public mutating func signVote(type: VoteType, height: UInt64, round: UInt32, blockID: Hash256?,
                                  validatorIndex: UInt32) -> Vote? {
        let step: UInt8 = type == .prevote ? 2 : 3
        if let last = lastSigned, !last.isBefore(height: height, round: round, step: step) {
            guard last.height == height, last.round == round, last.step == step, let previous = last.vote,
                  previous.choice == VoteChoice(blockID), previous.validatorIndex == validatorIndex else { return nil }
            return previous
        }
        guard let vote = try? Vote.signed(by: key, chainID: chainID, type: type, height: height, round: round,
                                          blockID: blockID, validatorIndex: validatorIndex,
                                          timestamp: timestamp()) else { return nil }
        lastSigned = LastSigned(height: height, round: round, step: step, proposal: nil, vote: vote)
        return vote
    }
}
