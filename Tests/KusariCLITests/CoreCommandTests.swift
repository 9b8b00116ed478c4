import Foundation
import Testing
import KusariCore

/// The newcomer's tour, run against the real executable: two keys, a genesis,
/// a signed transfer, and its inspection; and every way it should fail.
@Suite(.serialized) struct CoreCommandTests {
    let dir: URL
    init() throws { dir = try Kusari.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @Test func versionAndHelp() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let v = try Kusari.run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let h = try Kusari.run(["--help"])
        #expect(h.status == 0)
        for sub in ["keys", "address", "genesis", "tx", "bench"] { #expect(h.stdout.contains(sub)) }
    }

    @Test func tour() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let alice = try Kusari.run(["keys", "new", "--out", path("alice.json")])
        #expect(alice.status == 0, "\(alice.stderr)")
        let bob = try Kusari.run(["keys", "new", "--out", path("bob.json"), "--network", "devnet"])
        let aliceAddress = try #require(alice.object["address"] as? String)
        let bobAddress = try #require(bob.object["address"] as? String)
        #expect(aliceAddress.hasPrefix("ksrt1"))

        // The key file is private and never overwritten.
        let attributes = try FileManager.default.attributesOfItem(atPath: path("alice.json"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let before = try Data(contentsOf: URL(fileURLWithPath: path("alice.json")))
        let again = try Kusari.run(["keys", "new", "--out", path("alice.json")])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("alice.json"))) == before)
        let keyFile = try #require(try JSONSerialization.jsonObject(with: before) as? [String: String])
        #expect(keyFile["secretKey"]?.count == 64)
        #expect(keyFile["publicKey"] == alice.object["publicKey"] as? String)

        // Address inspection.
        let inspect = try Kusari.run(["address", "inspect", aliceAddress])
        #expect(inspect.status == 0)
        #expect(inspect.object["version"] as? Int == 0)
        #expect((inspect.object["payload"] as? String)?.count == 40)

        // Genesis.
        let genesis = try Kusari.run(["genesis", "new", "--network", "devnet", "--alloc", "\(aliceAddress)=1000ksr",
                                      "--alloc", "\(bobAddress)=5", "--timestamp", "1764000000", "--out", path("genesis.json")])
        #expect(genesis.status == 0, "\(genesis.stderr)")
        let genesisId = try #require(genesis.object["id"] as? String)
        let inspected = try Kusari.run(["genesis", "inspect", path("genesis.json")])
        #expect(inspected.object["id"] as? String == genesisId)
        #expect(inspected.object["allocated"] as? Int == 100_000_000_005)

        // Sign and inspect a transfer.
        let sign = try Kusari.run(["tx", "sign", "--key", path("alice.json"), "--to", bobAddress, "--amount", "1.5ksr",
                                   "--fee", "1000", "--nonce", "0", "--memo", "lunch", "--network", "devnet"])
        #expect(sign.status == 0, "\(sign.stderr)")
        let hex = sign.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let tx = try Kusari.run(["tx", "inspect", hex])
        #expect(tx.status == 0, "\(tx.stderr)")
        let fields = tx.object
        for key in ["id", "chainId", "from", "to", "amount", "fee", "nonce", "memo", "publicKey", "signature",
                    "signingPayload", "size"] {
            #expect(fields[key] != nil, "missing \(key)")
        }
        #expect(fields["from"] as? String == aliceAddress)
        #expect(fields["to"] as? String == bobAddress)
        #expect(fields["amount"] as? Int == 150_000_000)
        #expect(fields["chainId"] as? Int == 3)
        #expect(fields["size"] as? Int == hex.count / 2)
        let bytes = try Hex.decode(hex)
        #expect(fields["id"] as? String == Hash256.sha256(bytes).hex)
        // From stdin too.
        let piped = try Kusari.run(["tx", "inspect", "-"], input: hex + "\n")
        #expect(piped.status == 0)
        #expect(piped.object["id"] as? String == fields["id"] as? String)

        // Any changed byte fails, naming the field.
        var flipped = bytes
        flipped[bytes.count - 1] ^= 1
        let bad = try Kusari.run(["tx", "inspect", Hex.encode(flipped)])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("error: signature:"))
        let truncated = try Kusari.run(["tx", "inspect", String(hex.prefix(100))])
        #expect(truncated.status == 1)
        #expect(truncated.stderr.hasPrefix("error: "))
        let trailing = try Kusari.run(["tx", "inspect", hex + "00"])
        #expect(trailing.status == 1)
        #expect(trailing.stderr.contains("trailing"))
        let notHex = try Kusari.run(["tx", "inspect", "xyz"])
        #expect(notHex.status == 1)
        #expect(notHex.stderr.hasPrefix("error: tx:"))
    }

    @Test func badInputExitsOneWithAClearLine() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            (["address", "inspect", "ksrt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"], "checksum"),
            (["address", "inspect", "KSRT1qygkhhrxeqpdustakwlv4tchwyscvwa0z9r2c2q"], "mixes upper and lower case"),
            (["address", "inspect", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"], "not a Kusari network"),
            (["genesis", "inspect", path("missing.json")], "no such file"),
            (["tx", "sign", "--key", path("missing.json"), "--to", "x", "--amount", "1", "--fee", "1", "--nonce", "0"], "no such file"),
            (["keys", "new", "--out", "/proc/forbidden/key.json"], "cannot create"),
            (["keys", "new"], "--out"),
            (["genesis", "new", "--alloc", "nonsense", "--out", path("g.json")], "alloc[0]"),
        ]
        // A key file with a short secret names the field once.
        try Data(#"{"address":"x","publicKey":"00","secretKey":"01"}"#.utf8).write(to: URL(fileURLWithPath: path("short.json")))
        let short = try Kusari.run(["tx", "sign", "--key", path("short.json"), "--to", "x", "--amount", "1", "--fee", "1", "--nonce", "0"])
        #expect(short.stderr.contains("secretKey: expected 32 bytes, got 1") && !short.stderr.contains("secretKey: secretKey"), "\(short.stderr)")
        for (args, expected) in cases {
            let r = try Kusari.run(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.contains(expected), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"), "\(args) crashed")
        }
        // A garbled genesis file names the field.
        try Data(#"{"network":"devnet","chainId":3,"timestamp":-5,"bits":"0x207fffff","alloc":[]}"#.utf8)
            .write(to: URL(fileURLWithPath: path("bad.json")))
        let g = try Kusari.run(["genesis", "inspect", path("bad.json")])
        #expect(g.status == 1)
        #expect(g.stderr.hasPrefix("error: timestamp:"))
    }

    @Test func benchJSONHasTheAgreedShape() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Kusari.run(["bench", "core", "--quick", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let items = try #require(r.json as? [[String: Any]])
        let names = items.compactMap { $0["name"] as? String }
        #expect(names.contains("ed25519-verify") && names.contains("tx-verify-apply") && names.contains("state-root-update"))
        for item in items {
            #expect(item["value"] is NSNumber && item["unit"] is String)
            if item["limit"] != nil { #expect(item["limitName"] is String && item["ratio"] is NSNumber) }
        }
    }

    @Test func benchContractsJSONHasTheAgreedShape() throws {
        let r = try Kusari.run(["bench", "contracts", "--quick", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let items = try #require(r.json as? [[String: Any]])
        let byName = Dictionary(items.compactMap { i in (i["name"] as? String).map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        for name in ["native-transfer", "contract-transfer", "wasm-call-unmetered", "gas-per-ms", "block-gas-cap-ms",
                     "transfers-per-block", "code-load-checked", "code-load-stored", "cold-call"] {
            #expect((byName[name]?["value"] as? NSNumber)?.doubleValue ?? 0 > 0, "\(name)")
        }
        // Loading stored code skips the deploy's checks and translation: it is the cheaper load.
        #expect(byName["code-load-stored"]?["limitName"] as? String == "code-load-checked")
        #expect((byName["code-load-stored"]?["ratio"] as? NSNumber)?.doubleValue ?? 1 < 1)
        #expect(byName["contract-transfer"]?["limitName"] as? String == "native-transfer")
        #expect(byName["contract-transfer"]?["ratio"] is NSNumber)
        #expect(byName["contract-transfer-vs-wasm"]?["limitName"] as? String == "wasm-call-unmetered")
        let bad = try Kusari.run(["bench", "contracts", "--quick", "--wasm", "/nonexistent.wasm"])
        #expect(bad.status != 0 && bad.stderr.contains("wasm:"))
    }

    @Test func benchGossipSimReportsCoverageHopsAndTheirFloor() throws {
        let r = try Kusari.run(["bench", "gossip-sim", "--nodes", "20", "--transactions", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let items = try #require(r.json as? [[String: Any]])
        // Three conditions, seven figures each.
        #expect(items.count == 21)
        let reached = items.filter { ($0["name"] as? String)?.hasSuffix(": reached") == true }
        #expect(reached.count == 3 && reached.allSatisfy { ($0["value"] as? NSNumber)?.doubleValue == 100 })
        let hops = try #require(items.first { $0["name"] as? String == "gossip-sim 20 nodes, clean: hops p99" })
        #expect((hops["ratio"] as? NSNumber)?.doubleValue ?? 0 >= 1)
        let bad = try Kusari.run(["bench", "gossip-sim", "--nodes", "20,x"])
        #expect(bad.status != 0 && bad.stderr.contains("nodes:"))
    }
}
