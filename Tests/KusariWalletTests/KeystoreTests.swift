import Foundation
import KusariCore
import Testing
@testable import KusariWallet

/// Keystores made with a small scrypt cost so the tests stay fast; one test
/// (`realCostEndToEnd`) uses the standard cost.
@Suite final class KeystoreTests {
    static let fast: ScryptParameters = (try? ScryptParameters(n: 1 << 10, r: 8, p: 1)) ?? .standard
    let password = "correct horse battery staple"
    /// A phrase with no word that could be a JSON key of the file or made of hex letters.
    let mnemonic: Mnemonic
    /// This test's files, removed when it ends.
    let root: URL

    init() throws {
        mnemonic = try Mnemonic(entropy: Array(UInt8(100)..<UInt8(132)))
        root = try newTemporaryDirectory()
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// A fresh empty directory under `root`.
    func temporaryDirectory() throws -> URL {
        let url = root.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A new keystore file in a fresh directory.
    func makeFile(name: String = "savings", network: Network? = .test,
                  passphrase: String = "") throws -> (url: URL, keystore: Keystore) {
        let url = try temporaryDirectory().appendingPathComponent("wallet.json")
        let keystore = try Keystore.create(at: url, mnemonic: mnemonic, passphrase: passphrase, password: password,
                                           name: name, network: network, scrypt: Self.fast)
        return (url, keystore)
    }

    /// Rewrites the file's JSON through `change`.
    func edit(_ url: URL, _ change: (inout [String: Any]) throws -> Void) throws {
        guard var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw TestDataError(description: "not a JSON object")
        }
        try change(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
    }

    /// Flips the lowest bit of the first byte of a hex field.
    func flipped(_ hex: Any?) throws -> String {
        guard let hex = hex as? String else { throw TestDataError(description: "not a string") }
        var bytes = try Hex.decode(hex)
        bytes[0] ^= 1
        return Hex.encode(bytes)
    }

    /// The error `Keystore.open` throws.
    func openError(_ url: URL, password: String? = nil) -> KeystoreError? {
        #expect(throws: KeystoreError.self) { try Keystore.open(at: url, password: password ?? self.password) }
    }

    @Test func roundTrip() throws {
        let (url, written) = try makeFile()
        let wallet = try Keystore.open(at: url, password: password)
        #expect(wallet.mnemonic == mnemonic)
        #expect(wallet.mnemonic.phrase == mnemonic.phrase)
        #expect(wallet.seed == (try mnemonic.seed()))
        #expect(wallet.header == written.header)
        #expect(wallet.header.name == "savings")
        #expect(wallet.header.network == .test)
        #expect(wallet.header.language == .english)
        #expect(wallet.header.scrypt == Self.fast)
        let created = try #require(wallet.header.createdDate)
        #expect(abs(created.timeIntervalSinceNow) < 300)
        // keys come from the seed along Kusari's path
        let expected = try HDKey(seed: mnemonic.seed()).derive(WalletPath.kusari(account: 1, index: 3)).keyPair()
        #expect(try wallet.keyPair(account: 1, index: 3).publicKey == expected.publicKey)
        #expect(!"\(wallet)".contains(Hex.encode(wallet.seed)))
    }

    @Test func passphraseGoesIntoTheStoredSeed() throws {
        let (url, _) = try makeFile(passphrase: "TREZOR")
        let wallet = try Keystore.open(at: url, password: password)
        #expect(wallet.seed == (try mnemonic.seed(passphrase: "TREZOR")))
        #expect(wallet.seed != (try mnemonic.seed()))
        #expect(wallet.mnemonic == mnemonic)
    }

    @Test func japaneseWalletAndNoNetwork() throws {
        let japanese = try Mnemonic(entropy: mnemonic.entropy, language: .japanese)
        let url = try temporaryDirectory().appendingPathComponent("w.json")
        try Keystore.create(at: url, mnemonic: japanese, password: "パスワード", name: "貯金", scrypt: Self.fast)
        let wallet = try Keystore.open(at: url, password: "パスワード")
        #expect(wallet.mnemonic == japanese)
        #expect(wallet.header.language == .japanese)
        #expect(wallet.header.network == nil)
        #expect(wallet.header.name == "貯金")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        #expect(object?["network"] == nil)
        #expect(object?["language"] as? String == "japanese")
    }

    @Test func fileLayout() throws {
        let (url, _) = try makeFile()
        let data = try Data(contentsOf: url)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["version", "kdf", "cipher", "ciphertext", "tag", "name", "language", "network", "created"])
        #expect(object["version"] as? Int == 1)
        let kdf = try #require(object["kdf"] as? [String: Any])
        #expect(kdf["name"] as? String == "scrypt")
        #expect(kdf["n"] as? Int == 1024)
        #expect(kdf["r"] as? Int == 8)
        #expect(kdf["p"] as? Int == 1)
        #expect((kdf["salt"] as? String)?.count == 64)
        let cipher = try #require(object["cipher"] as? [String: Any])
        #expect(cipher["name"] as? String == "aes-256-gcm")
        #expect((cipher["nonce"] as? String)?.count == 24)
        #expect((object["tag"] as? String)?.count == 32)
        // 2 + 32 bytes of entropy + 64 bytes of seed
        #expect((object["ciphertext"] as? String)?.count == 2 * 98)
        #expect(data.last == 0x0a)
    }

    @Test func wrongPassword() throws {
        let (url, _) = try makeFile()
        let error = openError(url, password: "correct horse battery stapl")
        #expect(error == .wrongPasswordOrModified)
        #expect(error?.description.contains("wrong password, or the keystore file was modified") == true)
        #expect(openError(url, password: "") == .emptyPassword)
    }

    @Test func flippedCiphertextTagSaltOrNonceFailsAuthentication() throws {
        for field in ["ciphertext", "tag", "kdf.salt", "cipher.nonce"] {
            let (url, _) = try makeFile()
            try edit(url) { object in
                let parts = field.split(separator: ".").map(String.init)
                if parts.count == 1 {
                    object[field] = try flipped(object[field])
                } else {
                    var inner = object[parts[0]] as? [String: Any] ?? [:]
                    inner[parts[1]] = try flipped(inner[parts[1]])
                    object[parts[0]] = inner
                }
            }
            #expect(openError(url) == .wrongPasswordOrModified, "\(field)")
        }
    }

    @Test func changedMetadataFailsAuthentication() throws {
        let changes: [(String, (inout [String: Any]) -> Void)] = [
            ("name", { $0["name"] = "savingz" }),
            ("network", { $0["network"] = "main" }),
            ("network removed", { $0["network"] = nil }),
            ("language", { $0["language"] = "japanese" }),
            ("created", { $0["created"] = "2001-01-01T00:00:00Z" }),
            ("kdf.n", { o in var k = o["kdf"] as? [String: Any] ?? [:]; k["n"] = 2048; o["kdf"] = k }),
            ("kdf.p", { o in var k = o["kdf"] as? [String: Any] ?? [:]; k["p"] = 2; o["kdf"] = k }),
        ]
        for (what, change) in changes {
            let (url, _) = try makeFile()
            try edit(url, change)
            #expect(openError(url) == .wrongPasswordOrModified, "\(what)")
        }
    }

    @Test func truncatedFileIsCorrupted() throws {
        let (url, _) = try makeFile()
        let data = try Data(contentsOf: url)
        for length in [0, 1, data.count / 2, data.count - 3] {
            try data.prefix(length).write(to: url)
            let error = openError(url)
            #expect(error == .notJSON, "\(length) bytes")
            #expect(error?.description.contains("corrupted") == true)
        }
    }

    @Test func missingOrMistypedFieldsAreNamed() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("tag", { $0["tag"] = nil }),
            ("kdf.salt", { o in var k = o["kdf"] as? [String: Any] ?? [:]; k["salt"] = nil; o["kdf"] = k }),
            ("kdf.n", { o in var k = o["kdf"] as? [String: Any] ?? [:]; k["n"] = "lots"; o["kdf"] = k }),
            ("cipher", { $0["cipher"] = nil }),
            ("name", { $0["name"] = 7 }),
            ("version", { $0["version"] = nil }),
            ("version", { $0["version"] = "1" }),
        ]
        try expectCorrupted(cases, messageNamesField: true)
    }

    /// Each change to a fresh file must give `.corrupted` naming its field (and, when
    /// asked, a message that says `field NAME`).
    func expectCorrupted(_ cases: [(String, (inout [String: Any]) -> Void)], messageNamesField: Bool) throws {
        for (field, change) in cases {
            let (url, _) = try makeFile()
            try edit(url, change)
            let error = openError(url)
            guard case .corrupted(let f, _)? = error else {
                Issue.record("\(field): \(String(describing: error))")
                continue
            }
            #expect(f == field)
            if messageNamesField { #expect(error?.description.contains("field \(field)") == true) }
        }
    }

    @Test func badValuesAreNamed() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("language", { $0["language"] = "klingon" }),
            ("network", { $0["network"] = "moon" }),
            ("created", { $0["created"] = "yesterday" }),
            ("name", { $0["name"] = "" }),
            ("ciphertext", { $0["ciphertext"] = "00" }),
        ]
        try expectCorrupted(cases, messageNamesField: false)
    }

    @Test func hexFieldsOfTheWrongLengthAreNamed() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("kdf.salt", { o in var k = o["kdf"] as? [String: Any] ?? [:]; k["salt"] = "00ff"; o["kdf"] = k }),
            ("cipher.nonce", { o in var c = o["cipher"] as? [String: Any] ?? [:]; c["nonce"] = String(repeating: "ab", count: 13); o["cipher"] = c }),
            ("tag", { $0["tag"] = String(repeating: "0", count: 30) }),
            ("tag", { $0["tag"] = String(repeating: "z", count: 32) }),
            ("ciphertext", { $0["ciphertext"] = "abc" }),
        ]
        for (field, change) in cases {
            let (url, _) = try makeFile()
            try edit(url, change)
            let error = openError(url)
            guard case .badHex(let hexError)? = error else {
                Issue.record("\(field): \(String(describing: error))")
                continue
            }
            #expect(hexError.description.hasPrefix(field + ":"), "\(hexError)")
            #expect(error?.description.contains("field \(field)") == true)
        }
    }

    @Test func newerVersionIsNamed() throws {
        let (url, _) = try makeFile()
        try edit(url) { $0 = ["version": 2, "something": "new"] }
        let error = openError(url)
        #expect(error == .unsupportedVersion(found: 2, supported: 1))
        let text = error?.description ?? ""
        #expect(text.contains("version 2"))
        #expect(text.contains("newer"))
        #expect(text.contains("too old"))
        try edit(url) { $0["version"] = 0 }
        #expect(openError(url) == .corrupted(field: "version", reason: "0 is not a keystore version"))
    }

    @Test func scryptParametersOutOfRangeAreRefusedBeforeRunning() throws {
        let cases: [(String, Int, Int)] = [
            ("n", 1 << 21, 0), ("n", 1 << 40, 0), ("n", 3000, 0), ("n", 512, 0), ("n", 0, 0), ("n", -1024, 0),
            ("r", 0, 1), ("r", 1024, 1), ("p", 0, 2), ("p", 1 << 20, 2),
        ]
        for (field, value, _) in cases {
            let (url, _) = try makeFile()
            try edit(url) { o in var k = o["kdf"] as? [String: Any] ?? [:]; k[field] = value; o["kdf"] = k }
            let error = openError(url)
            guard case .parameterOutOfRange(let f, let v, _)? = error else {
                Issue.record("\(field)=\(value): \(String(describing: error))")
                continue
            }
            #expect(f == "kdf.\(field)" && v == value)
        }
        #expect(throws: KeystoreError.parameterOutOfRange(field: "kdf.n", value: 1 << 21, allowed: "a power of two from 2^10 to 2^20")) {
            try ScryptParameters(n: 1 << 21, r: 8, p: 1)
        }
    }

    @Test func unsupportedAlgorithmsAreNamed() throws {
        let (url, _) = try makeFile()
        try edit(url) { o in var k = o["kdf"] as? [String: Any] ?? [:]; k["name"] = "pbkdf2"; o["kdf"] = k }
        #expect(openError(url) == .unsupportedAlgorithm(field: "kdf.name", value: "pbkdf2"))
        let (url2, _) = try makeFile()
        try edit(url2) { o in var c = o["cipher"] as? [String: Any] ?? [:]; c["name"] = "aes-128-ctr"; o["cipher"] = c }
        #expect(openError(url2) == .unsupportedAlgorithm(field: "cipher.name", value: "aes-128-ctr"))
    }

    @Test func missingFileIsNamed() throws {
        let url = try temporaryDirectory().appendingPathComponent("nothing.json")
        #expect(openError(url) == .fileMissing(path: url.path))
        #expect(openError(url)?.description.contains(url.path) == true)
    }

    @Test func fileHoldsNoSecret() throws {
        let (url, _) = try makeFile()
        let text = try String(contentsOf: url, encoding: .utf8).lowercased()  // hex compared in lower case
        // Every word of this phrase holds a letter beyond a-f, so no hex field can
        // spell it by chance, and none is a JSON key or value of the file.
        let tokens = Set(text.split(whereSeparator: { !$0.isLetter }).map(String.init))
        for word in mnemonic.words {
            #expect(word.contains(where: { !"abcdef".contains($0) }), "\(word)")
            #expect(!tokens.contains(word), "\(word)")
        }
        #expect(!text.contains(mnemonic.phrase))
        let seed = try mnemonic.seed()
        let master = try HDKey(seed: seed)
        let key = try master.derive(WalletPath.kusari(account: 0, index: 0))
        for secret in [seed, Array(seed.prefix(16)), mnemonic.entropy, master.privateKey, master.chainCode,
                       key.privateKey, try key.keyPair().seed] {
            #expect(!text.contains(Hex.encode(secret)))
        }
        // Nor does the file of a Japanese wallet hold any of its words.
        let japanese = try Mnemonic(entropy: mnemonic.entropy, language: .japanese)
        let jurl = try temporaryDirectory().appendingPathComponent("w.json")
        try Keystore.create(at: jurl, mnemonic: japanese, password: password, name: "j", scrypt: Self.fast)
        let jtext = try String(contentsOf: jurl, encoding: .utf8)
        for word in japanese.words {
            #expect(!jtext.contains(word) && !jtext.contains(word.precomposedStringWithCanonicalMapping))
        }
    }

    @Test func fileIsPrivateAndNothingElseIsLeft() throws {
        let (url, _) = try makeFile()
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let mode = (attributes[.posixPermissions] as? Int) ?? (attributes[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let entries = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(entries == ["wallet.json"])
    }

    @Test func createRefusesToOverwrite() throws {
        let (url, _) = try makeFile()
        let before = try Data(contentsOf: url)
        let other = try Mnemonic(wordCount: 12)
        #expect(throws: KeystoreError.alreadyExists(path: url.path)) {
            try Keystore.create(at: url, mnemonic: other, password: "x", name: "other", scrypt: Self.fast)
        }
        #expect(try Data(contentsOf: url) == before)
        // Also when the file appears after the first check: the final link refuses.
        let late = url.deletingLastPathComponent().appendingPathComponent("late.json")
        try Data("{}".utf8).write(to: late)
        #expect(throws: KeystoreError.alreadyExists(path: late.path)) {
            try AtomicFile.createNew(Array("new".utf8), at: late.path)
        }
        #expect(try Data(contentsOf: late) == Data("{}".utf8))
        let entries = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(entries.sorted() == ["late.json", "wallet.json"])
    }

    @Test func createChecksItsInput() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("w.json")
        #expect(throws: KeystoreError.emptyPassword) {
            try Keystore.create(at: url, mnemonic: mnemonic, password: "", name: "a", scrypt: Self.fast)
        }
        #expect(throws: KeystoreError.invalidName("  ", reason: "must not be empty")) {
            try Keystore.create(at: url, mnemonic: mnemonic, password: "p", name: "  ", scrypt: Self.fast)
        }
        #expect(throws: KeystoreError.self) {
            try Keystore.create(at: url, mnemonic: mnemonic, password: "p", name: "a\nb", scrypt: Self.fast)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let missingDir = dir.appendingPathComponent("no/such/dir/w.json")
        let error = #expect(throws: KeystoreError.self) {
            try Keystore.create(at: missingDir, mnemonic: mnemonic, password: "p", name: "a", scrypt: Self.fast)
        }
        guard case .writeFailed? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
    }

    @Test func everyErrorHasAReadableMessage() {
        let errors: [KeystoreError] = [
            .fileMissing(path: "/w.json"), .unreadable(path: "/w.json", reason: "EIO"), .notJSON,
            .corrupted(field: "tag", reason: "missing"), .unsupportedVersion(found: 2, supported: 1),
            .unsupportedAlgorithm(field: "kdf.name", value: "x"),
            .parameterOutOfRange(field: "kdf.n", value: 3, allowed: "y"),
            .badHex(.wrongLength(field: "tag", expected: 16, actual: 15)), .wrongPasswordOrModified,
            .alreadyExists(path: "/w.json"), .emptyPassword, .invalidName("", reason: "must not be empty"),
            .writeFailed(path: "/w.json", reason: "EROFS"), .cryptoFailed("z"),
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(error.errorDescription == error.description)
            #expect(error.localizedDescription == error.description)
        }
    }

    /// The standard cost (n = 2^17, r = 8, p = 1) once, end to end.
    @Test func realCostEndToEnd() throws {
        let url = try temporaryDirectory().appendingPathComponent("wallet.json")
        let clock = ContinuousClock()
        let start = clock.now
        try Keystore.create(at: url, mnemonic: mnemonic, password: password, name: "real", network: .main)
        let created = clock.now
        let wallet = try Keystore.open(at: url, password: password)
        let opened = clock.now
        print("scrypt n=2^17 r=8 p=1: create \(created - start), open \(opened - created)")
        #expect(wallet.header.scrypt == .standard)
        #expect(wallet.header.scrypt.n == 131_072)
        #expect(wallet.mnemonic == mnemonic)
        #expect(openError(url, password: "nope") == .wrongPasswordOrModified)
    }
}
