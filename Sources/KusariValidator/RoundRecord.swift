import KusariBFT
import KusariCore

/// What one node saw of consensus at one height, round by round: the proposer and the
/// proposal, the prevotes and precommits it counted with their voting power, the
/// timeouts that fired, and the decision. Kept in memory by `RoundRecorder` for the
/// explorer and the API (`GET /v1/consensus/heights/{height}`); nothing here is hashed,
/// signed or fed back to consensus.
///
/// Times are milliseconds on the node's monotonic clock (`ConsensusDriver.nowMs`);
/// `startedAtMs` (wall clock, Unix milliseconds) is for display only.
public struct HeightRounds: Sendable, Equatable {
    /// The height.
    public var height: UInt64
    /// When this node started the height (monotonic ms), nil while it has only seen
    /// messages of it arrive early (it was still finishing the height before).
    public var startedMs: UInt64?
    /// When this node started the height, Unix milliseconds (display only).
    public var startedAtMs: UInt64?
    /// The rounds seen, by increasing round number.
    public var rounds: [RoundRecord] = []
    /// The decision this node reached, if it reached one.
    public var decision: Decision?
    /// Rounds dropped to keep the record bounded (`RoundRecorder.maxRoundsPerHeight`).
    public var droppedRounds: Int = 0

    /// A record of `height` with nothing seen yet.
    public init(height: UInt64) { self.height = height }

    /// The decision of a height: the round whose precommits committed the block.
    public struct Decision: Sendable, Equatable {
        /// The deciding round.
        public var round: UInt32
        /// The decided block.
        public var blockID: Hash256
        /// When this node decided (monotonic ms).
        public var atMs: UInt64
    }

    /// How many timeouts fired over all rounds.
    public var timeoutCount: Int { rounds.reduce(0) { $0 + $1.timeouts.count } }
}

/// One round of a height as one node saw it.
public struct RoundRecord: Sendable, Equatable {
    /// The round number.
    public var round: UInt32
    /// The round's proposer (its index in the validator set), once this node entered the
    /// round or saw its proposal; nil for a round seen only through votes.
    public var proposerIndex: Int?
    /// When this node entered the round (monotonic ms), nil if it never did (it saw
    /// votes of the round only, or jumped past it).
    public var startedMs: UInt64?
    /// The first proposal seen for the round.
    public var proposal: RecordedProposal?
    /// The prevotes counted, in arrival order: one per validator and block id (a
    /// validator that signed two choices appears twice; evidence names it).
    public var prevotes: [RecordedVote] = []
    /// The precommits counted, in the same way.
    public var precommits: [RecordedVote] = []
    /// The timeouts that fired while their step was still current (and so moved this
    /// node on), in order.
    public var timeouts: [RecordedTimeout] = []

    /// An empty record of round `round`.
    public init(round: UInt32) { self.round = round }
}

/// A vote counted in a round.
public struct RecordedVote: Sendable, Equatable {
    /// The voter's index in the validator set.
    public var validatorIndex: UInt32
    /// The block voted for; nil for a vote for nil.
    public var blockID: Hash256?
    /// The voter's voting power.
    public var power: UInt64
    /// When it arrived (monotonic ms); this node's own votes count when signed.
    public var atMs: UInt64
}

/// A round's proposal as it arrived.
public struct RecordedProposal: Sendable, Equatable {
    /// The proposed block.
    public var blockID: Hash256
    /// The round whose prevotes back a re-proposed value, -1 for a fresh one.
    public var polRound: Int
    /// When it arrived (monotonic ms), or when this node made it.
    public var atMs: UInt64
    /// Whether this node proposed it.
    public var own: Bool
}

/// A timeout that fired.
public struct RecordedTimeout: Sendable, Equatable {
    /// Which step it ended.
    public var kind: TimeoutKind
    /// How long it was set for, in milliseconds (it grows with the round).
    public var durationMs: UInt64
    /// When it fired (monotonic ms).
    public var atMs: UInt64
}

/// Who a node is in consensus, as its recorder says.
public enum ConsensusRole: Sendable, Equatable {
    /// A validator: it votes, and its record holds its own votes beside those it received.
    case validator(index: Int)
    /// A follower: it runs the rounds without voting, so its record holds the votes gossip brought it.
    case follower
}
