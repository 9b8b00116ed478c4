/// The transaction Merkle tree of a block, as RFC 6962 defines it: a leaf is
/// SHA-256(0x00 || transaction id), an inner node SHA-256(0x01 || left || right),
/// and a tree of n > 1 leaves splits at the largest power of two below n.
/// Because leaves and nodes are hashed apart and no leaf is ever duplicated,
/// two different lists of transactions cannot share a root (unlike Bitcoin's
/// tree, CVE-2012-2459).
public enum MerkleTree {
    /// The root of an empty tree: SHA-256 of no bytes.
    public static let emptyRoot = Hash256.sha256([])

    /// SHA-256(0x00 || item).
    public static func leafHash(_ item: Hash256) -> Hash256 {
        withUnsafeTemporaryAllocation(byteCount: 33, alignment: 8) { buffer in
            buffer[0] = 0x00
            buffer.storeBytes(of: item, toByteOffset: 1, as: Hash256.self)
            return Hash256.sha256(UnsafeRawBufferPointer(buffer))
        }
    }

    /// The root over `leaves` (transaction ids) in order.
    public static func root(leaves: [Hash256]) -> Hash256 {
        guard !leaves.isEmpty else { return emptyRoot }
        var level = leaves.map(leafHash)
        while level.count > 1 { level = nextLevel(level) }
        return level[0]
    }

    /// Pairs neighbours; a lone last node moves up unchanged. Level by level this
    /// gives exactly RFC 6962's split at the largest power of two.
    static func nextLevel(_ level: [Hash256]) -> [Hash256] {
        var next: [Hash256] = []
        next.reserveCapacity((level.count + 1) / 2)
        var i = 0
        while i + 1 < level.count {
            next.append(Hash256.node(tag: 0x01, level[i], level[i + 1]))
            i += 2
        }
        if i < level.count { next.append(level[i]) }
        return next
    }

    /// The inclusion proof (RFC 6962 audit path) of leaf `index`, or nil when
    /// the index is out of range.
    public static func proof(leaves: [Hash256], index: Int) -> MerkleProof? {
        guard index >= 0 && index < leaves.count else { return nil }
        var level = leaves.map(leafHash)
        var i = index
        var path: [Hash256] = []
        while level.count > 1 {
            if i % 2 == 1 { path.append(level[i - 1]) }
            else if i + 1 < level.count { path.append(level[i + 1]) }
            level = nextLevel(level)
            i /= 2
        }
        return MerkleProof(index: UInt64(index), treeSize: UInt64(leaves.count), path: path)
    }
}

/// A proof that an item is the leaf at `index` of a tree of `treeSize` leaves,
/// checkable with the root alone (RFC 9162 section 2.1.3.2).
public struct MerkleProof: Hashable, Sendable, Codable {
    public var index: UInt64
    public var treeSize: UInt64
    /// Sibling hashes from the leaf up.
    public var path: [Hash256]

    public init(index: UInt64, treeSize: UInt64, path: [Hash256]) {
        self.index = index
        self.treeSize = treeSize
        self.path = path
    }

    /// True when `item` at `index` hashes up to `root` through `path`.
    public func verify(item: Hash256, root: Hash256) -> Bool {
        guard index < treeSize else { return false }
        var fn = index, sn = treeSize - 1
        var r = MerkleTree.leafHash(item)
        for p in path {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = Hash256.node(tag: 0x01, p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = Hash256.node(tag: 0x01, r, p)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 && r == root
    }
}

extension Hash256: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do { self = try Hash256(hex: s) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}
