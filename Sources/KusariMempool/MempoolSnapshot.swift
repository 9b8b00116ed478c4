import HeapModule
import KusariCore

extension Mempool {
    /// The pool's pending transactions frozen at one moment: a value that may
    /// leave the pool's owner (the node's actor) and be read on any thread,
    /// for example to project the next blocks without holding the node up.
    /// Copying it is cheap (the dictionaries are copied on write).
    public struct Snapshot: Sendable {
        /// Pending transactions by id.
        public let entries: [Hash256: Entry]
        /// Each sender's pending transactions by nonce.
        let bySender: [AddressPayload: [UInt64: Hash256]]

        /// Candidates for a block: by fee rate, each sender's in nonce order and
        /// starting at the account's nonce, within `maxBytes` and `maxCount`. The
        /// miner's rule: `Mempool.template` is this over the live pool.
        public func template(account: (AddressPayload) -> Account, maxBytes: Int, maxCount: Int) -> [Transaction] {
            // Each sender's executable run: consecutive nonces from the account's.
            var runs: [[Entry]] = []
            for (sender, nonces) in bySender {
                var n = account(sender).nonce
                var run: [Entry] = []
                while let id = nonces[n], let e = entries[id] { run.append(e); n += 1 }
                if !run.isEmpty { runs.append(run) }
            }
            // The best head of every run, in a heap: fee rate, then order of admission.
            var heads = Heap(runs.indices.map { Head(entry: runs[$0][0], run: $0, index: 0) })
            var out: [Transaction] = []
            var used = 0
            while out.count < maxCount, let head = heads.popMin() {
                // Too big for the room left: this sender's run stops here. (The block's gas cap counts
                // gas used, known only by running: the producer applies these in turn and leaves out
                // what does not fit, `BlockApplication.build`.)
                guard used + head.entry.size <= maxBytes else { continue }
                out.append(head.entry.tx)
                used += head.entry.size
                let next = head.index + 1
                if next < runs[head.run].count { heads.insert(Head(entry: runs[head.run][next], run: head.run, index: next)) }
            }
            return out
        }

        /// A sender's next transaction in the template's heap; the minimum goes first.
        private struct Head: Comparable {
            let entry: Entry
            let run: Int, index: Int
            static func < (a: Head, b: Head) -> Bool { a.entry.precedes(b.entry) }
            static func == (a: Head, b: Head) -> Bool { a.entry.id == b.entry.id }
        }

        /// The next `count` blocks a miner would make from these transactions, each
        /// chosen as `template` chooses, the senders' nonces advanced block by block
        /// from `account`. Transactions waiting for a missing nonce are in none of them.
        public func projectedBlocks(_ count: Int, account: (AddressPayload) -> Account,
                                    maxBytes: Int, maxCount: Int) -> [[Entry]] {
            var nonces: [AddressPayload: UInt64] = [:], out: [[Entry]] = []
            while out.count < count {
                let txs = template(account: { a in
                    var acc = account(a)
                    if let n = nonces[a] { acc.nonce = n }
                    return acc
                }, maxBytes: maxBytes, maxCount: maxCount)
                if txs.isEmpty { break }
                for t in txs { nonces[t.from] = t.nonce + 1 }
                out.append(txs.compactMap { entries[$0.id] })
            }
            return out
        }
    }

    /// The pool as it is now, as a value.
    public var snapshot: Snapshot { Snapshot(entries: entries, bySender: bySender) }
}
