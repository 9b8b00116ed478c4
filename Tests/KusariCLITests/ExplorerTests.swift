import Foundation
import KusariCore
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The explorer's pages on a real mining `kusari node`: status codes, 404 pages,
/// escaping, the Content-Security-Policy, the embedded assets and the block tree route.
@Suite(.serialized) struct ExplorerTests {
    let faucet = TestKeys.faucet, bob = TestKeys.bob, miner = TestKeys.miner
    let dir: URL

    init() throws { dir = try Kusari.temporaryDirectory() }

    struct Page {
        let status: Int
        let body: String
        let contentType: String
        let csp: String
        let finalPath: String
    }

    /// GET without the test's JSON assumptions: the status, body, headers and the path after redirects.
    func page(_ node: NodeProcess, _ path: String) async throws -> Page {
        let (data, response) = try await URLSession.shared.data(from: try require_url(node.base + path))
        let http = response as? HTTPURLResponse
        return Page(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self),
                    contentType: http?.value(forHTTPHeaderField: "Content-Type") ?? "",
                    csp: http?.value(forHTTPHeaderField: "Content-Security-Policy") ?? "",
                    finalPath: http?.url?.path ?? "")
    }

    func expectHTML(_ p: Page, _ path: String, status: Int = 200) {
        #expect(p.status == status, "\(path): status \(p.status)")
        #expect(p.contentType.hasPrefix("text/html"), "\(path): content type \(p.contentType)")
        #expect(p.csp.contains("script-src 'self'") && p.csp.contains("default-src 'none'") && !p.csp.contains("unsafe"),
                "\(path): CSP \(p.csp)")
        // Scripts only by reference to the node's own assets: no inline script, no inline handler or style.
        let scripts = p.body.components(separatedBy: "<script").dropFirst()
        #expect(scripts.allSatisfy { $0.hasPrefix(" src=\"/assets/") && $0.contains("></script>") }, "\(path): an inline script")
        #expect(!p.body.contains(" onclick=") && !p.body.contains(" onload=") && !p.body.contains(" style="), "\(path): inline handler or style")
    }

    @Test func everyPageAnswersEscapedUnderItsPolicyAndUnknownThingsGet404Pages() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try NodeProcess(datadir: dir.appendingPathComponent("explorer").path,
                                   arguments: ["--mine", "--miner-address", miner.address(on: .devnet).string,
                                               "--miner-interval", "0.3", "--miner-threads", "1"])
        defer { node.stop() }
        // The listening line (also kept in api.json, written just after it) names the explorer.
        var listening = ""
        try await node.waitFor("api.json") {
            listening = (try? String(contentsOfFile: node.datadir + "/api.json", encoding: .utf8)) ?? ""
            return listening.hasSuffix("\n")
        }
        #expect(listening.contains(#""explorer":"\#(node.base)/""#), "listening line: \(listening)")

        let memo = "<script>alert(1)</script><b>bold</b> & \"quoted\""
        let tx = try Transaction(chainId: 3, key: faucet, nonce: 0, to: AddressPayload(publicKey: bob.publicKey),
                                 amount: 12_345, fee: 1_000, memo: Array(memo.utf8))
        // A second transfer at the next nonce first (queued until the first arrives), so both land in one
        // block and the Merkle proof has a sibling.
        let second = try Transaction(chainId: 3, key: faucet, nonce: 1, to: AddressPayload(publicKey: bob.publicKey),
                                     amount: 1, fee: 1_000)
        #expect(try await node.postTx(Hex.encode(second.encoded)).status == 202)
        #expect(try await node.postTx(Hex.encode(tx.encoded)).status == 202)
        try await node.waitFor("the transfer to be mined", seconds: 60) {
            try await node.get("/v1/txs/\(tx.id.hex)").json["status"] as? String == "confirmed"
        }
        let height = try await node.get("/v1/txs/\(tx.id.hex)").json["height"] as? Int ?? -1
        let blockId = try await node.get("/v1/blocks/\(height)").json["id"] as? String ?? ""
        let bobAddress = bob.address(on: .devnet).string

        let pages = ["/", "/block/0", "/block/\(height)", "/block/\(blockId)", "/tx/\(tx.id.hex)", "/account/\(bobAddress)",
                     "/account/\(faucet.address(on: .devnet).string)?before=\(height)", "/mempool", "/chain", "/network",
                     "/learn", "/learn/hash", "/learn/hash?text=%3Ci%3E", "/learn/block", "/learn/block?ref=\(blockId)",
                     "/learn/blockchain", "/learn/blockchain?from=\(height)", "/learn/distributed", "/learn/tokens",
                     "/learn/tokens?block=\(height)&address=\(bobAddress)", "/learn/keys", "/learn/keys?tx=\(tx.id.hex)"]
        for path in pages { expectHTML(try await page(node, path), path) }

        // The memo is shown as text, escaped, wherever it appears.
        for path in ["/tx/\(tx.id.hex)", "/block/\(height)", "/account/\(bobAddress)"] {
            let body = try await page(node, path).body
            #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"), "\(path)")
            #expect(!body.contains("<script>alert") && !body.contains("<b>bold"), "\(path): memo not escaped")
        }
        // A form field as a browser sends it: `+` is a space, `%2B` a plus.
        let spaced = try await page(node, "/learn/hash?text=a+b%2Bc").body
        #expect(spaced.contains(Hash256.sha256(Array("a b+c".utf8)).hex))
        let hashPage = try await page(node, "/learn/hash?text=%3Ci%3E").body
        #expect(hashPage.contains("&lt;i&gt;") && hashPage.contains(Hash256.sha256(Array("<i>".utf8)).hex))

        // The pages carry the node's values.
        let txPage = try await page(node, "/tx/\(tx.id.hex)").body
        #expect(txPage.contains(blockId) && txPage.contains("0.00012345 KSR") && txPage.contains("id=\"merkle\""))
        let proof = try await node.get("/v1/txs/\(tx.id.hex)").json["proof"] as? [String: Any] ?? [:]
        #expect((proof["path"] as? [String])?.isEmpty == false)
        for sibling in proof["path"] as? [String] ?? [] { #expect(txPage.contains("value=\"\(sibling)\""), "Merkle sibling \(sibling)") }
        let accountPage = try await page(node, "/account/\(bobAddress)").body
        #expect(accountPage.contains("0.00012345 KSR") && accountPage.contains("id=\"state-proof\""))
        let stateProof = try await node.get("/v1/accounts/\(bobAddress)").json["proof"] as? [String: Any] ?? [:]
        let siblings = stateProof["siblings"] as? [String] ?? []
        #expect(!siblings.isEmpty)
        // The page may show a later height than the API answer above; the sibling count is what both share here.
        #expect(accountPage.components(separatedBy: "class=\"proof-hash mono\"").count - 1 == siblings.count)
        let dashboard = try await page(node, "/").body
        #expect(dashboard.contains("id=\"height\"") && dashboard.contains("<small>devnet</small>") && (dashboard.contains("href=\"/tx/") || dashboard.contains("No transactions in the latest blocks")))

        // The transfer's block is among the cards (its raw transaction is there), so there is an amount to edit.
        let chainLesson = try await page(node, "/learn/blockchain?from=\(height)")
        expectHTML(chainLesson, "/learn/blockchain?from=\(height)")
        #expect(chainLesson.body.contains("data-raw=\"\(Hex.encode(tx.encoded))\"") && !chainLesson.body.contains("id=\"no-transfers\""))
        // Tokens: bob's coins trace back to the faucet's genesis allocation.
        let tokens = try await page(node, "/learn/tokens?address=\(bobAddress)").body
        #expect(tokens.contains("received 0.00012345 KSR from") || tokens.contains("received 0.00000001 KSR from"))
        #expect(tokens.range(of: #"a genesis allocation of [0-9]+\.[0-9]{8} KSR\."#, options: .regularExpression) != nil)
        #expect(!tokens.contains("allocation of ."))
        // The beneficiary's coins were minted as block rewards: no genesis allocation is claimed for it.
        let rewards = try await page(node, "/learn/tokens?address=\(miner.address(on: .devnet).string)").body
        #expect(rewards.contains("as block rewards") && !rewards.contains("genesis allocation"))
        // A transfer behind a nonce gap is pending, but in no projected block: no miner can take it yet.
        let queued = try Transaction(chainId: 3, key: faucet, nonce: 9, to: AddressPayload(publicKey: bob.publicKey), amount: 7, fee: 5_000)
        #expect(try await node.postTx(Hex.encode(queued.encoded)).status == 202)
        let pool = try await page(node, "/mempool").body
        #expect(pool.contains("<span id=\"pool-count\">1</span>") && !pool.contains("/tx/\(queued.id.hex)") && !pool.contains("Block +1"))
        #expect(pool.contains("1 more pending transactions are in none of these blocks"))

        // Unknown ids and garbage: HTML 404 pages; unknown /v1 routes keep the API's JSON 404.
        let zeros = String(repeating: "0", count: 64)
        for path in ["/block/99999999", "/block/\(zeros)", "/block/garbage", "/tx/\(zeros)", "/tx/garbage", "/account/notanaddress",
                     "/account/\(bobAddress)?before=x", "/search?q=garbage", "/search?q=", "/search?q=\(zeros)",
                     "/search?q=99999999", "/nope", "/learn/nope", "/assets/nope.js", "/learn/block?ref=garbage",
                     "/learn/blockchain?from=99999999", "/learn/keys?tx=garbage", "/chain?depth=0", "/chain?depth=x"] {
            let p = try await page(node, path)
            expectHTML(p, path, status: 404)
            #expect(p.body.contains("404"), "\(path)")
        }
        let apiMissing = try await page(node, "/v1/nope")
        #expect(apiMissing.status == 404 && apiMissing.contentType.hasPrefix("application/json"))

        // Search finds a height, a block id, a transaction id and an address.
        #expect(try await page(node, "/search?q=\(height)").finalPath == "/block/\(height)")
        #expect(try await page(node, "/search?q=\(blockId)").finalPath == "/block/\(blockId)")
        #expect(try await page(node, "/search?q=+\(tx.id.hex)+").finalPath == "/tx/\(tx.id.hex)")
        #expect(try await page(node, "/search?q=\(bobAddress)").finalPath == "/account/\(bobAddress)")

        // Every asset is served as it is in the source tree.
        let assets = Kusari.packageRoot.appendingPathComponent("Sources/KusariExplorer/Assets")
        let names = try FileManager.default.contentsOfDirectory(atPath: assets.path)
        #expect(names.contains("common.js") && names.contains("style.css"))
        for name in names {
            let p = try await page(node, "/assets/\(name)")
            #expect(p.status == 200, "\(name)")
            #expect(p.body == (try String(contentsOf: assets.appendingPathComponent(name), encoding: .utf8)), "\(name) differs")
            #expect(p.contentType.hasPrefix(name.hasSuffix(".js") ? "text/javascript" : name.hasSuffix(".css") ? "text/css" : "image/svg"))
        }
    }

    /// `/v1/chain/tree` holds the best chain up to the tip, `depth` heights of it.
    @Test func blockTreeRoute() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try NodeProcess(datadir: dir.appendingPathComponent("tree").path,
                                   arguments: ["--mine", "--miner-address", miner.address(on: .devnet).string,
                                               "--miner-interval", "0.2", "--miner-threads", "1"])
        defer { node.stop() }
        try await node.waitFor("five blocks", seconds: 60) { try await node.get("/v1/status").json["height"] as? Int ?? 0 >= 5 }
        let tree = try await node.get("/v1/chain/tree?depth=3").json
        let blocks = tree["blocks"] as? [[String: Any]] ?? []
        let best = blocks.filter { $0["onBestChain"] as? Bool == true }
        #expect(best.count == 3)
        let tipHeight = tree["height"] as? Int ?? -1
        #expect(best.map { $0["height"] as? Int ?? -1 } == [tipHeight - 2, tipHeight - 1, tipHeight])
        #expect(best.last?["id"] as? String == tree["tip"] as? String)
        // Each best-chain block links to the one before it.
        for (a, b) in zip(best, best.dropFirst()) { #expect(b["previousId"] as? String == a["id"] as? String) }
        // With no transfers on the chain, the tamper pages say there is nothing to edit.
        #expect(try await page(node, "/learn/blockchain").body.contains("id=\"no-transfers\""))
        for bad in ["0", "501", "x"] {
            let r = try await node.get("/v1/chain/tree?depth=\(bad)")
            #expect(r.status == 400 && r.errorCode == "bad_request", "depth=\(bad)")
        }
    }

    /// `/mempool` projects the blocks a miner would make: every sender's nonces in
    /// order, the fee-rate range, and nothing that waits behind a nonce gap.
    @Test func mempoolProjection() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try NodeProcess(datadir: dir.appendingPathComponent("pool").path)
        defer { node.stop() }
        var ids: [String] = []
        for (nonce, fee) in [(0, 1_000), (1, 5_000), (2, 3_000), (5, 9_000)] as [(UInt64, UInt64)] {
            let tx = try Transaction(chainId: 3, key: faucet, nonce: nonce, to: AddressPayload(publicKey: bob.publicKey), amount: 10, fee: fee)
            #expect(try await node.postTx(Hex.encode(tx.encoded)).status == 202)
            #expect(tx.encoded.count == 145)
            ids.append(tx.id.hex)
        }
        let pool = try await page(node, "/mempool").body
        #expect(pool.contains("<span id=\"pool-count\">4</span>") && pool.contains("Block +1") && !pool.contains("Block +2"))
        // Nonces 0, 1, 2 in order; 5 waits for 3 and 4.
        let positions = ids.prefix(3).compactMap { pool.range(of: "/tx/\($0)")?.lowerBound }
        #expect(positions.count == 3 && positions == positions.sorted())
        #expect(!pool.contains("/tx/\(ids[3])") && pool.contains("1 more pending transactions"))
        // 5000 / 145 and 1000 / 145 base units a byte, to one decimal.
        #expect(pool.contains("3 transactions, 435 B") && pool.contains("fee rate 34.4 … 6.8"))
    }

    /// A node that mined alone and then meets a longer chain reorganises; the
    /// blocks it had stay in `/v1/chain/tree` as a side branch, and `/chain` draws them beside the best chain.
    @Test func sideBranchesAfterAReorganisation() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let otherMiner = (try? KeyPair(seed: [UInt8](repeating: 9, count: 32))) ?? KeyPair()
        func height(_ n: NodeProcess) async throws -> Int { try await n.get("/v1/status").json["height"] as? Int ?? -1 }
        // B mines 20 blocks alone and stops; then A mines 3 of its own alone and stops. Neither mines after
        // that, so B's chain is the longer one however loaded the machine is.
        let b = try NodeProcess(datadir: path("b"), arguments: ["--no-discover", "--mine", "--miner-address",
                                                                otherMiner.address(on: .devnet).string, "--miner-interval", "0.1",
                                                                "--miner-threads", "1"])
        try await b.waitFor("b at height 20", seconds: 60) { try await height(b) >= 20 }
        b.stop()
        let a = try NodeProcess(datadir: path("a"), arguments: ["--no-discover", "--mine", "--miner-address", miner.address(on: .devnet).string,
                                                                "--miner-interval", "1", "--miner-threads", "1"])
        try await a.waitFor("a at height 3", seconds: 60) { try await height(a) >= 3 }
        var aBlocks: Set<String> = [], bBlocks: Set<String> = []
        for h in 1...3 { aBlocks.insert(try await a.get("/v1/blocks/\(h)").json["id"] as? String ?? "") }
        a.stop()
        // Both come back, connected and not mining: A takes B's longer chain.
        let b2 = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--no-discover"])
        defer { b2.stop() }
        let bHeight = try await height(b2)
        let a2 = try NodeProcess(datadir: path("a"), arguments: ["--no-discover", "--peer", b2.p2p ?? ""])
        defer { a2.stop() }
        #expect(bHeight >= 20)
        try await a2.waitFor("a on b's chain", seconds: 60) {
            try await a2.get("/v1/status").json["tip"] as? String == (try await b2.get("/v1/status").json["tip"] as? String)
        }
        let tree = try await a2.get("/v1/chain/tree?depth=500").json
        let blocks = tree["blocks"] as? [[String: Any]] ?? []
        let side = blocks.filter { $0["onBestChain"] as? Bool == false }
        #expect(side.count >= 3, "side branch: \(side)")
        for h in 1...3 { bBlocks.insert(try await b2.get("/v1/blocks/\(h)").json["id"] as? String ?? "") }
        let sideIds = Set(side.compactMap { $0["id"] as? String })
        #expect(aBlocks.isSubset(of: sideIds), "a's own blocks are the side branch: \(aBlocks) vs \(sideIds)")
        #expect(sideIds.isDisjoint(with: bBlocks), "b's blocks are on the best chain")
        #expect(side.allSatisfy { $0["status"] as? String == "valid" })
        // The network page lists the peer.
        let network = try await page(a2, "/network").body
        #expect(network.contains(b2.p2p ?? "?") && network.contains("outbound"), "network page: \(network.suffix(1500))")
        let page = try await page(a2, "/chain?depth=500").body
        for id in aBlocks {
            #expect(page.contains("class=\"tree-block side mono\" data-id=\"\(id)\""), "side block \(id) on /chain")
        }
        #expect(page.contains("side-branch blocks shown") && !page.contains(" 0 side-branch blocks shown"))
    }

    /// The embedded templates and assets equal their sources (scripts/embed-explorer --check).
    @Test func embeddedFilesEqualTheirSources() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        script.arguments = ["python3", Kusari.packageRoot.appendingPathComponent("scripts/embed-explorer").path, "--check"]
        let out = Pipe()
        script.standardOutput = out
        script.standardError = out
        try script.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        #expect(script.terminationStatus == 0, "\(text)")
    }

    /// A node bound to every interface prints an explorer address a browser can open: the loopback one.
    @Test func wildcardBindPrintsALoopbackExplorerAddress() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try NodeProcess(datadir: dir.appendingPathComponent("wildcard").path, arguments: ["--api", "0.0.0.0:0"])
        defer { node.stop() }
        var listening = ""
        try await node.waitFor("api.json") {
            listening = (try? String(contentsOfFile: node.datadir + "/api.json", encoding: .utf8)) ?? ""
            return listening.hasSuffix("\n")
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(listening.utf8))) as? [String: Any] ?? [:]
        let api = json["api"] as? String ?? ""
        #expect(api.hasPrefix("0.0.0.0:"), "\(listening)")
        let port = api.split(separator: ":").last.map(String.init) ?? ""
        let explorer = json["explorer"] as? String ?? ""
        #expect(explorer == "http://127.0.0.1:\(port)/", "\(listening)")
        let (_, response) = try await URLSession.shared.data(from: try require_url(explorer))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
    }

    /// The template check refuses every way of printing unescaped output, and passes a plain template.
    @Test func templateCheckRefusesUnescapedOutput() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cases = ["plain {{value}} {{#list}}{{name}}{{/list}}": Int32(0), "{{{value}}}": 1, "{{& value}}": 1,
                     "{{% CONTENT_TYPE: TEXT}}{{value}}": 1, "{{=<% %>=}}<%{value}%>": 1]
        for (n, (template, expected)) in cases.sorted(by: { $0.key < $1.key }).enumerated() {
            let file = dir.appendingPathComponent("t\(n).mustache")
            try template.write(to: file, atomically: true, encoding: .utf8)
            let script = Process()
            script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            script.arguments = ["python3", Kusari.packageRoot.appendingPathComponent("scripts/embed-explorer").path, "--lint", file.path]
            script.standardOutput = FileHandle.nullDevice
            try script.run()
            script.waitUntilExit()
            #expect(script.terminationStatus == expected, "\(template)")
        }
    }
}
