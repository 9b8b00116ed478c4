import Foundation
import GRDB
import KusariCore

/// The chain's durable storage: one SQLite database (WAL mode, full fsync on
/// every commit) in the node's data directory, holding blocks, the header index
/// of every branch seen, the best chain, the account state at the tip, undo
/// records and the transaction index. It stores and reads; the rules of what to
/// store belong to `KusariChain`.
public final class ChainStore: @unchecked Sendable {
    /// The data directory.
    public let directory: String
    /// The database file.
    public var databasePath: String { directory + "/" + Self.databaseName }
    static let databaseName = "chain.sqlite"

    private let queue: DatabaseQueue
    private let lock: DirectoryLock?

    /// How to open a data directory.
    public enum Mode: Sendable {
        /// Make a new store; the directory must not hold one.
        case create
        /// Open an existing store for reading and writing, holding the directory's lock.
        case readWrite
        /// Open an existing store for reading only, without the lock, alongside a
        /// process that may be writing (WAL lets readers see the last commit).
        case readOnly
    }

    /// Opens (or makes) the store in `directory`. In the writing modes it fails at
    /// once when another process has the directory open.
    public init(directory: String, mode: Mode) throws(StorageError) {
        self.directory = directory
        var isDirectory: ObjCBool = false
        let fm = FileManager.default
        if fm.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .notADirectory(directory) }
        } else {
            guard mode == .create else { throw .notInitialised(directory) }
            do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw .notWritable(directory, (error as NSError).localizedDescription)
            }
        }
        let path = directory + "/" + Self.databaseName
        if mode != .create && !fm.fileExists(atPath: path) { throw .notInitialised(directory) }
        if mode == .create && fm.fileExists(atPath: path) { throw .alreadyInitialised(directory) }
        lock = mode == .readOnly ? nil : try DirectoryLock(directory: directory)
        var config = Configuration()
        if mode == .readOnly {
            config.readonly = true
        } else {
            config.journalMode = .wal
            config.prepareDatabase { db in
                // Every commit is fsync'd before it returns (the node acknowledges nothing
                // it has not made durable); a larger cache and WAL keep checkpoints rarer.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA cache_size = -65536")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            }
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            if mode != .readOnly { try Self.migrator.migrate(queue) }
            let applied = try queue.read { try Self.migrator.appliedIdentifiers($0) }
            if !applied.isSubset(of: Set(Self.migrator.migrations)) { throw StorageError.newerSchema(directory) }
        } catch let error as DatabaseError where (error.message ?? "").contains("newer") {
            lock?.release()
            throw .newerSchema(directory)
        } catch {
            lock?.release()
            throw StorageError.from(error, path: directory)
        }
    }


    // MARK: - Reading

    /// Held around every use of the database and its closing: nothing reaches SQLite
    /// after `close` (work still queued at shutdown gets `closed`, not a crash).
    private let openLock = NSLock()
    private var isClosed = false

    func read<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        openLock.lock()
        defer { openLock.unlock() }
        guard !isClosed else { throw .closed(directory) }
        do { return try queue.read(body) } catch { throw StorageError.from(error, path: directory) }
    }

    /// Everything a chain needs to open, read in one transaction so that a
    /// concurrent writer cannot mix two versions.
    public struct Snapshot: Sendable {
        public var genesis: Data?
        public var headers: [StoredHeader]
        public var chain: [(UInt64, Hash256)]
        public var accounts: [(AddressPayload, Account)]
        /// Each contract's stored entries, contracts in key order.
        public var storage: [(AddressPayload, [StorageEntry])]
    }

    /// Reads a consistent snapshot of the chain.
    public func snapshot() throws(StorageError) -> Snapshot {
        do {
            return try queue.read { db in
                Snapshot(genesis: try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'genesis'"),
                         headers: try Self.headers(db), chain: try Self.chain(db), accounts: try Self.accounts(db),
                         storage: try Self.storage(db))
            }
        } catch { throw StorageError.from(error, path: directory) }
    }

    /// A metadata value.
    public func meta(_ key: String) throws(StorageError) -> Data? {
        try read { try Data.fetchOne($0, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// Sets metadata values in one transaction.
    public func setMeta(_ values: [(String, Data)]) throws(StorageError) {
        try write { db in
            for (k, v) in values {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [k, v])
            }
        }
    }

    /// Every header row, in arrival order. Rows that do not decode are reported
    /// by id so that `verify` can name them.
    public func headers() throws(StorageError) -> [StoredHeader] { try read(Self.headers) }

    static func headers(_ db: Database) throws -> [StoredHeader] {
            try Row.fetchAll(db, sql: "SELECT id, chainwork, status, raw, seq FROM headers ORDER BY seq").map { row in
                let raw: Data = row["raw"]
                let header = try BlockHeader(decoding: Array(raw))
                let idBytes: Data = row["id"]
                return StoredHeader(header: header, id: Hash256(bytes: idBytes) ?? .zero,
                                    chainWork: Array(row["chainwork"] as Data),
                                    status: StoredHeader.Status(rawValue: row["status"]) ?? .invalid,
                                    sequence: row["seq"])
            }
    }

    /// The stored encoding of a block.
    public func block(_ id: Hash256) throws(StorageError) -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT body FROM blocks WHERE id = ?", arguments: [Data(id.bytes)]).map(Array.init)
        }
    }

    /// The best chain's block ids by height, as stored.
    public func chain() throws(StorageError) -> [(UInt64, Hash256)] { try read(Self.chain) }

    static func chain(_ db: Database) throws -> [(UInt64, Hash256)] {
        try Row.fetchAll(db, sql: "SELECT height, id FROM chain ORDER BY height").map { row in
            (UInt64(bitPattern: row["height"]), Hash256(bytes: row["id"] as Data) ?? .zero)
        }
    }

    /// Calls `body` for each best-chain row in height order with the stored
    /// block and undo record (nil where missing), all read in one transaction.
    public func forEachBestChainBlock(
        _ body: (_ height: UInt64, _ id: Hash256, _ block: [UInt8]?, _ undo: [UInt8]?) throws -> Void
    ) throws {
        do {
            try queue.read { db in
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT chain.height, chain.id, blocks.body, undo.data FROM chain
                    LEFT JOIN blocks ON blocks.id = chain.id LEFT JOIN undo ON undo.id = chain.id
                    ORDER BY chain.height
                    """)
                while let row = try rows.next() {
                    let block: Data? = row[2]
                    let undo: Data? = row[3]
                    try body(UInt64(bitPattern: row[0]), Hash256(bytes: row[1] as Data) ?? .zero,
                             block.map(Array.init), undo.map(Array.init))
                }
            }
        } catch let e as DatabaseError {
            throw StorageError.from(e, path: directory)
        }
    }

    /// Every stored account, in key order.
    public func accounts() throws(StorageError) -> [(AddressPayload, Account)] { try read(Self.accounts) }

    static func accounts(_ db: Database) throws -> [(AddressPayload, Account)] {
        try Row.fetchAll(db, sql: "SELECT key, balance, nonce, code_hash FROM accounts ORDER BY key").map { row in
            let code: Data? = row["code_hash"]
            return (AddressPayload(bytes: row["key"] as Data) ?? .zero,
                    Account(balance: UInt64(bitPattern: row["balance"]), nonce: UInt64(bitPattern: row["nonce"]),
                            codeHash: code.flatMap { Hash256(bytes: $0) }))
        }
    }

    /// The commit certificate stored with a block of a BFT chain (its encoding).
    public func commit(_ id: Hash256) throws(StorageError) -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM commits WHERE id = ?", arguments: [Data(id.bytes)]).map(Array.init)
        }
    }

    /// The height of the block that included evidence of this offence, if one did.
    public func evidenceHeight(offence: [UInt8]) throws(StorageError) -> UInt64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT height FROM evidence WHERE offence = ?", arguments: [Data(offence)])
                .map { UInt64(bitPattern: $0) }
        }
    }

    /// Included evidence, newest block first: the including height and the encoding.
    public func evidence(limit: Int) throws(StorageError) -> [(height: UInt64, data: [UInt8])] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT height, data FROM evidence ORDER BY height DESC LIMIT ?", arguments: [limit])
                .map { (UInt64(bitPattern: $0[0] as Int64), Array($0[1] as Data)) }
        }
    }

    /// The undo record of a block.
    public func undo(_ id: Hash256) throws(StorageError) -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM undo WHERE id = ?", arguments: [Data(id.bytes)]).map(Array.init)
        }
    }

    /// Where a transaction of the best chain is.
    public func transaction(_ id: Hash256) throws(StorageError) -> TransactionLocation? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT block, height, position FROM txindex WHERE txid = ?",
                                             arguments: [Data(id.bytes)]) else { return nil }
            return TransactionLocation(blockId: Hash256(bytes: row["block"] as Data) ?? .zero,
                                       height: UInt64(bitPattern: row["height"]), position: row["position"])
        }
    }

    /// An address's transactions on the best chain, newest first, strictly
    /// before (`beforeHeight`, `beforePosition`): below that height, or at that
    /// height with a lower position.
    public func addressHistory(_ address: AddressPayload, beforeHeight: UInt64, beforePosition: Int = 0,
                               limit: Int) throws(StorageError) -> [AddressEntry] {
        let h = Int64(bitPattern: min(beforeHeight, UInt64(Int64.max)))
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT height, position, txid FROM address_txs
                WHERE address = ? AND (height < ? OR (height = ? AND position < ?))
                ORDER BY height DESC, position DESC LIMIT ?
                """, arguments: [Data(address.bytes), h, h, beforePosition, limit]).map { row in
                AddressEntry(address: address, height: UInt64(bitPattern: row[0]), position: row[1],
                             txid: Hash256(bytes: row[2] as Data) ?? .zero)
            }
        }
    }

    /// Every address index row, in (address, height, position) order.
    public func addressIndex() throws(StorageError) -> [AddressEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT address, height, position, txid FROM address_txs ORDER BY address, height, position").map { row in
                AddressEntry(address: AddressPayload(bytes: row[0] as Data) ?? .zero, height: UInt64(bitPattern: row[1]),
                             position: row[2], txid: Hash256(bytes: row[3] as Data) ?? .zero)
            }
        }
    }

    /// Every transaction index row, in id order.
    public func transactionIndex() throws(StorageError) -> [(Hash256, TransactionLocation)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT txid, block, height, position FROM txindex ORDER BY txid").map { row in
                (Hash256(bytes: row["txid"] as Data) ?? .zero,
                 TransactionLocation(blockId: Hash256(bytes: row["block"] as Data) ?? .zero,
                                     height: UInt64(bitPattern: row["height"]), position: row["position"]))
            }
        }
    }

    // MARK: - Writing

    private func write(_ body: (Database) throws -> Void) throws(StorageError) {
        openLock.lock()
        defer { openLock.unlock() }
        guard !isClosed else { throw .closed(directory) }
        do { try queue.write(body) } catch { throw StorageError.from(error, path: directory) }
    }

    /// Applies a batch in one SQLite transaction; returns once it is on disk.
    public func apply(_ batch: StoreBatch) throws(StorageError) {
        guard !batch.isEmpty else { return }
        try write { db in
            if !batch.newHeaders.isEmpty {
                let s = try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO headers(id, height, previous, chainwork, status, raw, seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for h in batch.newHeaders {
                    try s.execute(arguments: [Data(h.id.bytes), Int64(bitPattern: h.header.height),
                                              Data(h.header.previousId.bytes), Data(h.chainWork), h.status.rawValue,
                                              Data(h.header.encoded), h.sequence])
                }
            }
            if !batch.statusChanges.isEmpty {
                let s = try db.cachedStatement(sql: "UPDATE headers SET status = ? WHERE id = ?")
                for (id, status) in batch.statusChanges { try s.execute(arguments: [status.rawValue, Data(id.bytes)]) }
            }
            if !batch.bodies.isEmpty {
                let s = try db.cachedStatement(sql: "INSERT OR IGNORE INTO blocks(id, body) VALUES (?, ?)")
                for (id, body) in batch.bodies { try s.execute(arguments: [Data(id.bytes), Data(body)]) }
            }
            if let from = batch.truncateChainFrom {
                try db.execute(sql: "DELETE FROM chain WHERE height >= ?", arguments: [Int64(bitPattern: from)])
                try db.execute(sql: "DELETE FROM address_txs WHERE height >= ?", arguments: [Int64(bitPattern: from)])
            }
            if !batch.addressEntries.isEmpty {
                let s = try db.cachedStatement(sql: "INSERT OR REPLACE INTO address_txs VALUES (?, ?, ?, ?)")
                for e in batch.addressEntries {
                    try s.execute(arguments: [Data(e.address.bytes), Int64(bitPattern: e.height), e.position, Data(e.txid.bytes)])
                }
            }
            if !batch.chainAdditions.isEmpty {
                let s = try db.cachedStatement(sql: "INSERT OR REPLACE INTO chain(height, id) VALUES (?, ?)")
                for (height, id) in batch.chainAdditions {
                    try s.execute(arguments: [Int64(bitPattern: height), Data(id.bytes)])
                }
            }
            if !batch.transactionsRemoved.isEmpty {
                let s = try db.cachedStatement(sql: "DELETE FROM txindex WHERE txid = ?")
                for id in batch.transactionsRemoved { try s.execute(arguments: [Data(id.bytes)]) }
            }
            if !batch.transactionsAdded.isEmpty {
                let s = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO txindex(txid, block, height, position) VALUES (?, ?, ?, ?)
                    """)
                for (id, loc) in batch.transactionsAdded {
                    try s.execute(arguments: [Data(id.bytes), Data(loc.blockId.bytes), Int64(bitPattern: loc.height),
                                              loc.position])
                }
            }
            if !batch.evidence.isEmpty {
                let s = try db.cachedStatement(sql: "INSERT OR IGNORE INTO evidence(offence, height, data) VALUES (?, ?, ?)")
                for e in batch.evidence {
                    try s.execute(arguments: [Data(e.offence), Int64(bitPattern: e.height), Data(e.data)])
                }
            }
            if !batch.commits.isEmpty {
                let s = try db.cachedStatement(sql: "INSERT OR REPLACE INTO commits(id, data) VALUES (?, ?)")
                for (id, data) in batch.commits { try s.execute(arguments: [Data(id.bytes), Data(data)]) }
            }
            if !batch.undoRecords.isEmpty {
                let s = try db.cachedStatement(sql: "INSERT OR REPLACE INTO undo(id, data) VALUES (?, ?)")
                for (id, data) in batch.undoRecords { try s.execute(arguments: [Data(id.bytes), Data(data)]) }
            }
            if !batch.accounts.isEmpty {
                let upsert = try db.cachedStatement(sql: """
                    INSERT INTO accounts(key, balance, nonce, code_hash) VALUES (?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET balance = excluded.balance, nonce = excluded.nonce,
                        code_hash = excluded.code_hash
                    """)
                let delete = try db.cachedStatement(sql: "DELETE FROM accounts WHERE key = ?")
                for (key, account) in batch.accounts {
                    if account.isEmpty {
                        try delete.execute(arguments: [Data(key.bytes)])
                    } else {
                        try upsert.execute(arguments: [Data(key.bytes), Int64(bitPattern: account.balance),
                                                       Int64(bitPattern: account.nonce), account.codeHash.map { Data($0.bytes) }])
                    }
                }
            }
            try Self.applyContracts(batch, db)
            if let tip = batch.tip {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('tip', ?)", arguments: [Data(tip.bytes)])
            }
        }
    }

    /// Closes the database and releases the directory, so another process (or
    /// another handle) may open it. Nothing can be read or written afterwards.
    public func close() {
        openLock.lock()
        defer { openLock.unlock() }
        guard !isClosed else { return }
        isClosed = true
        try? queue.close()
        lock?.release()
    }

    /// Runs SQLite's own consistency check of the database file.
    public func integrityCheck() throws(StorageError) -> String {
        try read { try String.fetchOne($0, sql: "PRAGMA quick_check") ?? "no answer" }
    }
}
