import KusariCore
import KusariStorage

extension Blockchain {
    /// One known block header, on the best chain or on a side branch.
    public struct TreeEntry: Sendable, Equatable {
        /// The block's header.
        public var header: BlockHeader
        /// The block's id (SHA-256d of the header).
        public var id: Hash256
        /// Whether the header passed, the body was applied, or either broke a rule.
        public var status: StoredHeader.Status
        /// Whether the block is on the best chain now.
        public var onBestChain: Bool
    }

    /// The recent block tree: every known block at heights `height` through the
    /// tip and above it (side branches may be higher than the best chain), the
    /// best chain's block and the side-branch blocks at each height, including
    /// branches that forked below `height`. Ordered by height, then the best
    /// chain's block, then by arrival (the first-seen branch first).
    ///
    /// At most `limit` entries, the newest heights kept: the walk goes down from
    /// the highest known height and stops at the limit, so the work is
    /// proportional to the heights walked and the entries returned, however many
    /// side blocks the chain holds.
    public func tree(fromHeight height: UInt64, limit: Int) -> [TreeEntry] {
        guard height <= self.height, limit > 0 else { return [] }
        var out: [TreeEntry] = []
        // Side branches can reach above the tip; they are walked from the
        // highest height known, but only while entries remain to fill.
        var h = max(self.height, index.maxHeight)
        while out.count < limit {
            var atHeight: [TreeEntry] = []
            let bestId = h <= self.height ? best[Int(h)] : nil
            if let bestId, let e = index[bestId] {
                atHeight.append(TreeEntry(header: e.header, id: bestId, status: e.status, onBestChain: true))
            }
            for id in index.byHeight[h] ?? [] where id != bestId {
                guard out.count + atHeight.count < limit else { break }
                guard let e = index[id] else { continue }
                atHeight.append(TreeEntry(header: e.header, id: id, status: e.status, onBestChain: false))
            }
            // Newest heights first while collecting; reversed at the end.
            out += atHeight.reversed()
            if h == height { break }
            h -= 1
        }
        return Array(out.prefix(limit).reversed())
    }
}
