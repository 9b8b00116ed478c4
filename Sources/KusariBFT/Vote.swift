import KusariCore

/// Checks that `signature` is `publicKey`'s Ed25519 signature of `message`. Vote sets and
/// the consensus machine take one so that a caller may put a cache of checked
/// signatures in front of the real check (a node receives each vote from several peers;
/// the simulated network's validators share one); `SignatureChecks.ed25519` is the check.
public typealias SignatureCheck = @Sendable (_ publicKey: PublicKey, _ signature: Signature, _ message: [UInt8]) -> Bool

/// The signature checks there are.
public enum SignatureChecks {
    /// Ed25519 verification (`PublicKey.isValidSignature(_:for:)`), no cache.
    public static let ed25519: SignatureCheck = { key, signature, message in
        key.isValidSignature(signature, for: message)
    }
}

/// The two voting steps of a Tendermint round. The raw value is the byte in the
/// sign-bytes (CometBFT's `SignedMsgType` values for the same steps).
public enum VoteType: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// The first vote of a round: for the proposed block, or nil.
    case prevote = 1
    /// The second vote: a commitment to a block once it has >2/3 prevotes, or nil.
    case precommit = 2

    public var description: String {
        switch self {
        case .prevote: return "prevote"
        case .precommit: return "precommit"
        }
    }
}

/// What a vote is for: one block, or nil (no block this round).
public enum VoteChoice: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A vote for the block with this id.
    case block(Hash256)
    /// A nil vote (encoded as 32 zero bytes).
    case nilVote

    /// The choice for an optional block id; nil and the zero hash are both a nil vote.
    public init(_ blockID: Hash256?) {
        if let id = blockID, id != .zero { self = .block(id) } else { self = .nilVote }
    }

    /// The block id, or nil for a nil vote.
    public var blockID: Hash256? {
        if case .block(let id) = self { return id }
        return nil
    }

    /// The 32 bytes in the sign-bytes: the block id, or zeros for nil.
    public var encoded: Hash256 { blockID ?? .zero }

    /// Orders by the encoded 32 bytes, so nil (all zeros) comes first.
    public static func < (a: VoteChoice, b: VoteChoice) -> Bool { a.encoded < b.encoded }

    public var description: String { blockID?.hex ?? "nil" }
}

/// A signed prevote or precommit of one validator (CometBFT's `Vote`, without the
/// part-set header and extensions). The validator is named by its index in the height's
/// validator set; the signature covers `signBytes(chainID:)`, which does not include the
/// index (a vote is checked against the key at that index).
public struct Vote: Hashable, Sendable, CustomStringConvertible {
    /// Prevote or precommit.
    public var type: VoteType
    /// The height voted on.
    public var height: UInt64
    /// The round within the height.
    public var round: UInt32
    /// The block voted for, or nil. Kept normal: a `.block` of the zero hash (which signs
    /// the same bytes as nil) is stored as `.nilVote`, so one signature never stands for two
    /// different choices.
    public var choice: VoteChoice {
        didSet { choice = VoteChoice(choice.blockID) }
    }
    /// The voter's index in the height's validator set.
    public var validatorIndex: UInt32
    /// The voter's clock when signing, in milliseconds since the Unix epoch. Signed, but
    /// not checked here.
    public var timestamp: UInt64
    /// Ed25519 over `signBytes(chainID:)` by the validator's key.
    public var signature: Signature

    /// A vote with all its fields given; `blockID` nil or zero is a nil vote.
    public init(type: VoteType, height: UInt64, round: UInt32, blockID: Hash256?, validatorIndex: UInt32,
                timestamp: UInt64, signature: Signature) {
        self.type = type
        self.height = height
        self.round = round
        self.choice = VoteChoice(blockID)
        self.validatorIndex = validatorIndex
        self.timestamp = timestamp
        self.signature = signature
    }

    /// A vote signed with `key` (Ed25519 is deterministic: the same inputs give the same
    /// vote).
    public static func signed(by key: KeyPair, chainID: UInt32, type: VoteType, height: UInt64, round: UInt32,
                              blockID: Hash256?, validatorIndex: UInt32, timestamp: UInt64) throws(KeyError) -> Vote {
        let bytes = signBytes(chainID: chainID, type: type, height: height, round: round,
                              choice: VoteChoice(blockID), timestamp: timestamp)
        let signature = try key.sign(bytes)
        return Vote(type: type, height: height, round: round, blockID: blockID, validatorIndex: validatorIndex,
                    timestamp: timestamp, signature: signature)
    }

    /// The block voted for, or nil for a nil vote.
    public var blockID: Hash256? { choice.blockID }

    /// The 14 ASCII bytes `KUSARI/VOTE/V1` that begin every vote's sign-bytes, so that a
    /// vote signature can never be taken for a transaction's (`KUSARI/TX/V1`) or any
    /// other use of the same key.
    public static let signTag: [UInt8] = Array("KUSARI/VOTE/V1".utf8)

    /// The length of the sign-bytes: 14 + 4 + 1 + 8 + 4 + 32 + 8 = 71.
    public static let signBytesCount = 71

    /// The bytes a validator signs (docs/protocol.md, section 17.2):
    /// `"KUSARI/VOTE/V1" ‖ chainID u32 ‖ type u8 ‖ height u64 ‖ round u32 ‖ block id 32
    /// (zeros for nil) ‖ timestamp u64`, integers big-endian.
    public static func signBytes(chainID: UInt32, type: VoteType, height: UInt64, round: UInt32,
                                 choice: VoteChoice, timestamp: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: signBytesCount)
        writer.writeBytes(signTag)
        writer.writeUInt32(chainID)
        writer.writeUInt8(type.rawValue)
        writer.writeUInt64(height)
        writer.writeUInt32(round)
        writer.writeHash(choice.encoded)
        writer.writeUInt64(timestamp)
        return writer.bytes
    }

    /// This vote's sign-bytes on chain `chainID`.
    public func signBytes(chainID: UInt32) -> [UInt8] {
        Self.signBytes(chainID: chainID, type: type, height: height, round: round, choice: choice, timestamp: timestamp)
    }

    /// True when `signature` is `publicKey`'s Ed25519 signature of this vote's sign-bytes.
    public func hasValidSignature(chainID: UInt32, publicKey: PublicKey) -> Bool {
        publicKey.isValidSignature(signature, for: signBytes(chainID: chainID))
    }

    public var description: String {
        "\(type) h\(height) r\(round) by #\(validatorIndex) for \(choice) at \(timestamp)"
    }
}
