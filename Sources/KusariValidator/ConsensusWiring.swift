import KusariBFT
import KusariCore
import KusariNetwork
import KusariPeers

/// The network layer as consensus sees it: a `PeerNetwork`'s channels.
public struct PeerConsensusNetwork: ConsensusNetwork {
    let peers: PeerNetwork

    public init(peers: PeerNetwork) { self.peers = peers }

    public func publish(_ payload: [UInt8], on kind: Inventory.Kind) async {
        _ = try? await peers.publish(payload, on: kind)
    }

    public func readyPeers() async -> [Int] { await peers.readyPeers() }

    public func send(_ payload: [UInt8], on kind: Inventory.Kind, to peer: Int) async {
        _ = try? await peers.send(payload, on: kind, to: peer)
    }
}

extension ConsensusDriver {
    /// The three consensus channels, their items handed to this driver (register each
    /// with the network before `start`). A proposal carries a whole block, so its channel
    /// takes items up to `maxBlockBytes` plus room for the proposal and the last commit.
    public nonisolated func channels(maxBlockBytes: Int) -> [GossipChannel] {
        [
            GossipChannel(kind: ConsensusChannel.proposal, name: "proposal", policy: .flood,
                          maxItemBytes: maxBlockBytes + Proposal.encodedSize + BlockCommit.maxPrecommits * BlockCommit.precommitSize + 64,
                          maxPerSecond: 50, keep: 64) { [weak self] payload, _ in
                await self?.receiveProposal(payload) ?? .ignore
            },
            GossipChannel(kind: ConsensusChannel.vote, name: "vote", policy: .flood, maxItemBytes: Vote.encodedSize,
                          maxPerSecond: 2_000, keep: 4_096) { [weak self] payload, _ in
                await self?.receiveVote(payload) ?? .ignore
            },
            GossipChannel(kind: ConsensusChannel.commit, name: "commit", policy: .flood,
                          maxItemBytes: 64 + BlockCommit.maxPrecommits * BlockCommit.precommitSize,
                          maxPerSecond: 50, keep: 64) { [weak self] payload, _ in
                await self?.receiveCommit(payload) ?? .ignore
            },
            GossipChannel(kind: ConsensusChannel.evidence, name: "evidence", policy: .flood,
                          maxItemBytes: DoubleSignEvidence.encodedSize, maxPerSecond: 100, keep: 256) { [weak self] payload, _ in
                await self?.receiveEvidence(payload) ?? .ignore
            },
        ]
    }
}
