import KusariCore
import KusariStorage

/// What a chain answers about its blocks and states (reads only).
extension Blockchain {
    /// The header of a known block.
    public func header(_ id: Hash256) -> BlockHeader? { index[id]?.header }

    /// The status of a known block.
    public func status(_ id: Hash256) -> StoredHeader.Status? { index[id]?.status }

    /// A stored block.
    public func block(_ id: Hash256) throws(ChainError) -> Block? {
        guard let bytes = try wrap({ () throws(StorageError) in try store.block(id) }) else { return nil }
        do { return try Block(decoding: bytes) } catch { throw .corrupt("stored block \(id): \(error)") }
    }

    /// The best chain's block at `height`.
    public func block(atHeight height: UInt64) throws(ChainError) -> Block? {
        guard height < UInt64(best.count) else { return nil }
        return try block(best[Int(height)])
    }

    /// The account state at a height of the best chain, rebuilt from the tip
    /// with undo records (cost grows with the distance from the tip).
    public func state(atHeight height: UInt64) throws(ChainError) -> StateTree {
        guard height <= self.height else { throw .corrupt("height \(height) is above the tip") }
        var working = state
        var h = self.height
        while h > height {
            guard let bytes = try wrap({ () throws(StorageError) in try store.undo(best[Int(h)]) }),
                  let undo = try? BlockUndo(decoding: bytes) else { throw .corrupt("undo record of height \(h) is unreadable") }
            working = working.reverting(undo)
            h -= 1
        }
        return working
    }

    /// The id of the best chain's block at `height`.
    public func id(atHeight height: UInt64) -> Hash256? {
        height < UInt64(best.count) ? best[Int(height)] : nil
    }
}
