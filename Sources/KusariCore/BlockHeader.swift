/// A block header, hashed with SHA-256d for the block id. Version 1 (proof of work) is 148
/// bytes; version 2 (BFT) is 264 bytes and carries `bft` in place of bits and nonce.
///
/// Version 1 layout (docs/protocol.md, "Block header"), all integers big-endian:
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
///
/// Version 2 (docs/protocol.md, section 17.6) keeps offsets 0 to 115 (version to
/// timestamp), then the proposer's address payload (20, in `beneficiary`), the validator
/// set hash (32), the next validator set hash (32), the last commit hash (32) and the
/// evidence hash (32); `bits` and `nonce` are 0 and not encoded.
public struct BlockHeader: Hashable, Sendable {
    /// The encoded length of a version 1 (proof-of-work) header in bytes.
    public static let encodedSize = 148
    /// The encoded length of a version 2 (BFT) header in bytes.
    public static let bftEncodedSize = 264
    /// The header version of BFT chains.
    public static let bftVersion: UInt32 = 2
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
    /// The BFT fields of a version 2 header; nil in version 1.
    public var bft: BFTHeaderFields?

    /// A version 1 header (or another version, for tests of refusal).
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
        self.bft = nil
    }

    /// A version 2 (BFT) header: `proposer` is the address payload of the validator that
    /// made the block (and is paid for it).
    public init(height: UInt64, previousId: Hash256, merkleRoot: Hash256, stateRoot: Hash256, timestamp: UInt64,
                proposer: AddressPayload, bft: BFTHeaderFields) {
        self.init(version: Self.bftVersion, height: height, previousId: previousId, merkleRoot: merkleRoot,
                  stateRoot: stateRoot, timestamp: timestamp, bits: 0, beneficiary: proposer, nonce: 0)
        self.bft = bft
    }

    /// The block id: SHA-256d of the encoding.
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
        if let bft {
            w.writeBytes(beneficiary.bytes)
            w.writeHash(bft.validatorsHash)
            w.writeHash(bft.nextValidatorsHash)
            w.writeHash(bft.lastCommitHash)
            w.writeHash(bft.evidenceHash)
            return
        }
        w.writeUInt32(bits)
        w.writeBytes(beneficiary.bytes)
        w.writeUInt64(nonce)
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        version = try r.readUInt32(field: "header.version")
        guard version == Self.currentVersion || version == Self.bftVersion else {
            throw .invalid(field: "header.version",
                           reason: "unknown header version \(version) (expected \(Self.currentVersion) or \(Self.bftVersion))")
        }
        height = try r.readUInt64(field: "header.height")
        previousId = try r.readHash(field: "header.previousId")
        merkleRoot = try r.readHash(field: "header.merkleRoot")
        stateRoot = try r.readHash(field: "header.stateRoot")
        timestamp = try r.readUInt64(field: "header.timestamp")
        if version == Self.bftVersion {
            beneficiary = AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: "header.proposer")) ?? .zero
            bft = BFTHeaderFields(validatorsHash: try r.readHash(field: "header.validatorsHash"),
                                  nextValidatorsHash: try r.readHash(field: "header.nextValidatorsHash"),
                                  lastCommitHash: try r.readHash(field: "header.lastCommitHash"),
                                  evidenceHash: try r.readHash(field: "header.evidenceHash"))
            bits = 0
            nonce = 0
            return
        }
        bft = nil
        bits = try r.readUInt32(field: "header.bits")
        beneficiary = AddressPayload(bytes: try r.readBytes(AddressPayload.byteCount, field: "header.beneficiary")) ?? .zero
        nonce = try r.readUInt64(field: "header.nonce")
    }
}

/// The fields a version 2 (BFT) header carries in place of bits and nonce: what a light
/// client needs to follow the validator set and check commits.
public struct BFTHeaderFields: Hashable, Sendable {
    /// The hash of the validator set that votes on this block (`ValidatorSet.hash`).
    public var validatorsHash: Hash256
    /// The hash of the validator set that votes on the next block.
    public var nextValidatorsHash: Hash256
    /// SHA-256 of the block's `lastCommit` encoding (zero when it has none: block 1).
    public var lastCommitHash: Hash256
    /// `DoubleSignEvidence.listHash` of the block's evidence (zero when it has none).
    public var evidenceHash: Hash256

    public init(validatorsHash: Hash256, nextValidatorsHash: Hash256, lastCommitHash: Hash256,
                evidenceHash: Hash256 = .zero) {
        self.validatorsHash = validatorsHash
        self.nextValidatorsHash = nextValidatorsHash
        self.lastCommitHash = lastCommitHash
        self.evidenceHash = evidenceHash
    }
}

/// A block: its header and its transactions, and on a BFT chain the commit certificate
/// of its parent.
///
/// Encoding: the header, then for a version 2 header a byte 0 (no last commit) or 1
/// followed by the `BlockCommit`, and a varuint evidence count with each
/// `DoubleSignEvidence`; then a varuint transaction count and each transaction's canonical
/// encoding (self-delimiting).
public struct Block: Hashable, Sendable {
    /// The most transactions a block may hold (a decoding bound; consensus may set a lower one).
    public static let maxTransactions = 100_000

    public var header: BlockHeader
    public var transactions: [Transaction]
    /// On a BFT chain, the precommits that committed the parent (nil for block 1, whose
    /// parent is the genesis, and on proof-of-work chains).
    public var lastCommit: BlockCommit?
    /// On a BFT chain, evidence of validators that signed conflicting votes.
    public var evidence: [DoubleSignEvidence]

    public init(header: BlockHeader, transactions: [Transaction], lastCommit: BlockCommit? = nil,
                evidence: [DoubleSignEvidence] = []) {
        self.header = header
        self.transactions = transactions
        self.lastCommit = lastCommit
        self.evidence = evidence
    }

    /// The block id (the header's).
    public var id: Hash256 { header.id }

    /// The Merkle root of the transaction ids, as the header must carry it.
    public var computedMerkleRoot: Hash256 { MerkleTree.root(leaves: transactions.map(\.id)) }
}

extension Block: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        header.encode(to: &w)
        if header.bft != nil {
            if let lastCommit {
                w.writeUInt8(1)
                lastCommit.encode(to: &w)
            } else {
                w.writeUInt8(0)
            }
            w.writeVarUInt(UInt64(evidence.count))
            for item in evidence { item.encode(to: &w) }
        }
        w.writeVarUInt(UInt64(transactions.count))
        for tx in transactions { tx.encode(to: &w) }
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        header = try BlockHeader(from: &r)
        lastCommit = nil
        evidence = []
        if header.bft != nil {
            switch try r.readUInt8(field: "lastCommit.present") {
            case 0: break
            case 1: lastCommit = try BlockCommit(from: &r)
            case let other: throw .invalid(field: "lastCommit.present", reason: "\(other) is neither 0 nor 1")
            }
            let count = try r.readVarUInt(field: "evidence.count", maximum: UInt64(DoubleSignEvidence.maxPerBlock))
            var list: [DoubleSignEvidence] = []
            for i in 0..<Int(count) {
                do { list.append(try DoubleSignEvidence(from: &r)) } catch { throw error.prefixed("evidence[\(i)].") }
            }
            evidence = list
        } else {
            evidence = []
        }
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
