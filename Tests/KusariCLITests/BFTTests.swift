import Foundation
import Testing
import KusariCore

/// Real BFT validators: `kusari genesis new --consensus bft` made from key files, four
/// `kusari node --validator-key` processes in a line on 127.0.0.1, and a follower.
@Suite(.serialized) struct BFTTests {
    let dir: URL
    /// Fixed validator keys, so a failure reproduces.
    let validators = (0..<4).map { (try? KeyPair(seed: [UInt8](repeating: UInt8(80 + $0), count: 32))) ?? KeyPair() }

    init() throws { dir = try Kusari.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Writes the validators' key files and a BFT genesis through the CLI; returns its path.
    func makeGenesis() throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var arguments = ["genesis", "new", "--consensus", "bft", "--out", path("genesis.json"),
                         "--alloc", "\(TestKeys.faucet.address(on: .devnet).string)=1000000ksr"]
        for (i, key) in validators.enumerated() {
            try KeyFile(key: key, network: .devnet).jsonData().write(to: URL(fileURLWithPath: path("v\(i).key")))
            arguments += ["--validator", path("v\(i).key")]
        }
        let made = try Kusari.run(arguments)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("\"consensus\": \"bft\""))
        return path("genesis.json")
    }

    /// Validator `i` (its key and data directory), peering with `peer`.
    func validator(_ i: Int, genesis: String, peer: String?) throws -> NodeProcess {
        var arguments = ["--genesis", genesis, "--p2p", "127.0.0.1:0", "--validator-key", path("v\(i).key"), "--no-discover"]
        if let peer { arguments += ["--peer", peer] }
        return try NodeProcess(datadir: path("n\(i)"), arguments: arguments)
    }

    static func height(_ node: NodeProcess) async throws -> Int {
        try await node.get("/v1/status").json["height"] as? Int ?? -1
    }

    /// Four validators commit blocks and a transfer; with one crashed the other three go
    /// on; with two crashed nothing more is committed (no side has more than two thirds);
    /// both restarted, commits resume on the same chain at every node (no fork).
    @Test func fourValidatorsCommitGoOnWithThreeStopWithTwoAndResume() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let genesis = try makeGenesis()
        let a = try validator(0, genesis: genesis, peer: nil)
        defer { a.stop() }
        let b = try validator(1, genesis: genesis, peer: a.p2p)
        defer { b.stop() }
        var c = try validator(2, genesis: genesis, peer: b.p2p)
        defer { c.stop() }
        var d = try validator(3, genesis: genesis, peer: c.p2p)
        defer { d.stop() }
        let follower = try NodeProcess(datadir: path("f"), arguments: ["--genesis", genesis, "--peer", a.p2p ?? "",
                                                                        "--no-discover"])
        defer { follower.stop() }
        try await a.waitFor("four validators and a follower at height 3 on one chain", seconds: 60) {
            try await NetworkTests.onOneChain([a, b, c, d, follower], atLeast: 3)
        }

        // A transfer posted at D is committed, in the same block everywhere.
        let bob = TestKeys.bob
        let tx = try Transaction(chainId: 3, key: TestKeys.faucet, nonce: 0, to: AddressPayload(publicKey: bob.publicKey),
                                 amount: 777, fee: 1_000)
        #expect(try await d.postTx(Hex.encode(tx.encoded)).status == 202)
        try await a.waitFor("the transfer committed at A", seconds: 30) {
            try await a.get("/v1/txs/\(tx.id.hex)").json["status"] as? String == "confirmed"
        }
        let block = try await a.get("/v1/txs/\(tx.id.hex)").json["blockId"] as? String
        try await follower.waitFor("the transfer at the follower", seconds: 30) {
            try await follower.get("/v1/txs/\(tx.id.hex)").json["blockId"] as? String == block
        }

        // D crashes: A, B and C hold 30 of 40 power and go on.
        d.crash()
        let withFour = try await Self.height(a)
        try await a.waitFor("three validators commit 3 more blocks", seconds: 60) {
            try await NetworkTests.onOneChain([a, b, c], atLeast: withFour + 3)
        }

        // C crashes too: A and B hold 20 of 40, not more than two thirds; nothing more is committed.
        c.crash()
        var stalled = try await Self.height(a)
        try await a.waitFor("A's height to stop changing", seconds: 30) {
            let now = try await Self.height(a)
            defer { stalled = now }
            return now == stalled
        }
        let observedUntil = Date().addingTimeInterval(4)   // four block intervals and the first timeouts
        while Date() < observedUntil {
            #expect(try await Self.height(a) == stalled, "a block was committed with half of the power")
            #expect(try await Self.height(b) <= stalled)
            try await Task.sleep(for: .milliseconds(250))
        }

        // C and D restart from their data directories: commits resume, one chain everywhere.
        c = try validator(2, genesis: genesis, peer: b.p2p)
        d = try validator(3, genesis: genesis, peer: c.p2p)
        try await a.waitFor("commits resume after the restart", seconds: 90) {
            try await NetworkTests.onOneChain([a, b, c, d, follower], atLeast: stalled + 3)
        }
        // No fork: every height has one block at every node.
        let top = try await Self.height(a)
        for h in 1...top {
            var ids = Set<String>()
            for n in [a, b, c, d, follower] where try await Self.height(n) >= h {
                ids.insert(try await n.get("/v1/blocks/\(h)").json["id"] as? String ?? "?")
            }
            #expect(ids.count == 1, "height \(h) has \(ids.count) blocks")
        }
    }
}
