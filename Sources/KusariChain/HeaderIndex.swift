import KusariConsensus
import KusariCore
import KusariStorage

/// The in-memory view of the header index: every header seen, its branch's
/// cumulative work and its status, with links to children. A class, so that
/// the header contexts handed to the consensus engine share it instead of
/// copying it.
final class HeaderIndex {
    struct Entry {
        var header: BlockHeader
        var id: Hash256
        var work: UInt256
        var status: StoredHeader.Status
        var sequence: Int64
    }

    private(set) var entries: [Hash256: Entry] = [:]
    private(set) var children: [Hash256: [Hash256]] = [:]
    private(set) var nextSequence: Int64 = 0
    /// Every known block id by height, in arrival order.
    private(set) var byHeight: [UInt64: [Hash256]] = [:]
    /// The greatest height of any known header.
    private(set) var maxHeight: UInt64 = 0

    subscript(id: Hash256) -> Entry? { entries[id] }

    func insert(_ entry: Entry) {
        if entries[entry.id] == nil {
            children[entry.header.previousId, default: []].append(entry.id)
            byHeight[entry.header.height, default: []].append(entry.id)
            maxHeight = max(maxHeight, entry.header.height)
        }
        entries[entry.id] = entry
        nextSequence = max(nextSequence, entry.sequence + 1)
    }

    func setStatus(_ id: Hash256, _ status: StoredHeader.Status) {
        entries[id]?.status = status
    }

    /// `id` and every block built on it, breadth first.
    func descendants(of id: Hash256) -> [Hash256] {
        var out = [id]
        var i = 0
        while i < out.count {
            out += children[out[i]] ?? []
            i += 1
        }
        return out
    }

    /// The ancestor of `id` at `height` (walking back along previous ids).
    func ancestor(of id: Hash256, atHeight height: UInt64) -> Entry? {
        var current = entries[id]
        while let c = current, c.header.height > height { current = entries[c.header.previousId] }
        return current?.header.height == height ? current : nil
    }

    /// The entry with the most work that is not invalid; on equal work, the
    /// first seen. Deterministic: ties break on arrival order, never on hashing.
    func heaviestValid() -> Entry? {
        var best: Entry?
        for e in entries.values where e.status != .invalid {
            guard let b = best else { best = e; continue }
            if e.work > b.work || (e.work == b.work && e.sequence < b.sequence) { best = e }
        }
        return best
    }

    func stored(_ e: Entry) -> StoredHeader {
        StoredHeader(header: e.header, id: e.id, chainWork: e.work.bigEndianBytes, status: e.status, sequence: e.sequence)
    }
}
