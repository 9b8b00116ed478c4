import CKusariSHA
import Dispatch
import KusariConsensus
import KusariCore
import Synchronization

/// The proof-of-work nonce search on many threads. The header's first 128
/// bytes do not change with the nonce, so their SHA-256 state (the midstate)
/// is computed once; each try compresses only the last block (20 bytes and
/// padding) and then the 32-byte digest's block, with the CPU's SHA
/// extensions where present (`CKusariSHA`), allocating nothing.
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
        var midstate = [UInt32](repeating: 0, count: 8)
        encoded.withUnsafeBufferPointer { kusari_sha256_midstate($0.baseAddress, &midstate) }
        let mid = midstate
        let tail = Array(encoded[128..<BlockHeader.encodedSize])
        let targetBytes = target.bigEndianBytes
        let targetTop = targetBytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let found = Mutex<UInt64?>(nil)
        let tried = Mutex<UInt64>(0)
        let n = max(1, threads)
        DispatchQueue.concurrentPerform(iterations: n) { t in
            var buffer = tail
            var digest = [UInt8](repeating: 0, count: 32)
            var nonce = UInt64(t)
            var count: UInt64 = 0
            let nonceAt = BlockHeader.nonceOffset - 128
            while true {
                buffer.withUnsafeMutableBytes { $0.storeBytes(of: nonce.bigEndian, toByteOffset: nonceAt, as: UInt64.self) }
                mid.withUnsafeBufferPointer { m in
                    buffer.withUnsafeBufferPointer { b in
                        digest.withUnsafeMutableBufferPointer { d in kusari_sha256d_header_tail(m.baseAddress, b.baseAddress, d.baseAddress) }
                    }
                }
                count += 1
                let top = digest.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
                let hit = top != targetTop ? top < targetTop : ProofOfWork.meetsTarget(bigEndianHash: digest, target: target)
                if hit {
                    found.withLock { current in
                        if let c = current, c <= nonce { return }
                        current = nonce
                    }
                    break
                }
                nonce &+= UInt64(n)
                if count & 0xfff == 0 && (shouldStop() || found.withLock({ $0 != nil })) { break }
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
