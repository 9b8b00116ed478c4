import Crypto

/// A 32-byte hash value (SHA-256 or SHA-256d), stored inline without allocation.
///
/// Ordering is lexicographic on the bytes, which equals numeric order when the
/// bytes are read as a big-endian 256-bit number.
public struct Hash256: Hashable, Comparable, Sendable, CustomStringConvertible {
    // The 32 bytes in memory order (not numeric words).
    @usableFromInline var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The all-zero hash, used as the previous id of a genesis block and as the
    /// hash of an empty subtree in the state tree.
    public static let zero = Hash256(w0: 0, w1: 0, w2: 0, w3: 0)

    @usableFromInline init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Creates a hash from exactly 32 bytes; returns nil for any other length.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 32 else { return nil }
        self = .zero
        withUnsafeMutableBytes(of: &self) { dst in
            var i = 0
            for b in bytes { dst[i] = b; i += 1 }
        }
    }

    /// Creates a hash from a raw buffer of exactly 32 bytes.
    @inlinable
    public init(unsafeBytes src: UnsafeRawBufferPointer) {
        precondition(src.count == 32, "Hash256 needs 32 bytes")
        w0 = src.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        w1 = src.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = src.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w3 = src.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    /// Parses 64 hex digits.
    public init(hex: String, field: String = "hash") throws(HexError) {
        let bytes = try Hex.decode(hex, count: 32, field: field)
        self = Hash256(bytes: bytes) ?? .zero
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { Swift.withUnsafeBytes(of: self) { Array($0) } }

    /// Lowercase hex of the 32 bytes.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    /// Calls `body` with the 32 bytes.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: self, body)
    }

    public static func < (a: Hash256, b: Hash256) -> Bool {
        let a0 = UInt64(bigEndian: a.w0), b0 = UInt64(bigEndian: b.w0)
        if a0 != b0 { return a0 < b0 }
        let a1 = UInt64(bigEndian: a.w1), b1 = UInt64(bigEndian: b.w1)
        if a1 != b1 { return a1 < b1 }
        let a2 = UInt64(bigEndian: a.w2), b2 = UInt64(bigEndian: b.w2)
        if a2 != b2 { return a2 < b2 }
        return UInt64(bigEndian: a.w3) < UInt64(bigEndian: b.w3)
    }

    /// SHA-256 of `data`.
    @inlinable
    public static func sha256(_ data: UnsafeRawBufferPointer) -> Hash256 {
        var hasher = SHA256()
        hasher.update(bufferPointer: data)
        return hasher.finalize().withUnsafeBytes { Hash256(unsafeBytes: $0) }
    }

    /// SHA-256 of a byte array.
    public static func sha256(_ bytes: [UInt8]) -> Hash256 {
        bytes.withUnsafeBytes { sha256($0) }
    }

    /// SHA-256 applied twice (Bitcoin's SHA-256d), used for block ids.
    public static func sha256d(_ bytes: [UInt8]) -> Hash256 {
        let first = bytes.withUnsafeBytes { sha256($0) }
        return first.withUnsafeBytes { sha256($0) }
    }

    /// SHA-256 of a one-byte tag followed by two hashes: the inner-node rule of
    /// Kusari's Merkle and state trees.
    @inlinable
    public static func node(tag: UInt8, _ left: Hash256, _ right: Hash256) -> Hash256 {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buffer in
            buffer[0] = tag
            buffer.storeBytes(of: left, toByteOffset: 1, as: Hash256.self)
            buffer.storeBytes(of: right, toByteOffset: 33, as: Hash256.self)
            return sha256(UnsafeRawBufferPointer(buffer))
        }
    }
}
