import Foundation
import KusariBFT
import KusariCore
import KusariNode
import Testing

/// The API of BFT consensus on a real node with a committed chain (`BFTTestChain`):
/// status, BFT headers and blocks, commit certificates, validator sets and evidence, with
/// their 400s and 404s, and the proof-of-work answers of the same routes.
@Suite(.serialized) struct BFTRouteTests {
    @Test func statusNamesTheEngineAndBlocksCarryHeadersCommitsAndEvidence() async throws {
        try await TestServer.with(genesis: try BFTTestChain.genesis()) { server in
            let built = try await BFTTestChain.build(server.node, count: 4)
            let engine = try BFTTestChain.engine(server.node)
            let status = try await get(server, "/v1/status").json
            #expect(status["consensus"] as? String == "bft")
            #expect(status["height"] as? Int == 4)

            // Block 1: a version 2 header with its BFT fields, no last commit, no evidence.
            let b1 = try await get(server, "/v1/blocks/1").json
            let h1 = try #require(b1["header"] as? [String: Any])
            let f1 = try #require(h1["bft"] as? [String: Any])
            #expect(h1["version"] as? Int == 2)
            #expect(f1["proposer"] as? String == h1["beneficiary"] as? String)
            #expect(f1["validatorsHash"] as? String == engine.validatorsHash.hex)
            #expect(f1["nextValidatorsHash"] as? String == engine.validatorsHash.hex)
            #expect(f1["lastCommitHash"] as? String == Hash256.zero.hex)
            #expect(f1["evidenceHash"] as? String == Hash256.zero.hex)
            #expect(b1["lastCommit"] == nil)
            #expect((b1["evidence"] as? [Any])?.isEmpty == true)
            #expect((b1["size"] as? Int ?? 0) >= 267)

            // Block 2 carries block 1's commit, naming each validator; its hash is in the header.
            let b2 = try await get(server, "/v1/blocks/2?txs=full").json
            let last = try #require(b2["lastCommit"] as? [String: Any])
            #expect(last["blockId"] as? String == built.blocks[0].id.hex)
            #expect(last["height"] as? Int == 1)
            #expect(last["round"] as? Int == 1)
            let precommits = try #require(last["precommits"] as? [[String: Any]])
            #expect(precommits.count == 3)
            for p in precommits {
                let index = try #require(p["validatorIndex"] as? Int)
                #expect(p["validator"] as? String == Address(payload: engine.validators.validators[index].address, network: .devnet).string)
                #expect((p["signature"] as? String)?.count == 128)
            }
            #expect((b2["header"] as? [String: Any]).flatMap { $0["bft"] as? [String: Any] }?["lastCommitHash"] as? String
                    == built.commits[0].hash.hex)
            #expect((b2["transactions"] as? [[String: Any]])?.count == 1)

            // Block 3 includes the evidence.
            let b3 = try await get(server, "/v1/blocks/\(built.blocks[2].id.hex)").json
            let evidence = try #require(b3["evidence"] as? [[String: Any]])
            #expect(evidence.count == 1)
            let e = try #require(evidence.first)
            #expect(e["type"] as? String == "prevote")
            #expect(e["height"] as? Int == 1)
            #expect(e["validator"] as? String == BFTTestChain.keys[3].address(on: .devnet).string)
            #expect((e["first"] as? [String: Any])?["blockId"] as? String == Hash256.zero.hex)
            #expect((b3["header"] as? [String: Any]).flatMap { $0["bft"] as? [String: Any] }?["evidenceHash"] as? String
                    == DoubleSignEvidence.listHash([try #require(built.evidence)]).hex)
        }
    }

    @Test func commitCertificatesShowPowerAndAbsenceAndDecodeFromTheirHex() async throws {
        try await TestServer.with(genesis: try BFTTestChain.genesis()) { server in
            let built = try await BFTTestChain.build(server.node, count: 3)
            let engine = try BFTTestChain.engine(server.node)
            for (i, block) in built.blocks.enumerated() {
                for ref in ["\(i + 1)", block.id.hex, block.id.hex.uppercased()] {
                    let answer = try await get(server, "/v1/blocks/\(ref)/commit")
                    #expect(answer.status == 200, "\(ref)")
                    let c = answer.json
                    #expect(c["height"] as? Int == i + 1)
                    #expect(c["round"] as? Int == (i + 1) % 2)
                    #expect(c["blockId"] as? String == block.id.hex)
                    let hex = try #require(c["hex"] as? String)
                    #expect(try BlockCommit(decoding: try Hex.decode(hex, field: "hex")) == built.commits[i])
                    try engine.validators.verifyCommit(try BlockCommit(decoding: try Hex.decode(hex, field: "hex")), chainID: 3,
                                                       height: UInt64(i + 1), blockId: block.id)
                    let precommits = try #require(c["precommits"] as? [[String: Any]])
                    let signedPower = built.signers[i].reduce(UInt64(0)) { sum, key in
                        sum + (engine.validators.validator(address: AddressPayload(publicKey: key.publicKey))?.votingPower ?? 0)
                    }
                    #expect(precommits.count == 3)
                    #expect(precommits.reduce(0) { $0 + ($1["power"] as? Int ?? 0) } == Int(signedPower))
                    #expect(c["signedPower"] as? Int == Int(signedPower))
                    #expect(c["totalPower"] as? Int == 100)
                    #expect(c["twoThirdsPlusOne"] as? Int == 67)
                    let absent = try #require(c["absent"] as? [[String: Any]])
                    #expect(absent.map { $0["validator"] as? String }
                            == [BFTTestChain.keys[BFTTestChain.absent(atHeight: UInt64(i + 1))].address(on: .devnet).string])
                }
            }
            let genesis = try await get(server, "/v1/blocks/0/commit")
            #expect(genesis.status == 404)
            #expect(genesis.errorCode == "not_found")
            #expect(String(decoding: genesis.body, as: UTF8.self).contains("genesis"))
            for (path, status, code) in [("/v1/blocks/4/commit", 404, "not_found"),
                                         ("/v1/blocks/\(String(repeating: "ab", count: 32))/commit", 404, "not_found"),
                                         ("/v1/blocks/xyz/commit", 400, "bad_request"),
                                         ("/v1/blocks/12345678901234567890/commit", 400, "bad_request")] {
                let a = try await get(server, path)
                #expect(a.status == status, "\(path)")
                #expect(a.errorCode == code, "\(path)")
            }
        }
    }

    @Test func validatorSetsGiveHashPrioritiesAndSigningOfTheHeight() async throws {
        try await TestServer.with(genesis: try BFTTestChain.genesis()) { server in
            let built = try await BFTTestChain.build(server.node, count: 5)
            let engine = try BFTTestChain.engine(server.node)
            let next = try await get(server, "/v1/validators").json
            #expect(next["height"] as? Int == 6)
            for height in [6, 1, 3, 5, 2] {
                let v = try await get(server, "/v1/validators?height=\(height)").json
                let expected = engine.validatorSet(atHeight: UInt64(height))
                #expect(v["height"] as? Int == height)
                #expect(v["hash"] as? String == engine.validatorsHash.hex)
                if height <= 5 {
                    let header = try await get(server, "/v1/blocks/\(height)").json["header"] as? [String: Any]
                    #expect((header?["bft"] as? [String: Any])?["validatorsHash"] as? String == v["hash"] as? String)
                }
                #expect(v["totalPower"] as? Int == 100)
                #expect(v["twoThirdsPlusOne"] as? Int == 67)
                #expect(v["proposer"] as? String == Address(payload: expected.proposer.address, network: .devnet).string)
                let list = try #require(v["validators"] as? [[String: Any]])
                #expect(list.count == 4)
                // Commits of the blocks below `height`: block h lacks keys[absent(atHeight: h)].
                let window = height >= 2 ? Array(1..<height) : []
                for (i, entry) in list.enumerated() {
                    let validator = expected.validators[i]
                    #expect(entry["index"] as? Int == i)
                    #expect(entry["address"] as? String == Address(payload: validator.address, network: .devnet).string)
                    #expect(entry["publicKey"] as? String == validator.publicKey.hex)
                    #expect(entry["power"] as? Int == Int(validator.votingPower))
                    #expect((entry["proposerPriority"] as? NSNumber)?.int64Value == validator.proposerPriority, "height \(height) index \(i)")
                    let missed = window.filter { BFTTestChain.keys[BFTTestChain.absent(atHeight: UInt64($0))].publicKey == validator.publicKey }.count
                    #expect(entry["missed"] as? Int == missed, "height \(height) index \(i)")
                    #expect(entry["signed"] as? Int == window.count - missed, "height \(height) index \(i)")
                }
                if height == 1 {
                    #expect(v["window"] == nil)
                } else {
                    #expect(v["window"] as? [String: Int] == ["from": 1, "to": height - 1])
                }
            }
            // Powers in index order: 40, 30, 20, 10.
            let powers = (next["validators"] as? [[String: Any]])?.compactMap { $0["power"] as? Int }
            #expect(powers == [40, 30, 20, 10])
            _ = built
            for (path, status, code) in [("/v1/validators?height=0", 400, "bad_request"), ("/v1/validators?height=7", 404, "not_found"),
                                         ("/v1/validators?height=-1", 400, "bad_request"), ("/v1/validators?height=x", 400, "bad_request"),
                                         ("/v1/validators?height=18446744073709551615", 404, "not_found"),
                                         ("/v1/validators?height=18446744073709551616", 400, "bad_request")] {
                let a = try await get(server, path)
                #expect(a.status == status, "\(path)")
                #expect(a.errorCode == code, "\(path)")
            }
        }
    }

    @Test func evidenceIsListedWithTheIncludingHeight() async throws {
        try await TestServer.with(genesis: try BFTTestChain.genesis()) { server in
            let built = try await BFTTestChain.build(server.node, count: 3)
            let answer = try await get(server, "/v1/evidence")
            #expect(answer.status == 200)
            let list = try #require(answer.json["evidence"] as? [[String: Any]])
            #expect(list.count == 1)
            let e = try #require(list.first)
            let expected = try #require(built.evidence)
            #expect(e["includedAt"] as? Int == 3)
            #expect(e["type"] as? String == "prevote")
            #expect(e["height"] as? Int == 1)
            #expect(e["round"] as? Int == 0)
            #expect(e["validatorIndex"] as? Int == Int(expected.validatorIndex))
            #expect(e["validator"] as? String == BFTTestChain.keys[3].address(on: .devnet).string)
            #expect((e["second"] as? [String: Any])?["signature"] as? String == expected.second.signature.hex)
            #expect((e["first"] as? [String: Any])?["timestamp"] as? Int == Int(expected.first.timestamp))
            #expect(try await get(server, "/v1/evidence?limit=1").status == 200)
            for path in ["/v1/evidence?limit=0", "/v1/evidence?limit=101", "/v1/evidence?limit=a"] {
                let a = try await get(server, path)
                #expect(a.status == 400, "\(path)")
                #expect(a.errorCode == "bad_request", "\(path)")
            }
        }
    }

    @Test func proofOfWorkChainsSayTheyHaveNoValidatorsOrCommits() async throws {
        try await TestServer.with { server in
            #expect(try await get(server, "/v1/status").json["consensus"] as? String == "pow")
            let genesis = try await get(server, "/v1/blocks/0").json
            #expect((genesis["header"] as? [String: Any])?["bft"] == nil)
            #expect(genesis["lastCommit"] == nil && genesis["evidence"] == nil)
            for (path, code) in [("/v1/validators", "no_validators"), ("/v1/validators?height=1", "no_validators"),
                                 ("/v1/evidence", "no_validators"), ("/v1/blocks/0/commit", "not_found")] {
                let a = try await get(server, path)
                #expect(a.status == 404, "\(path)")
                #expect(a.errorCode == code, "\(path)")
                #expect(String(decoding: a.body, as: UTF8.self).contains("proof of work"), "\(path)")
            }
            #expect(try await get(server, "/v1/validators?height=0").status == 400)
        }
    }
}

extension BFTRouteTests {
    /// scripts/check_openapi.py against a BFT chain with a transfer and evidence: every
    /// answer, the BFT routes and a block carrying evidence included, matches docs/openapi.yaml.
    @Test func everyAnswerOfABFTChainMatchesTheDocument() async throws {
        try await TestServer.with(genesis: try BFTTestChain.genesis()) { server in
            _ = try await BFTTestChain.build(server.node, count: 4)
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let script = Process()
            script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            script.arguments = ["python3", root.appendingPathComponent("scripts/check_openapi.py").path,
                                root.appendingPathComponent("docs/openapi.yaml").path, "http://127.0.0.1:\(server.port)",
                                "--events-wait", "1"]
            let out = Pipe()
            script.standardOutput = out
            script.standardError = out
            try script.run()
            let text = try await offPool { String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
            script.waitUntilExit()
            let failures = text.split(separator: "\n").filter { $0.contains("FAIL") }.prefix(10).joined(separator: "\n")
            #expect(script.terminationStatus == 0, "check_openapi.py failed:\n\(failures)\n\(text.suffix(400))")
            #expect(text.contains("PASS GET /v1/blocks/{includedAt}?txs=full of included evidence"), "\(text.suffix(3000))")
        }
    }
}
