/// A block header: 148 bytes of fixed layout, hashed with SHA-256d for the block id.
///
/// Layout (docs/protocol.md, "Block header"), all integers big-endian:
///
/// | offset | size | field |
/// | --- | --- | --- |
/// | 0 | 4 | version |
/// | 4 | 8 | height |
/// | 12 | 32 | previous block id |
/// | 44 | 32 | transaction Merkle root |
/// | 76 | 32 | state root |
/// | 108 | 8 | timestamp (Unix seconds) |
/// | 116 | 4 | bits (compact target) |
/// | 120 | 20 | beneficiary (address payload) |
/// | 140 | 8 | nonce |
///
/// The nonce lies in the third 64-byte SHA-256 block (bytes 128...191 of the
/// padded message), so a miner hashes the first 128 bytes once (the midstate)
/// and only the last block per nonce.
public struct BlockHeader: Hashable, Sendable {
    /// The encoded length in bytes.
    public static let encodedSize = 148
    /// Offset of the nonce in the encoding.
    public static let nonceOffset = 140
    /// The header version this code writes and accepts.
    public static let currentVersion: UInt32 = 1

    public var version: UInt32
    public var height: UInt64
    public var previousId: Hash256
    public var merkleRoot: Hash256
    public var stateRoot: Hash256
    public var timestamp: UInt64
    public var bits: UInt32
    public var beneficiary: AddressPayload
    public var nonce: UInt64

    public init(version: UInt32 = BlockHeader.currentVersion, height: UInt64, previousId: Hash256,
                merkleRoot: Hash256, stateRoot: Hash256, timestamp: UInt64, bits: UInt32,
                beneficiary: AddressPayload, nonce: UInt64) {
        self.version = version
        self.height = height
        self.previousId = previousId
        self.merkleRoot = merkleRoot
        self.stateRoot = stateRoot
        self.timestamp = timestamp
        self.bits = bits
        self.beneficiary = beneficiary
        self.nonce = nonce
    }

    /// The block id: SHA-256d of the 148-byte encoding.
    public var id: Hash256 { Hash256.sha256d(encoded) }
}

extension BlockHeader: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        w.writeUInt32(version)
        w.writeUInt64(height)
        w.writeHash(previousId)
        w.writeHash(merkleRoot)
        w.writeHash(stateRoot)
        w.writeUInt64(timestamp)
        w.writeUInt32(bits)
        w.writeBytes(beneficiary.bytes)
        w.writeUInt64(nonce)
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        version = try r.readUInt32(field: "header.version")
        guard version == Self.currentVersion else {
            throw .invalid(field: "header.version", reason: "unknown header version \(version) (expected \(Self.currentVersion))")
        }
        height = try r.readUInt64(field: "header.height")
        previousId = try r.readHash(field: "header.previousId")
        merkleRoot = try r.readHash(field: "header.merkleRoot")
        stateRoot = try r.readHash(field: "header.stateRoot")
        timestamp = try r.readUInt64(field: "header.timestamp")
        bits = try r.readUInt32(field: "header.bits")
        beneficiary = AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: "header.beneficiary")) ?? .zero
        nonce = try r.readUInt64(field: "header.nonce")
    }
}

/// A block: its header and its transactions.
///
/// Encoding: the 148-byte header, a varuint transaction count, then each
/// transaction's canonical encoding (self-delimiting).
public struct Block: Hashable, Sendable {
    /// The most transactions a block may hold (a decoding bound; consensus may set a lower one).
    public static let maxTransactions = 100_000

    public var header: BlockHeader
    public var transactions: [Transaction]

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    /// The block id (the header's).
    public var id: Hash256 { header.id }

    /// The Merkle root of the transaction ids, as the header must carry it.
    public var computedMerkleRoot: Hash256 { MerkleTree.root(leaves: transactions.map(\.id)) }
}

extension Block: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        header.encode(to: &w)
        w.writeVarUInt(UInt64(transactions.count))
        for tx in transactions { tx.encode(to: &w) }
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        header = try BlockHeader(from: &r)
        let count = try r.readVarUInt(field: "transactions.count", maximum: UInt64(Self.maxTransactions))
        // Refuse a count the remaining bytes cannot possibly hold, before allocating.
        guard count <= UInt64(r.remaining / Transaction.minEncodedSize) else {
            throw .oversize(field: "transactions.count", length: count,
                            maximum: UInt64(r.remaining / Transaction.minEncodedSize))
        }
        var txs: [Transaction] = []
        txs.reserveCapacity(Int(count))
        for i in 0..<Int(count) {
            do { txs.append(try Transaction(from: &r)) } catch {
                throw error.prefixed("transactions[\(i)].")
            }
        }
        transactions = txs
    }
}

extension CanonicalDecodingError {
    /// The same error with its field name prefixed (to say which element failed).
    func prefixed(_ prefix: String) -> CanonicalDecodingError {
        switch self {
        case .truncated(let f, let n, let a): return .truncated(field: prefix + f, needed: n, available: a)
        case .nonMinimal(let f): return .nonMinimal(field: prefix + f)
        case .outOfRange(let f, let v, let m): return .outOfRange(field: prefix + f, value: v, maximum: m)
        case .oversize(let f, let l, let m): return .oversize(field: prefix + f, length: l, maximum: m)
        case .invalid(let f, let r): return .invalid(field: prefix + f, reason: r)
        case .trailingBytes: return self
        }
    }
}
