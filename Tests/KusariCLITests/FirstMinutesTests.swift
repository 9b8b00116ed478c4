import Foundation
import Testing
import KusariCore

/// What a newcomer trips over in the first minutes: each command fix of the
/// "first ten minutes" review, checked on the real executable.
@Suite(.serialized) struct FirstMinutesTests {
    let dir: URL
    init() throws { dir = try Kusari.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @Test func mistypedCommandsSuggestTheNearestOne() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let send = try Kusari.run(["wallet", "sned", "--to", "x", "--amount", "1"])
        #expect(send.status == 1)
        #expect(send.stderr.contains("did you mean `kusari wallet send`?"), "\(send.stderr)")
        let status = try Kusari.run(["stauts", "--datadir", path("n2")])
        #expect(status.status == 1)
        #expect(status.stderr.contains("did you mean `kusari status`?"), "\(status.stderr)")
        // Nothing close: the commands are listed, no guess.
        let far = try Kusari.run(["frobnicate"])
        #expect(far.status == 1 && !far.stderr.contains("did you mean") && far.stderr.contains("wallet"), "\(far.stderr)")
        // Real commands, options and help are untouched.
        #expect(try Kusari.run(["help", "wallet"]).status == 0)
        #expect(try Kusari.run(["wallet", "send", "--help"]).status == 0)
    }

    @Test func aKeyFileGivenForAnAddressIsNamed() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = path("alice.json")
        #expect(try Kusari.run(["keys", "new", "--out", key]).status == 0)
        let r = try Kusari.run(["tx", "sign", "--key", key, "--to", "bob.json", "--amount", "1", "--fee", "1000", "--nonce", "0"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: to: 'bob.json' looks like a file"), "\(r.stderr)")
        #expect(r.stderr.contains("ksrt1"))
        let typo = try Kusari.run(["tx", "sign", "--key", key, "--to", "ksrt1xyz", "--amount", "1", "--fee", "1000", "--nonce", "0"])
        #expect(typo.status == 1 && typo.stderr.contains("an address starts with ksrt1"), "\(typo.stderr)")
    }

    @Test func theWalletDirectoryFollowsHome() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let home = path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let made = try Kusari.run(["wallet", "create", "--words", "12", "--json"],
                                  environment: ["HOME": home, "KUSARI_WALLET_PASSWORD": "pw"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(FileManager.default.fileExists(atPath: home + "/.kusari/wallets/default.json"))
        // KUSARI_WALLET_DIR wins over HOME.
        let other = path("elsewhere")
        let again = try Kusari.run(["wallet", "create", "--words", "12", "--json"],
                                   environment: ["HOME": home, "KUSARI_WALLET_DIR": other, "KUSARI_WALLET_PASSWORD": "pw"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(FileManager.default.fileExists(atPath: other + "/default.json"))
    }

    @Test func outputsAreJSONAndSummaries() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let retarget = try Kusari.run(["pow", "retarget", "--last-retarget-time", "1261130161", "--last-block-time", "1262152739",
                                       "--bits", "0x1d00ffff"])
        #expect(retarget.status == 0, "\(retarget.stderr)")
        #expect(retarget.object["bits"] as? String == "0x1d00d86a")
        #expect(retarget.object["clampedTimespan"] as? Int == 1262152739 - 1261130161)

        let key = path("k.json")
        #expect(try Kusari.run(["keys", "new", "--out", key]).status == 0)
        let address = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: key))) as? [String: Any])?["address"] as? String ?? ""
        let genesis = path("genesis.json")
        #expect(try Kusari.run(["genesis", "new", "--network", "devnet", "--alloc", "\(address)=12.5ksr", "--out", genesis]).status == 0)
        let inspected = try Kusari.run(["genesis", "inspect", genesis])
        let allocations = inspected.object["allocations"] as? [[String: Any]] ?? []
        #expect(allocations.count == 1)
        #expect(allocations.first?["address"] as? String == address)
        #expect(allocations.first?["amount"] as? Int == 1_250_000_000)
        #expect(allocations.first?["ksr"] as? String == "12.50000000")
    }

    @Test func aTakenAPIPortIsAnErrorBeforeAnythingIsMade() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try NodeProcess(datadir: path("first"))
        defer { first.stop() }
        let taken = String(first.base.dropFirst("http://".count))
        let second = try Kusari.run(["node", "--datadir", path("second"), "--api", taken], timeout: 60)
        #expect(second.status == 1)
        #expect(second.stderr.contains("error: api: cannot listen on \(taken) (in use)"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("second")))
    }

    @Test func theNodeLogsToAFileAndKeepsTheTerminalQuiet() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let datadir = path("quiet")
        let node = try NodeProcess(datadir: datadir, arguments: ["--log-level", "info"])
        try await node.waitFor("the log file to record the API") {
            ((try? String(contentsOfFile: datadir + "/node.log", encoding: .utf8)) ?? "").contains("API listening")
        }
        node.stop()
        #expect(((try? String(contentsOfFile: datadir + ".stderr", encoding: .utf8)) ?? "x").isEmpty)
        // -v copies the log to stderr; --log-file puts it elsewhere.
        let loud = try NodeProcess(datadir: path("loud"), arguments: ["--log-level", "info", "-v", "--log-file", path("loud.log")])
        try await loud.waitFor("stderr to show the log") {
            ((try? String(contentsOfFile: path("loud") + ".stderr", encoding: .utf8)) ?? "").contains("API listening")
        }
        loud.stop()
        #expect(((try? String(contentsOfFile: path("loud.log"), encoding: .utf8)) ?? "").contains("API listening"))
        #expect(!FileManager.default.fileExists(atPath: path("loud") + "/node.log"))
    }

    /// `tx send`: --api as HOST:PORT, the id said before waiting, amounts in KSR in
    /// refusals, a newline after every response, and what Ctrl-C says while waiting.
    @Test func sendingFromTheCommandLine() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let miner = TestKeys.miner.address(on: .devnet).string
        let node = try NodeProcess(datadir: path("node"),
                                   arguments: ["--mine", "--miner-address", miner, "--miner-interval", "0.3", "--miner-threads", "1"])
        defer { node.stop() }
        let hostPort = String(node.base.dropFirst("http://".count))
        let faucet = path("faucet.json")
        #expect(try Kusari.run(["keys", "devnet-faucet", "--out", faucet]).status == 0)
        let bob = TestKeys.bob.address(on: .devnet).string

        let sent = try Kusari.run(["tx", "send", "--key", faucet, "--to", bob, "--amount", "2ksr", "--api", hostPort, "--wait"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = sent.object["id"] as? String ?? "?"
        #expect(sent.stderr.contains("sent \(id)"), "\(sent.stderr)")
        #expect(sent.object["status"] as? String == "confirmed")
        let status = try Kusari.run(["tx", "status", id, "--api", hostPort])
        #expect(status.object["status"] as? String == "confirmed", "\(status.stderr)")

        let tooMuch = try Kusari.run(["tx", "send", "--key", faucet, "--to", bob, "--amount", "2000000ksr", "--api", hostPort])
        #expect(tooMuch.status == 1)
        #expect(tooMuch.stderr.contains(" KSR does not cover 2000000."), "\(tooMuch.stderr)")

        let raw = try await node.get("/v1/status")
        #expect(raw.body.last == 0x0A)
        let missing = try await node.get("/v1/txs/" + String(repeating: "0", count: 64))
        #expect(missing.status == 404 && missing.body.last == 0x0A)
    }

    @Test func ctrlCWhileWaitingSaysTheTransferWasSent() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        // A node that does not mine: the wait lasts until interrupted.
        let node = try NodeProcess(datadir: path("idle"))
        defer { node.stop() }
        let faucet = path("faucet.json")
        #expect(try Kusari.run(["keys", "devnet-faucet", "--out", faucet]).status == 0)
        let process = Process()
        process.executableURL = Kusari.executable
        process.arguments = ["tx", "send", "--key", faucet, "--to", TestKeys.bob.address(on: .devnet).string, "--amount", "1ksr",
                             "--api", node.base, "--wait"]
        let errPath = path("send.err")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let errors = FileHandle(forWritingAtPath: errPath)
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) }; try? errors?.close() }
        try await node.waitFor("tx send to say it sent") {
            ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "").contains("waiting for a block")
        }
        kill(process.processIdentifier, SIGINT)
        try await node.waitFor("tx send to stop", seconds: 20) { !process.isRunning }
        let said = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 130)
        #expect(said.contains("was sent and stays pending") && said.contains("kusari tx status"), "\(said)")
        let pool = try await node.get("/v1/mempool")
        #expect(pool.json["count"] as? Int == 1)
    }
}
