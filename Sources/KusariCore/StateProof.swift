/// A proof of one account's state (or of its absence) against a state root.
///
/// Walking from the root along the key's bits, `siblings` holds the hash of
/// the other child at each depth (top first). The walk ends at `terminal`:
/// the key's own leaf (inclusion), an empty subtree (absence), or the leaf of
/// another key that shares the path so far (absence).
public struct StateProof: Hashable, Sendable {
    /// Where the walk down the tree ended.
    public enum Terminal: Hashable, Sendable {
        /// The key's leaf, holding this account.
        case account(Account)
        /// An empty subtree: the key has no account.
        case empty
        /// Another key's leaf lies where the key's would be: the key has no account.
        case otherLeaf(key: AddressPayload, account: Account)
    }

    public var key: AddressPayload
    public var siblings: [Hash256]
    public var terminal: Terminal

    public init(key: AddressPayload, siblings: [Hash256], terminal: Terminal) {
        self.key = key
        self.siblings = siblings
        self.terminal = terminal
    }

    /// The account the proof shows (empty for a proof of absence).
    public var account: Account {
        if case .account(let a) = terminal { return a }
        return .empty
    }

    /// True when the proof hashes up to `root`.
    public func verify(root: Hash256) -> Bool {
        guard siblings.count <= 160 else { return false }
        var h: Hash256
        switch terminal {
        case .account(let a):
            guard !a.isEmpty else { return false }
            h = Account.leafHash(key: key, value: a)
        case .empty:
            h = .zero
        case .otherLeaf(let other, let a):
            guard other != key, !a.isEmpty else { return false }
            for d in 0..<siblings.count where other.bit(d) != key.bit(d) { return false }
            h = Account.leafHash(key: other, value: a)
        }
        for depth in stride(from: siblings.count - 1, through: 0, by: -1) {
            h = key.bit(depth) ? Hash256.node(tag: 0x01, siblings[depth], h)
                               : Hash256.node(tag: 0x01, h, siblings[depth])
        }
        return h == root
    }
}
