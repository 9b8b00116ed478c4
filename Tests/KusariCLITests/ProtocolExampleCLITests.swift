import Foundation
import Testing
import KusariCore

/// The worked example of docs/protocol.md section 15, checked against the binary:
/// `kusari import` accepts block 1, and `kusari tx inspect` prints what section 6.4 says.
@Suite struct ProtocolExampleCLITests {
    static let document = (try? String(contentsOf: Kusari.packageRoot.appendingPathComponent("docs/protocol.md"),
                                       encoding: .utf8)) ?? ""

    /// The value after `name` on the first line of the document that starts with it.
    static func value(_ name: String, after marker: String) throws -> String {
        let start = try #require(document.range(of: marker), "\(marker) not in docs/protocol.md")
        for line in document[start.upperBound...].split(separator: "\n") where line.hasPrefix(name + " ") {
            return String(line.dropFirst(name.count).split(separator: " ")[0])
        }
        throw CLITestError.missing(name)
    }

    enum CLITestError: Error { case missing(String) }

    static let genesisJSON = """
        {"network": "devnet", "chainId": 3, "timestamp": 1764000000, "bits": "0x207fffff",
         "alloc": [{"address": "ksrt1qy8lrrhap2j3xzcntlp2qgm7jyudhhm2tpdztly", "amount": 1000000000}]}
        """

    @Test func protocolExampleBlockImports() throws {
        #expect(Self.document.contains(Self.genesisJSON), "the genesis file of section 12.1 changed")
        let dir = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let genesisPath = dir.appendingPathComponent("genesis.json").path
        try Data(Self.genesisJSON.utf8).write(to: URL(fileURLWithPath: genesisPath))
        let datadir = dir.appendingPathComponent("data").path
        let initResult = try Kusari.run(["init", "--datadir", datadir, "--genesis", genesisPath])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        let genesisId = try Self.value("id", after: "### 15.2 A genesis")
        #expect(initResult.object["tip"] as? String == genesisId)

        // Block 1 exactly as section 15.3 lays it out: header ‖ 01 ‖ the transaction of 15.1.
        let tx = try Transaction(decoding: try Hex.decode(try Self.value("transaction", after: "worked-example:transaction")))
        let header = BlockHeader(height: 1, previousId: try Hash256(hex: genesisId),
                                 merkleRoot: try Hash256(hex: try Self.value("merkleRoot", after: "### 15.3 Block 1")),
                                 stateRoot: try Hash256(hex: try Self.value("stateRoot", after: "### 15.3 Block 1")),
                                 timestamp: 1_764_000_060, bits: 0x207fffff, beneficiary: tx.to, nonce: 0)
        let block = header.encoded + [0x01] + tx.encoded
        #expect(block.count == 300)
        let blockId = try Self.value("block id", after: "### 15.3 Block 1")
        #expect(header.id.hex == blockId)
        let file = Array("KSRBLK".utf8) + [0x00, 0x01] + (try Hex.decode(genesisId)) + [0x00, 0x00, 0x01, 0x2c] + block
        let filePath = dir.appendingPathComponent("blocks.ksr").path
        try Data(file).write(to: URL(fileURLWithPath: filePath))

        let imported = try Kusari.run(["import", filePath, "--datadir", datadir])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.object["imported"] as? Int == 1 && imported.object["known"] as? Int == 0)
        #expect(imported.object["height"] as? Int == 1 && imported.object["tip"] as? String == blockId)
        #expect(imported.stdout.hasPrefix("{\n  \"imported\": 1,\n  \"known\": 0,\n  \"height\": 1,\n  \"tip\": "))

        // Again: known, not imported, still exit 0.
        let again = try Kusari.run(["import", filePath, "--datadir", datadir])
        #expect(again.status == 0 && again.object["known"] as? Int == 1 && again.object["imported"] as? Int == 0)

        // A record failure: the output gains `error`, stderr says it, exit 1.
        var tampered = file
        tampered[tampered.count - 1] ^= 0x01
        let badPath = dir.appendingPathComponent("bad.ksr").path
        try Data(tampered).write(to: URL(fileURLWithPath: badPath))
        let other = dir.appendingPathComponent("data2").path
        _ = try Kusari.run(["init", "--datadir", other, "--genesis", genesisPath])
        let failed = try Kusari.run(["import", badPath, "--datadir", other])
        let message = "block 1: transactions[0].signature: not a valid signature of this transaction by publicKey"
        #expect(failed.status == 1 && failed.object["error"] as? String == message && failed.stderr == "error: \(message)\n")

        // File-level errors: nothing on stdout.
        try Data(file.prefix(30)).write(to: URL(fileURLWithPath: badPath))
        let short = try Kusari.run(["import", badPath, "--datadir", other])
        #expect(short.status == 1 && short.stdout.isEmpty
                && short.stderr == "error: \(badPath): not a kusari block file (bad magic bytes or header)\n")
    }

    @Test func txInspectPrintsWhatTheDocumentSays() throws {
        let hex = try Self.value("transaction", after: "worked-example:transaction")
        let r = try Kusari.run(["tx", "inspect", "  \n" + hex.uppercased() + "\n\t "])
        #expect(r.status == 0, "\(r.stderr)")
        let keys = r.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  \"") else { return nil }
            return String(line.dropFirst(3).prefix { $0 != "\"" })
        }
        #expect(keys == ["id", "chainId", "from", "to", "amount", "fee", "nonce", "memo", "memoText", "publicKey",
                         "signature", "signingPayload", "size"])
        #expect(r.object["memo"] as? String == "6b7573617269" && r.object["memoText"] as? String == "kusari")
        #expect(r.object["from"] as? String == (try Self.value("senderAddress", after: "worked-example:transaction")))

        // A chain id that is no network's default: the prefix of test (ksrt); --network overrides it.
        let key = try KeyPair(seed: [UInt8](repeating: 9, count: 32))
        let tx = try Transaction(chainId: 77, key: key, nonce: 0, to: .zero, amount: 1, fee: 0, memo: [0xff, 0xfe])
        let priv = try Kusari.run(["tx", "inspect", Hex.encode(tx.encoded)])
        #expect(priv.status == 0 && (priv.object["from"] as? String)?.hasPrefix("ksrt1") == true)
        #expect(priv.object["memoText"] == nil && priv.object["memo"] as? String == "fffe")
        let main = try Kusari.run(["tx", "inspect", "--network", "main", Hex.encode(tx.encoded)])
        #expect((main.object["to"] as? String) == Address(payload: .zero, network: .main).string)

        // Whitespace inside the hex is an error; so is a bad signature.
        let inside = try Kusari.run(["tx", "inspect", String(hex.prefix(10)) + " " + String(hex.dropFirst(10))])
        #expect(inside.status == 1 && inside.stdout.isEmpty && inside.stderr.hasPrefix("error: tx: "))
        var bad = try Hex.decode(hex)
        bad[90] ^= 1
        let badSig = try Kusari.run(["tx", "inspect", Hex.encode(bad)])
        #expect(badSig.stderr == "error: signature: not a valid signature of this transaction by publicKey\n")
    }
}
