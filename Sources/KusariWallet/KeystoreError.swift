import Foundation
import KusariCore

/// Why a keystore could not be written, read or unlocked. Each fault has its own
/// case, and the message names the file field at fault.
public enum KeystoreError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// No file at this path.
    case fileMissing(path: String)
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The bytes are not a JSON object (truncated, or not a keystore at all).
    case notJSON
    /// A field is missing, of the wrong type or holds an invalid value.
    case corrupted(field: String, reason: String)
    /// The file's version is newer than this build understands.
    case unsupportedVersion(found: Int, supported: Int)
    /// The file names a key derivation or cipher this build does not implement.
    case unsupportedAlgorithm(field: String, value: String)
    /// A scrypt parameter is outside the sane range.
    case parameterOutOfRange(field: String, value: Int, allowed: String)
    /// A hex field does not decode or has the wrong length.
    case badHex(HexError)
    /// AES-GCM authentication failed: the password is wrong, or the file was changed.
    case wrongPasswordOrModified
    /// Create refuses to replace an existing file.
    case alreadyExists(path: String)
    /// The password is empty.
    case emptyPassword
    /// The wallet name is not acceptable.
    case invalidName(String, reason: String)
    /// The file could not be written.
    case writeFailed(path: String, reason: String)
    /// swift-crypto failed for a reason other than authentication (not expected).
    case cryptoFailed(String)

    /// The message for people, naming what is at fault.
    public var description: String {
        switch self {
        case .fileMissing(let path):
            return "keystore: no wallet file at \(path)"
        case .unreadable(let path, let reason):
            return "keystore: cannot read \(path): \(reason)"
        case .notJSON:
            return "keystore corrupted: not a JSON object (the file may be truncated, or is not a keystore)"
        case .corrupted(let field, let reason):
            return "keystore corrupted: field \(field): \(reason)"
        case .unsupportedVersion(let found, let supported):
            return "keystore: the file is version \(found), newer than version \(supported) that this kusari reads; this kusari is too old, upgrade it to open this wallet"
        case .unsupportedAlgorithm(let field, let value):
            return "keystore: field \(field): unsupported \"\(value)\""
        case .parameterOutOfRange(let field, let value, let allowed):
            return "keystore: field \(field): \(value) is out of range (allowed: \(allowed))"
        case .badHex(let error):
            return "keystore corrupted: field \(error.description)"
        case .wrongPasswordOrModified:
            return "keystore: wrong password, or the keystore file was modified"
        case .alreadyExists(let path):
            return "keystore: a wallet already exists at \(path); refusing to overwrite it"
        case .emptyPassword:
            return "password: must not be empty"
        case .invalidName(let name, let reason):
            return "name: \"\(name)\" \(reason)"
        case .writeFailed(let path, let reason):
            return "keystore: cannot write \(path): \(reason)"
        case .cryptoFailed(let reason):
            return "keystore: cryptography failed: \(reason)"
        }
    }

    /// The same message, for `localizedDescription`.
    public var errorDescription: String? { description }
}
