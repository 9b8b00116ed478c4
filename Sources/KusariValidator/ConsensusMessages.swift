import KusariBFT
import KusariCore
import KusariNetwork

/// The gossip channels BFT consensus registers with the network layer (docs/protocol.md,
/// section 17.7), all flooded: every item goes whole to each peer that does not know it.
public enum ConsensusChannel {
    /// Kind 16: a signed proposal with the block it proposes (`ProposalMessage`).
    public static let proposal = Inventory.Kind.channel(16)!
    /// Kind 17: a signed prevote or precommit (`Vote`, 121 bytes).
    public static let vote = Inventory.Kind.channel(17)!
    /// Kind 18: the commit certificate of a decided block (`BlockCommit`), so that nodes
    /// that have the block connect it without waiting for the next one.
    public static let commit = Inventory.Kind.channel(18)!
    /// Kind 19: evidence that a validator signed two conflicting votes
    /// (`DoubleSignEvidence`, 225 bytes), until a block includes it.
    public static let evidence = Inventory.Kind.channel(19)!
}

/// A proposal and the block it names, as the proposal channel carries them:
/// `proposal (124 bytes, section 17.7) ‖ block (section 17.6)`.
public struct ProposalMessage: Hashable, Sendable {
    /// The signed proposal.
    public var proposal: Proposal
    /// The proposed block; its id is `proposal.blockID`.
    public var block: Block

    public init(proposal: Proposal, block: Block) {
        self.proposal = proposal
        self.block = block
    }
}

extension ProposalMessage: CanonicalCodable {
    public func encode(to w: inout ByteWriter) {
        proposal.encode(to: &w)
        block.encode(to: &w)
    }

    public init(from r: inout ByteReader) throws(CanonicalDecodingError) {
        proposal = try Proposal(from: &r)
        block = try Block(from: &r)
        guard block.id == proposal.blockID else {
            throw .invalid(field: "block", reason: "its id \(block.id) is not the proposal's block id \(proposal.blockID)")
        }
    }
}
