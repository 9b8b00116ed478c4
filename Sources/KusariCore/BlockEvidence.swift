/// Evidence that a validator signed two conflicting votes: the same type, height and round
/// for two different blocks (one may be nil), as a BFT block carries it (docs/protocol.md,
/// section 17.6; CometBFT's `DuplicateVoteEvidence`). Whether the signatures hold is the
/// BFT engine's check (`KusariBFT`); this type only holds and encodes the two votes.
///
/// Encoding (225 bytes): `type u8 ‖ height u64 ‖ round u32 ‖ validator index u32 ‖` then
/// each vote as `block id 32 (zeros for nil) ‖ timestamp u64 ‖ signature 64`, the vote
/// with the smaller block id first.
public struct DoubleSignEvidence: Hashable, Sendable {
    /// One of the two votes: what differs between them.
    public struct SignedChoice: Hashable, Sendable {
        /// The block voted for; zero for a nil vote.
        public var blockId: Hash256
        /// The vote's timestamp (milliseconds since the Unix epoch).
        public var timestamp: UInt64
        /// The validator's signature of the vote's sign-bytes.
        public var signature: Signature

        public init(blockId: Hash256, timestamp: UInt64, signature: Signature) {
            self.blockId = blockId
            self.timestamp = timestamp
            self.signature = signature
        }
    }

    /// The encoded size of one piece of evidence.
    public static let encodedSize = 225
    /// The most pieces of evidence one block may carry.
    public static let maxPerBlock = 64

    /// 1 prevote, 2 precommit.
    public var voteType: UInt8
    /// The height both votes are for.
    public var height: UInt64
    /// The round both votes are in.
    public var round: UInt32
    /// The validator's index in that height's set.
    public var validatorIndex: UInt32
    /// The vote with the smaller block id.
    public var first: SignedChoice
    /// The vote with the larger block id.
    public var second: SignedChoice

    public init(voteType: UInt8, height: UInt64, round: UInt32, validatorIndex: UInt32, first: SignedChoice,
                second: SignedChoice) {
        self.voteType = voteType
        self.height = height
        self.round = round
        self.validatorIndex = validatorIndex
        self.first = first
        self.second = second
    }

    /// What makes two pieces of evidence the same offence: validator, height, round, type.
    public var offence: [UInt8] {
        var w = ByteWriter(capacity: 17)
        w.writeUInt8(voteType)
        w.writeUInt64(height)
        w.writeUInt32(round)
        w.writeUInt32(validatorIndex)
        return w.bytes
    }

    /// The hash a header carries for a block's evidence list: zero for none, else SHA-256
    /// of the pieces' encodings one after another.
    public static func listHash(_ list: [DoubleSignEvidence]) -> Hash256 {
        guard !list.isEmpty else { return .zero }
        var w = ByteWriter(capacity: list.count * encodedSize)
        for item in list { item.encode(to: &w) }
        return Hash256.sha256(w.bytes)
    }
}

/// Field names in decoding errors are relative ("type", "first.signature"): the caller
/// prefixes where the evidence sat (`evidence[2].` in a block).
extension DoubleSignEvidence: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        w.writeUInt8(voteType)
        w.writeUInt64(height)
        w.writeUInt32(round)
        w.writeUInt32(validatorIndex)
        for choice in [first, second] {
            w.writeHash(choice.blockId)
            w.writeUInt64(choice.timestamp)
            w.writeBytes(choice.signature.bytes)
        }
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        voteType = try r.readUInt8(field: "type")
        guard voteType == 1 || voteType == 2 else {
            throw .invalid(field: "type", reason: "\(voteType) is neither 1 (prevote) nor 2 (precommit)")
        }
        height = try r.readUInt64(field: "height")
        round = try r.readUInt32(field: "round")
        validatorIndex = try r.readUInt32(field: "validatorIndex")
        var choices: [SignedChoice] = []
        for name in ["first", "second"] {
            let id = try r.readHash(field: "\(name).blockId")
            let timestamp = try r.readUInt64(field: "\(name).timestamp")
            let signature = Signature(validated: try r.readBytes(Signature.byteCount, field: "\(name).signature"))
            choices.append(SignedChoice(blockId: id, timestamp: timestamp, signature: signature))
        }
        first = choices[0]
        second = choices[1]
        guard first.blockId < second.blockId else {
            throw .invalid(field: "second.blockId", reason: "must be greater than the first vote's (the votes differ, in order)")
        }
    }
}
