import KusariBFT
import KusariCore

/// The first validly signed vote seen from each validator for each height, round and
/// type of the last few heights, so that a conflicting vote arriving late (after its
/// height was decided here, when the machine no longer looks at it) is still caught as
/// double signing. A validator that crashed and came back without its signer's record
/// would sign such votes.
struct RecentVotes {
    /// Heights kept below the newest seen.
    static let heights: UInt64 = 10
    /// The most votes kept in all.
    static let capacity = 100_000

    struct Key: Hashable {
        var height: UInt64
        var round: UInt32
        var type: VoteType
        var validatorIndex: UInt32
    }

    private var first: [Key: Vote] = [:]
    private var newest: UInt64 = 0

    /// Records `vote` (already known to be validly signed); returns the earlier vote it
    /// conflicts with, if any.
    mutating func record(_ vote: Vote) -> Vote? {
        let key = Key(height: vote.height, round: vote.round, type: vote.type, validatorIndex: vote.validatorIndex)
        if let seen = first[key] {
            return seen.choice == vote.choice ? nil : seen
        }
        guard vote.height + Self.heights >= newest, first.count < Self.capacity else { return nil }
        first[key] = vote
        if vote.height > newest {
            newest = vote.height
            if newest > Self.heights {
                let floor = newest - Self.heights
                first = first.filter { $0.key.height >= floor }
            }
        }
        return nil
    }
}
