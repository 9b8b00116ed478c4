import Foundation
import KusariBFT
import KusariCore
import KusariValidator

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct WALTestDirectory {
    let path: String

    init(_ name: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func bytes(_ name: String) -> [UInt8] { FileManager.default.contents(atPath: path + "/" + name).map { [UInt8]($0) } ?? [] }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
    }
}

/// Keys, votes and blocks for the WAL and signer tests.
enum WALFixtures {
    static let key = (try? KeyPair(seed: [UInt8](repeating: 11, count: 32))) ?? KeyPair()
    static let otherKey = (try? KeyPair(seed: [UInt8](repeating: 12, count: 32))) ?? KeyPair()
    static let chainID: UInt32 = 3

    static func vote(_ type: VoteType = .prevote, height: UInt64, round: UInt32 = 0, block: Hash256? = nil,
                     index: UInt32 = 1, timestamp: UInt64 = 1_700_000_000_000) throws -> Vote {
        try Vote.signed(by: otherKey, chainID: chainID, type: type, height: height, round: round, blockID: block,
                        validatorIndex: index, timestamp: timestamp)
    }

    static func block(height: UInt64, salt: UInt8 = 0) -> Block {
        let header = BlockHeader(height: height, previousId: Hash256.sha256([salt]), merkleRoot: MerkleTree.emptyRoot,
                                 stateRoot: .zero, timestamp: 1_700_000_000 + height, proposer: .zero,
                                 bft: BFTHeaderFields(validatorsHash: .zero, nextValidatorsHash: .zero,
                                                      lastCommitHash: .zero))
        return Block(header: header, transactions: [])
    }

    static func proposalMessage(height: UInt64, round: UInt32 = 0, salt: UInt8 = 0) throws -> ProposalMessage {
        let block = block(height: height, salt: salt)
        let proposal = try Proposal.signed(by: otherKey, chainID: chainID, height: height, round: round,
                                           blockID: block.id, polRound: -1, proposerIndex: 0, timestamp: 5)
        return ProposalMessage(proposal: proposal, block: block)
    }

    /// One record of each type at `height`.
    static func heightRecords(_ height: UInt64) throws -> [WALRecord] {
        [.proposal(try proposalMessage(height: height)),
         .vote(try vote(height: height, block: Hash256.sha256([1]))),
         .timeout(Timeout(kind: .prevote, height: height, round: 0)),
         .ownVote(try vote(.precommit, height: height, index: 0)),
         .ownProposal(try proposalMessage(height: height, round: 1, salt: 1))]
    }
}
