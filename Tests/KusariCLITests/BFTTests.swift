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

    /// Validator `i` (its key and data directory), peering with `peer`, with `also` added.
    func validator(_ i: Int, genesis: String, peer: String?, also: [String] = []) throws -> NodeProcess {
        var arguments = ["--genesis", genesis, "--p2p", "127.0.0.1:0", "--validator-key", path("v\(i).key"), "--no-discover",
                         "--log-level", "info"]
        if let peer { arguments += ["--peer", peer] }
        return try NodeProcess(datadir: path("n\(i)"), arguments: arguments + also)
    }

    static func height(_ node: NodeProcess) async throws -> Int {
        try await node.get("/v1/status").json["height"] as? Int ?? -1
    }

    /// Four validators commit blocks and a transfer; with one crashed the other three go
    /// on (its turns to propose time out into a later round, as the record of rounds
    /// shows); with two crashed nothing more is committed (no side has more than two thirds);
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
        // D's turns to propose now time out: A's record of rounds shows such a height, decided in a later round.
        let dAddress = validators[3].address(on: .devnet).string
        var turn: [String: Any]?
        try await a.waitFor("a height whose round-0 proposer (D) is down, decided in a later round", seconds: 60) {
            for h in try await a.get("/v1/consensus/heights?limit=20").json["heights"] as? [[String: Any]] ?? [] {
                guard ((h["decided"] as? [String: Any])?["round"] as? Int ?? 0) >= 1, let height = h["height"] as? Int else { continue }
                let record = try await a.get("/v1/consensus/heights/\(height)").json
                let first = (record["rounds"] as? [[String: Any]])?.first
                if (first?["proposer"] as? [String: Any])?["address"] as? String == dAddress { turn = record; return true }
            }
            return false
        }
        let first = (turn?["rounds"] as? [[String: Any]])?.first
        #expect((first?["timeouts"] as? [[String: Any]])?.first?["kind"] as? String == "propose", "\(turn ?? [:])")
        #expect(first?["proposal"] == nil && turn?["role"] as? String == "validator")
        #expect((first?["prevotes"] as? [[String: Any]])?.allSatisfy { $0["blockId"] == nil && $0["validator"] as? String != dAddress } == true)

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

extension BFTTests {
    /// A validator SIGKILLed at random moments, 50 times (each time after it rejoined),
    /// never signs two conflicting votes: no validator reports evidence against anyone,
    /// and it commits with the others after the last restart. C is down throughout, so
    /// every commit needs D: each crash stalls the height D was voting in, and D comes
    /// back into that very height and round, where a signer that forgot what it signed
    /// would sign again differently. The moments come from a seed printed on failure
    /// (`KUSARI_CRASH_SEED=N` replays it).
    @Test func aValidatorKilledFiftyTimesNeverDoubleSigns() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let seed = ProcessInfo.processInfo.environment["KUSARI_CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...1_000_000)
        var rng = SplitMix64(seed: seed)
        let genesis = try makeGenesis()
        let a = try validator(0, genesis: genesis, peer: nil)
        defer { a.stop() }
        let b = try validator(1, genesis: genesis, peer: a.p2p)
        defer { b.stop() }
        let c = try validator(2, genesis: genesis, peer: b.p2p)
        defer { c.stop() }
        // D peers with A and C, so that killing it never cuts the others apart.
        func startD() throws -> NodeProcess { try validator(3, genesis: genesis, peer: a.p2p, also: ["--peer", c.p2p ?? ""]) }
        var d = try startD()
        defer { d.stop() }
        try await a.waitFor("four validators at height 2", seconds: 60) {
            try await NetworkTests.onOneChain([a, b, c, d], atLeast: 2)
        }
        c.crash()
        for round in 0..<50 {
            // Rejoined: without C, a block above the one D came back to needs D's votes.
            let target = try await Self.height(a) + 1
            try await d.waitFor("D (seed \(seed), life \(round)) rejoined: height \(target) committed", seconds: 60) {
                let atD = try await Self.height(d), atA = try await Self.height(a)
                return atD >= target && atA >= target
            }
            // Then a random moment of its life: mid-round, mid-commit, mid-write.
            let ms = Int(rng.next() % 1_200)
            try await Task.sleep(for: .milliseconds(ms))
            d.crash()
            d = try startD()
        }
        let last = try await Self.height(a)
        let c2 = try validator(2, genesis: genesis, peer: b.p2p)
        defer { c2.stop() }
        try await a.waitFor("all four commit together after the last restart (seed \(seed))", seconds: 90) {
            try await NetworkTests.onOneChain([a, b, c2, d], atLeast: last + 3)
        }
        for name in ["n0", "n1", "n2", "n3"] {
            let log = (try? String(contentsOfFile: path(name) + "/node.log", encoding: .utf8)) ?? ""
            #expect(!log.contains("evidence of double signing"), "\(name) saw double signing (seed \(seed))")
            #expect(!log.contains("a decided block was refused"), "\(name) (seed \(seed))")
        }
    }
}

extension BFTTests {
    /// A validator started with the test-only equivocation switch double-signs prevotes;
    /// the others catch it and a block includes the evidence. Then the light client
    /// verifies the real chain from block 1 to the tip and an account against the
    /// verified state root, and refuses a trusted block the node does not hold.
    @Test func evidenceIsIncludedAndTheLightClientVerifiesTheChain() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let genesis = try makeGenesis()
        let a = try validator(0, genesis: genesis, peer: nil)
        defer { a.stop() }
        let b = try validator(1, genesis: genesis, peer: a.p2p)
        defer { b.stop() }
        let c = try validator(2, genesis: genesis, peer: b.p2p)
        defer { c.stop() }
        let d = try validator(3, genesis: genesis, peer: c.p2p, also: ["--test-equivocate"])
        defer { d.stop() }
        let equivocator = AddressPayload(publicKey: validators[3].publicKey)
        let address = Address(payload: equivocator, network: .devnet).string
        try await a.waitFor("evidence against D included in a block", seconds: 90) {
            let list = try await a.get("/v1/evidence").json["evidence"] as? [[String: Any]] ?? []
            return list.contains { $0["validator"] as? String == address && ($0["includedAt"] as? Int ?? 0) > 0 }
        }
        let item = try #require((try await a.get("/v1/evidence").json["evidence"] as? [[String: Any]])?.first)
        let includedAt = try #require(item["includedAt"] as? Int)
        let block = try await a.get("/v1/blocks/\(includedAt)").json
        #expect((block["evidence"] as? [[String: Any]])?.isEmpty == false)
        // Every node holds the same block with the evidence.
        try await d.waitFor("D at the evidence's block", seconds: 30) { try await Self.height(d) >= includedAt }
        #expect(try await d.get("/v1/blocks/\(includedAt)").json["id"] as? String == block["id"] as? String)

        // The light client: trust block 1, verify the tip and the faucet's account.
        let first = try #require(try await a.get("/v1/blocks/1").json["id"] as? String)
        let faucet = TestKeys.faucet.address(on: .devnet).string
        let verified = try Kusari.run(["light", "verify", "--api", a.base, "--trust", "1:\(first)", "--address", faucet])
        #expect(verified.status == 0, "\(verified.stderr)")
        let out = verified.object
        let height = try #require(out["height"] as? Int)
        #expect(height >= includedAt)
        #expect(out["stateRoot"] as? String == (try await a.get("/v1/blocks/\(height)").json["header"] as? [String: Any])?["stateRoot"] as? String)
        #expect((out["account"] as? [String: Any])?["proofVerified"] as? Bool == true)
        #expect((out["account"] as? [String: Any])?["balance"] as? Int == 1_000_000 * 100_000_000)
        // A trusted block the node does not hold is refused with the reason.
        let wrong = try Kusari.run(["light", "verify", "--api", a.base, "--trust", "1:\(String(repeating: "ab", count: 32))"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("not the trusted"), "\(wrong.stderr)")
    }
}
