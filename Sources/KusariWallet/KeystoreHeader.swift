import Foundation
import KusariCore

/// The non-secret part of a keystore: what can be shown without the password.
/// Every field is authenticated: changing any of them makes unlocking fail.
public struct KeystoreHeader: Sendable, Equatable {
    /// The keystore format this build writes and reads.
    public static let currentVersion = 1
    /// The key derivation's name in the file.
    public static let kdfName = "scrypt"
    /// The cipher's name in the file.
    public static let cipherName = "aes-256-gcm"
    /// The scrypt salt length in bytes.
    public static let saltByteCount = 32
    /// The AES-GCM nonce length in bytes.
    public static let nonceByteCount = 12
    /// The AES-GCM tag length in bytes.
    public static let tagByteCount = 16
    /// The longest wallet name, in characters.
    public static let maxNameLength = 64

    /// The format version (1).
    public let version: Int
    /// The wallet's name, chosen by its owner.
    public let name: String
    /// The language of the wallet's phrase.
    public let language: MnemonicLanguage
    /// The network the wallet is meant for, if its owner said.
    public let network: Network?
    /// When the wallet was made, as written in the file (ISO 8601, UTC).
    public let created: String
    /// The scrypt cost.
    public let scrypt: ScryptParameters
    /// The scrypt salt (32 bytes).
    public let salt: [UInt8]
    /// The AES-GCM nonce (12 bytes).
    public let nonce: [UInt8]

    /// `created` as a date (nil never happens for a header that was read or made here).
    public var createdDate: Date? { try? Date(created, strategy: .iso8601) }

    /// Checks a wallet name: 1 to 64 characters, no control characters, not only spaces.
    static func validate(name: String) throws(KeystoreError) {
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalidName(name, reason: "must not be empty")
        }
        guard name.count <= maxNameLength else {
            throw .invalidName(name, reason: "is longer than \(maxNameLength) characters")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidName(name, reason: "must not hold control characters")
        }
    }

    /// The AES-GCM additional authenticated data: every header field in a fixed
    /// order, each as a length-prefixed label and a length-prefixed value (lengths
    /// are 4-byte big-endian). Numbers are decimal text, salt and nonce their raw
    /// bytes, text fields their UTF-8 as stored, an absent network empty.
    var authenticatedData: [UInt8] {
        let fields: [(String, [UInt8])] = [
            ("version", Array(String(version).utf8)),
            ("kdf.name", Array(Self.kdfName.utf8)),
            ("kdf.n", Array(String(scrypt.n).utf8)),
            ("kdf.r", Array(String(scrypt.r).utf8)),
            ("kdf.p", Array(String(scrypt.p).utf8)),
            ("kdf.salt", salt),
            ("cipher.name", Array(Self.cipherName.utf8)),
            ("cipher.nonce", nonce),
            ("name", Array(name.utf8)),
            ("language", Array(language.rawValue.utf8)),
            ("network", Array((network?.rawValue ?? "").utf8)),
            ("created", Array(created.utf8)),
        ]
        var out = Array("kusari-keystore".utf8)
        for (label, value) in fields {
            for part in [Array(label.utf8), value] {
                withUnsafeBytes(of: UInt32(part.count).bigEndian) { out += $0 }
                out += part
            }
        }
        return out
    }
}
