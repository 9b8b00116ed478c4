import KusariCore

/// A ``ContractHost`` in memory, for tests and tools: storage per contract, balances, and a
/// journal of undo records so that ``rollback(to:)`` restores exactly the state of its
/// checkpoint. Not thread-safe: one call at a time.
public final class InMemoryContractHost: ContractHost {
    private enum Undo {
        case storage(AddressPayload, [UInt8], [UInt8]?)
        case balance(AddressPayload, UInt64?)
    }

    /// Storage by contract, then by key.
    public private(set) var storage: [AddressPayload: [[UInt8]: [UInt8]]] = [:]
    /// Balances in KSR units.
    public private(set) var balances: [AddressPayload: UInt64] = [:]
    private var journal: [Undo] = []
    /// Open checkpoints, innermost last: their token and the journal length they mark.
    private var openCheckpoints: [(token: Int, mark: Int)] = []
    private var nextToken = 0

    /// What the runtime kept of code earlier calls on this host loaded (a host is one block).
    private var loaded: [Hash256: AnyObject] = [:]

    /// An empty host: no storage, no balances.
    public init() {}

    public func loadedCode(_ hash: Hash256) -> AnyObject? { loaded[hash] }
    public func setLoadedCode(_ hash: Hash256, _ value: AnyObject?) { loaded[hash] = value }
    public var loadedCodeCount: Int { loaded.count }

    /// Sets a balance directly (test setup; not journaled).
    public func setBalance(_ address: AddressPayload, _ amount: UInt64) { balances[address] = amount }

    /// The storage of `contract`, sorted by key (bytewise), for assertions.
    public func entries(of contract: AddressPayload) -> [(key: [UInt8], value: [UInt8])] {
        (storage[contract] ?? [:]).map { (key: $0.key, value: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }

    public func storageGet(_ contract: AddressPayload, key: [UInt8]) -> [UInt8]? { storage[contract]?[key] }

    public func storageSet(_ contract: AddressPayload, key: [UInt8], value: [UInt8]) {
        journal.append(.storage(contract, key, storage[contract]?[key]))
        storage[contract, default: [:]][key] = value
    }

    public func storageRemove(_ contract: AddressPayload, key: [UInt8]) -> Bool {
        guard let old = storage[contract]?[key] else { return false }
        journal.append(.storage(contract, key, old))
        storage[contract]?[key] = nil
        return true
    }

    public func storageNext(_ contract: AddressPayload, prefix: [UInt8], after: [UInt8]?) -> [UInt8]? {
        var best: [UInt8]? = nil
        for key in (storage[contract] ?? [:]).keys where key.starts(with: prefix) {
            if let after, !after.lexicographicallyPrecedes(key) { continue }
            if let current = best, !key.lexicographicallyPrecedes(current) { continue }
            best = key
        }
        return best
    }

    public func balance(of address: AddressPayload) -> UInt64 { balances[address] ?? 0 }

    public func transfer(from: AddressPayload, to: AddressPayload, amount: UInt64) -> Bool {
        let fromBalance = balance(of: from)
        guard fromBalance >= amount else { return false }
        if from == to || amount == 0 { return true }
        let (toBalance, overflow) = balance(of: to).addingReportingOverflow(amount)
        guard !overflow else { return false }
        journal.append(.balance(from, balances[from]))
        journal.append(.balance(to, balances[to]))
        balances[from] = fromBalance - amount
        balances[to] = toBalance
        return true
    }

    public func checkpoint() -> Int {
        nextToken += 1
        openCheckpoints.append((token: nextToken, mark: journal.count))
        return nextToken
    }

    /// Closes `checkpoint` (and any checkpoint opened inside it and left open), keeping its
    /// changes; once no checkpoint is open, the journal is dropped.
    public func commit(_ checkpoint: Int) {
        guard let index = openCheckpoints.lastIndex(where: { $0.token == checkpoint }) else { return }
        openCheckpoints.removeSubrange(index...)
        if openCheckpoints.isEmpty { journal.removeAll() }
    }

    /// Undoes everything since `checkpoint` and closes it (and any checkpoint inside it).
    public func rollback(to checkpoint: Int) {
        guard let index = openCheckpoints.lastIndex(where: { $0.token == checkpoint }) else { return }
        let mark = openCheckpoints[index].mark
        openCheckpoints.removeSubrange(index...)
        while journal.count > mark, let undo = journal.popLast() {
            switch undo {
            case .storage(let contract, let key, let value): storage[contract, default: [:]][key] = value
            case .balance(let address, let amount): balances[address] = amount
            }
        }
    }
}
