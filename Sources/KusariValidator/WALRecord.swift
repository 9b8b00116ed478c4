import KusariBFT
import KusariCore

/// One record of the consensus write-ahead log (`ConsensusWAL`): a consensus message
/// received, one we signed, a timeout that fired, or the end of a height. The record
/// types and their payloads are in docs/protocol.md, section 17.8.
public enum WALRecord: Hashable, Sendable, CustomStringConvertible {
    /// Type 1: a proposal with its block, received from a peer.
    case proposal(ProposalMessage)
    /// Type 2: a vote received from a peer.
    case vote(Vote)
    /// Type 3: a proposal we signed, with its block.
    case ownProposal(ProposalMessage)
    /// Type 4: a vote we signed.
    case ownVote(Vote)
    /// Type 5: a timeout that fired (and was fed to the machine).
    case timeout(Timeout)
    /// Type 6: the height is committed: its block is stored, and none of the records
    /// before this one need replaying (CometBFT's `EndHeightMessage`).
    case endHeight(UInt64)

    /// The type byte.
    public var type: UInt8 {
        switch self {
        case .proposal: return 1
        case .vote: return 2
        case .ownProposal: return 3
        case .ownVote: return 4
        case .timeout: return 5
        case .endHeight: return 6
        }
    }

    /// The height the record belongs to (for `endHeight`, the height ended).
    public var height: UInt64 {
        switch self {
        case .proposal(let m), .ownProposal(let m): return m.proposal.height
        case .vote(let v), .ownVote(let v): return v.height
        case .timeout(let t): return t.height
        case .endHeight(let h): return h
        }
    }

    /// Whether `ConsensusWAL.append` `fsync`s the log before it returns: for our own
    /// signed messages (which may be sent only once logged) and height ends.
    public var isSyncedOnAppend: Bool {
        switch self {
        case .ownProposal, .ownVote, .endHeight: return true
        case .proposal, .vote, .timeout: return false
        }
    }

    /// The event to feed a `ConsensusMachine` when replaying this record (nil for
    /// `endHeight`). Our own messages are fed as if received: the machine counts them,
    /// and when it asks the signer again the signer returns the same message.
    public var event: ConsensusEvent? {
        switch self {
        case .proposal(let m), .ownProposal(let m): return .proposal(m.proposal)
        case .vote(let v), .ownVote(let v): return .vote(v)
        case .timeout(let t): return .timeout(t)
        case .endHeight: return nil
        }
    }

    /// The payload (the record's bytes after its type byte).
    public var payload: [UInt8] {
        var w = ByteWriter()
        switch self {
        case .proposal(let m), .ownProposal(let m): m.encode(to: &w)
        case .vote(let v), .ownVote(let v): v.encode(to: &w)
        case .timeout(let t):
            w.writeUInt8(t.kind.rawValue)
            w.writeUInt64(t.height)
            w.writeUInt32(t.round)
        case .endHeight(let h): w.writeUInt64(h)
        }
        return w.bytes
    }

    /// The record of type `type` with `payload`, which it must take up entirely.
    public init(type: UInt8, payload: [UInt8]) throws(CanonicalDecodingError) {
        var r = ByteReader(payload)
        switch type {
        case 1: self = .proposal(try ProposalMessage(from: &r))
        case 2: self = .vote(try Vote(from: &r))
        case 3: self = .ownProposal(try ProposalMessage(from: &r))
        case 4: self = .ownVote(try Vote(from: &r))
        case 5:
            let kindByte = try r.readUInt8(field: "timeout.kind")
            guard let kind = TimeoutKind(rawValue: kindByte) else {
                throw .invalid(field: "timeout.kind", reason: "\(kindByte) is not 1, 2 or 3")
            }
            let height = try r.readUInt64(field: "timeout.height")
            self = .timeout(Timeout(kind: kind, height: height, round: try r.readUInt32(field: "timeout.round")))
        case 6: self = .endHeight(try r.readUInt64(field: "endHeight.height"))
        default: throw .invalid(field: "record.type", reason: "\(type) is not a record type (1 to 6)")
        }
        try r.finish()
    }

    public var description: String {
        switch self {
        case .proposal(let m): return "received \(m.proposal)"
        case .vote(let v): return "received \(v)"
        case .ownProposal(let m): return "signed \(m.proposal)"
        case .ownVote(let v): return "signed \(v)"
        case .timeout(let t): return "fired \(t)"
        case .endHeight(let h): return "end of height \(h)"
        }
    }
}
