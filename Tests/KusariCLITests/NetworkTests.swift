import Foundation
import Testing
import KusariCore

/// Several real nodes on 127.0.0.1, connected in a line.
@Suite(.serialized) struct NetworkTests {
    let faucet: KeyPair
    let bob = (try? KeyPair(seed: [UInt8](repeating: 2, count: 32))) ?? KeyPair()
    let miner = (try? KeyPair(seed: [UInt8](repeating: 7, count: 32))) ?? KeyPair()
    let dir: URL

    init() throws {
        faucet = try KeyPair(seed: Hash256.sha256(Array("kusari devnet faucet".utf8)).bytes)
        dir = try Kusari.temporaryDirectory()
    }

    /// A-B-C-D, A mining: every node reaches the same tip; a transfer posted to D
    /// travels to A, is mined there, and is confirmed at D.
    @Test func fourNodesInALineAgreeAndRelay() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let a = try NodeProcess(datadir: path("a"), arguments: ["--p2p", "127.0.0.1:0", "--mine", "--miner-address",
                                                                miner.address(on: .devnet).string, "--miner-interval", "0.3",
                                                                "--miner-threads", "1"])
        defer { a.stop() }
        let b = try NodeProcess(datadir: path("b"), arguments: ["--p2p", "127.0.0.1:0", "--peer", a.p2p ?? ""])
        defer { b.stop() }
        let c = try NodeProcess(datadir: path("c"), arguments: ["--p2p", "127.0.0.1:0", "--peer", b.p2p ?? ""])
        defer { c.stop() }
        let d = try NodeProcess(datadir: path("d"), arguments: ["--peer", c.p2p ?? ""])
        defer { d.stop() }
        let nodes = [a, b, c, d]

        func status(_ n: NodeProcess) async throws -> [String: Any] { try await n.get("/v1/status").json }
        // Every node reaches at least height 5 and the same tip.
        try await a.waitFor("four nodes on one tip", seconds: 90) {
            var tips = Set<String>()
            for n in nodes {
                let s = try await status(n)
                guard (s["height"] as? Int ?? 0) >= 5 else { return false }
                tips.insert(s["tip"] as? String ?? "")
            }
            return tips.count == 1
        }
        #expect(try await status(b)["peers"] as? Int == 2)
        #expect(try await status(d)["peers"] as? Int == 1)

        // A transfer posted at the far end is mined by A and confirmed at D.
        let tx = try Transaction(chainId: 3, key: faucet, nonce: 0, to: AddressPayload(publicKey: bob.publicKey), amount: 777, fee: 1_000)
        #expect(try await d.postTx(Hex.encode(tx.encoded)).status == 202)
        try await d.waitFor("the transfer confirmed at D", seconds: 90) {
            try await d.get("/v1/txs/\(tx.id.hex)").json["status"] as? String == "confirmed"
        }
        let minedAt = try await a.get("/v1/txs/\(tx.id.hex)").json
        #expect(minedAt["status"] as? String == "confirmed")
        #expect(try await d.get("/v1/accounts/\(bob.address(on: .devnet).string)").json["balance"] as? Int == 777)
    }
}
