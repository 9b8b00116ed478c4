import Foundation

/// The keystore's JSON, field for field. Decoding it checks only the JSON shape;
/// `Keystore(jsonData:)` checks the values.
struct KeystoreFile: Codable {
    /// `{"name": "scrypt", "n", "r", "p", "salt"}`.
    struct KDF: Codable {
        var name: String
        var n: Int
        var r: Int
        var p: Int
        var salt: String
    }

    /// `{"name": "aes-256-gcm", "nonce"}`.
    struct Cipher: Codable {
        var name: String
        var nonce: String
    }

    var version: Int
    var name: String
    var language: String
    var network: String?
    var created: String
    var kdf: KDF
    var cipher: Cipher
    var ciphertext: String
    var tag: String

    /// Only the version, read first so that a newer file is named as such even
    /// when the rest of its layout changed.
    struct VersionProbe: Decodable {
        var version: Int?
    }

    /// Decodes `T`, turning a decoding failure into a `KeystoreError` that names the field.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(KeystoreError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw Self.keystoreError(error)
        } catch {
            throw .notJSON
        }
    }

    /// The field a decoding error is about, and why.
    private static func keystoreError(_ error: DecodingError) -> KeystoreError {
        func field(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context):
            return .corrupted(field: field(context.codingPath + [key]), reason: "missing")
        case .valueNotFound(_, let context) where !context.codingPath.isEmpty:
            return .corrupted(field: field(context.codingPath), reason: "missing (null)")
        case .typeMismatch(let type, let context) where !context.codingPath.isEmpty:
            return .corrupted(field: field(context.codingPath), reason: "expected \(type == String.self ? "a string" : type == Int.self ? "an integer" : "an object")")
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return .corrupted(field: field(context.codingPath), reason: "invalid value")
        default:
            return .notJSON
        }
    }
}
