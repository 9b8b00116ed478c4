/// The account state as an authenticated map from address payload to account,
/// with each contract's storage beside it (its root is in the contract's account).
///
/// It is a binary sparse Merkle tree over the 160 bits of the key, kept
/// compact: an empty subtree hashes to 32 zero bytes, and a subtree holding a
/// single account is that account's leaf, lifted to where it is alone. So the
/// tree's depth is about log2(accounts), and updating k accounts costs
/// O(k x depth) hashes. The root depends only on the set of accounts, never on
/// the order of updates.
///
/// - leaf: SHA-256(0x00 || key (20) || balance u64 || nonce u64), or for a contract
///   SHA-256(0x02 || key || balance || nonce || codeHash || storageRoot)
/// - node: SHA-256(0x01 || left || right)
///
/// The tree itself is a ``CompactTree`` of ``Account``s.
///
/// The tree is persistent: an update returns a new tree sharing unchanged
/// nodes with the old one, so keeping an earlier state costs little.
public struct StateTree: Sendable {
    let accounts: CompactTree<Account>
    /// Each contract's storage by contract address (contracts with empty storage are absent).
    let storages: [AddressPayload: StorageTree]
    /// Contract code by code hash (the accounts hold only the hashes; code is never removed).
    let codes: [Hash256: [UInt8]]

    /// The empty state.
    public init() { accounts = CompactTree(); storages = [:]; codes = [:] }
    init(accounts: CompactTree<Account>, storages: [AddressPayload: StorageTree], codes: [Hash256: [UInt8]]) {
        self.accounts = accounts
        self.storages = storages
        self.codes = codes
    }

    /// The code whose hash is `hash`, if this state knows it.
    public func code(_ hash: Hash256) -> [UInt8]? { codes[hash] }

    /// This state with `code` known (keyed by the hash given, which the caller computed).
    public func adding(code: [(Hash256, [UInt8])]) -> StateTree {
        guard !code.isEmpty else { return self }
        var codes = self.codes
        for (hash, bytes) in code { codes[hash] = bytes }
        return StateTree(accounts: accounts, storages: storages, codes: codes)
    }

    /// The state root: the hash of the whole tree.
    public var root: Hash256 { accounts.root }

    /// The number of non-empty accounts.
    public var count: Int { accounts.count }

    /// The account stored under `key` (the empty account when absent).
    public func account(_ key: AddressPayload) -> Account { accounts.value(key) }

    /// The storage of the contract at `key` (empty for any other account).
    public func storage(_ key: AddressPayload) -> StorageTree { storages[key] ?? StorageTree() }

    /// The contracts that store anything, in key order.
    public var contractsWithStorage: [AddressPayload] { storages.keys.sorted() }

    /// A new tree with `changes` applied; an empty account removes its key.
    /// The order of `changes` does not matter; a key given twice keeps its last value.
    public func updating(_ changes: [(AddressPayload, Account)]) -> StateTree {
        guard !changes.isEmpty else { return self }
        return StateTree(accounts: accounts.updating(changes), storages: storages, codes: codes)
    }

    /// A new tree with `changes` applied to the accounts and `storage` to the contracts'
    /// storage (nil removes a key). Each contract whose storage changes gets the new
    /// storage root in its account, so the caller never sets `storageRoot` itself.
    public func updating(_ changes: [(AddressPayload, Account)], storage: [(AddressPayload, [([UInt8], [UInt8]?)])]) -> StateTree {
        guard !storage.isEmpty else { return updating(changes) }
        var storages = self.storages
        var latest: [AddressPayload: Account] = [:]
        for (k, a) in changes { latest[k] = a }
        var all = changes
        for (contract, writes) in storage where !writes.isEmpty {
            let updated = (storages[contract] ?? StorageTree()).updating(writes)
            storages[contract] = updated.isEmpty ? nil : updated
            var account = latest[contract] ?? self.account(contract)
            account.storageRoot = updated.root
            latest[contract] = account
            all.append((contract, account))
        }
        return StateTree(accounts: accounts.updating(all), storages: storages, codes: codes)
    }

    /// A tree holding `accounts` (built bottom-up in one pass).
    public init(accounts: [(AddressPayload, Account)]) {
        self = StateTree().updating(accounts)
    }

    /// A tree holding `accounts` and the contracts' `storage` (each contract's
    /// `storageRoot` is computed from its entries).
    public init(accounts: [(AddressPayload, Account)], storage: [(AddressPayload, [StorageEntry])]) {
        self = StateTree().updating(accounts, storage: storage.map { ($0.0, $0.1.map { ($0.key, $0.value) }) })
    }

    /// Every non-empty account in key order.
    public func forEach(_ body: (AddressPayload, Account) throws -> Void) rethrows {
        try accounts.forEach(body)
    }

    /// A proof of the account under `key` (inclusion when it exists, absence
    /// otherwise), checkable against `root` alone.
    public func proof(for key: AddressPayload) -> StateProof {
        let (siblings, leaf) = accounts.path(to: key)
        let terminal: StateProof.Terminal
        if let (k, a) = leaf {
            terminal = k == key ? .account(a) : .otherLeaf(key: k, account: a)
        } else {
            terminal = .empty
        }
        return StateProof(key: key, siblings: siblings, terminal: terminal)
    }

    /// How many nodes of this tree are not shared with `old` at the same place:
    /// about the number of hashes an update from `old` to this tree computed.
    public func nodesAdded(since old: StateTree) -> Int { accounts.nodesAdded(since: old.accounts) }
}
