/// The accounts and contract storage a block touches while it is applied, over an
/// unchanged state: reads see the block's writes so far; at the end the changes go
/// into the state tree at once, and the values before them make the undo record.
///
/// Contract execution reads and writes through it (``ContractExecutor``), bracketing
/// each call with ``checkpoint()`` and ``commit(_:)`` or ``rollback(to:)``; checkpoints
/// nest, and a rollback undoes every write since its checkpoint.
public final class LedgerWorkspace {
    /// The state before the block.
    public let state: StateTree
    private var current: [AddressPayload: Account] = [:]
    private var before: [AddressPayload: Account] = [:]
    /// Storage writes by contract (nil: removed).
    private var storage: [AddressPayload: [StorageKey: [UInt8]?]] = [:]
    /// Storage values before the block, for the undo record (nil: absent).
    private var storageBefore: [AddressPayload: [StorageKey: [UInt8]?]] = [:]
    /// Code first stored by this block, by hash.
    public private(set) var newCode: [Hash256: [UInt8]] = [:]

    private enum JournalEntry {
        case account(AddressPayload, Account?)
        case storage(AddressPayload, [UInt8], [UInt8]??)
        case code(Hash256)
    }
    private var journal: [JournalEntry] = []
    private var openCheckpoints: [Int] = []

    public init(state: StateTree) { self.state = state }

    // MARK: - Accounts

    /// The account under `key`, with this block's changes.
    public func account(_ key: AddressPayload) -> Account { current[key] ?? state.account(key) }

    /// Sets the account under `key`.
    public func setAccount(_ key: AddressPayload, _ account: Account) {
        if before[key] == nil { before[key] = state.account(key) }
        if !openCheckpoints.isEmpty { journal.append(.account(key, current[key])) }
        current[key] = account
    }

    /// Adds `amount` to an account; refuses a balance over the supply cap.
    public func credit(_ key: AddressPayload, _ amount: UInt64) throws(TransactionError) {
        var acct = account(key)
        let (sum, overflow) = acct.balance.addingReportingOverflow(amount)
        guard !overflow, sum <= Amount.maxSupply else { throw .balanceOverflow }
        acct.balance = sum
        setAccount(key, acct)
    }

    /// Moves `amount` from `from` to `to`; false (nothing moved) when `from` holds less.
    public func transfer(from: AddressPayload, to: AddressPayload, amount: UInt64) -> Bool {
        var sender = account(from)
        guard sender.balance >= amount else { return false }
        guard amount > 0, from != to else { return true }
        var recipient = account(to)
        let (sum, overflow) = recipient.balance.addingReportingOverflow(amount)
        guard !overflow, sum <= Amount.maxSupply else { return false }
        sender.balance -= amount
        setAccount(from, sender)
        recipient.balance = sum
        setAccount(to, recipient)
        return true
    }

    // MARK: - Contract storage and code

    /// The value `contract` stores under `key`, with this block's writes.
    public func storageGet(_ contract: AddressPayload, key: [UInt8]) -> [UInt8]? {
        if let written = storage[contract]?[StorageKey(key)] { return written }
        return state.storage(contract).value(key)
    }

    /// Stores `value` (nil removes) under `key` for `contract`.
    public func storageSet(_ contract: AddressPayload, key: [UInt8], value: [UInt8]?) {
        let k = StorageKey(key)
        if storageBefore[contract]?[k] == nil {
            storageBefore[contract, default: [:]][k] = .some(state.storage(contract).value(key))
        }
        if !openCheckpoints.isEmpty { journal.append(.storage(contract, key, storage[contract]?[k])) }
        storage[contract, default: [:]][k] = .some(value)
    }

    /// How many entries the last ``storageNext(_:prefix:after:)`` looked at: stored keys this
    /// block removed that it stepped over, and this block's writes to the contract. Contract
    /// execution charges gas for each, so a scan's cost follows its work.
    public private(set) var entriesExaminedByLastNext = 0

    /// The smallest key of `contract` starting with `prefix` after `after` (or after
    /// nothing), with this block's writes; nil when there is none.
    public func storageNext(_ contract: AddressPayload, prefix: [UInt8], after: [UInt8]?) -> [UInt8]? {
        let base = state.storage(contract)
        let writes = storage[contract] ?? [:]
        var examined = 1 + writes.count
        defer { entriesExaminedByLastNext = examined }
        // The first stored key not removed by this block.
        var cursor = after
        var fromBase: [UInt8]? = nil
        while let k = base.next(prefix: prefix, after: cursor) {
            if let w = writes[StorageKey(k)], w == nil { cursor = k; examined += 1; continue }
            fromBase = k
            break
        }
        // The first key this block wrote.
        var fromWrites: [UInt8]? = nil
        for (wrapped, v) in writes where v != nil && wrapped.bytes.starts(with: prefix) {
            let k = wrapped.bytes
            if let after, !after.lexicographicallyPrecedes(k) { continue }
            if let best = fromWrites, !k.lexicographicallyPrecedes(best) { continue }
            fromWrites = k
        }
        switch (fromBase, fromWrites) {
        case (let b?, let w?): return b.lexicographicallyPrecedes(w) ? b : w
        case (let b?, nil): return b
        case (nil, let w): return w
        }
    }

    /// Every entry of `contract` whose key starts with `prefix`, with this block's writes,
    /// in bytewise key order: one pass over the stored range and one over the block's
    /// writes, for a native module that reads a range at once (the exchange's book).
    public func storageScan(_ contract: AddressPayload, prefix: [UInt8]) -> [StorageEntry] {
        let writes = storage[contract] ?? [:]
        var merged: [StorageEntry] = []
        for e in state.storage(contract).entries(prefix: prefix) where writes[StorageKey(e.key)] == nil {
            merged.append(e)
        }
        var written = false
        for (k, v) in writes where k.bytes.starts(with: prefix) {
            if let v { merged.append(StorageEntry(key: k.bytes, value: v)); written = true }
        }
        if written { merged.sort { StorageTree.precedes($0.key, $1.key) } }
        return merged
    }

    /// Records code stored by this block (accounts keep only its hash); a rollback past
    /// this point forgets it again.
    public func storeCode(_ code: [UInt8], hash: Hash256) {
        guard state.code(hash) == nil, newCode[hash] == nil else { return }
        if !openCheckpoints.isEmpty { journal.append(.code(hash)) }
        newCode[hash] = code
    }

    /// The code whose hash is `hash`, stored before or by this block.
    public func code(_ hash: Hash256) -> [UInt8]? { newCode[hash] ?? state.code(hash) }

    // MARK: - Code loaded by the block's calls

    /// What the contract executor keeps, by code hash, of code this block's calls loaded
    /// (opaque here: a module and an idle instance). Whether a call finds its code here
    /// decides its entry price (docs/protocol.md 18.5), so what is kept follows only the
    /// block's calls in order: not journaled, it lives exactly as long as the block's workspace.
    private var loaded: [Hash256: AnyObject] = [:]

    /// What the executor kept of the code `hash` during this block, or nil.
    public func loadedCode(_ hash: Hash256) -> AnyObject? { loaded[hash] }

    /// Keeps (nil: forgets) what the executor loaded of the code `hash`.
    public func setLoadedCode(_ hash: Hash256, _ value: AnyObject?) { loaded[hash] = value }

    /// How many codes are kept.
    public var loadedCodeCount: Int { loaded.count }

    // MARK: - Checkpoints

    /// Marks the current state; returns a token for ``commit(_:)`` or ``rollback(to:)``.
    public func checkpoint() -> Int {
        openCheckpoints.append(journal.count)
        return openCheckpoints.count - 1
    }

    /// Keeps everything since `checkpoint` (part of the enclosing checkpoint, if any).
    public func commit(_ checkpoint: Int) {
        guard checkpoint < openCheckpoints.count else { return }
        openCheckpoints.removeSubrange(checkpoint...)
        if openCheckpoints.isEmpty { journal.removeAll(keepingCapacity: true) }
    }

    /// Undoes everything since `checkpoint`.
    public func rollback(to checkpoint: Int) {
        guard checkpoint < openCheckpoints.count else { return }
        let start = openCheckpoints[checkpoint]
        openCheckpoints.removeSubrange(checkpoint...)
        while journal.count > start {
            switch journal.removeLast() {
            case .account(let key, let old): current[key] = old
            case .storage(let contract, let key, let old): storage[contract]?[StorageKey(key)] = old
            case .code(let hash): newCode[hash] = nil
            }
        }
        if openCheckpoints.isEmpty { journal.removeAll(keepingCapacity: true) }
    }

    // MARK: - Results

    /// The final value of every touched account, in key order.
    var changes: [(AddressPayload, Account)] {
        current.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The value before of every touched account, in key order.
    var undo: [(AddressPayload, Account)] {
        before.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Every storage write, by contract in key order, keys in bytewise order.
    var storageChanges: [(AddressPayload, [([UInt8], [UInt8]?)])] {
        Self.sortedWrites(storage)
    }

    /// The storage values before the block of every written key.
    var storageUndo: [(AddressPayload, [([UInt8], [UInt8]?)])] {
        Self.sortedWrites(storageBefore)
    }

    private static func sortedWrites(_ writes: [AddressPayload: [StorageKey: [UInt8]?]]) -> [(AddressPayload, [([UInt8], [UInt8]?)])] {
        writes.sorted { $0.key < $1.key }.map { contract, keys in
            (contract, keys.sorted { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }.map { ($0.key.bytes, $0.value) })
        }
    }

    /// The state after the block's changes.
    var updatedState: StateTree {
        let updated = storage.isEmpty ? state.updating(changes) : state.updating(changes, storage: storageChanges)
        return updated.adding(code: newCode.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}

/// A storage key as a dictionary key: hashed as one run of bytes (an array of bytes hashes
/// each byte in turn, which made hashing most of what a contract's storage access cost).
/// Only the workspace's lookups use it; every order that reaches the state is bytewise.
struct StorageKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (a: StorageKey, b: StorageKey) -> Bool { a.bytes == b.bytes }
}
