import Foundation
import KusariCore
import Testing
import WAT

/// Contracts end to end on three real nodes (A mines, B and C follow, in a line): a contract
/// made with `kusari contract new`, built, deployed and called with the CLI; the token
/// example; and hostile modules and calls. After each step every node holds the same block
/// at the step's height, so each computed the same state root on its own.
@Suite(.serialized) struct ContractProcessTests {
    let faucet = TestKeys.faucet, bob = TestKeys.bob, miner = TestKeys.miner
    let dir: URL

    init() throws { dir = try Kusari.temporaryDirectory() }

    /// Runs `kusari args` and returns its JSON object, failing with its stderr.
    func kusari(_ args: [String], expect status: Int32 = 0) throws -> [String: Any] {
        let r = try Kusari.run(args, in: dir, timeout: 300)
        #expect(r.status == status, "kusari \(args.joined(separator: " ")): \(r.stderr)\(r.stdout)")
        return r.object
    }

    /// Waits until every node holds one block at `height` or above (the same at the lowest tip).
    func agree(_ nodes: [NodeProcess], atLeast height: Int, _ what: String) async throws {
        try await nodes[0].waitFor("all nodes agree after \(what)", seconds: 90) {
            try await NetworkTests.onOneChain(nodes, atLeast: height)
        }
    }

    func confirmedHeight(_ node: NodeProcess, _ id: String) async throws -> Int {
        var height = -1
        try await node.waitFor("transaction \(id) confirmed", seconds: 90) {
            let info = try await node.get("/v1/txs/\(id)").json
            height = info["height"] as? Int ?? -1
            return info["status"] as? String == "confirmed"
        }
        return height
    }

    /// Posts a raw transaction at `node`, waits for it and returns its receipt and height.
    func post(_ tx: Transaction, at node: NodeProcess) async throws -> (receipt: [String: Any], height: Int) {
        let reply = try await node.postTx(Hex.encode(tx.encoded))
        #expect(reply.status == 202, "\(reply.json)")
        let height = try await confirmedHeight(node, tx.id.hex)
        let info = try await node.get("/v1/txs/\(tx.id.hex)").json
        return (info["receipt"] as? [String: Any] ?? [:], height)
    }

    @Test func threeNodesAgreeThroughDeploysCallsAndHostileModules() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let a = try NodeProcess(datadir: path("a"), arguments: ["--p2p", "127.0.0.1:0", "--mine", "--miner-address",
                                                                miner.address(on: .devnet).string, "--miner-interval", "0.5",
                                                                "--miner-threads", "1", "--no-discover"])
        defer { a.stop() }
        let b = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? "", "--no-discover"])
        defer { b.stop() }
        let c = try NodeProcess(datadir: path("c"), arguments: ["--peer", b.p2p ?? "", "--no-discover"])
        defer { c.stop() }
        let nodes = [a, b, c]
        try KeyFile(key: faucet, network: .devnet).jsonData().write(to: URL(fileURLWithPath: path("faucet.json")))
        let api = ["--api", String(c.base.dropFirst("http://".count))]

        // A contract from the template: new, build, deploy with init, call, query.
        _ = try kusari(["contract", "new", "counter"])
        let built = try kusari(["contract", "build", "counter", "--sdk", Kusari.packageRoot.appendingPathComponent("contracts/KusariContractSDK").path])
        #expect(built["methods"] as? [String] == ["get", "increment", "init", "reset"])
        let deployed = try kusari(["contract", "deploy", path("counter.wasm"), "--key", path("faucet.json"), "--init", "5", "--wait"] + api)
        #expect(deployed["succeeded"] as? Bool == true, "\(deployed)")
        let counter = try #require(deployed["contract"] as? String)
        try await agree(nodes, atLeast: deployed["height"] as? Int ?? 1, "the deploy")
        let called = try kusari(["contract", "call", counter, "increment", "3", "--key", path("faucet.json"), "--wait"] + api)
        #expect(called["succeeded"] as? Bool == true, "\(called)")
        #expect((called["result"] as? [[String: Any]])?.first?["u64"] as? Int == 8)
        #expect((called["events"] as? [[String: Any]])?.first?["topic"] as? String == "incremented")
        try await agree(nodes, atLeast: called["height"] as? Int ?? 1, "the call")
        for node in nodes {
            let q = try kusari(["contract", "query", counter, "get", "--api", String(node.base.dropFirst("http://".count))])
            #expect((q["result"] as? [[String: Any]])?.first?["u64"] as? Int == 8)
        }
        // Only the owner may reset: bob's call reverts, pays its gas, changes nothing.
        let fund = try Transaction(chainId: 3, key: faucet, nonce: 2, to: AddressPayload(publicKey: bob.publicKey),
                                   amount: 10 * Amount.unitsPerKSR, fee: 10_000)
        _ = try await post(fund, at: c)
        let counterPayload = try Address(parsing: counter, network: .devnet).payload
        let reset = try Transaction(chainId: 3, key: bob, nonce: 0, contract: counterPayload,
                                    call: ContractInvocation(method: "reset", gas: GasTerms(limit: 10_000_000, price: 2)))
        let (resetReceipt, resetHeight) = try await post(reset, at: b)
        #expect(resetReceipt["succeeded"] as? Bool == false)
        #expect((resetReceipt["failure"] as? String)?.contains("only the owner may reset") == true, "\(resetReceipt)")
        try await agree(nodes, atLeast: resetHeight, "a reverted call")
        let inspected = try kusari(["contract", "inspect", counter] + api)
        #expect(inspected["methods"] as? [String] == ["get", "increment", "init", "reset"])
        #expect(inspected["storageKeys"] as? Int == 2)
        var roots = Set<String>()
        for node in nodes { roots.insert(try await node.get("/v1/contracts/\(counter)").json["storageRoot"] as? String ?? "") }
        #expect(roots.count == 1)

        // The token example: deploy, transfer to bob, balances everywhere, a storage proof.
        let token = Kusari.packageRoot.appendingPathComponent("contracts/examples/token").path
        _ = try kusari(["contract", "build", token, "--output", path("token.wasm")])
        let tokenDeploy = try kusari(["contract", "deploy", path("token.wasm"), "--key", path("faucet.json"), "--init", "u64:1000", "--wait"] + api)
        let tokenAddress = try #require(tokenDeploy["contract"] as? String)
        let sent = try kusari(["contract", "call", tokenAddress, "transfer", bob.address(on: .devnet).string, "250",
                               "--key", path("faucet.json"), "--wait"] + api)
        #expect(sent["succeeded"] as? Bool == true, "\(sent)")
        try await agree(nodes, atLeast: sent["height"] as? Int ?? 1, "a token transfer")
        for node in nodes {
            let q = try kusari(["contract", "query", tokenAddress, "balance_of", bob.address(on: .devnet).string,
                                "--api", String(node.base.dropFirst("http://".count))])
            #expect((q["result"] as? [[String: Any]])?.first?["u64"] as? Int == 250)
        }
        let listing = try await a.get("/v1/contracts/\(tokenAddress)/storage").json
        let firstKey = try #require((listing["entries"] as? [[String: Any]])?.first?["key"] as? String)
        let proved = try await c.get("/v1/contracts/\(tokenAddress)/storage/\(firstKey)").json
        #expect(proved["value"] != nil && proved["accountProof"] != nil)

        // The name registry: a paid registration and its owner, at every node.
        let registry = Kusari.packageRoot.appendingPathComponent("contracts/examples/registry").path
        _ = try kusari(["contract", "build", registry, "--output", path("registry.wasm")])
        let registryDeploy = try kusari(["contract", "deploy", path("registry.wasm"), "--key", path("faucet.json"), "--init", "100", "--wait"] + api)
        let registryAddress = try #require(registryDeploy["contract"] as? String)
        let name = "bytes:" + Hex.encode(Array("kusari".utf8))
        let registered = try kusari(["contract", "call", registryAddress, "register", name, "--amount", "100",
                                     "--key", path("faucet.json"), "--wait"] + api)
        #expect(registered["succeeded"] as? Bool == true, "\(registered)")
        let taken = try kusari(["contract", "call", registryAddress, "register", name, "--amount", "100",
                                "--key", path("faucet.json"), "--wait"] + api, expect: 1)
        #expect((taken["failure"] as? String)?.contains("name is taken") == true, "\(taken)")
        try await agree(nodes, atLeast: taken["height"] as? Int ?? 1, "registrations")
        for node in nodes {
            let q = try kusari(["contract", "query", registryAddress, "owner", name, "--api", String(node.base.dropFirst("http://".count))])
            #expect((q["result"] as? [[String: Any]])?.first?["address"] as? String == faucet.address(on: .devnet).string)
        }

        // The escrow: the buyer deposits KSR, releases it, and the contract pays the seller.
        let escrow = Kusari.packageRoot.appendingPathComponent("contracts/examples/escrow").path
        _ = try kusari(["contract", "build", escrow, "--output", path("escrow.wasm")])
        let seller = AddressPayload(publicKey: try KeyPair(seed: [UInt8](repeating: 9, count: 32)).publicKey)
        let sellerAddress = Address(payload: seller, network: .devnet).string
        let escrowDeploy = try kusari(["contract", "deploy", path("escrow.wasm"), "--key", path("faucet.json"), "--init",
                                       sellerAddress, bob.address(on: .devnet).string, "i64:4000000000", "--wait"] + api)
        #expect(escrowDeploy["succeeded"] as? Bool == true, "\(escrowDeploy)")
        let escrowAddress = try #require(escrowDeploy["contract"] as? String)
        let deposited = try kusari(["contract", "call", escrowAddress, "deposit", "--amount", "5000", "--key", path("faucet.json"), "--wait"] + api)
        #expect(deposited["succeeded"] as? Bool == true, "\(deposited)")
        #expect(try await c.get("/v1/contracts/\(escrowAddress)").json["balance"] as? Int == 5000)
        let released = try kusari(["contract", "call", escrowAddress, "release", "--key", path("faucet.json"), "--wait"] + api)
        #expect(released["succeeded"] as? Bool == true, "\(released)")
        let releasedAt = released["height"] as? Int ?? 0
        try await agree(nodes, atLeast: releasedAt, "the escrow's release")
        #expect(try await b.get("/v1/contracts/\(escrowAddress)").json["balance"] as? Int == 0)
        // The seller, an address that held nothing, got the 5,000 units from the contract.
        #expect(try await a.get("/v1/accounts/\(sellerAddress)").json["balance"] as? Int == 5000)
        let state = try kusari(["contract", "query", escrowAddress, "state"] + api)
        #expect((state["result"] as? [[String: Any]])?.first?["u64"] as? Int == 1)

        // Hostile input: garbage arguments revert; an endless loop runs out of gas and pays its
        // whole limit; a float instruction is refused at deploy. Every node agrees on each.
        let tokenPayload = try Address(parsing: tokenAddress, network: .devnet).payload
        let garbage = try Transaction(chainId: 3, key: bob, nonce: 1, contract: tokenPayload,
                                      call: ContractInvocation(method: "transfer", input: [0xFF, 0x01], gas: GasTerms(limit: 10_000_000, price: 2)))
        let (garbageReceipt, h1) = try await post(garbage, at: a)
        #expect(garbageReceipt["succeeded"] as? Bool == false)
        let loop = try wat2wasm("(module (func (export \"spin\") (loop (br 0))) (memory (export \"memory\") 1 16))")
        let loopDeploy = try Transaction(chainId: 3, key: bob, nonce: 2, deploy: ContractDeploy(code: loop, gas: GasTerms(limit: 200_000, price: 2)))
        let (loopDeployed, _) = try await post(loopDeploy, at: b)
        #expect(loopDeployed["succeeded"] as? Bool == true, "\(loopDeployed)")
        let spin = try Transaction(chainId: 3, key: bob, nonce: 3, contract: loopDeploy.to,
                                   call: ContractInvocation(method: "spin", gas: GasTerms(limit: 1_000_000, price: 2)))
        let (spun, h2) = try await post(spin, at: c)
        #expect(spun["failure"] as? String == "out of gas")
        #expect(spun["gasUsed"] as? Int == 1_000_000)
        let float = try wat2wasm("(module (func (export \"f\") (drop (f32.add (f32.const 1) (f32.const 2)))) (memory (export \"memory\") 1 16))")
        let floatDeploy = try Transaction(chainId: 3, key: bob, nonce: 4, deploy: ContractDeploy(code: float, gas: GasTerms(limit: 200_000, price: 2)))
        let (refused, h3) = try await post(floatDeploy, at: a)
        #expect((refused["failure"] as? String)?.hasPrefix("code:") == true, "\(refused)")
        #expect(try await a.get("/v1/contracts/\(Address(payload: floatDeploy.to, network: .devnet).string)").status == 404)
        try await agree(nodes, atLeast: max(h1, h2, h3), "hostile modules and calls")

        // The chain replays: `kusari verify` on a stopped follower re-runs every contract.
        c.stop()
        let verified = try kusari(["verify", "--datadir", path("c")])
        #expect(verified["height"] as? Int ?? 0 >= max(h1, h2, h3))
    }
}
