import KusariCore

/// What the chain knows of a block header: one row of the header index.
public struct StoredHeader: Sendable, Hashable {
    /// The validity of a block as far as it has been checked.
    public enum Status: Int, Sendable {
        /// The header passed the consensus rules; the body has not been applied yet.
        case headerValid = 0
        /// The block was applied successfully at least once.
        case valid = 1
        /// The block, or one of its ancestors, broke a rule.
        case invalid = 2
    }

    public var header: BlockHeader
    public var id: Hash256
    /// Cumulative work of the branch ending here, 32 bytes big-endian.
    public var chainWork: [UInt8]
    public var status: Status
    /// Arrival order, to keep the first-seen branch on equal work.
    public var sequence: Int64

    public init(header: BlockHeader, id: Hash256, chainWork: [UInt8], status: Status, sequence: Int64) {
        self.header = header
        self.id = id
        self.chainWork = chainWork
        self.status = status
        self.sequence = sequence
    }
}

/// Where a confirmed transaction is.
public struct TransactionLocation: Sendable, Hashable {
    public var blockId: Hash256
    public var height: UInt64
    public var position: Int

    public init(blockId: Hash256, height: UInt64, position: Int) {
        self.blockId = blockId
        self.height = height
        self.position = position
    }
}

/// One atomic change to the chain's storage: applied in a single SQLite
/// transaction, so after a crash the database holds all of it or none of it.
public struct StoreBatch: Sendable {
    public var newHeaders: [StoredHeader] = []
    public var statusChanges: [(Hash256, StoredHeader.Status)] = []
    /// Full block encodings to keep, by id.
    public var bodies: [(Hash256, [UInt8])] = []
    /// Best-chain rows to remove (heights at and above this one) before adding.
    public var truncateChainFrom: UInt64?
    public var chainAdditions: [(UInt64, Hash256)] = []
    public var transactionsRemoved: [Hash256] = []
    public var transactionsAdded: [(Hash256, TransactionLocation)] = []
    public var undoRecords: [(Hash256, [UInt8])] = []
    /// Commit certificates (BFT) to keep, by block id.
    public var commits: [(Hash256, [UInt8])] = []
    /// Evidence of double signing included by connected blocks (BFT).
    public var evidence: [(offence: [UInt8], height: UInt64, data: [UInt8])] = []
    /// Address-history rows of connected blocks (rows at and above `truncateChainFrom` are removed first).
    public var addressEntries: [AddressEntry] = []
    /// Final values of changed accounts; an empty account is deleted.
    public var accounts: [(AddressPayload, Account)] = []
    /// Final values of written contract storage keys (nil: deleted), by contract.
    public var storage: [(AddressPayload, [([UInt8], [UInt8]?)])] = []
    /// Contract code to keep, by code hash (kept once, never deleted).
    public var code: [(Hash256, [UInt8])] = []
    /// Contract receipts of connected blocks: transaction id and encoded receipt.
    public var receipts: [(Hash256, [UInt8])] = []
    /// The exchange's auctions of connected blocks that cleared anything: block id and encoded clearings.
    public var clearings: [(Hash256, [UInt8])] = []
    public var tip: Hash256?

    public init() {}

    public var isEmpty: Bool {
        newHeaders.isEmpty && statusChanges.isEmpty && bodies.isEmpty && truncateChainFrom == nil
            && chainAdditions.isEmpty && transactionsRemoved.isEmpty && transactionsAdded.isEmpty
            && undoRecords.isEmpty && commits.isEmpty && evidence.isEmpty && accounts.isEmpty && tip == nil && addressEntries.isEmpty
            && storage.isEmpty && code.isEmpty && receipts.isEmpty && clearings.isEmpty
    }
}

/// One row of the address history: a best-chain transaction that sent from or
/// paid to `address`.
public struct AddressEntry: Sendable, Hashable {
    public var address: AddressPayload
    public var height: UInt64
    public var position: Int
    public var txid: Hash256

    public init(address: AddressPayload, height: UInt64, position: Int, txid: Hash256) {
        self.address = address
        self.height = height
        self.position = position
        self.txid = txid
    }

    /// The rows a block's transactions add: each sender and each recipient (once
    /// when they are the same), in order.
    public static func entries(of transactions: [Transaction], height: UInt64, ids: [Hash256]? = nil) -> [AddressEntry] {
        var out: [AddressEntry] = []
        out.reserveCapacity(transactions.count * 2)
        for (i, tx) in transactions.enumerated() {
            let id = ids?[i] ?? tx.id
            let from = tx.from
            out.append(AddressEntry(address: from, height: height, position: i, txid: id))
            if tx.to != from { out.append(AddressEntry(address: tx.to, height: height, position: i, txid: id)) }
        }
        return out
    }
}
