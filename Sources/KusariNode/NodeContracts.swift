import KusariChain
import KusariContracts
import KusariCore

/// A contract as the node sees it at the tip.
public struct ContractInfo: Sendable {
    public var address: AddressPayload
    public var account: Account
    public var codeHash: Hash256
    public var codeSize: Int
    /// The exported methods, sorted (empty when the stored code no longer parses).
    public var methods: [String]
    public var storageKeys: Int
    public var height: UInt64
    public var stateRoot: Hash256
}

/// One contract storage key with its proofs: the key's value against the contract's
/// storage root, and the contract's account against the state root.
public struct StorageInfo: Sendable {
    public var contract: AddressPayload
    public var key: [UInt8]
    public var proof: StorageProof
    public var account: Account
    public var accountProof: StateProof
    public var height: UInt64
    public var stateRoot: Hash256
}

/// What a read-only contract query needs, taken from the node at once: the tip's state and
/// block, and the engine. The query itself runs off the node (it may take milliseconds).
public struct QueryContext: Sendable {
    public var state: StateTree
    public var block: BlockEnvironment
    public var engine: ContractEngine
}

/// What the node answers about contracts.
extension Node {
    /// The most gas a read-only query may use: loading the largest code (a query's code is
    /// never loaded already, docs/protocol.md 18.5), plus 2,000,000 for the call (about 1 ms).
    public nonisolated static let maxQueryGas: UInt64 = GasSchedule.standard.callGas(codeSize: ContractLimits.standard.maxCodeSize)
    /// The most storage entries one listing returns, and about the most bytes (keys and
    /// values): a page ends early, with its cursor, when it has that much.
    public nonisolated static let maxStorageListing = 1_000
    public nonisolated static let maxStorageListingBytes = 256 * 1024

    /// The contract at `address`.
    public func contract(_ address: AddressPayload) throws(NodeError) -> ContractInfo {
        let account = chain.state.account(address)
        guard let hash = account.codeHash, let code = chain.state.code(hash) else { throw .notFound("contract \(address.hex)") }
        let methods = (try? chain.contracts.module(code, hash: hash).methods) ?? []
        return ContractInfo(address: address, account: account, codeHash: hash, codeSize: code.count, methods: methods.sorted(),
                            storageKeys: chain.state.storage(address).count, height: chain.height, stateRoot: chain.state.root)
    }

    /// The contract's storage entries starting with `prefix`, after `after`, in key order.
    public func storage(_ address: AddressPayload, prefix: [UInt8], after: [UInt8]?, limit: Int) throws(NodeError) -> [StorageEntry] {
        guard chain.state.account(address).isContract else { throw .notFound("contract \(address.hex)") }
        let storage = chain.state.storage(address)
        var out: [StorageEntry] = []
        var cursor = after
        var bytes = 0
        while out.count < limit, bytes < Self.maxStorageListingBytes, let key = storage.next(prefix: prefix, after: cursor) {
            let value = storage.value(key) ?? []
            out.append(StorageEntry(key: key, value: value))
            bytes += key.count + value.count
            cursor = key
        }
        return out
    }

    /// One storage key of the contract, with its proofs against the tip's state root.
    public func storageProof(_ address: AddressPayload, key: [UInt8]) throws(NodeError) -> StorageInfo {
        let account = chain.state.account(address)
        guard account.isContract else { throw .notFound("contract \(address.hex)") }
        return StorageInfo(contract: address, key: key, proof: chain.state.storage(address).proof(for: key), account: account,
                           accountProof: chain.state.proof(for: address), height: chain.height, stateRoot: chain.state.root)
    }

    /// The receipt of a confirmed contract transaction, or nil.
    public func receipt(_ id: Hash256) -> ContractReceipt? {
        guard let bytes = try? chain.store.receipt(id) else { return nil }
        return try? ContractReceipt(decoding: bytes)
    }

    /// The tip's state and block for a read-only query.
    public func queryContext() -> QueryContext {
        QueryContext(state: chain.state, block: BlockEnvironment(height: chain.height, time: chain.tip.timestamp),
                     engine: chain.contracts)
    }
}
