import Foundation
import GRDB
import KusariCore

extension ChainStore {
    /// Every contract's stored entries, contracts and keys in order.
    static func storage(_ db: Database) throws -> [(AddressPayload, [StorageEntry])] {
        var out: [(AddressPayload, [StorageEntry])] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT contract, key, value FROM storage ORDER BY contract, key")
        while let row = try rows.next() {
            let contract = AddressPayload(bytes: row["contract"] as Data) ?? .zero
            let entry = StorageEntry(key: Array(row["key"] as Data), value: Array(row["value"] as Data))
            if let last = out.last, last.0 == contract { out[out.count - 1].1.append(entry) } else { out.append((contract, [entry])) }
        }
        return out
    }

    /// Writes a batch's contract storage, code and receipts (inside ``apply(_:)``'s transaction).
    static func applyContracts(_ batch: StoreBatch, _ db: Database) throws {
        if !batch.storage.isEmpty {
            let upsert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO storage(contract, key, value) VALUES (?, ?, ?)")
            let delete = try db.cachedStatement(sql: "DELETE FROM storage WHERE contract = ? AND key = ?")
            for (contract, writes) in batch.storage {
                for (key, value) in writes {
                    if let value {
                        try upsert.execute(arguments: [Data(contract.bytes), Data(key), Data(value)])
                    } else {
                        try delete.execute(arguments: [Data(contract.bytes), Data(key)])
                    }
                }
            }
        }
        if !batch.code.isEmpty {
            let s = try db.cachedStatement(sql: "INSERT OR IGNORE INTO code(hash, code) VALUES (?, ?)")
            for (hash, code) in batch.code { try s.execute(arguments: [Data(hash.bytes), Data(code)]) }
        }
        if !batch.receipts.isEmpty {
            let s = try db.cachedStatement(sql: "INSERT OR REPLACE INTO receipts(txid, data) VALUES (?, ?)")
            for (id, data) in batch.receipts { try s.execute(arguments: [Data(id.bytes), Data(data)]) }
        }
        if !batch.clearings.isEmpty {
            let s = try db.cachedStatement(sql: "INSERT OR REPLACE INTO clearings(block, data) VALUES (?, ?)")
            for (id, data) in batch.clearings { try s.execute(arguments: [Data(id.bytes), Data(data)]) }
        }
    }

    /// The exchange's auctions of a connected block (empty when nothing cleared).
    public func clearings(_ block: Hash256) throws(StorageError) -> [MarketClearing] {
        let bytes = try read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM clearings WHERE block = ?", arguments: [Data(block.bytes)]).map(Array.init)
        }
        guard let bytes else { return [] }
        do { return try MarketClearing.decodeAll(bytes) } catch { throw .corrupt(directory, "clearings of block \(block): \(error)") }
    }

    /// The contract code stored under `hash`.
    public func code(_ hash: Hash256) throws(StorageError) -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT code FROM code WHERE hash = ?", arguments: [Data(hash.bytes)]).map(Array.init)
        }
    }

    /// Every stored code hash.
    public func codeHashes() throws(StorageError) -> [Hash256] {
        try read { db in
            try Data.fetchAll(db, sql: "SELECT hash FROM code ORDER BY hash").compactMap { Hash256(bytes: $0) }
        }
    }

    /// The encoded receipt of a contract transaction of a connected block.
    public func receipt(_ txid: Hash256) throws(StorageError) -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM receipts WHERE txid = ?", arguments: [Data(txid.bytes)]).map(Array.init)
        }
    }
}

extension ChainStore {
    /// Every stored code with its hash.
    public func allCode() throws(StorageError) -> [(Hash256, [UInt8])] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT hash, code FROM code ORDER BY hash").compactMap { row in
                Hash256(bytes: row["hash"] as Data).map { ($0, Array(row["code"] as Data)) }
            }
        }
    }
}

extension StoreBatch {
    /// Adds what a connected block changed in contracts: the final values of the storage
    /// keys it wrote, the code it deployed and its receipts.
    public mutating func recordContracts(of applied: AppliedBlock, block: Hash256) {
        if !applied.clearings.isEmpty { clearings.append((block, MarketClearing.encodeAll(applied.clearings))) }
        storage += applied.storageUndo.map { contract, keys in
            let final = applied.state.storage(contract)
            return (contract, keys.map { ($0.0, final.value($0.0)) })
        }
        code += applied.newCode
        receipts += applied.receipts.map { ($0.transaction, $0.encoded) }
    }
}

extension ChainStore {
    /// Every contract's stored entries, contracts and keys in order.
    public func storageEntries() throws(StorageError) -> [(AddressPayload, [StorageEntry])] { try read(Self.storage) }
}
