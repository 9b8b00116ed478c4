import Testing
import KusariBFT
import KusariCore
import KusariValidator

@Suite struct ConsensusMessageTests {
    let key = (try? KeyPair(seed: [UInt8](repeating: 7, count: 32))) ?? KeyPair()

    @Test func votesAndProposalsRoundTripAndBadFormsAreRefusedByField() throws {
        let vote = try Vote.signed(by: key, chainID: 3, type: .precommit, height: 9, round: 2, blockID: Hash256.sha256([1]),
                                   validatorIndex: 3, timestamp: 1_700_000_000_000)
        #expect(vote.encoded.count == Vote.encodedSize)
        #expect(try Vote(decoding: vote.encoded) == vote)
        let nilVote = try Vote.signed(by: key, chainID: 3, type: .prevote, height: 9, round: 2, blockID: nil,
                                      validatorIndex: 3, timestamp: 5)
        #expect(try Vote(decoding: nilVote.encoded) == nilVote)
        var bad = vote.encoded
        bad[0] = 3
        #expect(throws: CanonicalDecodingError.self) { try Vote(decoding: bad) }
        #expect(throws: CanonicalDecodingError.self) { try Vote(decoding: Array(vote.encoded.dropLast())) }

        let proposal = try Proposal.signed(by: key, chainID: 3, height: 9, round: 2, blockID: Hash256.sha256([2]),
                                           polRound: 1, proposerIndex: 0, timestamp: 7)
        #expect(proposal.encoded.count == Proposal.encodedSize)
        #expect(try Proposal(decoding: proposal.encoded) == proposal)
        let fresh = try Proposal.signed(by: key, chainID: 3, height: 9, round: 0, blockID: Hash256.sha256([2]),
                                        polRound: -1, proposerIndex: 0, timestamp: 7)
        #expect(try Proposal(decoding: fresh.encoded) == fresh)
        var late = proposal.encoded
        late[15] = 2   // polRound 2 in round 2
        #expect(throws: CanonicalDecodingError.self) { try Proposal(decoding: late) }
    }

    @Test func aProposalMessageMustCarryTheBlockItNames() throws {
        let header = BlockHeader(height: 1, previousId: .zero, merkleRoot: MerkleTree.emptyRoot, stateRoot: .zero,
                                 timestamp: 1, proposer: .zero,
                                 bft: BFTHeaderFields(validatorsHash: .zero, nextValidatorsHash: .zero, lastCommitHash: .zero))
        let block = Block(header: header, transactions: [])
        let proposal = try Proposal.signed(by: key, chainID: 3, height: 1, round: 0, blockID: block.id, polRound: -1,
                                           proposerIndex: 0, timestamp: 1)
        let message = ProposalMessage(proposal: proposal, block: block)
        #expect(try ProposalMessage(decoding: message.encoded) == message)
        let other = try Proposal.signed(by: key, chainID: 3, height: 1, round: 0, blockID: Hash256.sha256([9]), polRound: -1,
                                        proposerIndex: 0, timestamp: 1)
        #expect(throws: CanonicalDecodingError.self) {
            try ProposalMessage(decoding: ProposalMessage(proposal: other, block: block).encoded)
        }
    }
}
