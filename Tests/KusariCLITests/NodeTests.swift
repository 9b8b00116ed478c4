import Foundation
import Testing
import KusariCore

/// Real `kusari node` processes on ephemeral ports.
@Suite(.serialized) struct NodeTests {
    let faucet = TestKeys.faucet, bob = TestKeys.bob, miner = TestKeys.miner
    let dir: URL

    init() throws { dir = try Kusari.temporaryDirectory() }

    func address(_ k: KeyPair) -> String { k.address(on: .devnet).string }

    func transfer(_ from: KeyPair, to: KeyPair, amount: UInt64, nonce: UInt64, fee: UInt64 = 1_000) throws -> Transaction {
        try Transaction(chainId: 3, key: from, nonce: nonce, to: AddressPayload(publicKey: to.publicKey), amount: amount, fee: fee)
    }

    func balance(_ node: NodeProcess, _ k: KeyPair, height: Int? = nil) async throws -> Int {
        let r = try await node.get("/v1/accounts/\(address(k))" + (height.map { "?height=\($0)" } ?? ""))
        #expect(r.status == 200)
        return r.json["balance"] as? Int ?? -1
    }

    func height(_ node: NodeProcess) async throws -> Int { try await node.get("/v1/status").json["height"] as? Int ?? -1 }

    @Test func transfersAreMinedFeesPaidRewardsHalveAndACrashLosesNothing() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let datadir = dir.appendingPathComponent("miner").path
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = try NodeProcess(datadir: datadir, arguments: ["--mine", "--miner-address", address(miner),
                                                                 "--miner-interval", "0", "--miner-threads", "1"])
        defer { node.stop() }
        var txs: [Transaction] = []
        for nonce in 0..<3 {
            let tx = try transfer(faucet, to: bob, amount: UInt64(100 + nonce), nonce: UInt64(nonce))
            let r = try await node.postTx(Hex.encode(tx.encoded))
            #expect(r.status == 202, "\(String(decoding: r.body, as: UTF8.self))")
            #expect(r.json["id"] as? String == tx.id.hex)
            txs.append(tx)
        }
        // Wait until all three are confirmed and the chain is past the first halving (devnet: 150 blocks).
        try await node.waitFor("confirmations and 155 blocks", seconds: 240) {
            var confirmed = true
            for tx in txs where try await node.get("/v1/txs/\(tx.id.hex)").json["status"] as? String != "confirmed" { confirmed = false }
            let h = try await self.height(node)
            return confirmed && h >= 155
        }
        #expect(try await balance(node, bob) == 303)
        let faucetAccount = try await node.get("/v1/accounts/\(address(faucet))").json
        #expect(faucetAccount["balance"] as? Int == 100_000_000_000_000 - 303 - 3_000)
        #expect(faucetAccount["nonce"] as? Int == 3)
        // The miner has every subsidy and every fee: 50 KSR a block to 150, then 25.
        var heights: [Int] = []
        for tx in txs { heights.append(try await node.get("/v1/txs/\(tx.id.hex)").json["height"] as? Int ?? -1) }
        let h = 155
        let expected = 150 * 5_000_000_000 + 5 * 2_500_000_000 + 1_000 * heights.filter { $0 <= h }.count
        #expect(try await balance(node, miner, height: h) == expected)
        let halving = try await balance(node, miner, height: 151) - (try await balance(node, miner, height: 150))
        #expect(halving == 2_500_000_000 + 1_000 * heights.filter { $0 == 151 }.count)
        // Every confirmed transaction carries a Merkle proof; the account a state proof.
        let info = try await node.get("/v1/txs/\(txs[0].id.hex)").json
        #expect((info["proof"] as? [String: Any])?["treeSize"] as? Int ?? 0 >= 1)

        // Kill it: a restart finds the chain intact.
        let before = try await height(node)
        node.crash()
        let again = try NodeProcess(datadir: datadir)
        defer { again.stop() }
        #expect(try await height(again) >= before)
        #expect(try await balance(again, bob) == 303)
        #expect(try await again.get("/v1/txs/\(txs[2].id.hex)").json["status"] as? String == "confirmed")
    }

    @Test func mempoolPolicies() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Two funded senders, so that eviction has a choice.
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: 0x207fffff, allocations: [
            .init(address: address(faucet), amount: 1_000_000), .init(address: address(bob), amount: 1_000_000)])
        let genesisPath = dir.appendingPathComponent("genesis.json").path
        try genesis.jsonData().write(to: URL(fileURLWithPath: genesisPath))
        let size = try transfer(faucet, to: bob, amount: 1, nonce: 0).encoded.count
        let datadir = dir.appendingPathComponent("pool").path
        let node = try NodeProcess(datadir: datadir, arguments: ["--genesis", genesisPath, "--mempool-max-bytes", "\(size * 4)"])
        defer { node.stop() }

        // Replacement needs 10% more fee.
        let a0 = try transfer(faucet, to: bob, amount: 1, nonce: 0, fee: 1_000)
        #expect(try await node.postTx(Hex.encode(a0.encoded)).status == 202)
        let cheapBump = try await node.postTx(Hex.encode(try transfer(faucet, to: bob, amount: 1, nonce: 0, fee: 1_050).encoded))
        #expect(cheapBump.status == 422 && cheapBump.errorCode == "replacement_underpriced")
        let a0b = try transfer(faucet, to: bob, amount: 1, nonce: 0, fee: 1_100)
        #expect(try await node.postTx(Hex.encode(a0b.encoded)).status == 202)
        #expect(try await node.get("/v1/txs/\(a0.id.hex)").status == 404)
        // Nonce gaps are queued; too far ahead is refused.
        let a2 = try transfer(faucet, to: bob, amount: 1, nonce: 2, fee: 1_000)
        #expect(try await node.postTx(Hex.encode(a2.encoded)).status == 202)
        #expect(try await node.get("/v1/accounts/\(address(faucet))").json["pendingNonce"] as? Int == 1)
        let far = try await node.postTx(Hex.encode(try transfer(faucet, to: bob, amount: 1, nonce: 65).encoded))
        #expect(far.status == 422 && far.errorCode == "nonce_too_far_ahead")
        // The pool holds four: two more from bob, paying more.
        let b0 = try transfer(bob, to: faucet, amount: 1, nonce: 0, fee: 3_000)
        let b1 = try transfer(bob, to: faucet, amount: 1, nonce: 1, fee: 3_000)
        #expect(try await node.postTx(Hex.encode(b0.encoded)).status == 202)
        #expect(try await node.postTx(Hex.encode(b1.encoded)).status == 202)
        // A fifth, paying well, evicts the lowest fee rate at the end of a sender's queue (a2).
        let b2 = try transfer(bob, to: faucet, amount: 1, nonce: 2, fee: 3_000)
        #expect(try await node.postTx(Hex.encode(b2.encoded)).status == 202)
        let pool = try await node.get("/v1/mempool").json
        let ids = (pool["transactions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(Set(ids) == Set([a0b.id.hex, b0.id.hex, b1.id.hex, b2.id.hex]))
        // One paying less than everything is refused as the pool is full, and so is one paying the
        // same as the last admitted (first come, first served): 429 with a hint when to retry.
        let poor = try await node.postTx(Hex.encode(try transfer(faucet, to: bob, amount: 1, nonce: 1, fee: 900).encoded))
        #expect(poor.status == 429 && poor.errorCode == "mempool_full")
        #expect(Int(poor.headers["retry-after"] ?? "") ?? 0 >= 1)
        let same = try await node.postTx(Hex.encode(try transfer(faucet, to: bob, amount: 1, nonce: 1, fee: 1_100).encoded))
        #expect(same.status == 429 && same.errorCode == "mempool_full")

        // A clean stop saves the pool; a restart re-validates and restores it.
        node.stop()
        let again = try NodeProcess(datadir: datadir, arguments: ["--mempool-max-bytes", "\(size * 4)"])
        defer { again.stop() }
        #expect(try await again.get("/v1/mempool").json["count"] as? Int == 4)
    }

    @Test func expiryAndRateLimit() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = try NodeProcess(datadir: dir.appendingPathComponent("e").path,
                                   arguments: ["--mempool-expiry", "2", "--rate-limit", "3", "--rate-limit-loopback"])
        defer { node.stop() }
        let tx = try transfer(faucet, to: bob, amount: 1, nonce: 0)
        #expect(try await node.postTx(Hex.encode(tx.encoded)).status == 202)
        try await node.waitFor("expiry", seconds: 30) { try await node.get("/v1/mempool").json["count"] as? Int == 0 }
        // Three POSTs a minute: the fourth and later are refused with 429.
        var statuses: [Int] = []
        for nonce in 1...4 { statuses.append(try await node.postTx(Hex.encode(try transfer(faucet, to: bob, amount: 1, nonce: UInt64(nonce)).encoded)).status) }
        #expect(statuses.last == 429)
        #expect(statuses.contains(202) || statuses.contains(422))
    }

    /// GETs have a limit of their own: past it, 429 with a JSON error; POSTs still count apart.
    @Test func readRateLimit() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = try NodeProcess(datadir: dir.appendingPathComponent("r").path,
                                   arguments: ["--read-rate-limit", "5", "--rate-limit-loopback"])
        defer { node.stop() }
        var statuses: [Int] = []
        var last: NodeProcess.Reply?
        for _ in 0..<12 {
            let r = try await node.get("/v1/status")
            statuses.append(r.status)
            last = r
        }
        // Five a minute (ten if the minute turned during the loop), then refused.
        #expect(statuses.filter { $0 == 200 }.count <= 10)
        #expect(statuses.last == 429)
        #expect(last?.errorCode == "rate_limited")
        let tx = try transfer(faucet, to: bob, amount: 1, nonce: 0)
        #expect(try await node.postTx(Hex.encode(tx.encoded)).status == 202)
    }

    @Test func everyErrorPathAnswersWithItsStatusAndBody() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = try NodeProcess(datadir: dir.appendingPathComponent("err").path)
        defer { node.stop() }
        let good = try transfer(faucet, to: bob, amount: 1, nonce: 0)
        let hex = Hex.encode(good.encoded)
        let cases: [(String, String, Data?, Int, String)] = [
            ("GET", "/v1/nope", nil, 404, "not_found"),
            ("POST", "/v1/status", Data("{}".utf8), 405, "method_not_allowed"),
            ("GET", "/v1/blocks/0?txs=ids", nil, 400, "bad_request"),
            ("GET", "/v1/txs/zz", nil, 400, "bad_request"),
            ("GET", "/v1/txs/\(String(repeating: "ab", count: 32))", nil, 404, "not_found"),
            ("GET", "/v1/blocks/999999", nil, 404, "not_found"),
            ("GET", "/v1/blocks?limit=0", nil, 400, "bad_request"),
            ("GET", "/v1/blocks?before=x", nil, 400, "bad_request"),
            ("GET", "/v1/accounts/ksrt1notanaddress", nil, 400, "bad_address"),
            ("GET", "/v1/accounts/\(faucet.address(on: .main).string)", nil, 400, "bad_address"),
            ("GET", "/v1/accounts/\(address(bob))?height=99999", nil, 404, "not_found"),
            ("POST", "/v1/txs", Data("not json".utf8), 400, "bad_json"),
            ("POST", "/v1/txs", Data("[1,2]".utf8), 400, "bad_request"),
            ("POST", "/v1/txs", Data(#"{"hex": "00"}"#.utf8), 400, "bad_request"),
            ("POST", "/v1/txs", Data(#"{"tx": 5}"#.utf8), 422, "wrong_type"),
            ("POST", "/v1/txs", Data(#"{"tx": "zz"}"#.utf8), 400, "bad_request"),
            ("POST", "/v1/txs", Data(#"{"tx": "\#(hex.prefix(100))"}"#.utf8), 400, "invalid_encoding"),
            ("POST", "/v1/txs", Data(#"{"tx": "\#(hex)00"}"#.utf8), 400, "invalid_encoding"),
            ("POST", "/v1/txs", Data(repeating: 0x20, count: 600_000), 413, "too_large"),
            ("POST", "/v1/txs", Data(#"{"tx": "\#(Hex.encode(try transfer(faucet, to: bob, amount: 1, nonce: 0, chain: 1).encoded))"}"#.utf8), 422, "wrong_chain"),
            ("POST", "/v1/txs", Data(#"{"tx": "\#(Hex.encode(try transfer(bob, to: faucet, amount: 1, nonce: 0).encoded))"}"#.utf8), 422, "insufficient_balance"),
            ("POST", "/v1/txs", Data(#"{"tx": "\#(Hex.encode(try transfer(faucet, to: bob, amount: 1, nonce: 0, fee: 3).encoded))"}"#.utf8), 422, "fee_too_low"),
        ]
        for (method, path, body, status, code) in cases {
            let r = method == "GET" ? try await node.get(path) : try await node.post(path, body: body ?? Data())
            #expect(r.status == status, "\(method) \(path): \(r.status) \(String(decoding: r.body.prefix(300), as: UTF8.self))")
            #expect(r.errorCode == code, "\(method) \(path): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
            let message = (r.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(!message.isEmpty)
        }
        // A forged signature.
        var forged = good
        forged.amount = 2
        let f = try await node.postTx(Hex.encode(forged.encoded))
        #expect(f.status == 422 && f.errorCode == "bad_signature")
        // The good one is admitted once.
        #expect(try await node.postTx(hex).status == 202)
        let again = try await node.postTx(hex)
        #expect(again.status == 422 && again.errorCode == "already_known")
        // And the node still serves.
        #expect(try await node.get("/v1/status").status == 200)
    }
}

extension NodeTests {
    func transfer(_ from: KeyPair, to: KeyPair, amount: UInt64, nonce: UInt64, fee: UInt64 = 1_000, chain: UInt32) throws -> Transaction {
        try Transaction(chainId: chain, key: from, nonce: nonce, to: AddressPayload(publicKey: to.publicKey), amount: amount, fee: fee)
    }
}

extension NodeTests {
    /// /openapi.yaml is docs/openapi.yaml, a valid OpenAPI 3.1 document, and every
    /// response of a live node matches it (scripts/check_openapi.py).
    @Test func openAPIDocumentIsTrueForEveryRoute() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = try NodeProcess(datadir: dir.appendingPathComponent("oa").path,
                                   arguments: ["--mine", "--miner-address", address(miner), "--miner-interval", "0.3", "--miner-threads", "1"])
        defer { node.stop() }
        let specPath = Kusari.packageRoot.appendingPathComponent("docs/openapi.yaml").path
        let served = String(decoding: try await node.get("/openapi.yaml").body, as: UTF8.self)
        #expect(served.trimmingCharacters(in: .whitespacesAndNewlines)
                == (try String(contentsOfFile: specPath, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines),
                "Sources/KusariAPI/OpenAPIDocument.swift differs from docs/openapi.yaml: run scripts/embed-openapi")
        // One confirmed transfer, and one pending (a nonce ahead, so it stays queued).
        let first = try transfer(faucet, to: bob, amount: 100, nonce: 0)
        #expect(try await node.postTx(Hex.encode(first.encoded)).status == 202)
        try await node.waitFor("the transfer to be mined", seconds: 60) {
            try await node.get("/v1/txs/\(first.id.hex)").json["status"] as? String == "confirmed"
        }
        let queued = try transfer(faucet, to: bob, amount: 100, nonce: 2)
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        script.arguments = ["python3", Kusari.packageRoot.appendingPathComponent("scripts/check_openapi.py").path,
                            specPath, node.base, "--tx-hex", Hex.encode(queued.encoded)]
        let out = Pipe()
        script.standardOutput = out
        script.standardError = out
        try script.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        let failures = text.split(separator: "\n").filter { $0.contains("FAIL") }.prefix(10).joined(separator: "\n")
        #expect(script.terminationStatus == 0, "check_openapi.py failed:\n\(failures)\n\(text.suffix(400))")
        #expect(text.contains(" passed, 0 failed"))
    }
}
