import Foundation
import GRDB
import KusariCore

extension ChainStore {
    /// The schema, one migration per version. Never edit a shipped migration;
    /// add a new one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
                CREATE TABLE headers (
                    id BLOB PRIMARY KEY, height INTEGER NOT NULL, previous BLOB NOT NULL,
                    chainwork BLOB NOT NULL, status INTEGER NOT NULL, raw BLOB NOT NULL,
                    seq INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX headers_by_previous ON headers(previous);
                CREATE TABLE blocks (id BLOB PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE chain (height INTEGER PRIMARY KEY, id BLOB NOT NULL);
                CREATE TABLE accounts (key BLOB PRIMARY KEY, balance INTEGER NOT NULL,
                    nonce INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE undo (id BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE txindex (txid BLOB PRIMARY KEY, block BLOB NOT NULL,
                    height INTEGER NOT NULL, position INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        // v2: an index of each address's transactions on the best chain, for
        // account histories; filled from the stored blocks when upgrading.
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE address_txs (address BLOB NOT NULL, height INTEGER NOT NULL,
                    position INTEGER NOT NULL, txid BLOB NOT NULL,
                    PRIMARY KEY (address, height, position)) WITHOUT ROWID;
                CREATE INDEX address_txs_by_height ON address_txs(height);
                """)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT chain.height, blocks.body FROM chain JOIN blocks ON blocks.id = chain.id ORDER BY chain.height
                """)
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO address_txs VALUES (?, ?, ?, ?)")
            while let row = try rows.next() {
                let height: Int64 = row[0]
                let body: Data = row[1]
                guard let block = try? Block(decoding: Array(body)) else { continue }
                for entry in AddressEntry.entries(of: block.transactions, height: UInt64(height)) {
                    try insert.execute(arguments: [Data(entry.address.bytes), height, entry.position, Data(entry.txid.bytes)])
                }
            }
        }
        // v3: the commit certificate of each block of a BFT chain, as this node saw it
        // (the next block carries one too, as its last commit), and the evidence of double
        // signing its blocks included, by offence (validator, height, round, vote type).
        m.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE commits (id BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE evidence (offence BLOB PRIMARY KEY, height INTEGER NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX evidence_by_height ON evidence(height);
                """)
        }
        // v4: contracts. A contract account's code hash; each contract's storage (the
        // state tree's storage trees are rebuilt from it); code by hash; the receipt of
        // each contract transaction of a connected block.
        m.registerMigration("v4") { db in
            try db.execute(sql: """
                ALTER TABLE accounts ADD COLUMN code_hash BLOB;
                CREATE TABLE storage (contract BLOB NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,
                    PRIMARY KEY (contract, key)) WITHOUT ROWID;
                CREATE TABLE code (hash BLOB PRIMARY KEY, code BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE receipts (txid BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
                """)
        }
        // v5: the exchange. Each connected block's auctions (MarketClearing.encodeAll), by
        // block id: what the API's trades, candles and fairness audit read.
        m.registerMigration("v5") { db in
            try db.execute(sql: "CREATE TABLE clearings (block BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;")
        }
        return m
    }
}
