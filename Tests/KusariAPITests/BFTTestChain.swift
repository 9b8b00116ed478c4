import Foundation
import KusariBFT
import KusariCore
import KusariNode
import Testing

/// A BFT chain for the API tests, made through the node as consensus would make it:
/// four validators of unequal power (keys from seeds 60-63, powers 40, 30, 20 and 10,
/// so that index order, shares and priorities all differ), each block proposed by
/// `Node.buildProposal` and connected with a commit signed by the chosen validators.
enum BFTTestChain {
    static let keys: [KeyPair] = (60...63).map { (try? KeyPair(seed: [UInt8](repeating: UInt8($0), count: 32))) ?? KeyPair() }
    static let powers: [UInt64] = [40, 30, 20, 10]
    static let funded: KeyPair = (try? KeyPair(seed: [UInt8](repeating: 7, count: 32))) ?? KeyPair()

    static func genesis() throws -> Genesis {
        try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: 0,
                    allocations: [.init(address: funded.address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR)],
                    consensus: .bft(validators: zip(keys, powers).map { GenesisValidator(publicKey: $0.publicKey, power: $1) }))
    }

    /// The validator set of the chain (index order: power, then address).
    static func engine(_ node: Node) throws -> BFTEngine { try #require(node.bftEngine) }

    /// The commit of `block` by `signers` (keys) in `round`.
    static func commit(_ block: Block, by signers: [KeyPair], engine: BFTEngine, round: UInt32 = 0) throws -> BlockCommit {
        let precommits = try signers.map { key -> BlockCommit.Precommit in
            let index = try #require(engine.validators.index(of: AddressPayload(publicKey: key.publicKey)))
            let vote = try Vote.signed(by: key, chainID: engine.chainID, type: .precommit, height: block.header.height, round: round,
                                       blockID: block.id, validatorIndex: UInt32(index),
                                       timestamp: 1_764_000_000_000 + block.header.height * 1_000 + UInt64(index))
            return BlockCommit.Precommit(validatorIndex: vote.validatorIndex, timestamp: vote.timestamp, signature: vote.signature)
        }.sorted { $0.validatorIndex < $1.validatorIndex }
        return BlockCommit(height: block.header.height, round: round, blockId: block.id, precommits: precommits)
    }

    /// Evidence that `key` prevoted both a block and nil at `height`, round 0.
    static func doublePrevote(by key: KeyPair, height: UInt64, engine: BFTEngine) throws -> DoubleSignEvidence {
        let index = UInt32(try #require(engine.validators.index(of: AddressPayload(publicKey: key.publicKey))))
        let a = try Vote.signed(by: key, chainID: engine.chainID, type: .prevote, height: height, round: 0,
                                blockID: Hash256.sha256(Array("some block".utf8)), validatorIndex: index, timestamp: 1_764_000_000_001)
        let b = try Vote.signed(by: key, chainID: engine.chainID, type: .prevote, height: height, round: 0,
                                blockID: nil, validatorIndex: index, timestamp: 1_764_000_000_002)
        // The nil vote (block id zero) is the smaller: it comes first.
        return DoubleSignEvidence(voteType: 1, height: height, round: 0, validatorIndex: index,
                                  first: .init(blockId: .zero, timestamp: b.timestamp, signature: b.signature),
                                  second: .init(blockId: a.choice.encoded, timestamp: a.timestamp, signature: a.signature))
    }

    /// What `build` made: per height, the block, its commit and who signed it.
    struct Built {
        var blocks: [Block] = []
        var commits: [BlockCommit] = []
        var signers: [[KeyPair]] = []
        var evidence: DoubleSignEvidence?
    }

    /// The index in `keys` of the validator left out of block `h`'s commit: 1, 2 or 3 in
    /// turn (30, 20 or 10 of the 100 power; leaving out the 40 would leave too little).
    static func absent(atHeight h: UInt64) -> Int { 1 + Int(h % 3) }

    /// `count` blocks on the node's chain: block h is committed in round h % 2 by every
    /// validator except `keys[absent(atHeight: h)]`; block 3 includes
    /// evidence that `keys[3]` double-prevoted at height 1, and block 2 a transfer.
    static func build(_ node: Node, count: Int) async throws -> Built {
        let engine = try engine(node)
        var built = Built()
        for h in 1...UInt64(count) {
            let proposer = engine.validatorSet(atHeight: h).proposer.address
            var evidence: [DoubleSignEvidence] = []
            if h == 3 {
                let e = try doublePrevote(by: keys[3], height: 1, engine: engine)
                evidence = [e]
                built.evidence = e
            }
            if h == 2 {
                let tx = try Transaction(chainId: 3, key: funded, nonce: 0, to: AddressPayload(publicKey: keys[0].publicKey),
                                         amount: 5_000, fee: 1_000)
                _ = try await node.submit(transaction: tx.encoded)
            }
            let block = try #require(await node.buildProposal(height: h, proposer: proposer, evidence: evidence))
            let signers = keys.enumerated().filter { $0.offset != absent(atHeight: h) }.map(\.element)
            let commit = try commit(block, by: signers, engine: engine, round: UInt32(h % 2))
            #expect(await node.commitDecided(block, commit: commit), "block \(h) was refused")
            built.blocks.append(block)
            built.commits.append(commit)
            built.signers.append(signers)
        }
        return built
    }
}

/// GET `path` from the server, off the cooperative pool.
func get(_ server: TestServer, _ path: String) async throws -> RawHTTP.Answer {
    try await offPool { try RawHTTP(port: server.port).request("GET", path) }
}
