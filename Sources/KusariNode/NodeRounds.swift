import KusariBFT
import KusariCore
import KusariValidator

/// Reads of the consensus rounds this node saw (`RoundRecorder`), for the API's
/// `/v1/consensus/heights` and the explorer's `/consensus` pages. The record lives in
/// memory only: it covers the last `RoundRecorder.maxHeights` heights this node's driver
/// took part in (as a validator, or as a follower that counts what gossip brings), and is
/// empty after a restart.
extension Node {
    /// Why a height's rounds are not there, or the record with what it takes to read it.
    public enum RoundsLookup: Sendable {
        /// The chain runs proof of work: there are no rounds.
        case proofOfWork
        /// No consensus driver runs in this node, so it sees no rounds.
        case notTakingPart
        /// Height 0, the genesis, which nothing votes on.
        case genesis
        /// The height has not started here yet (`current` is the height being decided).
        case notStarted(current: UInt64)
        /// The height is older than every one kept (`oldest`).
        case tooOld(oldest: UInt64)
        /// The height is in the kept range but this node did not run it (it came by block
        /// sync, or before the node last started).
        case notSeen(current: UInt64)
        /// The record, with this node's role and the validator set that voted.
        case found(HeightRounds, role: ConsensusRole, validators: ValidatorSet, current: UInt64)
    }

    /// The rounds of `height` as this node's consensus driver saw them.
    public nonisolated func consensusRounds(atHeight height: UInt64) -> RoundsLookup {
        guard let engine = bftEngine else { return .proofOfWork }
        guard let role = consensusRounds.role else { return .notTakingPart }
        guard height > 0 else { return .genesis }
        let current = consensusRounds.currentHeight
        if let record = consensusRounds.height(height) {
            return .found(record, role: role, validators: engine.validators, current: current)
        }
        if height > current { return .notStarted(current: current) }
        if let oldest = consensusRounds.oldestHeight, height < oldest { return .tooOld(oldest: oldest) }
        return .notSeen(current: current)
    }

    /// The most recent heights' rounds, newest first (at most `limit`), with this node's
    /// role; nil on a proof-of-work chain, and a nil role when no driver runs here.
    public nonisolated func recentConsensusRounds(limit: Int) -> (heights: [HeightRounds], role: ConsensusRole?, current: UInt64)? {
        guard bftEngine != nil else { return nil }
        return (consensusRounds.recent(limit: limit), consensusRounds.role, consensusRounds.currentHeight)
    }
}
