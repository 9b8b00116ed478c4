#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A map from byte-string keys to values, kept in bytewise key order, with lookups,
/// changes and the step to a key's successor in O(log n) expected time.
///
/// It is a treap whose nodes are shared between copies: a copy costs nothing, and a change
/// copies only the nodes on its path that another copy still holds (a node held by one map
/// alone is changed in place). So a storage that a block changes in k keys costs the new
/// version O(k log n), not O(n). Its shape follows random priorities (a seeded hash of each
/// key, so that nobody can choose keys that unbalance it); the shape is never hashed, and
/// every order a caller sees is the keys' bytewise order, the same on every node.
public struct SortedByteMap<Value: Sendable>: Sendable {
    final class Node: @unchecked Sendable {
        // Mutated only while the node is uniquely referenced (see `unique`), so shared
        // nodes are immutable and a copy of the map may cross threads.
        var key: [UInt8]
        var value: Value
        let priority: Int
        var left: Node?
        var right: Node?

        init(key: [UInt8], value: Value, priority: Int, left: Node? = nil, right: Node? = nil) {
            self.key = key
            self.value = value
            self.priority = priority
            self.left = left
            self.right = right
        }

        func copy() -> Node { Node(key: key, value: value, priority: priority, left: left, right: right) }
    }

    private var root: Node?
    /// The number of keys.
    public private(set) var count: Int = 0

    /// An empty map.
    public init() {}

    /// True when the map holds no key.
    public var isEmpty: Bool { count == 0 }

    /// The value under `key`, or nil.
    public func value(_ key: [UInt8]) -> Value? {
        var node = root
        while let n = node {
            let c = Self.compare(key, n.key)
            if c == 0 { return n.value }
            node = c < 0 ? n.left : n.right
        }
        return nil
    }

    /// Sets the value under `key`.
    public mutating func set(_ key: [UInt8], _ value: Value) {
        var h = Hasher()
        key.withUnsafeBytes { h.combine(bytes: $0) }
        if Self.insert(into: &root, key: key, value: value, priority: h.finalize()) { count += 1 }
    }

    /// Removes `key`; returns its value, or nil when it was absent.
    @discardableResult
    public mutating func remove(_ key: [UInt8]) -> Value? {
        let removed = Self.remove(from: &root, key: key)
        if removed != nil { count -= 1 }
        return removed
    }

    /// Calls `body` with every entry whose key is at least `lower` (after `lower` when
    /// `inclusive` is false), in key order, until it returns false.
    public func forEach(from lower: [UInt8], inclusive: Bool = true, _ body: ([UInt8], Value) throws -> Bool) rethrows {
        var stack: [Node] = []
        var node = root
        while let n = node {
            let c = Self.compare(n.key, lower)
            if c > 0 || (c == 0 && inclusive) {
                stack.append(n)
                node = n.left
            } else {
                node = n.right
            }
        }
        while let n = stack.popLast() {
            guard try body(n.key, n.value) else { return }
            var next = n.right
            while let m = next {
                stack.append(m)
                next = m.left
            }
        }
    }

    /// Every entry in key order.
    public var all: [([UInt8], Value)] {
        var out: [([UInt8], Value)] = []
        out.reserveCapacity(count)
        forEach(from: []) { k, v in out.append((k, v)); return true }
        return out
    }

    /// -1, 0 or 1 as `a` sorts before, equal to or after `b` bytewise (a proper prefix first).
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in memcmp(pa.baseAddress!, pb.baseAddress!, common) } }
            if order != 0 { return order < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
    }

    /// Makes `node` safe to change: itself when nothing else holds it, else a copy.
    private static func unique(_ node: inout Node) {
        if !isKnownUniquelyReferenced(&node) { node = node.copy() }
    }

    /// Inserts or replaces; true when the key is new.
    private static func insert(into slot: inout Node?, key: [UInt8], value: Value, priority: Int) -> Bool {
        guard var n = slot else {
            slot = Node(key: key, value: value, priority: priority)
            return true
        }
        slot = nil   // so that `n` is the only reference when the map alone held the node
        unique(&n)
        let c = compare(key, n.key)
        var added = false
        if c == 0 {
            n.value = value
        } else if c < 0 {
            added = insert(into: &n.left, key: key, value: value, priority: priority)
            if let l = n.left, l.priority > n.priority {   // rotate right: `l` is unique (just made so)
                n.left = l.right
                l.right = n
                n = l
            }
        } else {
            added = insert(into: &n.right, key: key, value: value, priority: priority)
            if let r = n.right, r.priority > n.priority {   // rotate left
                n.right = r.left
                r.left = n
                n = r
            }
        }
        slot = n
        return added
    }

    private static func remove(from slot: inout Node?, key: [UInt8]) -> Value? {
        guard var n = slot else { return nil }
        slot = nil
        unique(&n)
        let c = compare(key, n.key)
        if c == 0 {
            let l = n.left, r = n.right
            n.left = nil
            n.right = nil
            slot = merge(l, r)
            return n.value
        }
        let removed = c < 0 ? remove(from: &n.left, key: key) : remove(from: &n.right, key: key)
        slot = n
        return removed
    }

    /// The treap holding `a`'s keys and `b`'s keys, every key of `a` below every key of `b`.
    private static func merge(_ a: Node?, _ b: Node?) -> Node? {
        guard var a else { return b }
        guard var b else { return a }
        if a.priority > b.priority {
            unique(&a)
            let right = a.right
            a.right = nil
            a.right = merge(right, b)
            return a
        }
        unique(&b)
        let left = b.left
        b.left = nil
        b.left = merge(a, left)
        return b
    }
}
