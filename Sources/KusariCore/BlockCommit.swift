/// The commit certificate of a block on a BFT chain, as blocks carry and store it: the
/// precommits of more than two thirds of the voting power for one block in one round
/// (CometBFT's `Commit`). Each precommit is kept as the voter's index, its timestamp and
/// its signature; the rest of what was signed (type precommit, height, round, block id)
/// is the commit's own. Whether the signatures hold and carry enough power is the BFT
/// engine's check (`KusariBFT`); this type only holds and encodes them.
///
/// Encoding (docs/protocol.md, section 17.6): `height u64 ‖ round u32 ‖ block id 32 ‖
/// count varuint ‖ count × (validator index u32 ‖ timestamp u64 ‖ signature 64)`, indexes
/// strictly increasing.
public struct BlockCommit: Hashable, Sendable {
    /// One validator's precommit within a commit.
    public struct Precommit: Hashable, Sendable {
        /// The validator's index in the height's validator set.
        public var validatorIndex: UInt32
        /// The vote's timestamp (milliseconds since the Unix epoch), part of what it signed.
        public var timestamp: UInt64
        /// The Ed25519 signature of the precommit's sign-bytes.
        public var signature: Signature

        public init(validatorIndex: UInt32, timestamp: UInt64, signature: Signature) {
            self.validatorIndex = validatorIndex
            self.timestamp = timestamp
            self.signature = signature
        }
    }

    /// The most precommits a commit may carry (a decoding bound, CometBFT's 10,000 votes).
    public static let maxPrecommits = 10_000
    /// The encoded size of one precommit: 4 + 8 + 64.
    public static let precommitSize = 76

    /// The height of the block committed.
    public var height: UInt64
    /// The round whose precommits decided it.
    public var round: UInt32
    /// The block committed.
    public var blockId: Hash256
    /// The precommits, by increasing validator index.
    public var precommits: [Precommit]

    public init(height: UInt64, round: UInt32, blockId: Hash256, precommits: [Precommit]) {
        self.height = height
        self.round = round
        self.blockId = blockId
        self.precommits = precommits
    }

    /// The hash a header carries for its block's `lastCommit`: SHA-256 of the encoding.
    public var hash: Hash256 { Hash256.sha256(encoded) }
}

extension BlockCommit: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        w.writeUInt64(height)
        w.writeUInt32(round)
        w.writeHash(blockId)
        w.writeVarUInt(UInt64(precommits.count))
        for p in precommits {
            w.writeUInt32(p.validatorIndex)
            w.writeUInt64(p.timestamp)
            w.writeBytes(p.signature.bytes)
        }
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        height = try r.readUInt64(field: "commit.height")
        round = try r.readUInt32(field: "commit.round")
        blockId = try r.readHash(field: "commit.blockId")
        let count = try r.readVarUInt(field: "commit.precommits.count", maximum: UInt64(Self.maxPrecommits))
        guard count <= UInt64(r.remaining / Self.precommitSize) else {
            throw .oversize(field: "commit.precommits.count", length: count, maximum: UInt64(r.remaining / Self.precommitSize))
        }
        var list: [Precommit] = []
        list.reserveCapacity(Int(count))
        for i in 0..<Int(count) {
            let index = try r.readUInt32(field: "commit.precommits[\(i)].validatorIndex")
            if let last = list.last, index <= last.validatorIndex {
                throw .invalid(field: "commit.precommits[\(i)].validatorIndex",
                               reason: "\(index) does not follow \(last.validatorIndex) (indexes must increase)")
            }
            let timestamp = try r.readUInt64(field: "commit.precommits[\(i)].timestamp")
            let signature = Signature(validated: try r.readBytes(Signature.byteCount, field: "commit.precommits[\(i)].signature"))
            list.append(Precommit(validatorIndex: index, timestamp: timestamp, signature: signature))
        }
        precommits = list
    }
}
