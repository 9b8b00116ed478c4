import KusariConsensus
import KusariCore
import KusariStorage

extension Blockchain {
    /// Moves the best chain to the heaviest valid branch. Each attempt happens in
    /// memory and is committed in one transaction; a block that fails is marked
    /// invalid with its descendants, and the next heaviest branch is tried.
    func reorganize() throws(ChainError) -> Outcome? {
        try flush()
        var attempts = 0
        while let candidate = index.heaviestValid(), engine.prefers(candidate.work, over: chainWork) {
            attempts += 1
            // The new branch, from just above the fork point up to the candidate.
            var branch: [HeaderIndex.Entry] = []
            var cursor: HeaderIndex.Entry? = candidate
            while let c = cursor, !(c.header.height < UInt64(best.count) && best[Int(c.header.height)] == c.id) {
                branch.append(c)
                cursor = index[c.header.previousId]
            }
            guard let fork = cursor else { throw .corrupt("branch of \(candidate.id) does not reach the genesis") }
            branch.reverse()
            let forkHeight = fork.header.height

            // Unwind the best chain to the fork point, in memory.
            var working = state
            var touched = Set<AddressPayload>()
            var touchedStorage: [AddressPayload: Set<[UInt8]>] = [:]
            var removedTxs: [Hash256] = []
            for height in stride(from: Int(height), to: Int(forkHeight), by: -1) {
                let id = best[height]
                guard let undoBytes = try wrap({ () throws(StorageError) in try store.undo(id) }),
                      let undo = try? BlockUndo(decoding: undoBytes) else {
                    throw .corrupt("undo record of height \(height) is missing or unreadable")
                }
                guard let old = try block(id) else { throw .corrupt("block at height \(height) is missing") }
                working = working.reverting(undo)
                undo.entries.forEach { touched.insert($0.0) }
                for (contract, keys) in undo.storage { touchedStorage[contract, default: []].formUnion(keys.map(\.0)) }
                removedTxs += old.transactions.map(\.id)
            }

            // Apply the new branch.
            var batch = StoreBatch()
            var failed = false
            for entry in branch {
                guard let blk = try block(entry.id) else {
                    throw .corrupt("body of \(entry.id) is missing")
                }
                do {
                    let applied = try BlockApplication.apply(blk, to: working, rules: rules, contracts: contracts, exchange: exchange)
                    working = applied.state
                    applied.undo.forEach { touched.insert($0.0) }
                    for (contract, keys) in applied.storageUndo { touchedStorage[contract, default: []].formUnion(keys.map(\.0)) }
                    batch.code += applied.newCode
                    batch.receipts += applied.receipts.map { ($0.transaction, $0.encoded) }
                    if !applied.clearings.isEmpty { batch.clearings.append((entry.id, MarketClearing.encodeAll(applied.clearings))) }
                    batch.undoRecords.append((entry.id, applied.undoRecord.encoded))
                    batch.chainAdditions.append((entry.header.height, entry.id))
                    batch.transactionsAdded += applied.transactionIds.enumerated().map {
                        ($1, TransactionLocation(blockId: entry.id, height: entry.header.height, position: $0))
                    }
                    batch.addressEntries += AddressEntry.entries(of: blk.transactions, height: entry.header.height,
                                                                 ids: applied.transactionIds)
                    if entry.status != .valid { batch.statusChanges.append((entry.id, .valid)) }
                } catch {
                    // Mark it and everything built on it invalid, then try the next best branch.
                    var marks = StoreBatch()
                    let doomed = index.descendants(of: entry.id)
                    marks.statusChanges = doomed.map { ($0, .invalid) }
                    try commit(marks, .immediate)
                    doomed.forEach { index.setStatus($0, .invalid) }
                    failed = true
                    break
                }
            }
            if failed { continue }

            batch.truncateChainFrom = forkHeight + 1
            batch.transactionsRemoved = removedTxs
            batch.accounts = touched.sorted().map { ($0, working.account($0)) }
            batch.storage = touchedStorage.sorted { $0.key < $1.key }.map { contract, keys in
                let storage = working.storage(contract)
                return (contract, keys.sorted { $0.lexicographicallyPrecedes($1) }.map { ($0, storage.value($0)) })
            }
            batch.tip = candidate.id
            try commit(batch, .immediate)
            let disconnected = Int(height - forkHeight)
            lastDisconnected = Array(best.suffix(disconnected))
            best.removeLast(disconnected)
            for entry in branch {
                best.append(entry.id)
                index.setStatus(entry.id, .valid)
            }
            state = working
            return .reorganized(disconnected: disconnected, connected: branch.count, height: height)
        }
        return nil
    }
}
