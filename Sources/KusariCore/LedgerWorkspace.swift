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
    /// Storage writes by contract (nil: removed), in key order, so that a walk of a prefix
    /// costs O(log n) plus what it steps over, not a pass over every write of the block.
    private var storage: [AddressPayload: SortedByteMap<[UInt8]?>] = [:]
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

    /// What every transaction's sender pays before its action runs: checks chain id, nonce
    /// and that the sender can pay amount + fee; takes amount + fee and uses the nonce.
    /// Returns the sender. Blocks apply it to every transaction; the exchange's admission
    /// check runs it too, so that both see the fee taken first.
    @discardableResult
    public func payUpFront(_ tx: Transaction, chainId: UInt32) throws(TransactionError) -> AddressPayload {
        guard tx.chainId == chainId else { throw .wrongChain(expected: chainId, found: tx.chainId) }
        let from = tx.from
        var sender = account(from)
        guard tx.nonce == sender.nonce else { throw .wrongNonce(expected: sender.nonce, found: tx.nonce) }
        guard sender.balance >= tx.totalCost else {
            throw .insufficientBalance(balance: sender.balance, needed: tx.totalCost)
        }
        guard sender.nonce < UInt64.max else { throw .field("nonce", "account nonce is exhausted") }
        sender.balance -= tx.totalCost
        sender.nonce += 1
        setAccount(from, sender)
        return from
    }

    // MARK: - Contract storage and code

    /// The value `contract` stores under `key`, with this block's writes.
    public func storageGet(_ contract: AddressPayload, key: [UInt8]) -> [UInt8]? {
        if let written = storage[contract]?.value(key) { return written }
        return state.storage(contract).value(key)
    }

    /// Stores `value` (nil removes) under `key` for `contract`.
    public func storageSet(_ contract: AddressPayload, key: [UInt8], value: [UInt8]?) {
        let k = StorageKey(key)
        if storageBefore[contract]?[k] == nil {
            storageBefore[contract, default: [:]][k] = .some(state.storage(contract).value(key))
        }
        if !openCheckpoints.isEmpty { journal.append(.storage(contract, key, storage[contract]?.value(key))) }
        storage[contract, default: SortedByteMap()].set(key, value)
    }

    /// How many of this block's writes the prefix walks (``storageNext(_:prefix:after:)``,
    /// ``storageScan(_:prefix:)``) have looked at so far: the measure of their cost, which
    /// follows what they return, not how much the block wrote.
    public private(set) var writesVisited = 0

    /// How many entries the last ``storageNext(_:prefix:after:)`` looked at: stored keys this
    /// block removed that it stepped over, and this block's writes to the contract. Contract
    /// execution charges gas for each, so a scan's cost follows its work.
    public private(set) var entriesExaminedByLastNext = 0

    /// The smallest key of `contract` starting with `prefix` after `after` (or after
    /// nothing), with this block's writes; nil when there is none.
    public func storageNext(_ contract: AddressPayload, prefix: [UInt8], after: [UInt8]?) -> [UInt8]? {
        let base = state.storage(contract)
        let writes = storage[contract] ?? SortedByteMap()
        var examined = 1 + writes.count
        defer { entriesExaminedByLastNext = examined }
        // The first stored key not removed by this block.
        var cursor = after
        var fromBase: [UInt8]? = nil
        while let k = base.next(prefix: prefix, after: cursor) {
            if let w = writes.value(k), w == nil { cursor = k; examined += 1; continue }
            fromBase = k
            break
        }
        // The first key this block wrote (stepping over keys it removed).
        var fromWrites: [UInt8]? = nil
        let start = after.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix
        writes.forEach(from: start, inclusive: after.map { $0.lexicographicallyPrecedes(prefix) } ?? true) { k, v in
            writesVisited += 1
            guard k.starts(with: prefix) else { return false }
            guard v != nil else { return true }
            fromWrites = k
            return false
        }
        switch (fromBase, fromWrites) {
        case (let b?, let w?): return b.lexicographicallyPrecedes(w) ? b : w
        case (let b?, nil): return b
        case (nil, let w): return w
        }
    }

    /// The first entry of `contract` whose key starts with `prefix` and sorts after `after`
    /// (after nothing when nil), with this block's writes; nil when there is none. A native
    /// module walks a range with it and stops when it has what it needs.
    public func storageNextEntry(_ contract: AddressPayload, prefix: [UInt8], after: [UInt8]?) -> StorageEntry? {
        guard let key = storageNext(contract, prefix: prefix, after: after),
              let value = storageGet(contract, key: key) else { return nil }
        return StorageEntry(key: key, value: value)
    }

    /// Every entry of `contract` whose key starts with `prefix`, with this block's writes,
    /// in bytewise key order: one pass over the stored range and one over the block's
    /// writes, for a native module that reads a range at once (the exchange's book).
    public func storageScan(_ contract: AddressPayload, prefix: [UInt8]) -> [StorageEntry] {
        let writes = storage[contract] ?? SortedByteMap()
        var written: [StorageEntry] = []
        writes.forEach(from: prefix) { k, v in
            writesVisited += 1
            guard k.starts(with: prefix) else { return false }
            if let v { written.append(StorageEntry(key: k, value: v)) }
            return true
        }
        var merged: [StorageEntry] = []
        var w = 0
        for e in state.storage(contract).entries(prefix: prefix) where writes.value(e.key) == nil {
            while w < written.count, StorageTree.precedes(written[w].key, e.key) { merged.append(written[w]); w += 1 }
            merged.append(e)
        }
        merged.append(contentsOf: written[w...])
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
            case .storage(let contract, let key, let old):
                if let old { storage[contract]?.set(key, old) } else { storage[contract]?.remove(key) }
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
        storage.sorted { $0.key < $1.key }.map { ($0.key, $0.value.all) }
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
