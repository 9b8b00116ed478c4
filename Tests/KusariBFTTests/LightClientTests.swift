import Testing
import KusariCore
@testable import KusariBFT

/// The light client's rules on hand-made chains: accepted honestly, refused forged.
@Suite struct LightClientTests {
    static let setA = (0..<4).map { (try? KeyPair(seed: [UInt8](repeating: UInt8(100 + $0), count: 32))) ?? KeyPair() }
    static let setB = (0..<4).map { (try? KeyPair(seed: [UInt8](repeating: UInt8(120 + $0), count: 32))) ?? KeyPair() }
    let chainID: UInt32 = 3

    static func set(_ keys: [KeyPair]) throws -> ValidatorSet {
        try ValidatorSet(keys.map { ValidatorUpdate(publicKey: $0.publicKey, votingPower: 10) })
    }

    /// Light blocks 1...count on one chain; heights above `switchAfter` are signed by set B
    /// (announced as the next set by height `switchAfter`). Commits signed by `signers` of each set.
    func chain(_ count: UInt64, switchAfter: UInt64 = .max, signers: Int = 3) throws -> [LightBlock] {
        let a = try Self.set(Self.setA), b = try Self.set(Self.setB)
        var out: [LightBlock] = []
        var previous = Hash256.sha256(Array("genesis".utf8))
        for h in 1...count {
            let (set, keys) = h > switchAfter ? (b, Self.setB) : (a, Self.setA)
            let next = h >= switchAfter ? b : a
            let header = BlockHeader(height: h, previousId: previous, merkleRoot: MerkleTree.emptyRoot,
                                     stateRoot: Hash256.sha256(Array("state \(h)".utf8)), timestamp: 1_700_000_000 + h,
                                     proposer: AddressPayload(publicKey: keys[0].publicKey),
                                     bft: BFTHeaderFields(validatorsHash: set.hash, nextValidatorsHash: next.hash, lastCommitHash: .zero))
            out.append(LightBlock(header: header, commit: try commit(header, keys: Array(keys.prefix(signers)), set: set), validators: set))
            previous = header.id
        }
        return out
    }

    func commit(_ header: BlockHeader, keys: [KeyPair], set: ValidatorSet) throws -> BlockCommit {
        let precommits = try keys.map { key in
            let index = try #require(set.index(of: AddressPayload(publicKey: key.publicKey)))
            let vote = try Vote.signed(by: key, chainID: chainID, type: .precommit, height: header.height, round: 0,
                                       blockID: header.id, validatorIndex: UInt32(index), timestamp: 1_700_000_000_000)
            return BlockCommit.Precommit(validatorIndex: vote.validatorIndex, timestamp: vote.timestamp, signature: vote.signature)
        }.sorted { $0.validatorIndex < $1.validatorIndex }
        return BlockCommit(height: header.height, round: 0, blockId: header.id, precommits: precommits)
    }

    func verify(_ blocks: [LightBlock], to target: UInt64) async throws -> (LightBlock, LightVerifier.Trace) {
        try await LightVerifier.verify(trusted: blocks[0], targetHeight: target, chainID: chainID) { blocks[Int($0) - 1] }
    }

    @Test func anHonestChainIsAcceptedBySkippingOrOneByOne() async throws {
        let blocks = try chain(10)
        let (verified, trace) = try await verify(blocks, to: 10)
        #expect(verified.header.id == blocks[9].header.id)
        #expect(trace.verified == [10] && trace.skipped)
        try LightVerifier.verifyAdjacent(trusted: blocks[3], next: blocks[4], chainID: chainID)
    }

    @Test func aValidatorSetChangeIsCrossedByBisection() async throws {
        let blocks = try chain(10, switchAfter: 5)
        // Set A signed nothing after height 5: skipping from 1 to 10 fails, bisection walks to the change.
        #expect(throws: LightClientError.self) { try LightVerifier.verifySkipping(trusted: blocks[0], target: blocks[9], chainID: chainID) }
        let (verified, trace) = try await verify(blocks, to: 10)
        #expect(verified.height == 10)
        #expect(trace.verified.contains(6) && trace.verified.last == 10, "\(trace.verified)")
    }

    @Test func forgedCasesAreRefusedWithTheReason() async throws {
        let blocks = try chain(6)
        // A forged validator set: other keys than the header names.
        var forged = blocks[5]
        forged.validators = try Self.set(Self.setB)
        #expect(throws: LightClientError.forgedValidatorSet(height: 6)) {
            try LightVerifier.verifySkipping(trusted: blocks[0], target: forged, chainID: chainID)
        }
        // A wrong signature.
        var badSignature = blocks[5]
        badSignature.commit.precommits[0].timestamp += 1
        #expect(throws: LightClientError.self) { try LightVerifier.verifySkipping(trusted: blocks[0], target: badSignature, chainID: chainID) }
        // A commit short of power: two of four.
        let short = try chain(6, signers: 2)
        do {
            try LightVerifier.verifySkipping(trusted: short[0], target: short[5], chainID: chainID)
            Issue.record("a commit of half the power was accepted")
        } catch LightClientError.commit(let height, .insufficientPower(let signed, let needed, _)) {
            #expect(height == 6 && signed == 20 && needed == 27)
        }
        // A header that does not link to the trusted one.
        var unlinked = blocks[1]
        unlinked.header.previousId = Hash256.sha256([9])
        unlinked.commit = try commit(unlinked.header, keys: Self.setA, set: unlinked.validators)
        #expect(throws: LightClientError.brokenLink(height: 2)) {
            try LightVerifier.verifyAdjacent(trusted: blocks[0], next: unlinked, chainID: chainID)
        }
        // A commit of another block for the header.
        var swapped = blocks[4]
        swapped.commit = blocks[3].commit
        #expect(throws: LightClientError.self) { try LightVerifier.verifySkipping(trusted: blocks[0], target: swapped, chainID: chainID) }
        // Not ahead of the trusted height.
        await #expect(throws: LightClientError.notAhead(target: 1, trusted: 1)) { _ = try await verify(blocks, to: 1) }
    }
}
