import Foundation
import KusariCore
import Testing

/// `tx send` keeps what it sent until it is confirmed: posted again when the
/// node has lost it; and a sender whose transfers wait behind a missing nonce
/// is told so, by the API (`gap`) and by the command.
@Suite(.serialized) struct RebroadcastTests {
    let bob = TestKeys.bob.address(on: .devnet).string

    func faucetKeyFile(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("faucet.json").path
        try KeyFile(key: TestKeys.faucet, network: .devnet).jsonData().write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aNonceGapIsShownAndTheNextSendFillsIt() async throws {
        let dir = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try NodeProcess(datadir: dir.appendingPathComponent("n").path)
        defer { node.stop() }
        let faucet = TestKeys.faucet.address(on: .devnet).string
        // Nonces 1 and 2 arrive, 0 never did: both wait behind it.
        for nonce: UInt64 in [1, 2] {
            let tx = try Transaction(chainId: 3, key: TestKeys.faucet, nonce: nonce, to: TestKeys.bob.address(on: .devnet).payload,
                                     amount: 10 + nonce, fee: 1_000)
            #expect(try await node.postTx(Hex.encode(tx.encoded)).status == 202)
        }
        let account = try await node.get("/v1/accounts/\(faucet)").json
        #expect(account["pendingNonce"] as? Int == 0)
        let gap = try #require(account["gap"] as? [String: Any])
        #expect(gap["missingNonce"] as? Int == 0 && gap["waitingFrom"] as? Int == 1 && gap["waiting"] as? Int == 2)

        let send = try Kusari.run(["tx", "send", "--key", try faucetKeyFile(in: dir), "--to", bob, "--amount", "5", "--fee", "1000",
                                   "--api", node.base])
        #expect(send.status == 0, "\(send.stderr)")
        #expect(send.stderr.contains("2 pending transfer(s) of \(faucet) (from nonce 1) wait behind nonce 0"), "\(send.stderr)")
        #expect(send.object["nonce"] as? Int == 0)
        let after = try await node.get("/v1/accounts/\(faucet)").json
        #expect(after["gap"] == nil && after["pendingNonce"] as? Int == 3)
    }

    @Test func aTransferTheNodeLostIsSentAgainWhileWaiting() async throws {
        let dir = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let datadir = dir.appendingPathComponent("n").path
        var node = try NodeProcess(datadir: datadir)
        defer { node.stop() }
        let api = node.base.replacingOccurrences(of: "http://", with: "")

        let send = Process()
        send.executableURL = Kusari.executable
        send.arguments = ["tx", "send", "--key", try faucetKeyFile(in: dir), "--to", bob, "--amount", "5", "--fee", "1000",
                          "--api", api, "--wait", "--timeout", "120"]
        let errPath = dir.appendingPathComponent("send.err").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let errHandle = try #require(FileHandle(forWritingAtPath: errPath))
        send.standardError = errHandle
        send.standardOutput = FileHandle.nullDevice
        try send.run()
        defer { if send.isRunning { send.terminate(); send.waitUntilExit() } }

        let faucet = TestKeys.faucet.address(on: .devnet).string
        try await node.waitFor("the transfer pending", seconds: 30) { try await node.get("/v1/accounts/\(faucet)").json["pending"] as? Int == 1 }
        // The node loses it: killed, and its journal gone with the disk it was on.
        node.crash()
        try FileManager.default.removeItem(atPath: datadir + "/mempool.journal")
        node = try NodeProcess(datadir: datadir, arguments: ["--api", api, "--mine", "--miner-address", TestKeys.miner.address(on: .devnet).string,
                                                             "--miner-interval", "0.3", "--miner-threads", "1"])
        #expect(try await node.get("/v1/accounts/\(faucet)").json["pending"] as? Int == 0)

        // The waiting sender finds it unknown, posts it again, and sees it mined.
        try await node.waitFor("tx send to finish", seconds: 110) { !send.isRunning }
        try? errHandle.close()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(send.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("no longer knew"), "\(stderr)")
        #expect(try await node.get("/v1/accounts/\(bob)").json["balance"] as? Int == 5)
    }
}
