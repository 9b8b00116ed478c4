import Foundation
import KusariCore

/// A bounded set of ids that forgets its oldest first: what a peer is known to
/// hold (so nothing is offered to it twice), and the transactions whose
/// signatures the node has checked (so a block carrying them is not checked again).
///
/// A class, so that inserting through a dictionary of peers never copies the
/// set (a struct set held while iterating the peers was copied whole on every
/// insert, which cost a fifth of a busy node's time). Not thread-safe: one
/// actor owns each.
public final class RecentIds {
    /// The most ids remembered.
    public let capacity: Int
    private var members: Set<Hash256>
    /// Ids in insertion order, as a ring of `capacity` slots.
    private var ring: [Hash256]
    private var next = 0

    public init(capacity: Int = 50_000) {
        self.capacity = max(1, capacity)
        members = Set(minimumCapacity: min(self.capacity, 1_024))
        ring = []
    }

    /// The number of ids remembered.
    public var count: Int { members.count }

    /// Whether `id` is known.
    public func contains(_ id: Hash256) -> Bool { members.contains(id) }

    /// Remembers `id`; returns whether it was new. The oldest id is forgotten when full.
    @discardableResult
    public func insert(_ id: Hash256) -> Bool {
        guard members.insert(id).inserted else { return false }
        if ring.count < capacity {
            ring.append(id)
        } else {
            members.remove(ring[next])
            ring[next] = id
            next = (next + 1) % capacity
        }
        return true
    }
}
