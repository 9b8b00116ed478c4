/// The account state as an authenticated map from address payload to account.
///
/// It is a binary sparse Merkle tree over the 160 bits of the key, kept
/// compact: an empty subtree hashes to 32 zero bytes, and a subtree holding a
/// single account is that account's leaf, lifted to where it is alone. So the
/// tree's depth is about log2(accounts), and updating k accounts costs
/// O(k x depth) hashes. The root depends only on the set of accounts, never on
/// the order of updates.
///
/// - leaf: SHA-256(0x00 || key (20) || balance u64 || nonce u64)
/// - node: SHA-256(0x01 || left || right)
///
/// The tree is persistent: an update returns a new tree sharing unchanged
/// nodes with the old one, so keeping an earlier state costs little.
public struct StateTree: Sendable {
    let top: StateTreeNode?

    /// The empty state.
    public init() { top = nil }
    init(top: StateTreeNode?) { self.top = top }

    /// The state root: the hash of the whole tree.
    public var root: Hash256 { top?.hash ?? .zero }

    /// The number of non-empty accounts.
    public var count: Int { top?.leafCount ?? 0 }

    /// The account stored under `key` (the empty account when absent).
    public func account(_ key: AddressPayload) -> Account {
        var node = top
        var depth = 0
        while let n = node {
            if n.isLeaf { return n.key == key ? n.account : .empty }
            node = key.bit(depth) ? n.right : n.left
            depth += 1
        }
        return .empty
    }

    /// A new tree with `changes` applied; an empty account removes its key.
    /// The order of `changes` does not matter; a key given twice keeps its last value.
    public func updating(_ changes: [(AddressPayload, Account)]) -> StateTree {
        guard !changes.isEmpty else { return self }
        var sorted = changes.enumerated().map { ($0.element.0, $0.element.1, $0.offset) }
        sorted.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.2 < $1.2 }
        var unique: [(AddressPayload, Account)] = []
        unique.reserveCapacity(sorted.count)
        for (k, a, _) in sorted {
            if let last = unique.last, last.0 == k { unique[unique.count - 1] = (k, a) } else { unique.append((k, a)) }
        }
        return unique.withUnsafeBufferPointer { StateTree(top: Self.update(top, depth: 0, $0[...])) }
    }

    /// A tree holding `accounts` (built bottom-up in one pass).
    public init(accounts: [(AddressPayload, Account)]) {
        self = StateTree().updating(accounts)
    }

    /// Every non-empty account in key order.
    public func forEach(_ body: (AddressPayload, Account) throws -> Void) rethrows {
        func walk(_ n: StateTreeNode?) throws {
            guard let n else { return }
            if n.isLeaf { try body(n.key, n.account) } else { try walk(n.left); try walk(n.right) }
        }
        try walk(top)
    }

    // MARK: - Update

    typealias Changes = Slice<UnsafeBufferPointer<(AddressPayload, Account)>>

    static func update(_ node: StateTreeNode?, depth: Int, _ changes: Changes) -> StateTreeNode? {
        if changes.isEmpty { return node }
        guard let node else { return build(depth: depth, changes) }
        if node.isLeaf {
            // Merge the existing leaf with the changes, unless a change replaces it.
            if changes.contains(where: { $0.0 == node.key }) { return build(depth: depth, changes) }
            var merged = Array(changes)
            let at = merged.firstIndex { node.key < $0.0 } ?? merged.count
            merged.insert((node.key, node.account), at: at)
            return merged.withUnsafeBufferPointer { build(depth: depth, $0[...]) }
        }
        let split = changes.firstIndex { $0.0.bit(depth) } ?? changes.endIndex
        let left = update(node.left, depth: depth + 1, changes[changes.startIndex..<split])
        let right = update(node.right, depth: depth + 1, changes[split..<changes.endIndex])
        if left === node.left && right === node.right { return node }
        return branch(left, right)
    }

    /// A subtree of the non-empty accounts among `items` (sorted, unique keys
    /// that share their first `depth` bits).
    static func build(depth: Int, _ items: Changes) -> StateTreeNode? {
        if items.contains(where: { $0.1.isEmpty }) {
            let kept = items.filter { !$0.1.isEmpty }
            return kept.withUnsafeBufferPointer { buildLive(depth: depth, $0[...]) }
        }
        return buildLive(depth: depth, items)
    }

    private static func buildLive(depth: Int, _ items: Changes) -> StateTreeNode? {
        switch items.count {
        case 0: return nil
        case 1: return StateTreeNode(leaf: items[items.startIndex].0, account: items[items.startIndex].1)
        default:
            let split = items.firstIndex { $0.0.bit(depth) } ?? items.endIndex
            return branch(buildLive(depth: depth + 1, items[items.startIndex..<split]),
                          buildLive(depth: depth + 1, items[split..<items.endIndex]))
        }
    }

    /// Joins two subtrees, lifting a lone leaf so the tree stays canonical.
    static func branch(_ left: StateTreeNode?, _ right: StateTreeNode?) -> StateTreeNode? {
        switch (left, right) {
        case (nil, nil): return nil
        case (nil, let r?) where r.isLeaf: return r
        case (let l?, nil) where l.isLeaf: return l
        default: return StateTreeNode(left: left, right: right)
        }
    }

    // MARK: - Proofs

    /// A proof of the account under `key` (inclusion when it exists, absence
    /// otherwise), checkable against `root` alone.
    public func proof(for key: AddressPayload) -> StateProof {
        var siblings: [Hash256] = []
        var node = top
        var depth = 0
        while let n = node, !n.isLeaf {
            let goRight = key.bit(depth)
            siblings.append((goRight ? n.left : n.right)?.hash ?? .zero)
            node = goRight ? n.right : n.left
            depth += 1
        }
        let terminal: StateProof.Terminal
        if let leaf = node {
            terminal = leaf.key == key ? .account(leaf.account) : .otherLeaf(key: leaf.key, account: leaf.account)
        } else {
            terminal = .empty
        }
        return StateProof(key: key, siblings: siblings, terminal: terminal)
    }
}

/// One node of the state tree: a leaf (one account) or a branch with a hash
/// over its two children. Immutable, shared between tree versions.
final class StateTreeNode: Sendable {
    let hash: Hash256
    let isLeaf: Bool
    let key: AddressPayload
    let account: Account
    let left: StateTreeNode?
    let right: StateTreeNode?
    let leafCount: Int

    init(leaf key: AddressPayload, account: Account) {
        self.hash = StateTreeNode.leafHash(key: key, account: account)
        self.isLeaf = true
        self.key = key
        self.account = account
        self.left = nil
        self.right = nil
        self.leafCount = 1
    }

    init(left: StateTreeNode?, right: StateTreeNode?) {
        self.hash = Hash256.node(tag: 0x01, left?.hash ?? .zero, right?.hash ?? .zero)
        self.isLeaf = false
        self.key = .zero
        self.account = .empty
        self.left = left
        self.right = right
        self.leafCount = (left?.leafCount ?? 0) + (right?.leafCount ?? 0)
    }

    /// SHA-256(0x00 || key || balance || nonce).
    static func leafHash(key: AddressPayload, account: Account) -> Hash256 {
        withUnsafeTemporaryAllocation(byteCount: 37, alignment: 8) { buffer in
            buffer[0] = 0x00
            buffer.storeBytes(of: key, toByteOffset: 1, as: AddressPayload.self)
            buffer.storeBytes(of: account.balance.bigEndian, toByteOffset: 21, as: UInt64.self)
            buffer.storeBytes(of: account.nonce.bigEndian, toByteOffset: 29, as: UInt64.self)
            return Hash256.sha256(UnsafeRawBufferPointer(buffer))
        }
    }
}

extension StateTree {
    /// How many nodes of this tree are not shared with `old` at the same place:
    /// about the number of hashes an update from `old` to this tree computed.
    public func nodesAdded(since old: StateTree) -> Int {
        func count(_ new: StateTreeNode?, _ old: StateTreeNode?) -> Int {
            guard let new else { return 0 }
            if new === old { return 0 }
            if new.isLeaf { return 1 }
            let oldBranch = (old?.isLeaf == false) ? old : nil
            return 1 + count(new.left, oldBranch?.left) + count(new.right, oldBranch?.right)
        }
        return count(top, old.top)
    }
}
