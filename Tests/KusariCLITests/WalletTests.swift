import Foundation
import Testing
import KusariCore

/// `kusari wallet` end to end: create, import, errors, and transfers against a real node.
@Suite struct WalletTests {
    let dir: URL
    init() throws { dir = try Kusari.temporaryDirectory() }

    /// Runs `kusari wallet ARGS --wallet-dir DIR --json` with the password file.
    func wallet(_ args: [String], password: String = "pw", environment: [String: String] = [:]) throws -> Kusari.Result {
        var full = ["wallet"] + args + ["--wallet-dir", dir.appendingPathComponent("wallets").path, "--json"]
        if environment.isEmpty { full += ["--password-file", dir.appendingPathComponent(password).path] }
        return try Kusari.run(full, environment: environment)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A phrase written down from `create` restores the same addresses with `import`, in both languages.
    @Test func createdWalletsRestoreByImport() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write("correct horse battery\n", "pw")
        for (language, words) in [("english", 12), ("japanese", 24)] {
            let created = try wallet(["create", "--name", "a-\(language)", "--words", "\(words)", "--language", language])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stderr.contains("WARNING"))
            let phrase = created.object["mnemonic"] as? String ?? ""
            let separator: Character = language == "japanese" ? "\u{3000}" : " "
            #expect(phrase.split(separator: separator).count == words)
            // The keystore holds neither the phrase nor any of its words in the clear.
            let file = created.object["file"] as? String ?? ""
            let stored = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!stored.contains(phrase))
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            let phraseFile = try write(phrase + "\n", "phrase-\(language)")
            let imported = try wallet(["import", "--name", "b-\(language)", "--mnemonic-file", phraseFile])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.object["firstAddress"] as? String == created.object["firstAddress"] as? String)
            for index in ["0", "7"] {
                let a = try wallet(["address", "--name", "a-\(language)", "--index", index]).object
                let b = try wallet(["address", "--name", "b-\(language)", "--index", index]).object
                #expect(a["address"] as? String != nil && a["address"] as? String == b["address"] as? String)
                #expect(a["path"] as? String == "m/44'/9999'/0'/0'/\(index)'")
            }
        }
        // The password may come from the environment instead of a file.
        let env = try wallet(["address", "--name", "a-english", "--index", "0"], environment: ["KUSARI_WALLET_PASSWORD": "correct horse battery"])
        #expect(env.status == 0, "\(env.stderr)")
        let list = try wallet(["list"]).object["wallets"] as? [[String: Any]] ?? []
        #expect(list.compactMap { $0["name"] as? String } == ["a-english", "a-japanese", "b-english", "b-japanese"])
    }

    /// A wrong password, a phrase with a bad checksum or an unknown word, and a
    /// flipped byte in the keystore each fail with their own message.
    @Test func failuresAreClear() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write("right password\n", "pw")
        _ = try write("wrong password\n", "bad")
        let vector = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
        let ok = try wallet(["import", "--name", "v", "--mnemonic-file", try write(vector, "phrase")])
        #expect(ok.status == 0, "\(ok.stderr)")

        let wrong = try wallet(["address", "--name", "v", "--index", "0"], password: "bad")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("wrong password"))

        let badChecksum = try wallet(["import", "--name", "w", "--mnemonic-file",
                                      try write(vector.replacingOccurrences(of: "about", with: "abandon"), "p2")])
        #expect(badChecksum.status == 1)
        #expect(badChecksum.stderr.contains("mnemonic-file") && badChecksum.stderr.contains("checksum"))
        let unknown = try wallet(["import", "--name", "w", "--mnemonic-file",
                                  try write(vector.replacingOccurrences(of: "about", with: "aboutt"), "p3")])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("aboutt") && unknown.stderr.contains("12"))
        // Nothing was written for the refused phrases.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("wallets/w.json").path))

        // One flipped hex digit of the ciphertext.
        let path = dir.appendingPathComponent("wallets/v.json").path
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
        var cipher = Array(json["ciphertext"] as? String ?? "")
        cipher[10] = cipher[10] == "0" ? "1" : "0"
        json["ciphertext"] = String(cipher)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let flipped = try wallet(["address", "--name", "v", "--index", "0"])
        #expect(flipped.status == 1)
        #expect(flipped.stderr.contains("modified"))
        // Truncated.
        try Data(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(40)).write(to: URL(fileURLWithPath: path))
        let truncated = try wallet(["address", "--name", "v", "--index", "0"])
        #expect(truncated.status == 1)
        #expect(!truncated.stderr.contains("wrong password"))
        #expect(!truncated.stderr.isEmpty)
        // A name that is not a file name.
        let badName = try wallet(["address", "--name", "../x", "--index", "0"])
        #expect(badName.status == 1 && badName.stderr.contains("name:"))
    }

    /// A wallet funded in genesis sends to another wallet with --wait; both
    /// balances and both histories show the transfer.
    @Test func sendBalanceAndHistoryAgainstANode() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write("pw-1\n", "pw")
        let alice = try wallet(["create", "--name", "alice", "--words", "12"])
        let bob = try wallet(["create", "--name", "bob", "--words", "12"])
        let aliceFirst = alice.object["firstAddress"] as? String ?? ""
        let bobFirst = bob.object["firstAddress"] as? String ?? ""
        // Alice's address 0 holds 50 KSR from genesis; address 3 another 5 (found within the gap limit).
        let aliceThird = try wallet(["address", "--name", "alice", "--index", "3"]).object["address"] as? String ?? ""
        let genesis = dir.appendingPathComponent("genesis.json").path
        let made = try Kusari.run(["genesis", "new", "--network", "devnet", "--alloc", "\(aliceFirst)=50ksr",
                                   "--alloc", "\(aliceThird)=5ksr", "--out", genesis])
        #expect(made.status == 0, "\(made.stderr)")
        let node = try NodeProcess(datadir: dir.appendingPathComponent("node").path,
                                   arguments: ["--genesis", genesis, "--mine", "--miner-address", TestKeys.miner.address(on: .devnet).string,
                                               "--miner-interval", "0.3", "--miner-threads", "1"])
        defer { node.stop() }
        let api = ["--api", node.base]

        let before = try wallet(["balance", "--name", "alice"] + api).object
        #expect(before["confirmed"] as? String == "55.00000000")
        #expect((before["addresses"] as? [[String: Any]])?.compactMap { $0["index"] as? Int } == [0, 3])
        // Bob's next unused address is his first.
        #expect(try wallet(["address", "--name", "bob"] + api).object["address"] as? String == bobFirst)

        let sent = try wallet(["send", "--name", "alice", "--to", bobFirst, "--amount", "12.5", "--fee", "0.00001", "--wait"] + api)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.object["status"] as? String == "confirmed")
        #expect(sent.object["from"] as? String == aliceFirst)
        #expect((sent.object["height"] as? Int ?? 0) >= 1)

        let aliceAfter = try wallet(["balance", "--name", "alice"] + api).object
        #expect(aliceAfter["confirmed"] as? String == "42.49999000")
        let bobAfter = try wallet(["balance", "--name", "bob"] + api).object
        #expect(bobAfter["confirmed"] as? String == "12.50000000")
        // Bob's next unused address moved on.
        #expect(try wallet(["address", "--name", "bob"] + api).object["address"] as? String != bobFirst)

        let aliceHistory = try wallet(["history", "--name", "alice"] + api).object["transactions"] as? [[String: Any]] ?? []
        #expect(aliceHistory.count == 1)
        #expect(aliceHistory.first?["direction"] as? String == "out")
        #expect(aliceHistory.first?["change"] as? String == "-12.50001000")
        #expect((aliceHistory.first?["confirmations"] as? Int ?? 0) >= 1)
        let bobHistory = try wallet(["history", "--name", "bob"] + api).object["transactions"] as? [[String: Any]] ?? []
        #expect(bobHistory.count == 1)
        #expect(bobHistory.first?["direction"] as? String == "in")
        #expect(bobHistory.first?["counterparty"] as? String == aliceFirst)
        #expect(bobHistory.first?["id"] as? String == sent.object["id"] as? String)

        // Two sends in a row without waiting (the second takes the next pending nonce), with the
        // automatic fee: one to Alice's own address 3 (a "self" transfer), one to Bob.
        let toSelf = try wallet(["send", "--name", "alice", "--to", aliceThird, "--amount", "1", "--from-index", "0"] + api)
        let toBob = try wallet(["send", "--name", "alice", "--to", bobFirst, "--amount", "0.5", "--from-index", "0"] + api)
        #expect(toSelf.status == 0 && toBob.status == 0, "\(toSelf.stderr) \(toBob.stderr)")
        #expect(toSelf.object["status"] as? String == "pending")
        #expect((toBob.object["nonce"] as? Int ?? 0) == (toSelf.object["nonce"] as? Int ?? 0) + 1)
        let autoFee = try KSRText.units(toSelf.object["fee"] as? String ?? "")
        #expect(autoFee > 0)
        for id in [toSelf.object["id"], toBob.object["id"]].compactMap({ $0 as? String }) {
            try await node.waitFor("\(id) confirmed", seconds: 60) {
                try await node.get("/v1/txs/\(id)").json["status"] as? String == "confirmed"
            }
        }
        let history = try wallet(["history", "--name", "alice"] + api).object["transactions"] as? [[String: Any]] ?? []
        let selfEntry = history.first { $0["id"] as? String == toSelf.object["id"] as? String }
        #expect(selfEntry?["direction"] as? String == "self")
        #expect(selfEntry?["change"] as? String == "-" + (toSelf.object["fee"] as? String ?? ""))
        #expect(try wallet(["balance", "--name", "bob"] + api).object["confirmed"] as? String == "13.00000000")

        // More than any one address holds: refused with the reason, nothing posted.
        let tooMuch = try wallet(["send", "--name", "alice", "--to", bobFirst, "--amount", "45"] + api)
        #expect(tooMuch.status == 1)
        #expect(tooMuch.stderr.contains("amount:"))
        // An exported key signs like any key file.
        let keyFile = dir.appendingPathComponent("alice0.key").path
        let exported = try wallet(["export-key", "--name", "alice", "--index", "0", "--out", keyFile])
        #expect(exported.status == 0, "\(exported.stderr)")
        let key = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keyFile))) as? [String: Any] ?? [:]
        #expect(key["address"] as? String == aliceFirst)
        let viaKey = try Kusari.run(["tx", "send", "--key", keyFile, "--to", bobFirst, "--amount", "1ksr", "--wait"] + api)
        #expect(viaKey.status == 0, "\(viaKey.stderr)")
        #expect(viaKey.object["status"] as? String == "confirmed")
        #expect(try wallet(["balance", "--name", "bob"] + api).object["confirmed"] as? String == "14.00000000")
    }
}

extension WalletTests {
    /// Assets in the wallet: an asset issued from a wallet address shows in `wallet assets`,
    /// `wallet send-asset` moves it to another wallet, whose address holds no KSR and is found
    /// because it holds an asset; asking for more than any address holds is refused.
    @Test func assetsAreShownAndSent() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write("pw-1\n", "pw")
        let alice = try wallet(["create", "--name", "alice", "--words", "12"])
        let bob = try wallet(["create", "--name", "bob", "--words", "12"])
        let aliceFirst = alice.object["firstAddress"] as? String ?? ""
        let bobFirst = bob.object["firstAddress"] as? String ?? ""
        let genesis = dir.appendingPathComponent("genesis.json").path
        let made = try Kusari.run(["genesis", "new", "--network", "devnet", "--alloc", "\(aliceFirst)=50ksr", "--out", genesis])
        #expect(made.status == 0, "\(made.stderr)")
        let node = try NodeProcess(datadir: dir.appendingPathComponent("node").path,
                                   arguments: ["--genesis", genesis, "--mine", "--miner-address", TestKeys.miner.address(on: .devnet).string,
                                               "--miner-interval", "0.3", "--miner-threads", "1"])
        defer { node.stop() }
        let api = ["--api", node.base]
        #expect(try wallet(["assets", "--name", "alice"] + api).object["totals"] as? [Any] != nil)

        // Alice issues GOLD (2 decimals) from her first address with its exported key.
        let keyFile = dir.appendingPathComponent("alice0.key").path
        #expect(try wallet(["export-key", "--name", "alice", "--index", "0", "--out", keyFile]).status == 0)
        let issued = try Kusari.run(["dex", "asset", "create", "GOLD", "--supply", "100000", "--decimals", "2", "--key", keyFile,
                                     "--wait", "--json"] + api)
        #expect(issued.status == 0, "\(issued.stderr)")
        let held = try wallet(["assets", "--name", "alice"] + api).object
        let gold = (held["totals"] as? [[String: Any]])?.first
        #expect(gold?["symbol"] as? String == "GOLD" && gold?["available"] as? String == "1000.00", "\(held)")

        let sent = try wallet(["send-asset", "--name", "alice", "--asset", "gold", "--amount", "12.5", "--to", bobFirst, "--wait"] + api)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.object["status"] as? String == "confirmed" && sent.object["from"] as? String == aliceFirst
                && sent.object["amount"] as? String == "12.50", "\(sent.object)")
        let bobs = try wallet(["assets", "--name", "bob"] + api).object
        let bobAddress = (bobs["addresses"] as? [[String: Any]])?.first
        #expect(bobAddress?["address"] as? String == bobFirst, "\(bobs)")
        #expect(((bobs["totals"] as? [[String: Any]])?.first)?["available"] as? String == "12.50", "\(bobs)")
        #expect(((try wallet(["assets", "--name", "alice"] + api).object["totals"] as? [[String: Any]])?.first)?["available"] as? String == "987.50")

        // Refusals name the field: more than any address holds; more places than the asset has; KSR.
        let tooMuch = try wallet(["send-asset", "--name", "alice", "--asset", "GOLD", "--amount", "5000", "--to", bobFirst] + api)
        #expect(tooMuch.status == 1 && tooMuch.stderr.contains("amount:"), "\(tooMuch.stderr)")
        let tooFine = try wallet(["send-asset", "--name", "alice", "--asset", "GOLD", "--amount", "1.005", "--to", bobFirst] + api)
        #expect(tooFine.status == 1 && tooFine.stderr.contains("at most 2 decimals"), "\(tooFine.stderr)")
        let ksr = try wallet(["send-asset", "--name", "alice", "--asset", "KSR", "--amount", "1", "--to", bobFirst] + api)
        #expect(ksr.status == 1 && ksr.stderr.contains("kusari wallet send"), "\(ksr.stderr)")
        // Bob holds GOLD but no KSR for the fee.
        let noFee = try wallet(["send-asset", "--name", "bob", "--asset", "GOLD", "--amount", "1", "--to", aliceFirst] + api)
        #expect(noFee.status == 1 && noFee.stderr.contains("fee:"), "\(noFee.stderr)")
    }
}

/// Decimal KSR text as the wallet prints it, back to base units.
enum KSRText {
    struct Malformed: Error {}
    static func units(_ text: String) throws -> UInt64 {
        guard let v = Amount.parseKSR(text) else { throw Malformed() }
        return v
    }
}
