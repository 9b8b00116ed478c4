import Crypto
import CryptoExtras
import Foundation
import KusariCore

/// An encrypted wallet file (format version 1).
///
/// ```json
/// {
///   "cipher": {"name": "aes-256-gcm", "nonce": "<12 bytes hex>"},
///   "ciphertext": "<hex>",
///   "created": "2025-11-25T10:00:00Z",
///   "kdf": {"n": 131072, "name": "scrypt", "p": 1, "r": 8, "salt": "<32 bytes hex>"},
///   "language": "english",
///   "name": "savings",
///   "network": "main",
///   "tag": "<16 bytes hex>",
///   "version": 1
/// }
/// ```
///
/// The key is scrypt(password as UTF-8, salt, n, r, p) → 32 bytes; AES-256-GCM
/// encrypts the payload (the BIP-39 entropy and the 64-byte seed) with every
/// header field as additional authenticated data. `network` is optional.
public struct Keystore: Sendable {
    /// The non-secret fields.
    public let header: KeystoreHeader
    /// The encrypted payload.
    let ciphertext: [UInt8]
    /// The AES-GCM tag.
    let tag: [UInt8]

    /// The largest file `read(from:)` accepts (a keystore is well under 2 KiB).
    public static let maxFileSize = 64 * 1024

    // MARK: Making

    /// Encrypts the wallet of `mnemonic` under `password`, in memory.
    /// - Parameters:
    ///   - passphrase: the optional BIP-39 passphrase; it goes into the stored seed
    ///     and is not stored itself.
    ///   - scrypt: the key derivation cost; `.standard` except in tests.
    ///   - created: the creation time written in the file.
    /// - Throws: `KeystoreError.emptyPassword`, `.invalidName`, or `.cryptoFailed`.
    public static func seal(
        mnemonic: Mnemonic, passphrase: String = "", password: String, name: String,
        network: Network? = nil, scrypt: ScryptParameters = .standard, created: Date = Date()
    ) throws(KeystoreError) -> Keystore {
        guard !password.isEmpty else { throw .emptyPassword }
        try KeystoreHeader.validate(name: name)
        let seed: [UInt8]
        do { seed = try mnemonic.seed(passphrase: passphrase) } catch { throw .cryptoFailed(error.description) }
        let header = KeystoreHeader(
            version: KeystoreHeader.currentVersion, name: name, language: mnemonic.language, network: network,
            created: created.formatted(.iso8601), scrypt: scrypt,
            salt: SecureRandom.bytes(KeystoreHeader.saltByteCount),
            nonce: SecureRandom.bytes(KeystoreHeader.nonceByteCount))
        let key = try deriveKey(password: password, header: header)
        let payload = KeystorePayload(entropy: mnemonic.entropy, seed: seed)
        do {
            let box = try AES.GCM.seal(payload.bytes, using: key, nonce: AES.GCM.Nonce(data: header.nonce),
                                       authenticating: header.authenticatedData)
            return Keystore(header: header, ciphertext: Array(box.ciphertext), tag: Array(box.tag))
        } catch {
            throw .cryptoFailed("AES-GCM: \(error)")
        }
    }

    /// Seals a new wallet and writes it to `url`, which must not exist yet.
    ///
    /// The file is created with mode 0600 and atomically: a reader sees either no
    /// file or the whole file, also after a crash.
    /// - Throws: `KeystoreError.alreadyExists` (checked before the slow key
    ///   derivation and again, atomically, when the file is put in place), the
    ///   errors of `seal`, or `.writeFailed`.
    @discardableResult
    public static func create(
        at url: URL, mnemonic: Mnemonic, passphrase: String = "", password: String, name: String,
        network: Network? = nil, scrypt: ScryptParameters = .standard, created: Date = Date()
    ) throws(KeystoreError) -> Keystore {
        let path = url.path
        guard !FileManager.default.fileExists(atPath: path) else { throw .alreadyExists(path: path) }
        let keystore = try seal(mnemonic: mnemonic, passphrase: passphrase, password: password, name: name,
                                network: network, scrypt: scrypt, created: created)
        try AtomicFile.createNew(Array(try keystore.jsonData()), at: path)
        return keystore
    }

    /// The file's bytes: pretty-printed JSON with sorted keys and a final newline.
    public func jsonData() throws(KeystoreError) -> Data {
        let file = KeystoreFile(
            version: header.version, name: header.name, language: header.language.rawValue,
            network: header.network?.rawValue, created: header.created,
            kdf: .init(name: KeystoreHeader.kdfName, n: header.scrypt.n, r: header.scrypt.r, p: header.scrypt.p,
                       salt: Hex.encode(header.salt)),
            cipher: .init(name: KeystoreHeader.cipherName, nonce: Hex.encode(header.nonce)),
            ciphertext: Hex.encode(ciphertext), tag: Hex.encode(tag))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(file)
            data.append(0x0a)
            return data
        } catch {
            throw .cryptoFailed("JSON encoding: \(error)")
        }
    }

    // MARK: Reading

    /// Reads the keystore at `url` without decrypting it.
    /// - Throws: `KeystoreError.fileMissing`, `.unreadable`, or any error of `init(jsonData:)`.
    public static func read(from url: URL) throws(KeystoreError) -> Keystore {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw .fileMissing(path: path) }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxFileSize + 1) ?? Data()
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        guard data.count <= maxFileSize else {
            throw .corrupted(field: "file", reason: "larger than \(maxFileSize) bytes; not a keystore")
        }
        return try Keystore(jsonData: data)
    }

    /// Parses and checks keystore JSON, without decrypting it.
    ///
    /// The version is read first: a newer file is reported as such. Then every
    /// field is checked: the scrypt parameters against sane bounds (n at most
    /// 2^20), each hex field's length.
    /// - Throws: `KeystoreError` naming the field at fault.
    public init(jsonData data: Data) throws(KeystoreError) {
        let probe = try KeystoreFile.decode(KeystoreFile.VersionProbe.self, from: data)
        guard let version = probe.version else { throw .corrupted(field: "version", reason: "missing") }
        guard version <= KeystoreHeader.currentVersion else {
            throw .unsupportedVersion(found: version, supported: KeystoreHeader.currentVersion)
        }
        guard version == KeystoreHeader.currentVersion else {
            throw .corrupted(field: "version", reason: "\(version) is not a keystore version")
        }
        let file = try KeystoreFile.decode(KeystoreFile.self, from: data)

        guard file.kdf.name == KeystoreHeader.kdfName else {
            throw .unsupportedAlgorithm(field: "kdf.name", value: file.kdf.name)
        }
        guard file.cipher.name == KeystoreHeader.cipherName else {
            throw .unsupportedAlgorithm(field: "cipher.name", value: file.cipher.name)
        }
        let scrypt = try ScryptParameters(n: file.kdf.n, r: file.kdf.r, p: file.kdf.p)
        do {
            try KeystoreHeader.validate(name: file.name)
        } catch {
            throw .corrupted(field: "name", reason: error.description)
        }
        guard let language = MnemonicLanguage(rawValue: file.language) else {
            throw .corrupted(field: "language", reason: "\"\(file.language)\" is not english or japanese")
        }
        var network: Network?
        if let name = file.network {
            guard let n = Network(rawValue: name) else {
                throw .corrupted(field: "network", reason: "\"\(name)\" is not main, test or devnet")
            }
            network = n
        }
        guard (try? Date(file.created, strategy: .iso8601)) != nil else {
            throw .corrupted(field: "created", reason: "\"\(file.created)\" is not an ISO 8601 date")
        }
        let salt: [UInt8], nonce: [UInt8], tag: [UInt8], ciphertext: [UInt8]
        do {
            salt = try Hex.decode(file.kdf.salt, count: KeystoreHeader.saltByteCount, field: "kdf.salt")
            nonce = try Hex.decode(file.cipher.nonce, count: KeystoreHeader.nonceByteCount, field: "cipher.nonce")
            tag = try Hex.decode(file.tag, count: KeystoreHeader.tagByteCount, field: "tag")
            ciphertext = try Hex.decode(file.ciphertext, field: "ciphertext")
        } catch {
            throw .badHex(error)
        }
        guard (KeystorePayload.minByteCount...KeystorePayload.maxByteCount).contains(ciphertext.count) else {
            throw .corrupted(field: "ciphertext", reason: "expected \(KeystorePayload.minByteCount) to \(KeystorePayload.maxByteCount) bytes, got \(ciphertext.count)")
        }
        header = KeystoreHeader(version: version, name: file.name, language: language, network: network,
                                created: file.created, scrypt: scrypt, salt: salt, nonce: nonce)
        self.ciphertext = ciphertext
        self.tag = tag
    }

    private init(header: KeystoreHeader, ciphertext: [UInt8], tag: [UInt8]) {
        self.header = header
        self.ciphertext = ciphertext
        self.tag = tag
    }

    // MARK: Unlocking

    /// Decrypts the wallet with `password`.
    /// - Throws: `KeystoreError.wrongPasswordOrModified` when authentication fails
    ///   (a wrong password and a changed file cannot be told apart), `.emptyPassword`.
    public func unlock(password: String) throws(KeystoreError) -> UnlockedWallet {
        guard !password.isEmpty else { throw .emptyPassword }
        let key = try Self.deriveKey(password: password, header: header)
        let plaintext: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: header.nonce), ciphertext: ciphertext, tag: tag)
            plaintext = Array(try AES.GCM.open(box, using: key, authenticating: header.authenticatedData))
        } catch {
            throw .wrongPasswordOrModified
        }
        let payload = try KeystorePayload(bytes: plaintext)
        let mnemonic: Mnemonic
        do { mnemonic = try Mnemonic(entropy: payload.entropy, language: header.language) } catch {
            throw .corrupted(field: "ciphertext", reason: error.description)
        }
        return UnlockedWallet(header: header, mnemonic: mnemonic, seed: payload.seed)
    }

    /// Reads the keystore at `url` and decrypts it with `password`.
    /// - Throws: the errors of `read(from:)` and `unlock(password:)`.
    public static func open(at url: URL, password: String) throws(KeystoreError) -> UnlockedWallet {
        try read(from: url).unlock(password: password)
    }

    /// scrypt(password UTF-8, salt, n, r, p) → the 32-byte AES key.
    private static func deriveKey(password: String, header: KeystoreHeader) throws(KeystoreError) -> SymmetricKey {
        do {
            return try KDF.Scrypt.deriveKey(
                from: Array(password.utf8), salt: header.salt, outputByteCount: 32,
                rounds: header.scrypt.n, blockSize: header.scrypt.r, parallelism: header.scrypt.p)
        } catch {
            throw .cryptoFailed("scrypt: \(error)")
        }
    }
}
