import KusariCore

/// The wire and log encodings of votes and proposals (docs/protocol.md, section 17.7):
/// the signed fields in the order of their sign-bytes, then the signer's index and the
/// signature. Decoding checks only the form; signatures and indexes are checked against
/// the validator set by the state machine.
extension Vote: CanonicalCodable {
    /// The encoded size: type 1 ‖ height 8 ‖ round 4 ‖ block id 32 ‖ timestamp 8 ‖
    /// validator index 4 ‖ signature 64.
    public static let encodedSize = 121

    public func encode(to w: inout ByteWriter) {
        w.writeUInt8(type.rawValue)
        w.writeUInt64(height)
        w.writeUInt32(round)
        w.writeHash(choice.encoded)
        w.writeUInt64(timestamp)
        w.writeUInt32(validatorIndex)
        w.writeBytes(signature.bytes)
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        let typeByte = try r.readUInt8(field: "vote.type")
        guard let type = VoteType(rawValue: typeByte) else {
            throw .invalid(field: "vote.type", reason: "\(typeByte) is neither 1 (prevote) nor 2 (precommit)")
        }
        let height = try r.readUInt64(field: "vote.height")
        let round = try r.readUInt32(field: "vote.round")
        let blockID = try r.readHash(field: "vote.blockId")
        let timestamp = try r.readUInt64(field: "vote.timestamp")
        let index = try r.readUInt32(field: "vote.validatorIndex")
        guard let signature = Signature(bytes: try r.readBytes(Signature.byteCount, field: "vote.signature")) else {
            throw .invalid(field: "vote.signature", reason: "not 64 bytes")
        }
        self.init(type: type, height: height, round: round, blockID: blockID, validatorIndex: index,
                  timestamp: timestamp, signature: signature)
    }
}

extension Proposal: CanonicalCodable {
    /// The encoded size: height 8 ‖ round 4 ‖ polRound 4 ‖ block id 32 ‖ timestamp 8 ‖
    /// proposer index 4 ‖ signature 64.
    public static let encodedSize = 124

    public func encode(to w: inout ByteWriter) {
        w.writeUInt64(height)
        w.writeUInt32(round)
        w.writeUInt32(Self.encodePOLRound(polRound))
        w.writeHash(blockID)
        w.writeUInt64(timestamp)
        w.writeUInt32(proposerIndex)
        w.writeBytes(signature.bytes)
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        let height = try r.readUInt64(field: "proposal.height")
        let round = try r.readUInt32(field: "proposal.round")
        let pol = try r.readUInt32(field: "proposal.polRound")
        let polRound = pol == UInt32.max ? -1 : Int(pol)
        guard polRound < Int(round) else {
            throw .invalid(field: "proposal.polRound", reason: "\(pol) is not below the round \(round) (ffffffff for none)")
        }
        let blockID = try r.readHash(field: "proposal.blockId")
        guard blockID != .zero else { throw .invalid(field: "proposal.blockId", reason: "zero is the nil vote's id") }
        let timestamp = try r.readUInt64(field: "proposal.timestamp")
        let index = try r.readUInt32(field: "proposal.proposerIndex")
        guard let signature = Signature(bytes: try r.readBytes(Signature.byteCount, field: "proposal.signature")) else {
            throw .invalid(field: "proposal.signature", reason: "not 64 bytes")
        }
        self.init(height: height, round: round, blockID: blockID, polRound: polRound, proposerIndex: index,
                  timestamp: timestamp, signature: signature)
    }
}
