import KusariBFT
import KusariCore
import Synchronization

/// The rounds of the last `maxHeights` heights as this node's consensus driver saw them
/// (`HeightRounds`), shared between the driver, which records, and the API and the
/// explorer, which read. Recording is cheap (a lock, a search from the newest height, an
/// append of a small value), as it runs for every vote. Memory is bounded: the oldest
/// height goes when a new one comes past `maxHeights`, a height keeps at most
/// `maxRoundsPerHeight` rounds, and a round at most `maxChoicesPerValidator` votes of each
/// type per validator.
///
/// A node whose driver never attached (a proof-of-work chain, or a node in a test that
/// runs no consensus) has `role` nil and records nothing.
public final class RoundRecorder: Sendable {
    /// The most heights kept.
    public static let maxHeights = 200
    /// The most rounds kept per height (the ones this node did not enter go first, then the lowest).
    public static let maxRoundsPerHeight = 32
    /// The most votes of one type kept per validator and round (an equivocator's extra ones are dropped).
    public static let maxChoicesPerValidator = 2

    private let state = Mutex<RoundLog>(RoundLog())

    /// An empty recorder, not attached to a driver.
    public init() {}

    /// Who this node is in consensus; nil until a driver attaches.
    public var role: ConsensusRole? { state.withLock { $0.role } }

    /// The height the driver is deciding now (0 before it started).
    public var currentHeight: UInt64 { state.withLock { $0.currentHeight } }

    /// The record of `height`, if it is kept.
    public func height(_ height: UInt64) -> HeightRounds? {
        state.withLock { log in log.heights.last { $0.height == height } }
    }

    /// The kept heights, newest first, at most `limit`.
    public func recent(limit: Int) -> [HeightRounds] {
        state.withLock { Array($0.heights.suffix(max(0, limit)).reversed()) }
    }

    /// The oldest height kept, if any.
    public var oldestHeight: UInt64? { state.withLock { $0.heights.first?.height } }

    /// Changes the record under the lock (the driver's recording calls).
    func update<T>(_ body: (inout RoundLog) -> T) -> T { state.withLock { body(&$0) } }
}

/// The recorder's state and its recording rules, a plain value (tested on its own).
public struct RoundLog: Sendable {
    /// The heights kept, by increasing height.
    public private(set) var heights: [HeightRounds] = []
    /// Who this node is in consensus; nil until a driver attaches.
    public internal(set) var role: ConsensusRole?
    /// The height the driver is deciding now.
    public private(set) var currentHeight: UInt64 = 0

    /// An empty log.
    public init() {}

    /// The driver started `height` at `nowMs` (monotonic) and `wallMs` (Unix).
    public mutating func startHeight(_ height: UInt64, nowMs: UInt64, wallMs: UInt64) {
        currentHeight = height
        withHeight(height) {
            $0.startedMs = nowMs
            $0.startedAtMs = wallMs
        }
    }

    /// This node entered `round` of `height`, whose proposer is `proposerIndex`.
    public mutating func enterRound(height: UInt64, round: UInt32, proposerIndex: Int, nowMs: UInt64) {
        withRound(height, round, entered: true) {
            if $0.startedMs == nil { $0.startedMs = nowMs }
            $0.proposerIndex = proposerIndex
        }
    }

    /// A proposal this node took in (or made: `own`); the first of a round is kept.
    public mutating func proposal(_ p: Proposal, own: Bool, nowMs: UInt64) {
        withRound(p.height, p.round, entered: false) {
            if $0.proposerIndex == nil { $0.proposerIndex = Int(p.proposerIndex) }
            guard $0.proposal == nil else { return }
            $0.proposal = RecordedProposal(blockID: p.blockID, polRound: p.polRound, atMs: nowMs, own: own)
        }
    }

    /// A vote this node counted (or signed), with its validator's `power`. The same
    /// validator and choice again is not added again.
    public mutating func vote(_ v: Vote, power: UInt64, nowMs: UInt64) {
        withRound(v.height, v.round, entered: false) { record in
            let entry = RecordedVote(validatorIndex: v.validatorIndex, blockID: v.blockID, power: power, atMs: nowMs)
            switch v.type {
            case .prevote: Self.add(entry, to: &record.prevotes)
            case .precommit: Self.add(entry, to: &record.precommits)
            }
        }
    }

    /// A timeout that fired and moved this node on, set for `durationMs`.
    public mutating func timeout(_ t: Timeout, durationMs: UInt64, nowMs: UInt64) {
        withRound(t.height, t.round, entered: true) {
            $0.timeouts.append(RecordedTimeout(kind: t.kind, durationMs: durationMs, atMs: nowMs))
        }
    }

    /// This node decided `blockID` in `round` of `height`.
    public mutating func decide(height: UInt64, round: UInt32, blockID: Hash256, nowMs: UInt64) {
        withHeight(height) { $0.decision = HeightRounds.Decision(round: round, blockID: blockID, atMs: nowMs) }
    }

    static func add(_ entry: RecordedVote, to votes: inout [RecordedVote]) {
        var same = 0
        for v in votes where v.validatorIndex == entry.validatorIndex {
            if v.blockID == entry.blockID { return }
            same += 1
        }
        guard same < RoundRecorder.maxChoicesPerValidator else { return }
        votes.append(entry)
    }

    /// Runs `body` on the record of `height`, made if missing (the oldest dropped past
    /// `maxHeights`); nothing for a height older than every one kept when the log is full.
    mutating func withHeight(_ height: UInt64, _ body: (inout HeightRounds) -> Void) {
        if let i = heights.lastIndex(where: { $0.height == height }) {
            body(&heights[i])
            return
        }
        let at = heights.lastIndex { $0.height < height }.map { $0 + 1 } ?? 0
        guard at > 0 || heights.count < RoundRecorder.maxHeights else { return }
        var record = HeightRounds(height: height)
        body(&record)
        heights.insert(record, at: at)
        if heights.count > RoundRecorder.maxHeights { heights.removeFirst(heights.count - RoundRecorder.maxHeights) }
    }

    /// Runs `body` on round `round` of `height`, made if missing. `entered`: the round is
    /// one this node is in (it is kept before rounds seen only through votes).
    mutating func withRound(_ height: UInt64, _ round: UInt32, entered: Bool, _ body: (inout RoundRecord) -> Void) {
        withHeight(height) { h in
            if let i = h.rounds.lastIndex(where: { $0.round == round }) {
                body(&h.rounds[i])
                return
            }
            if h.rounds.count >= RoundRecorder.maxRoundsPerHeight {
                // Room is made by dropping a round this node never entered (the lowest), else the lowest.
                let victim = h.rounds.firstIndex { $0.startedMs == nil } ?? 0
                guard entered || h.rounds[victim].startedMs == nil else { return }
                h.rounds.remove(at: victim)
                h.droppedRounds += 1
            }
            var record = RoundRecord(round: round)
            body(&record)
            let at = h.rounds.lastIndex { $0.round < round }.map { $0 + 1 } ?? 0
            h.rounds.insert(record, at: at)
        }
    }
}
