/// One contract's storage: an authenticated map from byte keys to byte values
/// (docs/protocol.md 10.5).
///
/// The authenticated part is a compact sparse Merkle tree (``CompactTree``) keyed
/// by SHA-256 of each key, so paths are short whatever the keys look like; its leaf
/// is SHA-256(0x00 || SHA-256(key) || SHA-256(value)). Beside it the entries are
/// kept in bytewise key order (a ``SortedByteMap``, whose versions share what they do
/// not change, so a block that writes k keys of a storage of n costs O(k log n), not
/// O(n)), for reads and for iteration by prefix (the order is a function of the
/// authenticated set, so every node iterates alike).
public struct StorageTree: Sendable, Equatable {
    let tree: CompactTree<StorageLeaf>
    /// Every entry, in key order.
    let map: SortedByteMap<[UInt8]>

    /// Empty storage.
    public init() { tree = CompactTree(); map = SortedByteMap() }

    /// Storage holding `entries` (any order; a key given twice keeps its last value).
    public init(entries: [StorageEntry]) { self = StorageTree().updating(entries.map { ($0.key, $0.value) }) }

    private init(tree: CompactTree<StorageLeaf>, map: SortedByteMap<[UInt8]>) {
        self.tree = tree
        self.map = map
    }

    /// The storage root (zero when empty).
    public var root: Hash256 { tree.root }

    /// The number of keys stored.
    public var count: Int { map.count }

    public var isEmpty: Bool { map.isEmpty }

    /// Every entry, sorted by key (bytewise). O(n): for iterating a whole storage.
    public var entries: [StorageEntry] { map.all.map { StorageEntry(key: $0.0, value: $0.1) } }

    public static func == (a: StorageTree, b: StorageTree) -> Bool { a.root == b.root }

    /// Whether `a` sorts before `b` bytewise (a proper prefix first): the same answer as
    /// `lexicographicallyPrecedes`, by `memcmp` rather than element by element.
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool { SortedByteMap<[UInt8]>.compare(a, b) < 0 }

    /// The value under `key`, or nil.
    public func value(_ key: [UInt8]) -> [UInt8]? { map.value(key) }

    /// The smallest key that starts with `prefix` and sorts after `after` (or after
    /// nothing when nil); nil when there is none.
    public func next(prefix: [UInt8], after: [UInt8]?) -> [UInt8]? {
        let inclusive = after.map { $0.lexicographicallyPrecedes(prefix) } ?? true
        var found: [UInt8]? = nil
        map.forEach(from: inclusive ? prefix : after ?? prefix, inclusive: inclusive) { k, _ in
            if k.starts(with: prefix) { found = k }
            return false
        }
        return found
    }

    /// Every entry whose key starts with `prefix`, in key order.
    public func entries(prefix: [UInt8]) -> [StorageEntry] {
        var out: [StorageEntry] = []
        map.forEach(from: prefix) { k, v in
            guard k.starts(with: prefix) else { return false }
            out.append(StorageEntry(key: k, value: v))
            return true
        }
        return out
    }

    /// New storage with `changes` applied (nil removes a key). The order of `changes`
    /// does not matter; a key given twice keeps its last value. This storage is unchanged
    /// and shares every entry the changes leave alone.
    public func updating(_ changes: [([UInt8], [UInt8]?)]) -> StorageTree {
        guard !changes.isEmpty else { return self }
        var latest: [[UInt8]: [UInt8]?] = [:]
        for (k, v) in changes { latest[k] = .some(v) }
        let sortedChanges = latest.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var updated = map
        for (key, value) in sortedChanges {
            if let value { updated.set(key, value) } else { updated.remove(key) }
        }
        let leaves = sortedChanges.map { (Hash256.sha256($0.key), StorageLeaf(value: $0.value)) }
        return StorageTree(tree: tree.updating(leaves), map: updated)
    }

    /// A proof of `key`'s value (or of its absence) against ``root``.
    public func proof(for key: [UInt8]) -> StorageProof {
        let keyHash = Hash256.sha256(key)
        let (siblings, leaf) = tree.path(to: keyHash)
        let terminal: StorageProof.Terminal
        if let (k, v) = leaf, let value = v.value {
            terminal = k == keyHash ? .value(value) : .otherLeaf(keyHash: k, valueHash: Hash256.sha256(value))
        } else {
            terminal = .empty
        }
        return StorageProof(key: key, siblings: siblings, terminal: terminal)
    }
}

/// One stored key and its value.
public struct StorageEntry: Hashable, Sendable {
    public var key: [UInt8]
    public var value: [UInt8]

    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }
}

/// A leaf of the storage tree: the value (nil: absent). The key is SHA-256 of the stored key.
struct StorageLeaf: CompactTreeValue {
    var value: [UInt8]?

    static let empty = StorageLeaf(value: nil)
    var isEmpty: Bool { value == nil }

    /// SHA-256(0x00 || keyHash || SHA-256(value)).
    static func leafHash(key: Hash256, value leaf: StorageLeaf) -> Hash256 {
        Hash256.node(tag: 0x00, key, Hash256.sha256(leaf.value ?? []))
    }
}

/// A proof of one storage key's value (or of its absence) against a storage root: the
/// same walk as ``StateProof``, along the bits of SHA-256(key).
public struct StorageProof: Hashable, Sendable {
    /// Where the walk ended.
    public enum Terminal: Hashable, Sendable {
        /// The key's own leaf, holding this value.
        case value([UInt8])
        /// An empty subtree: the key is absent.
        case empty
        /// The leaf of another key lies on the path: the key is absent.
        case otherLeaf(keyHash: Hash256, valueHash: Hash256)
    }

    public var key: [UInt8]
    public var siblings: [Hash256]
    public var terminal: Terminal

    public init(key: [UInt8], siblings: [Hash256], terminal: Terminal) {
        self.key = key
        self.siblings = siblings
        self.terminal = terminal
    }

    /// The value the proof shows, or nil for a proof of absence.
    public var value: [UInt8]? {
        if case .value(let v) = terminal { return v }
        return nil
    }

    /// True when the proof hashes up to `root`.
    public func verify(root: Hash256) -> Bool {
        guard siblings.count <= 256 else { return false }
        let keyHash = Hash256.sha256(key)
        let leaf: Hash256
        switch terminal {
        case .value(let v):
            leaf = Hash256.node(tag: 0x00, keyHash, Hash256.sha256(v))
        case .empty:
            leaf = .zero
        case .otherLeaf(let other, let valueHash):
            guard other != keyHash else { return false }
            for d in 0..<siblings.count where other.bit(d) != keyHash.bit(d) { return false }
            leaf = Hash256.node(tag: 0x00, other, valueHash)
        }
        return CompactTree<StorageLeaf>.root(from: leaf, key: keyHash, siblings: siblings) == root
    }
}
