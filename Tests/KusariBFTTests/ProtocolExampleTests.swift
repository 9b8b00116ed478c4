import Foundation
import Testing
import KusariCore
@testable import KusariBFT

/// docs/protocol.md section 17.3's worked examples must be exactly what the code produces.
@Suite struct ProtocolExampleTests {
    let document: String

    init() throws {
        document = try String(contentsOf: packageRoot.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
    }

    /// The `name value` lines of the ```text block after `marker`.
    func fields(after marker: String) throws -> [String: String] {
        let start = try #require(document.range(of: marker), "\(marker) not found in docs/protocol.md")
        let rest = document[start.upperBound...]
        let open = try #require(rest.range(of: "```text\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        var result: [String: String] = [:]
        for line in rest[open.upperBound..<close.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    func field(_ fields: [String: String], _ name: String) throws -> String {
        try #require(fields[name], "no \(name) in the example")
    }

    @Test func theVoteExampleIsWhatTheCodeProduces() throws {
        let f = try fields(after: "<!-- worked-example:bft-vote -->")
        let key = try KeyPair(seed: try Hex.decode(try field(f, "seed")))
        #expect(key.publicKey.hex == (try field(f, "publicKey")))
        let chainID = try #require(UInt32(try field(f, "chainId")))
        let typeByte = try #require(UInt8(try field(f, "type")))
        let type = try #require(VoteType(rawValue: typeByte))
        let height = try #require(UInt64(try field(f, "height")))
        let round = try #require(UInt32(try field(f, "round")))
        let blockID = try Hash256(hex: try field(f, "blockId"))
        #expect(blockID == Hash256.sha256(Array("kusari block 7".utf8)))
        let timestamp = try #require(UInt64(try field(f, "timestamp")))
        let vote = try Vote.signed(by: key, chainID: chainID, type: type, height: height, round: round,
                                   blockID: blockID, validatorIndex: 0, timestamp: timestamp)
        #expect(vote.signBytes(chainID: chainID).count == Vote.signBytesCount)
        #expect(Hex.encode(vote.signBytes(chainID: chainID)) == (try field(f, "signBytes")))
        #expect(vote.signature.hex == (try field(f, "signature")))
        #expect(vote.hasValidSignature(chainID: chainID, publicKey: key.publicKey))
        let nilPrevote = Vote.signBytes(chainID: chainID, type: .prevote, height: height, round: round,
                                        choice: .nilVote, timestamp: timestamp)
        #expect(Hex.encode(nilPrevote) == (try field(f, "nilPrevote")))
    }

    @Test func theValidatorSetExampleIsWhatTheCodeProduces() throws {
        let f = try fields(after: "<!-- worked-example:bft-validator-set -->")
        let a = try KeyPair(seed: try Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let b = try KeyPair(seed: try Hex.decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
        let set = try ValidatorSet([ValidatorUpdate(publicKey: b.publicKey, votingPower: 5),
                                    ValidatorUpdate(publicKey: a.publicKey, votingPower: 10)])
        #expect(Hex.encode(set.hashPreimage) == (try field(f, "preimage")))
        #expect(set.hash.hex == (try field(f, "hash")))
        #expect(set.validators.map(\.publicKey) == [a.publicKey, b.publicKey])
        #expect(set.twoThirdsPlusOne == 11)
        let first = set.upcomingProposers(6).map { $0.publicKey == a.publicKey ? "A" : "B" }
        #expect(first.joined(separator: " ") == "A B A A B A")
        #expect(set.validators.map(\.proposerPriority) == [-5, 5])
        // The prose around the example says the same.
        #expect(document.contains("The first six\nproposers of a new set are A B A A B A (priorities after the first step: A −5, B 5)."))
    }
}

extension ProtocolExampleTests {
    @Test func theProposalExampleIsWhatTheCodeProduces() throws {
        let f = try fields(after: "<!-- worked-example:bft-proposal -->")
        let key = try KeyPair(seed: try Hex.decode(try field(f, "seed")))
        #expect(key.publicKey.hex == (try field(f, "publicKey")))
        let chainID = try #require(UInt32(try field(f, "chainId")))
        let height = try #require(UInt64(try field(f, "height")))
        let round = try #require(UInt32(try field(f, "round")))
        let polRound = try #require(Int(try field(f, "polRound")))
        let blockID = try Hash256(hex: try field(f, "blockId"))
        #expect(blockID == Hash256.sha256(Array("kusari block 7".utf8)))
        let timestamp = try #require(UInt64(try field(f, "timestamp")))
        let proposal = try Proposal.signed(by: key, chainID: chainID, height: height, round: round, blockID: blockID,
                                           polRound: polRound, proposerIndex: 0, timestamp: timestamp)
        #expect(proposal.signBytes(chainID: chainID).count == Proposal.signBytesCount)
        #expect(Hex.encode(proposal.signBytes(chainID: chainID)) == (try field(f, "signBytes")))
        #expect(proposal.signature.hex == (try field(f, "signature")))
        #expect(proposal.hasValidSignature(chainID: chainID, publicKey: key.publicKey))
        let fresh = Proposal.signBytes(chainID: chainID, height: height, round: round, polRound: -1, blockID: blockID,
                                       timestamp: timestamp)
        #expect(Hex.encode(fresh) == (try field(f, "freshValue")))
        #expect(Hex.encode(Proposal.signTag) == "4b55534152492f50524f504f53414c2f5631")
    }
}

extension ProtocolExampleTests {
    @Test func theBFTBlockExampleIsWhatTheCodeProduces() throws {
        let f = try fields(after: "<!-- worked-example:bft-block -->")
        let a = try KeyPair(seed: try Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let b = try KeyPair(seed: try Hex.decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
        let set = try ValidatorSet([ValidatorUpdate(publicKey: a.publicKey, votingPower: 10),
                                    ValidatorUpdate(publicKey: b.publicKey, votingPower: 5)])
        let block7 = Hash256.sha256(Array("kusari block 7".utf8))

        // The commit: A's precommit is the vote of 17.3; B's signs the same bytes.
        let commitBytes = try Hex.decode(try field(f, "commit"))
        let commit = try BlockCommit(decoding: commitBytes)
        #expect(commit.encoded == commitBytes)
        let vote = try Vote.signed(by: b, chainID: 3, type: .precommit, height: 7, round: 1, blockID: block7,
                                   validatorIndex: 1, timestamp: 1_700_000_000_000)
        #expect(commit.precommits.map(\.signature)[1] == vote.signature)
        #expect(commit.hash.hex == (try field(f, "lastCommitHash")))
        try set.verifyCommit(commit, chainID: 3, height: 7, blockId: block7)
        #expect(try set.signedPower(commit, chainID: 3) == 15)
        var alone = commit
        alone.precommits.removeLast()
        #expect(throws: CommitError.insufficientPower(signed: 10, needed: 11, total: 15)) {
            try set.verifyCommit(alone, chainID: 3, height: 7, blockId: block7)
        }

        // The header.
        let headerBytes = try Hex.decode(try field(f, "header"))
        let header = BlockHeader(height: 8, previousId: block7,
                                 merkleRoot: Hash256.sha256(Array("kusari transactions 8".utf8)),
                                 stateRoot: Hash256.sha256(Array("kusari state 8".utf8)), timestamp: 1_700_000_001,
                                 proposer: AddressPayload(publicKey: a.publicKey),
                                 bft: BFTHeaderFields(validatorsHash: set.hash, nextValidatorsHash: set.hash,
                                                      lastCommitHash: commit.hash))
        #expect(header.encoded == headerBytes)
        #expect(headerBytes.count == BlockHeader.bftEncodedSize)
        #expect(try BlockHeader(decoding: headerBytes) == header)
        #expect(header.id.hex == (try field(f, "blockId")))
        let block = Block(header: header, transactions: [], lastCommit: commit)
        #expect(try Block(decoding: block.encoded) == block)
        #expect(block.encoded == headerBytes + [1] + commitBytes + [0, 0])
    }
}
