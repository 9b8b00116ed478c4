import KusariCore

/// Why a proposal was refused. Nothing is recorded for a refused proposal.
public enum ProposalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The proposal names the zero block id, which is reserved for nil votes.
    case nilBlock
    /// `polRound` is neither -1 nor a round before the proposal's round.
    case invalidPOLRound(polRound: Int, round: UInt32)
    /// The proposer index is not the proposer the validator set chooses for the round.
    case notTheProposer(index: UInt32, expected: Int, round: UInt32)
    /// The signature is not the proposer's over the proposal's sign-bytes.
    case invalidSignature(index: UInt32)

    public var description: String {
        switch self {
        case .nilBlock:
            return "proposal for the zero block id (the zero id means nil)"
        case .invalidPOLRound(let polRound, let round):
            return "proposal of round \(round) with polRound \(polRound): it must be -1 or a round before \(round)"
        case .notTheProposer(let index, let expected, let round):
            return "proposal of round \(round) from validator #\(index), but the proposer of that round is #\(expected)"
        case .invalidSignature(let index):
            return "proposal from validator #\(index) does not carry a valid signature by that validator's key"
        }
    }
}

/// A signed proposal (the paper's ⟨PROPOSAL, h, r, v, vr⟩; CometBFT's `Proposal` without
/// the part-set header): the proposer of a height and round proposes a block, named for
/// now by its id only, with `polRound`, the round of the proof of lock it re-proposes a
/// value from (-1 for a fresh value).
///
/// The proposer is named by its index in the height's validator set; the signature
/// covers `signBytes(chainID:)`, which does not include the index.
public struct Proposal: Hashable, Sendable, CustomStringConvertible {
    /// The height proposed for.
    public var height: UInt64
    /// The round within the height.
    public var round: UInt32
    /// The proposed block's id (never zero: zero is the nil vote's id).
    public var blockID: Hash256
    /// The round in which this value had more than two thirds of the prevotes, when it
    /// is the proposer's valid value; -1 for none. Always less than `round`.
    public var polRound: Int
    /// The proposer's index in the height's validator set.
    public var proposerIndex: UInt32
    /// The proposer's clock when signing, milliseconds since the Unix epoch. Signed, not
    /// checked here.
    public var timestamp: UInt64
    /// Ed25519 over `signBytes(chainID:)` by the proposer's key.
    public var signature: Signature

    /// A proposal with all its fields given.
    public init(height: UInt64, round: UInt32, blockID: Hash256, polRound: Int, proposerIndex: UInt32,
                timestamp: UInt64, signature: Signature) {
        self.height = height
        self.round = round
        self.blockID = blockID
        self.polRound = polRound
        self.proposerIndex = proposerIndex
        self.timestamp = timestamp
        self.signature = signature
    }

    /// A proposal signed with `key` (deterministic, as Ed25519 is).
    public static func signed(by key: KeyPair, chainID: UInt32, height: UInt64, round: UInt32, blockID: Hash256,
                              polRound: Int, proposerIndex: UInt32, timestamp: UInt64) throws(KeyError) -> Proposal {
        let bytes = signBytes(chainID: chainID, height: height, round: round, polRound: polRound,
                              blockID: blockID, timestamp: timestamp)
        let signature = try key.sign(bytes)
        return Proposal(height: height, round: round, blockID: blockID, polRound: polRound,
                        proposerIndex: proposerIndex, timestamp: timestamp, signature: signature)
    }

    /// The 18 ASCII bytes `KUSARI/PROPOSAL/V1` that begin every proposal's sign-bytes, so
    /// that a proposal signature can never pass for a vote's or a transaction's.
    public static let signTag: [UInt8] = Array("KUSARI/PROPOSAL/V1".utf8)

    /// The length of the sign-bytes: 18 + 4 + 8 + 4 + 4 + 32 + 8 = 78.
    public static let signBytesCount = 78

    /// `polRound` as the 4 bytes of the sign-bytes: -1 (none) is `ffffffff`, a round
    /// is itself. A valid `polRound` is below a `u32` round, so never `ffffffff`; any
    /// other value (only in a proposal that `validate` refuses) is truncated.
    public static func encodePOLRound(_ polRound: Int) -> UInt32 {
        polRound < 0 ? UInt32.max : UInt32(truncatingIfNeeded: polRound)
    }

    /// The bytes a proposer signs (docs/protocol.md, section 17.4):
    /// `"KUSARI/PROPOSAL/V1" ‖ chainID u32 ‖ height u64 ‖ round u32 ‖ polRound u32
    /// (ffffffff for -1) ‖ block id 32 ‖ timestamp u64`, integers big-endian.
    public static func signBytes(chainID: UInt32, height: UInt64, round: UInt32, polRound: Int,
                                 blockID: Hash256, timestamp: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: signBytesCount)
        writer.writeBytes(signTag)
        writer.writeUInt32(chainID)
        writer.writeUInt64(height)
        writer.writeUInt32(round)
        writer.writeUInt32(encodePOLRound(polRound))
        writer.writeHash(blockID)
        writer.writeUInt64(timestamp)
        return writer.bytes
    }

    /// This proposal's sign-bytes on chain `chainID`.
    public func signBytes(chainID: UInt32) -> [UInt8] {
        Self.signBytes(chainID: chainID, height: height, round: round, polRound: polRound, blockID: blockID,
                       timestamp: timestamp)
    }

    /// True when `signature` is `publicKey`'s Ed25519 signature of the sign-bytes.
    public func hasValidSignature(chainID: UInt32, publicKey: PublicKey) -> Bool {
        publicKey.isValidSignature(signature, for: signBytes(chainID: chainID))
    }

    /// Checks the proposal against `validators`, the set of its height as it stands at
    /// round 0: a non-zero block id, `polRound` in `-1 ..< round`, the proposer index is
    /// the round's proposer (`ValidatorSet.proposerIndex(forRound:)`) and the signature is
    /// that validator's. The caller checks the height.
    public func validate(chainID: UInt32, validators: ValidatorSet) throws(ProposalError) {
        try validate(chainID: chainID, validators: validators, expectedProposer: validators.proposerIndex(forRound: round))
    }

    /// As `validate(chainID:validators:)`, with the round's proposer index already known
    /// and the signature checked by `signatureCheck`.
    public func validate(chainID: UInt32, validators: ValidatorSet, expectedProposer: Int,
                         signatureCheck: SignatureCheck = SignatureChecks.ed25519) throws(ProposalError) {
        guard blockID != .zero else { throw .nilBlock }
        guard polRound >= -1, polRound < Int(round) else { throw .invalidPOLRound(polRound: polRound, round: round) }
        guard Int(proposerIndex) == expectedProposer, let proposer = validators.validator(at: expectedProposer) else {
            throw .notTheProposer(index: proposerIndex, expected: expectedProposer, round: round)
        }
        guard signatureCheck(proposer.publicKey, signature, signBytes(chainID: chainID)) else {
            throw .invalidSignature(index: proposerIndex)
        }
    }

    public var description: String {
        "proposal h\(height) r\(round) by #\(proposerIndex) of \(blockID.hex.prefix(8)) pol \(polRound)"
    }
}

extension ValidatorSet {
    /// The index of the proposer of `round` when `self` is a height's set at round 0
    /// (its `proposer` is round 0's): round `r` moves the priorities on `r` steps in one
    /// `incrementProposerPriority(times:)` (scaled and centred once, as CometBFT's
    /// `enterNewRound` does going from round 0 straight to `r`). Depending on the round
    /// only, never on the rounds a node went through, every node agrees on it.
    public func proposerIndex(forRound round: UInt32) -> Int {
        let chosen = round == 0 ? proposer : incrementedProposerPriority(times: round).proposer
        return index(of: chosen.address) ?? 0
    }
}
