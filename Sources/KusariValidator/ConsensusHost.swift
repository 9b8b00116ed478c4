import KusariCore
import KusariNetwork

/// What consensus asks of the node it runs in (the node implements it; this module never
/// imports the node): the committed tip, blocks to propose, the full check of a proposed
/// block, and connecting decided blocks with their commit certificates.
public protocol ConsensusHost: Sendable {
    /// The committed chain's height and tip id.
    func committedTip() async -> (height: UInt64, id: Hash256)
    /// A block to propose at `height` on the tip, paying `proposer`, from pending
    /// transactions, carrying those of `evidence` that no block included yet; nil when the
    /// tip is not at `height - 1` any more.
    func buildProposal(height: UInt64, proposer: AddressPayload, evidence: [DoubleSignEvidence]) async -> Block?
    /// Whether a committed block already included evidence of this offence.
    func evidenceIncluded(_ evidence: DoubleSignEvidence) async -> Bool
    /// Checks a proposed block completely (header, last commit, body, state root, a
    /// timestamp not too far ahead of the clock); a valid block is kept until its commit.
    func checkProposed(_ block: Block) async -> Bool
    /// Connects a decided block with its commit certificate; false if it could not be.
    func commitDecided(_ block: Block, commit: BlockCommit) async -> Bool
    /// A commit certificate from a peer: connects the block it certifies if the node holds
    /// it. True when the chain moved.
    func receiveCommit(_ commit: BlockCommit) async -> Bool
    /// The commit certificate stored with the committed block at `height`.
    func storedCommit(atHeight height: UInt64) async -> BlockCommit?
}

/// What consensus asks of the network: flood an item it made, and send items again to
/// chosen peers directly (peers that just connected, or all when a height stalls; each
/// peer drops what it has seen).
public protocol ConsensusNetwork: Sendable {
    /// Publishes an item on a channel (relayed by the channel's policy).
    func publish(_ payload: [UInt8], on kind: Inventory.Kind) async
    /// The ids of the peers connected now.
    func readyPeers() async -> [Int]
    /// Sends an item to one peer directly.
    func send(_ payload: [UInt8], on kind: Inventory.Kind, to peer: Int) async
}
