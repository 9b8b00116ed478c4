/// The undo record of a block: every account the block touched, with its value
/// before the block, in key order, and every contract storage key it wrote with
/// its value before. Applying it to the state after the block (``StateTree/reverting(_:)``)
/// gives back the state before it, so a chain can be unwound for a reorganisation.
///
/// Encoding: varuint count, then per account the 20-byte key, balance u64 and
/// nonce u64; keys strictly increasing (one valid encoding per record). Then, only
/// when the block touched a contract: varuint count of contract accounts and per
/// one its key and code hash (32), in key order; varuint count of contracts whose
/// storage it wrote and per one its key, varuint count of keys and per key the
/// length-prefixed key, a presence byte (0 absent, 1 present) and when present the
/// length-prefixed value, keys in bytewise order. A record without contracts is
/// byte for byte the record of a chain before contracts.
public struct BlockUndo: Hashable, Sendable {
    /// The most accounts one record may hold (a decoding bound).
    public static let maxEntries = 1 << 22

    public var entries: [(AddressPayload, Account)]
    /// Storage values before the block (nil: absent), by contract.
    public var storage: [(AddressPayload, [([UInt8], [UInt8]?)])]

    public init(entries: [(AddressPayload, Account)], storage: [(AddressPayload, [([UInt8], [UInt8]?)])] = []) {
        self.entries = entries
        self.storage = storage
    }

    public static func == (a: BlockUndo, b: BlockUndo) -> Bool { a.encoded == b.encoded }

    public func hash(into hasher: inout Hasher) { hasher.combine(encoded) }
}

extension BlockUndo: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        w.writeVarUInt(UInt64(entries.count))
        for (key, account) in entries {
            w.writeBytes(key.bytes)
            w.writeUInt64(account.balance)
            w.writeUInt64(account.nonce)
        }
        let coded = entries.compactMap { e in e.1.codeHash.map { (e.0, $0) } }
        let written = storage.filter { !$0.1.isEmpty }
        guard !coded.isEmpty || !written.isEmpty else { return }
        w.writeVarUInt(UInt64(coded.count))
        for (key, hash) in coded {
            w.writeBytes(key.bytes)
            w.writeHash(hash)
        }
        w.writeVarUInt(UInt64(written.count))
        for (contract, keys) in written {
            w.writeBytes(contract.bytes)
            w.writeVarUInt(UInt64(keys.count))
            for (k, v) in keys {
                w.writeLengthPrefixed(k)
                if let v { w.writeUInt8(1); w.writeLengthPrefixed(v) } else { w.writeUInt8(0) }
            }
        }
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        let count = try r.readVarUInt(field: "undo.count", maximum: UInt64(Self.maxEntries))
        guard count <= UInt64(r.remaining / 36) else {
            throw .oversize(field: "undo.count", length: count, maximum: UInt64(r.remaining / 36))
        }
        var entries: [(AddressPayload, Account)] = []
        entries.reserveCapacity(Int(count))
        for i in 0..<Int(count) {
            let key = AddressPayload(bytes: try r.readBytes(20, field: "undo[\(i)].key")) ?? .zero
            if let last = entries.last, !(last.0 < key) {
                throw .invalid(field: "undo[\(i)].key", reason: "keys must be strictly increasing")
            }
            let balance = try r.readUInt64(field: "undo[\(i)].balance", maximum: Amount.maxSupply)
            let nonce = try r.readUInt64(field: "undo[\(i)].nonce")
            entries.append((key, Account(balance: balance, nonce: nonce)))
        }
        storage = []
        guard r.remaining > 0 else { self.entries = entries; return }
        // Contract accounts: their code hashes, in key order, each one of the entries.
        let coded = try r.readVarUInt(field: "undo.contracts", maximum: count)
        var at = 0
        for i in 0..<Int(coded) {
            let key = AddressPayload(bytes: try r.readBytes(20, field: "undo.contracts[\(i)].key")) ?? .zero
            let hash = try r.readHash(field: "undo.contracts[\(i)].codeHash")
            while at < entries.count && entries[at].0 < key { at += 1 }
            guard at < entries.count, entries[at].0 == key, entries[at].1.codeHash == nil else {
                throw .invalid(field: "undo.contracts[\(i)].key", reason: "not an account of the record, or out of order")
            }
            entries[at].1.codeHash = hash
        }
        let contracts = try r.readVarUInt(field: "undo.storage.count", maximum: UInt64(Self.maxEntries))
        for c in 0..<Int(contracts) {
            let contract = AddressPayload(bytes: try r.readBytes(20, field: "undo.storage[\(c)].contract")) ?? .zero
            if let last = storage.last, !(last.0 < contract) {
                throw .invalid(field: "undo.storage[\(c)].contract", reason: "contracts must be strictly increasing")
            }
            let n = try r.readVarUInt(field: "undo.storage[\(c)].count", maximum: UInt64(r.remaining / 2))
            guard n > 0 else { throw .invalid(field: "undo.storage[\(c)].count", reason: "an empty list is not written") }
            var keys: [([UInt8], [UInt8]?)] = []
            for k in 0..<Int(n) {
                let key = try r.readLengthPrefixed(field: "undo.storage[\(c)][\(k)].key", maximum: 1 << 16)
                if let last = keys.last, !last.0.lexicographicallyPrecedes(key) {
                    throw .invalid(field: "undo.storage[\(c)][\(k)].key", reason: "keys must be strictly increasing")
                }
                let present = try r.readUInt8(field: "undo.storage[\(c)][\(k)].present")
                switch present {
                case 0: keys.append((key, nil))
                case 1: keys.append((key, try r.readLengthPrefixed(field: "undo.storage[\(c)][\(k)].value", maximum: 1 << 20)))
                default: throw .invalid(field: "undo.storage[\(c)][\(k)].present", reason: "must be 0 or 1")
                }
            }
            storage.append((contract, keys))
        }
        guard coded > 0 || !storage.isEmpty else {
            throw .invalid(field: "undo.contracts", reason: "an empty contract section is not written")
        }
        self.entries = entries
    }
}

extension StateTree {
    /// The state before the block whose undo record is `undo`, this being the state after it.
    public func reverting(_ undo: BlockUndo) -> StateTree {
        // A contract's storage root follows its storage: unchanged unless the record restores some.
        let entries = undo.entries.map { key, account -> (AddressPayload, Account) in
            guard account.codeHash != nil else { return (key, account) }
            var a = account
            a.storageRoot = storage(key).root
            return (key, a)
        }
        return updating(entries, storage: undo.storage)
    }
}
