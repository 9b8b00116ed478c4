import Foundation
import KusariCore
import KusariPeers

/// The transactions whose signatures this node has checked and found valid,
/// shared by the node's actor and the connections' tasks (behind a lock), so
/// that a signature is checked once however the transaction arrives (the API,
/// a peer, a block). A transaction's id hashes its whole encoding, signature
/// included: the same id is the same signed bytes.
public final class SignatureCache: @unchecked Sendable {
    private let lock = NSLock()
    private let ids: RecentIds

    /// A cache of the `capacity` most recent ids.
    public init(capacity: Int) { ids = RecentIds(capacity: capacity) }

    /// Whether `id`'s signature was checked and found valid.
    public func contains(_ id: Hash256) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return ids.contains(id)
    }

    /// Remembers that `id`'s signature is valid.
    public func insert(_ id: Hash256) {
        lock.lock(); defer { lock.unlock() }
        ids.insert(id)
    }

    /// Checks, on all cores, the signatures of those of `txs` not in the cache and
    /// remembers the valid ones (an invalid one is left for the block's own check
    /// to find and report). A sync checks the next blocks this way while the node
    /// applies the current one.
    public func check(_ txs: [Transaction]) {
        let unknown = txs.map { ($0, $0.id) }.filter { !contains($0.1) }
        guard !unknown.isEmpty else { return }
        let chunks = min(unknown.count, SignatureBatch.defaultThreads * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = unknown.count * c / chunks, hi = unknown.count * (c + 1) / chunks
            var valid: [Hash256] = []
            for i in lo..<hi where unknown[i].0.hasValidSignature { valid.append(unknown[i].1) }
            lock.lock()
            for id in valid { ids.insert(id) }
            lock.unlock()
        }
    }

    /// Blocks whose transactions a background check is going through, each with a group left when it is done.
    private var checking: [Hash256: DispatchGroup] = [:]

    /// Checks the transactions of `blocks`, one block after the other, on other
    /// threads (a sync's next bodies while the node applies the current one),
    /// then calls `done`. `waitForCheck` waits for a block's turn to end, so that
    /// the node never checks the same signatures at the same time.
    public func checkAhead(_ blocks: [Block], done: @escaping @Sendable () -> Void) {
        lock.lock()
        var mine: [(Block, DispatchGroup)] = []
        for b in blocks where checking[b.id] == nil {
            let group = DispatchGroup()
            group.enter()
            checking[b.id] = group
            mine.append((b, group))
        }
        lock.unlock()
        let work = mine
        DispatchQueue.global().async {
            for (b, group) in work {
                self.check(b.transactions)
                self.lock.lock()
                self.checking[b.id] = nil
                self.lock.unlock()
                group.leave()
            }
            done()
        }
    }

    /// Waits while a background check of block `id`'s transactions is under way.
    public func waitForCheck(of id: Hash256) {
        lock.lock()
        let group = checking[id]
        lock.unlock()
        group?.wait()
    }

    /// Whether `tx`'s signature is valid: from the cache, or checked now (and remembered when valid).
    public func isValid(_ tx: Transaction, id: Hash256) -> Bool {
        if contains(id) { return true }
        guard tx.hasValidSignature else { return false }
        insert(id)
        return true
    }
}
