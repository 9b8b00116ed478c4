import KusariCore

/// Why a commit certificate does not certify a block (docs/protocol.md, section 17.6).
public enum CommitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The commit is for another height.
    case wrongHeight(expected: UInt64, found: UInt64)
    /// The commit is for another block.
    case wrongBlock(expected: Hash256, found: Hash256)
    /// A precommit names an index outside the validator set.
    case unknownValidator(index: UInt32, setSize: Int)
    /// Precommit indexes do not strictly increase (a validator counted twice).
    case unorderedPrecommits(index: UInt32)
    /// A precommit's signature does not verify with its validator's key.
    case badSignature(index: UInt32)
    /// The precommits carry too little voting power.
    case insufficientPower(signed: UInt64, needed: UInt64, total: UInt64)

    public var description: String {
        switch self {
        case .wrongHeight(let e, let f): return "commit.height: expected \(e), found \(f)"
        case .wrongBlock(let e, let f): return "commit.blockId: expected \(e.hex), found \(f.hex)"
        case .unknownValidator(let i, let n): return "commit: validator index \(i) is outside the set of \(n)"
        case .unorderedPrecommits(let i): return "commit: validator index \(i) repeats or is out of order"
        case .badSignature(let i): return "commit: the precommit of validator \(i) has an invalid signature"
        case .insufficientPower(let s, let n, let t):
            return "commit: signed by \(s) of \(t) voting power, \(n) needed"
        }
    }
}

extension ValidatorSet {
    /// Checks that `commit` certifies block `blockId` at `height` on chain `chainID`: every
    /// precommit names a member once (indexes increasing) and carries its valid Ed25519
    /// signature of the precommit's sign-bytes, and together they hold more than two thirds
    /// of the set's power (at least `twoThirdsPlusOne`). CometBFT's `VerifyCommit`; all
    /// signatures are checked, none skipped once the power is reached, so that a block
    /// never carries a forged precommit.
    public func verifyCommit(_ commit: BlockCommit, chainID: UInt32, height: UInt64, blockId: Hash256,
                             signatureCheck: SignatureCheck = SignatureChecks.ed25519) throws(CommitError) {
        guard commit.height == height else { throw .wrongHeight(expected: height, found: commit.height) }
        guard commit.blockId == blockId else { throw .wrongBlock(expected: blockId, found: commit.blockId) }
        let signed = try signedPower(commit, chainID: chainID, signatureCheck: signatureCheck)
        guard signed >= twoThirdsPlusOne else {
            throw .insufficientPower(signed: signed, needed: twoThirdsPlusOne, total: totalPower)
        }
    }

    /// The power of the precommits in `commit` from members of this set, every signature
    /// checked (an index outside the set or a bad signature is an error).
    public func signedPower(_ commit: BlockCommit, chainID: UInt32,
                            signatureCheck: SignatureCheck = SignatureChecks.ed25519) throws(CommitError) -> UInt64 {
        var power: UInt64 = 0
        var previous: UInt32?
        for precommit in commit.precommits {
            if let previous, precommit.validatorIndex <= previous { throw .unorderedPrecommits(index: precommit.validatorIndex) }
            previous = precommit.validatorIndex
            guard let validator = validator(at: Int(precommit.validatorIndex)) else {
                throw .unknownValidator(index: precommit.validatorIndex, setSize: count)
            }
            let bytes = Vote.signBytes(chainID: chainID, type: .precommit, height: commit.height, round: commit.round,
                                       choice: .block(commit.blockId), timestamp: precommit.timestamp)
            guard signatureCheck(validator.publicKey, precommit.signature, bytes) else {
                throw .badSignature(index: precommit.validatorIndex)
            }
            power += validator.votingPower   // at most maxTotalVotingPower in all: no overflow
        }
        return power
    }
}

extension CommitCertificate {
    /// The certificate as blocks carry it: the precommits' indexes, timestamps and
    /// signatures.
    public var blockCommit: BlockCommit {
        BlockCommit(height: height, round: round, blockId: blockID, precommits: precommits
            .sorted { $0.validatorIndex < $1.validatorIndex }
            .map { BlockCommit.Precommit(validatorIndex: $0.validatorIndex, timestamp: $0.timestamp, signature: $0.signature) })
    }
}

extension BlockCommit {
    /// The precommits as votes (type precommit, this commit's height, round and block).
    public var votes: [Vote] {
        precommits.map {
            Vote(type: .precommit, height: height, round: round, blockID: blockId, validatorIndex: $0.validatorIndex,
                 timestamp: $0.timestamp, signature: $0.signature)
        }
    }
}

/// Why evidence of double signing does not hold (docs/protocol.md, section 17.6).
public enum EvidenceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The index names no member of the set.
    case unknownValidator(index: UInt32, setSize: Int)
    /// The two votes are for the same block (no conflict), or out of order.
    case notConflicting
    /// A vote's signature does not verify with the validator's key.
    case badSignature(vote: String)
    /// Not a prevote (1) or precommit (2).
    case badType(UInt8)

    public var description: String {
        switch self {
        case .unknownValidator(let i, let n): return "evidence: validator index \(i) is outside the set of \(n)"
        case .notConflicting: return "evidence: the two votes do not name two different blocks in order"
        case .badSignature(let which): return "evidence: the \(which) vote's signature is invalid"
        case .badType(let t): return "evidence: vote type \(t) is neither 1 (prevote) nor 2 (precommit)"
        }
    }
}

extension ValidatorSet {
    /// Checks that `evidence` proves a member of this set signed two conflicting votes on
    /// chain `chainID`: a known index, two different blocks in order, both signatures
    /// valid for that member's key.
    public func verifyEvidence(_ evidence: DoubleSignEvidence, chainID: UInt32,
                               signatureCheck: SignatureCheck = SignatureChecks.ed25519) throws(EvidenceError) {
        guard let type = VoteType(rawValue: evidence.voteType) else { throw .badType(evidence.voteType) }
        guard let validator = validator(at: Int(evidence.validatorIndex)) else {
            throw .unknownValidator(index: evidence.validatorIndex, setSize: count)
        }
        guard evidence.first.blockId < evidence.second.blockId else { throw .notConflicting }
        for (name, choice) in [("first", evidence.first), ("second", evidence.second)] {
            let bytes = Vote.signBytes(chainID: chainID, type: type, height: evidence.height, round: evidence.round,
                                       choice: VoteChoice(choice.blockId), timestamp: choice.timestamp)
            guard signatureCheck(validator.publicKey, choice.signature, bytes) else { throw .badSignature(vote: name) }
        }
    }
}

extension DuplicateVoteEvidence {
    /// The evidence as blocks carry it.
    public var blockEvidence: DoubleSignEvidence {
        let (a, b) = voteA.choice.encoded < voteB.choice.encoded ? (voteA, voteB) : (voteB, voteA)
        return DoubleSignEvidence(voteType: a.type.rawValue, height: a.height, round: a.round, validatorIndex: a.validatorIndex,
                                  first: .init(blockId: a.choice.encoded, timestamp: a.timestamp, signature: a.signature),
                                  second: .init(blockId: b.choice.encoded, timestamp: b.timestamp, signature: b.signature))
    }
}
