import Crypto
import Dispatch
import KusariConsensus
import KusariCore
import Synchronization

/// The proof-of-work nonce search on many threads. The header's first 128
/// bytes do not change with the nonce, so their SHA-256 state (the midstate)
/// is computed once; each try hashes only the last 20 bytes and then the
/// 32-byte digest again.
public enum NonceSearch {
    /// The outcome of a search.
    public struct Result: Sendable {
        /// The sealed header, when a nonce was found.
        public var header: BlockHeader?
        /// Nonces tried on all threads.
        public var tried: UInt64
    }

    /// Searches nonces (thread t tries t, t + threads, ...) until one meets the
    /// header's target or `shouldStop` (checked every 1,024 tries) says stop.
    public static func run(_ header: BlockHeader, target: UInt256, threads: Int,
                           shouldStop: @escaping @Sendable () -> Bool) -> Result {
        let encoded = header.encoded
        let prefix = Array(encoded[0..<128])
        let tail = Array(encoded[128..<BlockHeader.encodedSize])
        var midstate = SHA256()
        midstate.update(data: prefix)
        let mid = midstate
        let targetBytes = target.bigEndianBytes
        let targetTop = targetBytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let found = Mutex<UInt64?>(nil)
        let tried = Mutex<UInt64>(0)
        let n = max(1, threads)
        DispatchQueue.concurrentPerform(iterations: n) { t in
            var buffer = tail
            var nonce = UInt64(t)
            var count: UInt64 = 0
            let nonceAt = BlockHeader.nonceOffset - 128
            while true {
                buffer.withUnsafeMutableBytes { $0.storeBytes(of: nonce.bigEndian, toByteOffset: nonceAt, as: UInt64.self) }
                var h = mid
                h.update(data: buffer)
                let first = h.finalize()
                let second = first.withUnsafeBytes { SHA256.hash(data: $0) }
                count += 1
                let hit: Bool = second.withUnsafeBytes { raw in
                    let top = UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self))
                    if top != targetTop { return top < targetTop }
                    return ProofOfWork.meetsTarget(bigEndianHash: Array(raw), target: target)
                }
                if hit {
                    found.withLock { current in
                        if let c = current, c <= nonce { return }
                        current = nonce
                    }
                    break
                }
                nonce &+= UInt64(n)
                if count & 0x3ff == 0 && (shouldStop() || found.withLock({ $0 != nil })) { break }
            }
            tried.withLock { $0 += count }
        }
        let total = tried.withLock { $0 }
        guard let nonce = found.withLock({ $0 }) else { return Result(header: nil, tried: total) }
        var sealed = header
        sealed.nonce = nonce
        return Result(header: sealed, tried: total)
    }
}
