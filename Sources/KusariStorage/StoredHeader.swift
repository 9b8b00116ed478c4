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
    /// Final values of changed accounts; an empty account is deleted.
    public var accounts: [(AddressPayload, Account)] = []
    public var tip: Hash256?

    public init() {}

    public var isEmpty: Bool {
        newHeaders.isEmpty && statusChanges.isEmpty && bodies.isEmpty && truncateChainFrom == nil
            && chainAdditions.isEmpty && transactionsRemoved.isEmpty && transactionsAdded.isEmpty
            && undoRecords.isEmpty && accounts.isEmpty && tip == nil
    }
}
