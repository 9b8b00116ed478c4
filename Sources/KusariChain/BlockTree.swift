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

    /// The recent block tree: the best chain's block at `height` and every known
    /// header built on it, side branches included, ordered by height, then by
    /// arrival (the first-seen branch first). At most `limit` entries.
    public func tree(fromHeight height: UInt64, limit: Int) -> [TreeEntry] {
        guard height <= self.height else { return [] }
        let root = best[Int(height)]
        var out: [TreeEntry] = []
        for id in index.descendants(of: root) {
            guard let e = index[id] else { continue }
            let h = e.header.height
            out.append(TreeEntry(header: e.header, id: id, status: e.status,
                                 onBestChain: h < UInt64(best.count) && best[Int(h)] == id))
        }
        let sequence = { (id: Hash256) in self.index[id]?.sequence ?? 0 }
        out.sort { $0.header.height != $1.header.height ? $0.header.height < $1.header.height : sequence($0.id) < sequence($1.id) }
        return Array(out.prefix(limit))
    }
}
