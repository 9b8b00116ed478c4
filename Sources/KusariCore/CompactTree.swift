/// A key of a compact sparse Merkle tree: a fixed-length string of bits, ordered
/// as those bits read as a big-endian number.
public protocol CompactTreeKey: Hashable, Comparable, Sendable {
    /// Bit `index`, counting from the most significant bit of the first byte.
    func bit(_ index: Int) -> Bool
    /// How many bits a key has (two distinct keys differ within them).
    static var bitCount: Int { get }
    /// The all-zero key (held, never read, by inner nodes).
    static var zero: Self { get }
}

/// A value kept in a compact sparse Merkle tree, with the hash of its leaf.
public protocol CompactTreeValue: Sendable {
    associatedtype Key: CompactTreeKey
    /// An empty value is the same as no value: it is absent from the tree.
    var isEmpty: Bool { get }
    /// The hash of the leaf holding `value` under `key`.
    static func leafHash(key: Key, value: Self) -> Hash256
    /// The value of a key never set.
    static var empty: Self { get }
}

/// The compact sparse Merkle tree of docs/protocol.md 10.3, for any key and leaf:
/// an empty subtree hashes to 32 zero bytes, a subtree holding one value is that
/// value's leaf lifted to where it is alone, and an inner node is
/// SHA-256(0x01 || left || right). The account state (``StateTree``) and each
/// contract's storage (``StorageTree``) are such trees.
///
/// Persistent: an update returns a new tree sharing unchanged nodes with the old.
public struct CompactTree<Value: CompactTreeValue>: Sendable {
    public typealias Key = Value.Key
    let top: CompactTreeNode<Value>?

    /// The empty tree.
    public init() { top = nil }
    init(top: CompactTreeNode<Value>?) { self.top = top }

    /// The root hash.
    public var root: Hash256 { top?.hash ?? .zero }

    /// The number of non-empty values.
    public var count: Int { top?.leafCount ?? 0 }

    /// The value under `key` (empty when absent).
    public func value(_ key: Key) -> Value {
        var node = top
        var depth = 0
        while let n = node {
            if n.isLeaf { return n.key == key ? n.value : .empty }
            node = key.bit(depth) ? n.right : n.left
            depth += 1
        }
        return .empty
    }

    /// A new tree with `changes` applied; an empty value removes its key.
    /// The order of `changes` does not matter; a key given twice keeps its last value.
    public func updating(_ changes: [(Key, Value)]) -> CompactTree {
        guard !changes.isEmpty else { return self }
        var sorted = changes.enumerated().map { ($0.element.0, $0.element.1, $0.offset) }
        sorted.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.2 < $1.2 }
        var unique: [(Key, Value)] = []
        unique.reserveCapacity(sorted.count)
        for (k, v, _) in sorted {
            if let last = unique.last, last.0 == k { unique[unique.count - 1] = (k, v) } else { unique.append((k, v)) }
        }
        return unique.withUnsafeBufferPointer { CompactTree(top: Self.update(top, depth: 0, $0[...])) }
    }

    /// Every non-empty value in key order.
    public func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        func walk(_ n: CompactTreeNode<Value>?) throws {
            guard let n else { return }
            if n.isLeaf { try body(n.key, n.value) } else { try walk(n.left); try walk(n.right) }
        }
        try walk(top)
    }

    /// The walk to `key`: the siblings top-down and the leaf where it ended (nil for an empty subtree).
    public func path(to key: Key) -> (siblings: [Hash256], leaf: (Key, Value)?) {
        var siblings: [Hash256] = []
        var node = top
        var depth = 0
        while let n = node, !n.isLeaf {
            let goRight = key.bit(depth)
            siblings.append((goRight ? n.left : n.right)?.hash ?? .zero)
            node = goRight ? n.right : n.left
            depth += 1
        }
        return (siblings, node.map { ($0.key, $0.value) })
    }

    /// Hashes a leaf hash up the `siblings` (top-down) along `key`'s bits: the root a proof claims.
    public static func root(from leaf: Hash256, key: Key, siblings: [Hash256]) -> Hash256 {
        var h = leaf
        for depth in stride(from: siblings.count - 1, through: 0, by: -1) {
            h = key.bit(depth) ? Hash256.node(tag: 0x01, siblings[depth], h)
                               : Hash256.node(tag: 0x01, h, siblings[depth])
        }
        return h
    }

    // MARK: - Update

    typealias Changes = Slice<UnsafeBufferPointer<(Key, Value)>>

    static func update(_ node: CompactTreeNode<Value>?, depth: Int, _ changes: Changes) -> CompactTreeNode<Value>? {
        if changes.isEmpty { return node }
        guard let node else { return build(depth: depth, changes) }
        if node.isLeaf {
            // Merge the existing leaf with the changes, unless a change replaces it.
            if changes.contains(where: { $0.0 == node.key }) { return build(depth: depth, changes) }
            var merged = Array(changes)
            let at = merged.firstIndex { node.key < $0.0 } ?? merged.count
            merged.insert((node.key, node.value), at: at)
            return merged.withUnsafeBufferPointer { build(depth: depth, $0[...]) }
        }
        let split = changes.firstIndex { $0.0.bit(depth) } ?? changes.endIndex
        let left = update(node.left, depth: depth + 1, changes[changes.startIndex..<split])
        let right = update(node.right, depth: depth + 1, changes[split..<changes.endIndex])
        if left === node.left && right === node.right { return node }
        return branch(left, right)
    }

    /// A subtree of the non-empty values among `items` (sorted, unique keys
    /// that share their first `depth` bits).
    static func build(depth: Int, _ items: Changes) -> CompactTreeNode<Value>? {
        if items.contains(where: { $0.1.isEmpty }) {
            let kept = items.filter { !$0.1.isEmpty }
            return kept.withUnsafeBufferPointer { buildLive(depth: depth, $0[...]) }
        }
        return buildLive(depth: depth, items)
    }

    private static func buildLive(depth: Int, _ items: Changes) -> CompactTreeNode<Value>? {
        switch items.count {
        case 0: return nil
        case 1: return CompactTreeNode(leaf: items[items.startIndex].0, value: items[items.startIndex].1)
        default:
            let split = items.firstIndex { $0.0.bit(depth) } ?? items.endIndex
            return branch(buildLive(depth: depth + 1, items[items.startIndex..<split]),
                          buildLive(depth: depth + 1, items[split..<items.endIndex]))
        }
    }

    /// Joins two subtrees, lifting a lone leaf so the tree stays canonical.
    static func branch(_ left: CompactTreeNode<Value>?, _ right: CompactTreeNode<Value>?) -> CompactTreeNode<Value>? {
        switch (left, right) {
        case (nil, nil): return nil
        case (nil, let r?) where r.isLeaf: return r
        case (let l?, nil) where l.isLeaf: return l
        default: return CompactTreeNode(left: left, right: right)
        }
    }

    /// How many nodes of this tree are not shared with `old` at the same place:
    /// about the number of hashes an update from `old` to this tree computed.
    public func nodesAdded(since old: CompactTree) -> Int {
        func count(_ new: CompactTreeNode<Value>?, _ old: CompactTreeNode<Value>?) -> Int {
            guard let new else { return 0 }
            if new === old { return 0 }
            if new.isLeaf { return 1 }
            let oldBranch = (old?.isLeaf == false) ? old : nil
            return 1 + count(new.left, oldBranch?.left) + count(new.right, oldBranch?.right)
        }
        return count(top, old.top)
    }
}

/// One node of a compact tree: a leaf (one value) or a branch with a hash
/// over its two children. Immutable, shared between tree versions.
final class CompactTreeNode<Value: CompactTreeValue>: Sendable {
    let hash: Hash256
    let isLeaf: Bool
    let key: Value.Key
    let value: Value
    let left: CompactTreeNode?
    let right: CompactTreeNode?
    let leafCount: Int

    init(leaf key: Value.Key, value: Value) {
        self.hash = Value.leafHash(key: key, value: value)
        self.isLeaf = true
        self.key = key
        self.value = value
        self.left = nil
        self.right = nil
        self.leafCount = 1
    }

    init(left: CompactTreeNode?, right: CompactTreeNode?) {
        self.hash = Hash256.node(tag: 0x01, left?.hash ?? .zero, right?.hash ?? .zero)
        self.isLeaf = false
        self.key = .zero   // an inner node's key and value are never read
        self.value = .empty
        self.left = left
        self.right = right
        self.leafCount = (left?.leafCount ?? 0) + (right?.leafCount ?? 0)
    }
}
