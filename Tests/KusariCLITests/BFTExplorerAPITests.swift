import Foundation
import KusariCore
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The API and the explorer of a real BFT node (one validator of power 10, which commits
/// alone): every response matches docs/openapi.yaml (scripts/check_openapi.py, the BFT
/// routes included), and the consensus pages show the proposer, the commit that made a
/// block final, the validators, the evidence page and the rounds of a height.
@Suite(.serialized) struct BFTExplorerAPITests {
    let dir: URL
    let validatorKey = (try? KeyPair(seed: [UInt8](repeating: 77, count: 32))) ?? KeyPair()

    init() throws { dir = try Kusari.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A one-validator BFT genesis made by `kusari genesis new`, and the validator's node.
    func startValidator() throws -> NodeProcess {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try KeyFile(key: validatorKey, network: .devnet).jsonData().write(to: URL(fileURLWithPath: path("v.key")))
        let made = try Kusari.run(["genesis", "new", "--consensus", "bft", "--out", path("genesis.json"), "--validator", path("v.key"),
                                   "--alloc", "\(TestKeys.faucet.address(on: .devnet).string)=1000000ksr"])
        #expect(made.status == 0, "\(made.stderr)")
        return try NodeProcess(datadir: path("n"), arguments: ["--genesis", path("genesis.json"), "--validator-key", path("v.key"),
                                                               "--no-discover"])
    }

    func html(_ node: NodeProcess, _ route: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: try require_url(node.base + route))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func everyAnswerOfABFTNodeMatchesTheDocumentAndThePagesShowConsensus() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try startValidator()
        defer { node.stop() }
        let first = try Transaction(chainId: 3, key: TestKeys.faucet, nonce: 0, to: AddressPayload(publicKey: TestKeys.bob.publicKey),
                                    amount: 100, fee: 1_000)
        #expect(try await node.postTx(Hex.encode(first.encoded)).status == 202)
        try await node.waitFor("the transfer to be committed", seconds: 60) {
            try await node.get("/v1/txs/\(first.id.hex)").json["status"] as? String == "confirmed"
        }
        try await node.waitFor("height 3", seconds: 60) { try await node.get("/v1/status").json["height"] as? Int ?? 0 >= 3 }

        // The contract, BFT routes included.
        let queued = try Transaction(chainId: 3, key: TestKeys.faucet, nonce: 2, to: AddressPayload(publicKey: TestKeys.bob.publicKey),
                                     amount: 100, fee: 1_000)
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        script.arguments = ["python3", Kusari.packageRoot.appendingPathComponent("scripts/check_openapi.py").path,
                            Kusari.packageRoot.appendingPathComponent("docs/openapi.yaml").path, node.base,
                            "--tx-hex", Hex.encode(queued.encoded), "--events-wait", "3"]
        let out = Pipe()
        script.standardOutput = out
        script.standardError = out
        try script.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        let failures = text.split(separator: "\n").filter { $0.contains("FAIL") }.prefix(10).joined(separator: "\n")
        #expect(script.terminationStatus == 0, "check_openapi.py failed:\n\(failures)\n\(text.suffix(400))")
        #expect(text.contains("PASS GET /v1/blocks/1/commit"), "\(text.suffix(2000))")

        // The pages.
        let validator = validatorKey.address(on: .devnet).string
        let dashboard = try await html(node, "/")
        #expect(dashboard.status == 200)
        #expect(dashboard.body.contains("id=\"consensus\">BFT") && dashboard.body.contains("href=\"/validators\""))
        #expect(!dashboard.body.contains("Hash rate"))
        let block = try await html(node, "/block/2")
        #expect(block.status == 200)
        #expect(block.body.contains("id=\"final-tag\"") && block.body.contains(validator))
        #expect(block.body.contains("Commit: what made this block final") && block.body.contains("id=\"last-commit-summary\""))
        #expect(block.body.contains("no evidence") && !block.body.contains("<tr><th>Nonce</th><td>"))
        let one = try await html(node, "/block/1")
        #expect(one.body.contains("id=\"no-last-commit\""))
        let validators = try await html(node, "/validators")
        #expect(validators.status == 200 && validators.body.contains(validator) && validators.body.contains("proposes"))
        #expect(try await html(node, "/validators?height=1").body.contains("no blocks yet"))
        #expect(try await html(node, "/validators?height=0").status == 404)
        #expect(try await html(node, "/validators?height=99999999").status == 404)
        let evidence = try await html(node, "/evidence")
        #expect(evidence.status == 200 && evidence.body.contains("id=\"no-evidence\""))
        // The rounds this validator ran: linked from a block page and the layout, one round each (it commits alone).
        #expect(text.contains("PASS GET /v1/consensus/heights/{recorded}"), "\(text.suffix(2000))")
        #expect(block.body.contains("href=\"/consensus/2\"") && dashboard.body.contains("href=\"/consensus\""))
        let list = try await html(node, "/consensus")
        #expect(list.status == 200 && list.body.contains("This node is validator 0") && list.body.contains("href=\"/consensus/2\""))
        let rounds = try await html(node, "/consensus/2")
        #expect(rounds.status == 200 && rounds.body.contains("id=\"round-0\"") && rounds.body.contains(validator))
        #expect(rounds.body.contains("10 of 10 (1 vote(s)) <span class=\"tag ok\">more than two thirds</span>"))
        #expect(rounds.body.contains("Decided in round 0") && rounds.body.contains("(proposed by this node)"))
        #expect(try await html(node, "/consensus/0").status == 404)
        #expect(try await html(node, "/consensus/x").status == 404)
        #expect(try await html(node, "/consensus/99999999").body.contains("has not started on this node"))
    }
}
