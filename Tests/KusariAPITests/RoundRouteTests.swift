import Foundation
import KusariBFT
import KusariCore
import KusariNetwork
import KusariNode
import KusariValidator
import Logging
import Testing

/// `/v1/consensus/heights` on a real node whose consensus driver (a follower, fed signed
/// messages of the four `BFTTestChain` validators) runs height 1 in two rounds: round 0's
/// proposer stays silent, its propose timeout fires, three validators (90 of 100 power)
/// prevote and precommit nil, the precommit timeout moves it to round 1, where a proposal
/// and 90 power of prevotes and precommits decide the block.
@Suite(.serialized) struct RoundRouteTests {
    /// A network that carries nothing (the test hands the driver every message).
    struct SilentNetwork: ConsensusNetwork {
        func publish(_ payload: [UInt8], on kind: Inventory.Kind) async {}
        func readyPeers() async -> [Int] { [] }
        func send(_ payload: [UInt8], on kind: Inventory.Kind, to peer: Int) async {}
    }

    static func now() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000) }

    /// Waits (up to 20 s) until `condition` holds.
    func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aHeightDecidedInItsSecondRoundShowsTheTimeoutsVotesAndPower() async throws {
        try await TestServer.with(genesis: try BFTTestChain.genesis()) { server in
            let node = server.node
            let engine = try BFTTestChain.engine(node)
            // No driver yet: the node says it takes no part.
            let before = try await get(server, "/v1/consensus/heights")
            #expect(before.status == 404 && before.errorCode == "not_found")
            #expect(((before.json["error"] as? [String: Any])?["message"] as? String)?.contains("does not take part in consensus") == true)

            let timeouts = ConsensusTimeouts(proposeBaseMs: 300, proposeDeltaMs: 20_000, prevoteBaseMs: 300, prevoteDeltaMs: 0,
                                             precommitBaseMs: 300, precommitDeltaMs: 0)
            let driver = ConsensusDriver(host: node, network: SilentNetwork(), engine: engine, signer: nil, address: nil,
                                         settings: .init(timeouts: timeouts, commitWaitMs: 100, resendAfterMs: 600_000, tickMs: 50),
                                         rounds: node.consensusRounds, logger: Logger(label: "round-route-test"))
            await driver.start()
            defer { Task { await driver.stop() } }
            let recorder = node.consensusRounds
            let index = { (key: KeyPair) in UInt32(engine.validators.index(of: AddressPayload(publicKey: key.publicKey)) ?? 0) }
            let voters = Array(BFTTestChain.keys.prefix(3))  // powers 40, 30, 20: 90 of 100
            func vote(_ type: VoteType, round: UInt32, block: Hash256?) async throws {
                for (n, key) in voters.enumerated() {
                    let v = try Vote.signed(by: key, chainID: 3, type: type, height: 1, round: round, blockID: block,
                                            validatorIndex: index(key), timestamp: Self.now())
                    // The last precommit of round 1 comes after the decision (ignored by the machine, still shown).
                    let verdict = await driver.receiveVote(v.encoded)
                    #expect(verdict == .accept || (type == .precommit && round == 1 && n == voters.count - 1 && verdict == .ignore))
                }
            }

            // Round 0: nobody proposes; the propose timeout fires; nil prevotes and precommits; on to round 1.
            try await waitUntil("round 0's propose timeout") { recorder.height(1)?.rounds.first?.timeouts.isEmpty == false }
            try await vote(.prevote, round: 0, block: nil)
            try await vote(.precommit, round: 0, block: nil)
            try await waitUntil("round 1") { recorder.height(1)?.rounds.last?.startedMs != nil && recorder.height(1)?.rounds.count == 2 }

            // Round 1: its proposer proposes; 90 power prevotes and precommits the block.
            let set = engine.validatorSet(atHeight: 1)
            let proposerIndex = set.proposerIndex(forRound: 1)
            let proposerKey = try #require(BFTTestChain.keys.first { Int(index($0)) == proposerIndex })
            let block = try #require(await node.buildProposal(height: 1, proposer: AddressPayload(publicKey: proposerKey.publicKey),
                                                              evidence: []))
            let proposal = try Proposal.signed(by: proposerKey, chainID: 3, height: 1, round: 1, blockID: block.id, polRound: -1,
                                               proposerIndex: UInt32(proposerIndex), timestamp: Self.now())
            #expect(await driver.receiveProposal(ProposalMessage(proposal: proposal, block: block).encoded) == .accept)
            try await vote(.prevote, round: 1, block: block.id)
            try await vote(.precommit, round: 1, block: block.id)
            try await waitUntil("block 1 committed") { (try await get(server, "/v1/status")).json["height"] as? Int == 1 }

            let answer = try await get(server, "/v1/consensus/heights/1")
            #expect(answer.status == 200)
            let h = answer.json
            #expect(h["height"] as? Int == 1 && h["role"] as? String == "follower" && h["validatorIndex"] == nil)
            #expect(h["totalPower"] as? Int == 100 && h["twoThirdsPlusOne"] as? Int == 67 && h["inProgress"] as? Bool == false)
            let decided = try #require(h["decided"] as? [String: Any])
            #expect(decided["round"] as? Int == 1 && decided["blockId"] as? String == block.id.hex)
            let rounds = try #require(h["rounds"] as? [[String: Any]])
            #expect(rounds.count == 2)
            let r0 = rounds[0], r1 = rounds[1]
            #expect((r0["proposer"] as? [String: Any])?["index"] as? Int == set.proposerIndex(forRound: 0))
            #expect(r0["proposal"] == nil)
            #expect((r0["timeouts"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["propose", "precommit"])
            #expect((r0["timeouts"] as? [[String: Any]])?.first?["durationMs"] as? Int == 300)
            let nilVotes = try #require(r0["prevotes"] as? [[String: Any]])
            #expect(nilVotes.count == 3 && nilVotes.allSatisfy { $0["blockId"] == nil })
            #expect(nilVotes.compactMap { $0["power"] as? Int } == [40, 30, 20])
            #expect(nilVotes.first?["validator"] as? String == BFTTestChain.keys[0].address(on: .devnet).string)
            let nilTally = try #require((r0["prevoteTally"] as? [[String: Any]])?.first)
            #expect(nilTally["blockId"] == nil && nilTally["power"] as? Int == 90 && nilTally["twoThirds"] as? Bool == true)
            #expect(r0["prevotePower"] as? Int == 90 && r0["precommitPower"] as? Int == 90)
            #expect((r1["proposer"] as? [String: Any])?["index"] as? Int == proposerIndex)
            #expect((r1["proposal"] as? [String: Any])?["blockId"] as? String == block.id.hex)
            #expect((r1["proposal"] as? [String: Any])?["own"] as? Bool == false)
            #expect((r1["timeouts"] as? [Any])?.isEmpty == true)
            for key in ["prevoteTally", "precommitTally"] {
                let tally = try #require(r1[key] as? [[String: Any]])
                #expect(tally.count == 1 && tally.first?["blockId"] as? String == block.id.hex, "\(key)")
                #expect(tally.first?["power"] as? Int == 90 && tally.first?["votes"] as? Int == 3 && tally.first?["twoThirds"] as? Bool == true)
            }
            #expect((r1["startedMs"] as? Int ?? 0) >= 600, "round 1 starts after two timeouts of 300 ms")

            // The summary: height 1 took two rounds and two timeouts; height 2 runs now.
            try await waitUntil("height 2 started") { recorder.currentHeight == 2 }
            let list = try await get(server, "/v1/consensus/heights?limit=5").json
            #expect(list["role"] as? String == "follower" && list["currentHeight"] as? Int == 2 && list["kept"] as? Int == 200)
            let heights = try #require(list["heights"] as? [[String: Any]])
            #expect(heights.compactMap { $0["height"] as? Int } == [2, 1])
            #expect(heights.last?["rounds"] as? Int == 2 && heights.last?["timeouts"] as? Int == 2)
            #expect((heights.last?["decided"] as? [String: Any])?["round"] as? Int == 1)
            #expect(heights.first?["decided"] == nil)

            // Heights not recorded, and bad parameters.
            for (path, status, code, words) in [("/v1/consensus/heights/0", 404, "not_found", "genesis"),
                                                ("/v1/consensus/heights/50", 404, "not_found", "has not started"),
                                                ("/v1/consensus/heights/x1", 400, "bad_request", "height"),
                                                ("/v1/consensus/heights/99999999999999999999", 400, "bad_request", "height"),
                                                ("/v1/consensus/heights?limit=0", 400, "bad_request", "limit")] {
                let a = try await get(server, path)
                #expect(a.status == status && a.errorCode == code, "\(path)")
                #expect(((a.json["error"] as? [String: Any])?["message"] as? String)?.contains(words) == true, "\(path)")
            }
        }
    }

    @Test func aProofOfWorkChainHasNoRounds() async throws {
        try await TestServer.with { server in
            for path in ["/v1/consensus/heights", "/v1/consensus/heights/1"] {
                let a = try await get(server, path)
                #expect(a.status == 404 && a.errorCode == "no_validators", "\(path)")
            }
        }
    }
}
