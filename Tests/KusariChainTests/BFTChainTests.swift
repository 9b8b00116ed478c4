import Foundation
import Testing
import KusariBFT
import KusariChain
import KusariConsensus
import KusariCore

/// Four validators (keys 50-53, power 10 each) and a funded `alice` (key 1).
func bftGenesis(powers: [UInt64] = [10, 10, 10, 10]) throws -> Genesis {
    try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: 0,
                allocations: [.init(address: key(1).address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR)],
                consensus: .bft(validators: powers.enumerated().map {
                    GenesisValidator(publicKey: key(UInt8(50 + $0.offset)).publicKey, power: $0.element)
                }))
}

/// The commit of `block` signed by `signers` (precommits in round `round`).
func commit(_ block: Block, by signers: [KeyPair], on chain: Blockchain, round: UInt32 = 0) throws -> BlockCommit {
    let engine = try #require(chain.engine as? BFTEngine)
    let precommits = try signers.map { signer in
        let index = try #require(engine.validators.index(of: payload(signer)))
        let vote = try Vote.signed(by: signer, chainID: 3, type: .precommit, height: block.header.height, round: round,
                                   blockID: block.id, validatorIndex: UInt32(index), timestamp: 1_764_000_000_000)
        return BlockCommit.Precommit(validatorIndex: vote.validatorIndex, timestamp: vote.timestamp, signature: vote.signature)
    }.sorted { $0.validatorIndex < $1.validatorIndex }
    return BlockCommit(height: block.header.height, round: round, blockId: block.id, precommits: precommits)
}

let validatorKeys = (50...53).map { key(UInt8($0)) }

@Suite struct BFTChainTests {
    @Test func genesisFileRoundTripsAndNamesTheEngine() throws {
        let genesis = try bftGenesis()
        let again = try Genesis(json: try genesis.jsonData())
        #expect(again == genesis)
        #expect(again.consensus.engineName == "bft")
        let block = try genesis.block()
        #expect(block.header.version == BlockHeader.bftVersion)
        #expect(block.header.encoded.count == BlockHeader.bftEncodedSize)
        let engine = try #require(try genesis.engine() as? BFTEngine)
        #expect(block.header.bft?.validatorsHash == engine.validators.hash)
        #expect(try Block(decoding: block.encoded) == block)
    }

    @Test func badConsensusSectionsAreRefusedByField() throws {
        let base = String(decoding: try bftGenesis().jsonData(), as: UTF8.self)
        func refused(_ edit: (String) -> String) -> String {
            do { _ = try Genesis(json: Data(edit(base).utf8)); return "accepted" } catch { return error.description }
        }
        #expect(refused { $0.replacingOccurrences(of: "\"bft\"", with: "\"raft\"") }.hasPrefix("consensus.engine"))
        #expect(refused { $0.replacingOccurrences(of: "\"chainId\"", with: "\"bits\" : \"0x207fffff\", \"chainId\"") }
            .hasPrefix("bits"))
        #expect(refused { $0.replacingOccurrences(of: "\"power\" : 10", with: "\"power\" : 0") }
            .hasPrefix("consensus.validators[0].power"))
        let key0 = validatorKeys[0].publicKey.hex, key1 = validatorKeys[1].publicKey.hex
        #expect(refused { $0.replacingOccurrences(of: key1, with: key0) }.contains("listed twice"))
        #expect(refused { $0.replacingOccurrences(of: key0, with: "zz") }.hasPrefix("consensus.validators[0].publicKey"))
        #expect(throws: GenesisError.self) {
            try Genesis(network: .devnet, chainId: 3, timestamp: 1, bits: 0, allocations: [], consensus: .bft(validators: []))
        }
    }

    @Test func committedBlocksConnectCarryTheLastCommitAndSurviveAReopen() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let chain = try Blockchain.create(directory: dir.sub("c"), genesis: try bftGenesis())
        #expect(chain.isFinalizing)
        var blocks: [Block] = []
        for i in 0..<3 {
            let tx = try transfer(key(1), to: key(2), amount: 5, nonce: UInt64(i))
            let block = try chain.proposal(proposer: payload(validatorKeys[i % 4]), transactions: [tx])
            let certificate = try commit(block, by: Array(validatorKeys.prefix(3)), on: chain, round: UInt32(i))
            #expect(try chain.submit(block, commit: certificate) == .connected(height: UInt64(i + 1)))
            #expect(try chain.commit(for: block.id) == certificate)
            blocks.append(block)
        }
        #expect(blocks[0].lastCommit == nil)
        #expect(blocks[1].lastCommit == (try chain.commit(for: blocks[0].id)))
        let secondCommit = try #require(try chain.commit(for: blocks[1].id))
        #expect(blocks[2].header.bft?.lastCommitHash == secondCommit.hash)
        #expect(chain.state.account(payload(key(2))).balance == 15)
        chain.close()
        let reopened = try Blockchain.open(directory: dir.sub("c"))
        #expect(reopened.tipId == blocks[2].id)
        #expect(try reopened.commit(for: blocks[2].id) != nil)
        reopened.close()
        let summary = try ChainVerifier.verify(directory: dir.sub("c"))
        #expect(summary.height == 3)
    }

    @Test func commitsShortOfPowerForgedOrForAnotherBlockAreRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let chain = try Blockchain.create(directory: dir.sub("c"), genesis: try bftGenesis())
        defer { chain.close() }
        let block = try chain.proposal(proposer: payload(validatorKeys[0]))
        // Two of four (20 of 40) is not more than two thirds.
        let short = try commit(block, by: Array(validatorKeys.prefix(2)), on: chain)
        #expect(throws: ChainError.self) { try chain.submit(block, commit: short) }
        // A signature of another message.
        var forged = try commit(block, by: Array(validatorKeys.prefix(3)), on: chain)
        forged.precommits[1].timestamp += 1
        #expect(throws: ChainError.self) { try chain.submit(block, commit: forged) }
        // A good commit of another block.
        let other = try chain.proposal(proposer: payload(validatorKeys[1]))
        let otherCommit = try commit(other, by: Array(validatorKeys.prefix(3)), on: chain)
        #expect(throws: ChainError.self) { try chain.submit(block, commit: otherCommit) }
        // A validator counted twice.
        var doubled = try commit(block, by: Array(validatorKeys.prefix(2)), on: chain)
        doubled.precommits.append(doubled.precommits[1])
        #expect(throws: ChainError.self) { try chain.submit(block, commit: doubled) }
        #expect(chain.height == 0)
        // None of it stuck: the right commit connects the block.
        #expect(try chain.submit(block, commit: try commit(block, by: Array(validatorKeys.suffix(3)), on: chain))
            == .connected(height: 1))
    }

    @Test func aBlockWithoutItsCommitWaitsUntilTheNextBlockOrItsCommitArrives() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let source = try Blockchain.create(directory: dir.sub("a"), genesis: try bftGenesis())
        defer { source.close() }
        var blocks: [Block] = []
        for i in 0..<3 {
            let block = try source.proposal(proposer: payload(validatorKeys[i]))
            _ = try source.submit(block, commit: try commit(block, by: validatorKeys, on: source))
            blocks.append(block)
        }
        let follower = try Blockchain.create(directory: dir.sub("b"), genesis: try bftGenesis())
        defer { follower.close() }
        // Synced block by block, as blocks arrive from peers: each waits for the next's last commit.
        #expect(try follower.submit(blocks[0]) == .awaitingCommit(height: 1))
        #expect(follower.height == 0)
        #expect(try follower.submit(blocks[1]) == .awaitingCommit(height: 2))
        #expect(follower.height == 1)
        #expect(try follower.add(commit: try #require(try source.commit(for: blocks[2].id))) == nil)
        #expect(try follower.submit(blocks[2]) == .awaitingCommit(height: 3))
        #expect(try follower.add(commit: try #require(try source.commit(for: blocks[2].id))) == .connected(height: 3))
        #expect(follower.tipId == source.tipId)
        #expect(follower.state.root == source.state.root)
    }

    @Test func blocksAtCommittedHeightsAndBadHeadersAreRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let chain = try Blockchain.create(directory: dir.sub("c"), genesis: try bftGenesis())
        defer { chain.close() }
        let first = try chain.proposal(proposer: payload(validatorKeys[0]))
        let rival = try chain.proposal(proposer: payload(validatorKeys[1]))
        _ = try chain.submit(first, commit: try commit(first, by: validatorKeys, on: chain))
        do {
            _ = try chain.submit(rival, commit: try commit(rival, by: validatorKeys, on: chain))
            Issue.record("a second block at a committed height was accepted")
        } catch ChainError.conflictsWithCommitted(let height, let committed, _) {
            #expect(height == 1 && committed == first.id)
        }
        // A proposer that is not a validator, a wrong set hash, a tampered last commit.
        var outsider = try chain.proposal(proposer: payload(key(9)))
        #expect(throws: ChainError.self) { try chain.submit(outsider) }
        outsider = try chain.proposal(proposer: payload(validatorKeys[2]))
        outsider.header.bft?.validatorsHash = Hash256.sha256([7])
        #expect(throws: ChainError.self) { try chain.submit(outsider) }
        var tampered = try chain.proposal(proposer: payload(validatorKeys[2]))
        tampered.lastCommit?.precommits.removeLast()
        #expect(throws: ChainError.self) { try chain.submit(tampered) }
        tampered = try chain.proposal(proposer: payload(validatorKeys[2]))
        tampered.lastCommit = nil
        tampered.header.bft?.lastCommitHash = .zero
        #expect(throws: ChainError.self) { try chain.submit(tampered) }
        // The honest proposal still waits for its commit.
        #expect(try chain.submit(try chain.proposal(proposer: payload(validatorKeys[2]))) == .awaitingCommit(height: 2))
    }

    @Test func proofOfWorkChainsRefuseCommitsAndBFTBlocks() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pow = try Blockchain.create(directory: dir.sub("p"), genesis: try testGenesis())
        defer { pow.close() }
        let bft = try Blockchain.create(directory: dir.sub("b"), genesis: try bftGenesis())
        defer { bft.close() }
        let block = try bft.proposal(proposer: payload(validatorKeys[0]))
        #expect(throws: ChainError.self) { try pow.submit(block, commit: try commit(block, by: validatorKeys, on: bft)) }
        #expect(throws: ChainError.self) { try pow.submit(block) }
        #expect(throws: ChainError.self) { try pow.proposal(proposer: payload(validatorKeys[0])) }
        #expect(throws: ChainError.self) { try bft.produce(beneficiary: payload(key(1))) }
    }
}
