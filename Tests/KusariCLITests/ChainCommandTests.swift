import Foundation
import GRDB
import Testing
import KusariCore

/// init -> generate -> status -> verify -> export -> import, tampering, and bad
/// environments, against the real executable.
@Suite(.serialized) struct ChainCommandTests {
    let dir: URL
    let miner = "ksrt1qygkhhrxeqpdustakwlv4tchwyscvwa0z9r2c2q"

    init() throws { dir = try Kusari.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func ok(_ args: [String]) throws -> Kusari.Result {
        let r = try Kusari.run(args)
        #expect(r.status == 0, "kusari \(args.joined(separator: " ")): \(r.stderr)")
        return r
    }

    func fails(_ args: [String], _ expected: String) throws {
        let r = try Kusari.run(args)
        #expect(r.status == 1, "kusari \(args.joined(separator: " ")) should fail")
        #expect(r.stderr.contains(expected), "kusari \(args.joined(separator: " ")): \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test func initGenerateStatusVerifyExportImport() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = path("a"), b = path("b")
        let initial = try ok(["init", "--datadir", a, "--network", "devnet"])
        #expect(initial.object["height"] as? Int == 0)
        let gen = try ok(["generate", "38", "--datadir", a, "--to", miner])
        #expect(gen.object["mined"] as? Int == 38 && gen.object["blocks"] == nil)  // a summary, not 38 ids
        let listed = try ok(["generate", "2", "--datadir", a, "--to", miner, "--verbose"])
        let ids = listed.object["blocks"] as? [String] ?? []
        #expect(ids.count == 2 && ids.first == listed.object["first"] as? String && ids.last == listed.object["tip"] as? String)
        let status = try ok(["status", "--datadir", a]).object
        #expect(status["height"] as? Int == 40)
        for key in ["network", "height", "tip", "chainwork", "stateRoot"] { #expect(status[key] != nil) }
        let verified = try ok(["verify", "--datadir", a]).object
        #expect(verified["tip"] as? String == status["tip"] as? String)
        #expect(verified["stateRoot"] as? String == status["stateRoot"] as? String)

        _ = try ok(["export", "--datadir", a, "--out", path("chain.blk")])
        _ = try ok(["init", "--datadir", b, "--network", "devnet"])
        let imported = try ok(["import", path("chain.blk"), "--datadir", b]).object
        #expect(imported["imported"] as? Int == 40)
        #expect(try ok(["status", "--datadir", b]).object["tip"] as? String == status["tip"] as? String)
        // Importing again adds nothing.
        #expect(try ok(["import", path("chain.blk"), "--datadir", b]).object["known"] as? Int == 40)

        // A truncated file: every whole block before the cut is kept.
        let full = try Data(contentsOf: URL(fileURLWithPath: path("chain.blk")))
        try full.prefix(full.count - 100).write(to: URL(fileURLWithPath: path("cut.blk")))
        _ = try ok(["init", "--datadir", path("c"), "--network", "devnet"])
        try fails(["import", path("cut.blk"), "--datadir", path("c")], "truncated in record 40")
        #expect(try ok(["status", "--datadir", path("c")]).object["height"] as? Int == 39)

        // A garbled block: the import stops there, naming it, and keeps the ones before.
        var garbled = full
        let recordStart = 40 + (4 + 149) * 9   // the 10th record (empty blocks: 148-byte header + 1 count byte)
        garbled[recordStart + 4 + 100] ^= 0x01  // a byte of the 10th block's state root
        try garbled.write(to: URL(fileURLWithPath: path("garbled.blk")))
        _ = try ok(["init", "--datadir", path("d"), "--network", "devnet"])
        try fails(["import", path("garbled.blk"), "--datadir", path("d")], "block 10 (height 10)")
        #expect(try ok(["status", "--datadir", path("d")]).object["height"] as? Int == 9)

        // Not a block file; blocks of another chain.
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path("junk.blk")))
        try fails(["import", path("junk.blk"), "--datadir", b], "not a kusari block file")
        _ = try ok(["genesis", "new", "--network", "devnet", "--alloc", "\(miner)=5", "--out", path("g.json")])
        _ = try ok(["init", "--datadir", path("e"), "--genesis", path("g.json")])
        try fails(["import", path("chain.blk"), "--datadir", path("e")], "another chain")
        // init refuses a directory holding another chain.
        try fails(["init", "--datadir", a, "--genesis", path("g.json")], "holds another chain")
    }

    @Test func tamperingWithStoredDataIsCaught() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, String, String)] = [
            ("block", "UPDATE blocks SET body = substr(body, 1, 120) || X'FF' || substr(body, 122) WHERE id = (SELECT id FROM chain WHERE height = 7)", "height 7"),
            ("state", "UPDATE accounts SET balance = balance - 1 WHERE balance > 0", "stored account state differs"),
            ("txindex", "UPDATE txindex SET position = position + 1", "transaction index"),
            ("undo", "UPDATE undo SET data = X'00' WHERE id = (SELECT id FROM chain WHERE height = 12)", "height 12: undo record"),
            ("header", "UPDATE headers SET chainwork = X'00' || substr(chainwork, 2, 30) || X'01' WHERE height = 5", "height 5"),
            ("chain", "DELETE FROM chain WHERE height = 8", "height 8"),
        ]
        // A chain with one transfer, so the transaction index has an entry.
        let faucetSeed = Hex.encode(Hash256.sha256(Array("kusari devnet faucet".utf8)).bytes)
        let key = try KeyPair(seed: try Hex.decode(faucetSeed))
        try KeyFile(key: key, network: .devnet).jsonData().write(to: URL(fileURLWithPath: path("faucet.json")))
        let tx = try ok(["tx", "sign", "--key", path("faucet.json"), "--to", miner, "--amount", "5ksr", "--fee", "1000",
                         "--nonce", "0"]).stdout
        try Data(tx.utf8).write(to: URL(fileURLWithPath: path("txs.txt")))
        for (name, sql, expected) in cases {
            let d = path(name)
            _ = try ok(["init", "--datadir", d, "--network", "devnet"])
            _ = try ok(["generate", "20", "--datadir", d, "--to", miner, "--tx-file", path("txs.txt")])
            _ = try ok(["verify", "--datadir", d])
            let db = try DatabaseQueue(path: d + "/chain.sqlite")
            try db.write { try $0.execute(sql: sql) }
            try db.close()
            try fails(["verify", "--datadir", d], expected)
        }
    }

    @Test func badEnvironments() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Not initialised; a file where a directory should be.
        try fails(["status", "--datadir", path("nothing")], "holds no chain")
        _ = FileManager.default.createFile(atPath: path("file"), contents: Data())
        try fails(["init", "--datadir", path("file"), "--network", "devnet"], "not a directory")
        // A corrupt database file.
        _ = try ok(["init", "--datadir", path("corrupt"), "--network", "devnet"])
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path("corrupt/chain.sqlite" + suffix)) }
        try Data(repeating: 0x42, count: 16_384).write(to: URL(fileURLWithPath: path("corrupt/chain.sqlite")))
        try fails(["status", "--datadir", path("corrupt")], "corrupt")
        try fails(["verify", "--datadir", path("corrupt")], "corrupt")
        // A second process on the same directory: this test holds the lock as a running node would.
        _ = try ok(["init", "--datadir", path("busy"), "--network", "devnet"])
        let fd = open(path("busy/LOCK"), O_RDWR)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        try fails(["generate", "1", "--datadir", path("busy"), "--to", miner], "in use by another kusari process")
        flock(fd, LOCK_UN)
        close(fd)
        _ = try ok(["generate", "1", "--datadir", path("busy"), "--to", miner])
        // Bad arguments.
        try fails(["generate", "3", "--datadir", path("busy"), "--to", "ksr1qygkhhrxeqpdustakwlv4tchwyscvwa0z9r2c2q"], "to:")
        try fails(["init", "--datadir", path("x"), "--network", "main"], "only devnet has a built-in genesis")
    }

    /// Read-only and full file systems need a tmpfs of our own (root only).
    @Test(.enabled(if: getuid() == 0)) func readOnlyAndFullDisks() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let ro = path("ro"), full = path("full")
        try FileManager.default.createDirectory(atPath: ro, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        guard shell("mount -t tmpfs -o ro,size=1m tmpfs \(ro)") == 0 else {
            Issue.record("cannot mount a tmpfs here")
            return
        }
        defer { _ = shell("umount \(ro)") }
        try fails(["init", "--datadir", ro + "/chain", "--network", "devnet"], "not writable")

        #expect(shell("mount -t tmpfs -o size=256k tmpfs \(full)") == 0)
        defer { _ = shell("umount \(full)") }
        _ = try ok(["init", "--datadir", full + "/chain", "--network", "devnet"])
        let before = try ok(["status", "--datadir", full + "/chain"]).object["height"] as? Int ?? -1
        // Fill the disk, then mine: the command fails clearly and nothing stored is lost.
        _ = shell("dd if=/dev/zero of=\(full)/filler bs=4k count=1000 2>/dev/null")
        try fails(["generate", "2000", "--datadir", full + "/chain", "--to", miner], "disk holding")
        _ = shell("rm -f \(full)/filler")
        let after = try ok(["verify", "--datadir", full + "/chain"]).object["height"] as? Int ?? -1
        #expect(after >= before)
    }

    func shell(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
