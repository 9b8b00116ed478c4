import KusariBFT
import KusariCore

/// Why a `DurableSigner` could not load or save its state. Each case names the file and
/// says what to do.
public enum SignerStateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The state file exists but could not be read (permissions, an I/O error).
    case unreadable(path: String, reason: String)
    /// The state file is damaged: wrong size, unknown format, checksum mismatch, or a
    /// signed message that does not match its height, round and step.
    case corrupt(path: String, reason: String)
    /// The state file was written by another validator key or for another chain.
    case otherValidator(path: String, reason: String)
    /// The new state could not be made durable; the signature was withheld.
    case write(path: String, reason: String)

    /// What to do about a state file that cannot be trusted.
    static let advice = "Refusing to sign: starting as if this validator had never signed could make it sign a "
        + "vote that conflicts with one it already sent (a double sign). Restore the file from a backup, or, if "
        + "you are sure the chain has committed at least one block past the last height this validator signed "
        + "at, move the file away and restart."

    public var description: String {
        switch self {
        case .unreadable(let p, let r):
            return "validator signer state \(p) cannot be read (\(r)). \(Self.advice)"
        case .corrupt(let p, let r):
            return "validator signer state \(p) is damaged (\(r)). \(Self.advice)"
        case .otherValidator(let p, let r):
            return "validator signer state \(p) belongs to another validator (\(r)). Point the node at the data "
                + "directory of this key, or, if this key is new, move the file away and restart."
        case .write(let p, let r):
            return "validator signer state \(p) could not be saved (\(r)); the signature was withheld"
        }
    }
}

/// What a `DurableSigner` persists: whose state it is (chain and key) and the last
/// message signed, which fixes the last height, round and step (CometBFT's
/// `priv_validator_state.json`).
public struct SignerState: Hashable, Sendable {
    /// The last message signed.
    public enum Message: Hashable, Sendable {
        /// A proposal (step 1).
        case proposal(Proposal)
        /// A prevote (step 2) or precommit (step 3).
        case vote(Vote)
    }

    /// The chain the message was signed for.
    public var chainID: UInt32
    /// The signing key's public half.
    public var publicKey: PublicKey
    /// The last message signed.
    public var message: Message

    /// A state for `message`, signed by `publicKey`'s key on `chainID`.
    public init(chainID: UInt32, publicKey: PublicKey, message: Message) {
        self.chainID = chainID
        self.publicKey = publicKey
        self.message = message
    }

    /// The height signed at.
    public var height: UInt64 {
        switch message {
        case .proposal(let p): return p.height
        case .vote(let v): return v.height
        }
    }

    /// The round signed in.
    public var round: UInt32 {
        switch message {
        case .proposal(let p): return p.round
        case .vote(let v): return v.round
        }
    }

    /// 1 proposal, 2 prevote, 3 precommit (as `LastSigned.step`).
    public var step: UInt8 {
        switch message {
        case .proposal: return 1
        case .vote(let v): return v.type == .prevote ? 2 : 3
        }
    }

    /// `KSRSGN` and format version 0x0001.
    static let magic: [UInt8] = Array("KSRSGN".utf8) + [0x00, 0x01]

    /// The file's bytes (docs/protocol.md, section 17.8): magic and version (8) ‖ chain id
    /// u32 ‖ public key (32) ‖ height u64 ‖ round u32 ‖ step u8 ‖ the message (a
    /// proposal, 124 bytes, at step 1; a vote, 121 bytes, at steps 2 and 3) ‖ SHA-256
    /// of everything before it (32).
    public var encoded: [UInt8] {
        var w = ByteWriter(capacity: 57 + Proposal.encodedSize + 32)
        w.writeBytes(Self.magic)
        w.writeUInt32(chainID)
        w.writeBytes(publicKey.bytes)
        w.writeUInt64(height)
        w.writeUInt32(round)
        w.writeUInt8(step)
        switch message {
        case .proposal(let p): p.encode(to: &w)
        case .vote(let v): v.encode(to: &w)
        }
        let sum = Hash256.sha256(w.bytes)
        w.writeHash(sum)
        return w.bytes
    }

    /// Reads a state file's bytes, checking their form, checksum and consistency (the
    /// message's height, round and step are the file's). `path` only names the file in
    /// errors.
    public init(decoding bytes: [UInt8], path: String) throws(SignerStateError) {
        guard !bytes.isEmpty else { throw .corrupt(path: path, reason: "the file is empty") }
        guard bytes.count >= Self.magic.count, Array(bytes.prefix(6)) == Array(Self.magic.prefix(6)) else {
            throw .corrupt(path: path, reason: "not a Kusari signer state file (its first bytes are not KSRSGN)")
        }
        guard Array(bytes.prefix(8)) == Self.magic else {
            throw .corrupt(path: path, reason: "format version \(Int(bytes[6]) << 8 | Int(bytes[7])) is not 1; "
                           + "was it written by a newer Kusari?")
        }
        let voteSize = 57 + Vote.encodedSize + 32, proposalSize = 57 + Proposal.encodedSize + 32
        guard bytes.count == voteSize || bytes.count == proposalSize else {
            throw .corrupt(path: path, reason: "\(bytes.count) bytes long, not \(voteSize) or \(proposalSize)")
        }
        let body = Array(bytes.dropLast(32))
        guard Hash256.sha256(body).bytes == Array(bytes.suffix(32)) else {
            throw .corrupt(path: path, reason: "checksum mismatch")
        }
        var r = ByteReader(body, offset: Self.magic.count)
        do {
            chainID = try r.readUInt32(field: "chainID")
            guard let key = PublicKey(bytes: try r.readBytes(PublicKey.byteCount, field: "publicKey")) else {
                throw SignerStateError.corrupt(path: path, reason: "the public key is not 32 bytes")
            }
            publicKey = key
            let height = try r.readUInt64(field: "height"), round = try r.readUInt32(field: "round")
            let step = try r.readUInt8(field: "step")
            switch step {
            case 1 where r.remaining == Proposal.encodedSize:
                message = .proposal(try Proposal(from: &r))
            case 2 where r.remaining == Vote.encodedSize, 3 where r.remaining == Vote.encodedSize:
                message = .vote(try Vote(from: &r))
            default:
                throw SignerStateError.corrupt(path: path, reason: "step \(step) with a \(r.remaining)-byte message")
            }
            try r.finish()
            guard self.height == height, self.round == round, self.step == step else {
                throw SignerStateError.corrupt(path: path, reason: "the message signed is at h\(self.height) "
                    + "r\(self.round) step \(self.step), but the file says h\(height) r\(round) step \(step)")
            }
        } catch let e as SignerStateError {
            throw e
        } catch let e as CanonicalDecodingError {
            throw .corrupt(path: path, reason: e.description)
        } catch {
            throw .corrupt(path: path, reason: "\(error)")
        }
    }

    /// Whether the stored message's signature is `publicKey`'s on `chainID`.
    var hasValidSignature: Bool {
        switch message {
        case .proposal(let p): return p.hasValidSignature(chainID: chainID, publicKey: publicKey)
        case .vote(let v): return v.hasValidSignature(chainID: chainID, publicKey: publicKey)
        }
    }
}

/// Where a `DurableSigner` keeps its state. `SignerStateFile` is the real one; tests
/// put a failing one in front of it.
public protocol SignerStateStore: Sendable {
    /// Names the store in errors and logs (the file's path).
    var location: String { get }
    /// The saved state, or nil when nothing was ever saved. Throws when something is
    /// there but cannot be trusted: the caller must not sign then.
    func load() throws(SignerStateError) -> SignerState?
    /// Makes `state` durable before returning (throws when it cannot).
    func save(_ state: SignerState) throws(SignerStateError)
}

/// The signer state file in a node's data directory (`signer-state.bin`), replaced
/// atomically on each save: written to `signer-state.bin.tmp`, `fsync`ed, renamed over
/// the file, and the directory `fsync`ed.
public struct SignerStateFile: SignerStateStore {
    /// The file's name in the data directory.
    public static let name = "signer-state.bin"
    /// The file's path.
    public let path: String

    /// The state file at `path`.
    public init(path: String) { self.path = path }

    /// The state file in `dataDirectory`.
    public init(dataDirectory: String) { self.path = dataDirectory + "/" + Self.name }

    public var location: String { path }

    public func load() throws(SignerStateError) -> SignerState? {
        let bytes: [UInt8]?
        do { bytes = try DurableFile.readAll(path) } catch { throw .unreadable(path: path, reason: error.reason) }
        guard let bytes else { return nil }
        return try SignerState(decoding: bytes, path: path)
    }

    public func save(_ state: SignerState) throws(SignerStateError) {
        do { try DurableFile.replace(path, with: state.encoded) } catch { throw .write(path: path, reason: error.reason) }
    }
}
