#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One contract's storage: an authenticated map from byte keys to byte values
/// (docs/protocol.md 10.5).
///
/// The authenticated part is a compact sparse Merkle tree (``CompactTree``) keyed
/// by SHA-256 of each key, so paths are short whatever the keys look like; its leaf
/// is SHA-256(0x00 || SHA-256(key) || SHA-256(value)). Beside it the entries are
/// kept in bytewise key order, for reads and for iteration by prefix (the order is
/// a function of the authenticated set, so every node iterates alike).
public struct StorageTree: Sendable, Equatable {
    let tree: CompactTree<StorageLeaf>
    /// Every entry, sorted by key (bytewise).
    public private(set) var entries: [StorageEntry]

    /// Empty storage.
    public init() { tree = CompactTree(); entries = [] }

    /// Storage holding `entries` (any order; a key given twice keeps its last value).
    public init(entries: [StorageEntry]) { self = StorageTree().updating(entries.map { ($0.key, $0.value) }) }

    private init(tree: CompactTree<StorageLeaf>, entries: [StorageEntry]) {
        self.tree = tree
        self.entries = entries
    }

    /// The storage root (zero when empty).
    public var root: Hash256 { tree.root }

    /// The number of keys stored.
    public var count: Int { entries.count }

    public var isEmpty: Bool { entries.isEmpty }

    public static func == (a: StorageTree, b: StorageTree) -> Bool { a.root == b.root }

    /// The index of the first entry whose key is not below `key`.
    func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if Self.precedes(entries[mid].key, key) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Whether `a` sorts before `b` bytewise (a proper prefix first): the same answer as
    /// `lexicographicallyPrecedes`, by `memcmp` rather than element by element.
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let common = min(a.count, b.count)
        let order = common == 0 ? 0 : a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in memcmp(pa.baseAddress!, pb.baseAddress!, common) } }
        return order != 0 ? order < 0 : a.count < b.count
    }

    /// The value under `key`, or nil.
    public func value(_ key: [UInt8]) -> [UInt8]? {
        let i = lowerBound(key)
        return i < entries.count && entries[i].key == key ? entries[i].value : nil
    }

    /// The smallest key that starts with `prefix` and sorts after `after` (or after
    /// nothing when nil); nil when there is none.
    public func next(prefix: [UInt8], after: [UInt8]?) -> [UInt8]? {
        var i = lowerBound(after.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix)
        if let after, i < entries.count, entries[i].key == after { i += 1 }
        guard i < entries.count, entries[i].key.starts(with: prefix) else { return nil }
        return entries[i].key
    }

    /// Every entry whose key starts with `prefix`, in key order.
    public func entries(prefix: [UInt8]) -> ArraySlice<StorageEntry> {
        let start = lowerBound(prefix)
        var end = start
        while end < entries.count, entries[end].key.starts(with: prefix) { end += 1 }
        return entries[start..<end]
    }

    /// New storage with `changes` applied (nil removes a key). The order of `changes`
    /// does not matter; a key given twice keeps its last value.
    public func updating(_ changes: [([UInt8], [UInt8]?)]) -> StorageTree {
        guard !changes.isEmpty else { return self }
        var latest: [[UInt8]: [UInt8]?] = [:]
        for (k, v) in changes { latest[k] = .some(v) }
        let sortedChanges = latest.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        // Merge the sorted changes into the sorted entries.
        var merged: [StorageEntry] = []
        merged.reserveCapacity(entries.count + sortedChanges.count)
        var i = 0
        for (key, value) in sortedChanges {
            while i < entries.count && entries[i].key.lexicographicallyPrecedes(key) { merged.append(entries[i]); i += 1 }
            if i < entries.count && entries[i].key == key { i += 1 }
            if let value { merged.append(StorageEntry(key: key, value: value)) }
        }
        merged.append(contentsOf: entries[i...])
        let leaves = sortedChanges.map { (Hash256.sha256($0.key), StorageLeaf(value: $0.value)) }
        return StorageTree(tree: tree.updating(leaves), entries: merged)
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
