import KusariCore

/// The step of a round (the paper's `step_p`), in the order a round goes through them.
public enum RoundStep: UInt8, Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Waiting for the round's proposal.
    case propose = 1
    /// Prevoted; waiting for more than two thirds of the prevotes.
    case prevote = 2
    /// Precommitted; waiting for more than two thirds of the precommits.
    case precommit = 3

    public static func < (a: RoundStep, b: RoundStep) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .propose: return "propose"
        case .prevote: return "prevote"
        case .precommit: return "precommit"
        }
    }
}

/// The three timeouts of Algorithm 1.
public enum TimeoutKind: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// `OnTimeoutPropose`: no proposal in time, prevote nil.
    case propose = 1
    /// `OnTimeoutPrevote`: more than two thirds prevoted but not for one value; precommit nil.
    case prevote = 2
    /// `OnTimeoutPrecommit`: more than two thirds precommitted but not for one value; next round.
    case precommit = 3

    public var description: String {
        switch self {
        case .propose: return "timeoutPropose"
        case .prevote: return "timeoutPrevote"
        case .precommit: return "timeoutPrecommit"
        }
    }
}

/// A timeout, as scheduled and as it fires: the kind, and the height and round it was
/// scheduled in (it does nothing once the machine has moved on).
public struct Timeout: Hashable, Sendable, CustomStringConvertible {
    /// Which timeout.
    public var kind: TimeoutKind
    /// The height it was scheduled at.
    public var height: UInt64
    /// The round it was scheduled in.
    public var round: UInt32

    /// A timeout of `kind` for `height` and `round`.
    public init(kind: TimeoutKind, height: UInt64, round: UInt32) {
        self.kind = kind
        self.height = height
        self.round = round
    }

    public var description: String { "\(kind) h\(height) r\(round)" }
}

/// Timeout durations, growing linearly per round (the paper's `timeoutX(r) = initX +
/// r * deltaX`), so that after the network settles some round is long enough.
public struct ConsensusTimeouts: Hashable, Sendable {
    /// Base of `timeoutPropose`, milliseconds.
    public var proposeBaseMs: UInt64
    /// Added to `timeoutPropose` per round, milliseconds.
    public var proposeDeltaMs: UInt64
    /// Base of `timeoutPrevote`, milliseconds.
    public var prevoteBaseMs: UInt64
    /// Added to `timeoutPrevote` per round, milliseconds.
    public var prevoteDeltaMs: UInt64
    /// Base of `timeoutPrecommit`, milliseconds.
    public var precommitBaseMs: UInt64
    /// Added to `timeoutPrecommit` per round, milliseconds.
    public var precommitDeltaMs: UInt64

    /// Timeouts with every value given.
    public init(proposeBaseMs: UInt64, proposeDeltaMs: UInt64, prevoteBaseMs: UInt64, prevoteDeltaMs: UInt64,
                precommitBaseMs: UInt64, precommitDeltaMs: UInt64) {
        self.proposeBaseMs = proposeBaseMs
        self.proposeDeltaMs = proposeDeltaMs
        self.prevoteBaseMs = prevoteBaseMs
        self.prevoteDeltaMs = prevoteDeltaMs
        self.precommitBaseMs = precommitBaseMs
        self.precommitDeltaMs = precommitDeltaMs
    }

    /// The devnet defaults: propose 1,000 + 250 r ms, prevote and precommit 500 + 250 r
    /// ms. A round in which everything arrives fires none of them, so the block interval
    /// is the network's latency plus the wait the caller puts between a commit and the
    /// next height (about a second on a devnet); a lost round costs about 2 s.
    public static let devnet = ConsensusTimeouts(proposeBaseMs: 1_000, proposeDeltaMs: 250, prevoteBaseMs: 500,
                                                 prevoteDeltaMs: 250, precommitBaseMs: 500, precommitDeltaMs: 250)

    /// The duration of `kind` in `round`: base + delta * round, saturating at `UInt64.max`.
    public func duration(_ kind: TimeoutKind, round: UInt32) -> UInt64 {
        let (base, delta): (UInt64, UInt64)
        switch kind {
        case .propose: (base, delta) = (proposeBaseMs, proposeDeltaMs)
        case .prevote: (base, delta) = (prevoteBaseMs, prevoteDeltaMs)
        case .precommit: (base, delta) = (precommitBaseMs, precommitDeltaMs)
        }
        let (growth, overflow) = delta.multipliedReportingOverflow(by: UInt64(round))
        if overflow { return .max }
        let (sum, overflow2) = base.addingReportingOverflow(growth)
        return overflow2 ? .max : sum
    }
}

/// The fixed settings of a `ConsensusMachine`.
public struct ConsensusConfig: Hashable, Sendable {
    /// The chain id every proposal and vote is signed for.
    public var chainID: UInt32
    /// The timeout durations.
    public var timeouts: ConsensusTimeouts
    /// Proposals and votes for a round more than this far ahead of the current round are
    /// ignored (`ConsensusInputError.roundTooFarAhead`), which bounds the memory a faulty
    /// validator can make the machine spend on vote sets.
    public var maxRoundsAhead: UInt32
    /// At most this many proposals and votes of the next height are kept while the
    /// current height runs, and replayed when it starts.
    public var maxBufferedNextHeight: Int

    /// Settings for chain `chainID`; the rest default to the devnet values.
    public init(chainID: UInt32, timeouts: ConsensusTimeouts = .devnet, maxRoundsAhead: UInt32 = 1_000,
                maxBufferedNextHeight: Int = 1_000) {
        self.chainID = chainID
        self.timeouts = timeouts
        self.maxRoundsAhead = maxRoundsAhead
        self.maxBufferedNextHeight = maxBufferedNextHeight
    }
}

/// A decision: more than two thirds of the power precommitted `blockID` in `round` of
/// `height`. `precommits` (in validator-index order) are the commit certificate.
public struct CommitCertificate: Hashable, Sendable, CustomStringConvertible {
    /// The height decided.
    public var height: UInt64
    /// The round whose precommits decided it.
    public var round: UInt32
    /// The block decided.
    public var blockID: Hash256
    /// The precommits for `blockID` in `round`, by validator index; their power is more
    /// than two thirds of the total.
    public var precommits: [Vote]
    /// The round's proposal, which carried the block.
    public var proposal: Proposal

    public var description: String {
        "commit h\(height) r\(round) \(blockID.hex.prefix(8)) with \(precommits.count) precommits"
    }
}

/// What the caller feeds a `ConsensusMachine`.
public enum ConsensusEvent: Hashable, Sendable {
    /// Start `height` with its validator set, as it stands at round 0 (its `proposer` is
    /// round 0's). Starts the first height, or the next once the caller has applied the
    /// committed block; replays the buffered messages of that height.
    case startHeight(UInt64, validators: ValidatorSet)
    /// A proposal from the network.
    case proposal(Proposal)
    /// A vote from the network.
    case vote(Vote)
    /// A timeout the machine asked for has elapsed.
    case timeout(Timeout)
    /// The answer to `ConsensusAction.needValue`: the block to propose in that height and
    /// round (the paper's `getValue()`). Ignored when the machine has moved on.
    case proposeValue(height: UInt64, round: UInt32, blockID: Hash256)
}

/// Why an input was ignored. Informational: the machine's state does not change.
public enum ConsensusInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No height has been started yet.
    case notStarted
    /// A message for a height other than the current one (or the next, which is buffered).
    case wrongHeight(expected: UInt64, got: UInt64)
    /// The height is decided; the caller has not started the next one yet.
    case alreadyDecided(height: UInt64)
    /// A message for a round more than `maxRoundsAhead` past the current one.
    case roundTooFarAhead(round: UInt32, current: UInt32)
    /// The buffer of next-height messages is full.
    case bufferFull
    /// The proposal was refused.
    case invalidProposal(ProposalError)
    /// Yet another proposal from the round's proposer, past
    /// `ConsensusMachine.maxProposalsPerRound`.
    case conflictingProposal(round: UInt32)
    /// The vote was refused by its vote set.
    case invalidVote(VoteError)
    /// A value for a height and round the machine is not proposing in.
    case unexpectedValue(height: UInt64, round: UInt32)

    public var description: String {
        switch self {
        case .notStarted: return "no height started yet"
        case .wrongHeight(let expected, let got): return "message for height \(got), the machine is at \(expected)"
        case .alreadyDecided(let height): return "height \(height) is already decided"
        case .roundTooFarAhead(let round, let current): return "message for round \(round), too far ahead of round \(current)"
        case .bufferFull: return "the buffer of next-height messages is full"
        case .invalidProposal(let error): return error.description
        case .conflictingProposal(let round): return "too many different proposals for round \(round); the first ones are kept"
        case .invalidVote(let error): return error.description
        case .unexpectedValue(let height, let round): return "a value for h\(height) r\(round), which the machine is not proposing in"
        }
    }
}

/// What a `ConsensusMachine` asks its caller to do, in order.
public enum ConsensusAction: Equatable, Sendable, CustomStringConvertible {
    /// Send this proposal (signed by our signer) to every peer.
    case broadcastProposal(Proposal)
    /// Send this vote (signed by our signer) to every peer.
    case broadcastVote(Vote)
    /// Feed `.timeout(timeout)` back after `afterMs` milliseconds.
    case scheduleTimeout(Timeout, afterMs: UInt64)
    /// We propose in this height and round: answer with `.proposeValue`.
    case needValue(height: UInt64, round: UInt32)
    /// The height is decided. Apply the block, then start the next height.
    case commit(CommitCertificate)
    /// A validator signed two conflicting votes (found by `VoteSet`), reported once.
    case evidence(DuplicateVoteEvidence)
    /// An input was ignored, and why (for logs and peer scoring).
    case ignored(ConsensusInputError)

    public var description: String {
        switch self {
        case .broadcastProposal(let p): return "broadcast \(p)"
        case .broadcastVote(let v): return "broadcast \(v)"
        case .scheduleTimeout(let t, let ms): return "schedule \(t) in \(ms) ms"
        case .needValue(let h, let r): return "need value h\(h) r\(r)"
        case .commit(let c): return c.description
        case .evidence(let e): return "evidence: \(e)"
        case .ignored(let e): return "ignored: \(e)"
        }
    }
}
