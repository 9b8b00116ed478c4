/// The undo record of a block: every account the block touched, with its value
/// before the block, in key order. Applying it to the state after the block
/// gives back the state before it, so a chain can be unwound for a reorganisation.
///
/// Encoding: varuint count, then per account the 20-byte key, balance u64 and
/// nonce u64; keys strictly increasing (one valid encoding per record).
public struct BlockUndo: Hashable, Sendable {
    /// The most accounts one record may hold (a decoding bound).
    public static let maxEntries = 1 << 22

    public var entries: [(AddressPayload, Account)]

    public init(entries: [(AddressPayload, Account)]) { self.entries = entries }

    public static func == (a: BlockUndo, b: BlockUndo) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public func hash(into hasher: inout Hasher) {
        for (k, v) in entries { hasher.combine(k); hasher.combine(v) }
    }
}

extension BlockUndo: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        w.writeVarUInt(UInt64(entries.count))
        for (key, account) in entries {
            w.writeBytes(key.bytes)
            w.writeUInt64(account.balance)
            w.writeUInt64(account.nonce)
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
        self.entries = entries
    }
}
