import Crypto
import Foundation

/// A 32-byte Ed25519 public key as it appears in transactions.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The key length in bytes.
    public static let byteCount = 32
    /// The 32 bytes (RFC 8032 encoding).
    public let bytes: [UInt8]

    /// Wraps 32 bytes; nil for another length. The point is checked when verifying.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// For bytes that come from swift-crypto, which are always 32 long.
    init(validated bytes: [UInt8]) { self.bytes = bytes }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    /// True when `signature` is a valid Ed25519 signature of `message` by this key.
    public func isValidSignature(_ signature: Signature, for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else { return false }
        return key.isValidSignature(signature.bytes, for: message)
    }
}

/// A 64-byte Ed25519 signature.
public struct Signature: Hashable, Sendable {
    /// The signature length in bytes.
    public static let byteCount = 64
    /// The 64 bytes (R || S).
    public let bytes: [UInt8]

    /// Wraps 64 bytes; nil for another length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// For bytes whose length is already known to be 64.
    init(validated bytes: [UInt8]) { self.bytes = bytes }

    public var hex: String { Hex.encode(bytes) }
}

/// An Ed25519 signing key, held as its 32-byte RFC 8032 seed.
public struct KeyPair: Sendable {
    private let key: Curve25519.Signing.PrivateKey
    /// The public half.
    public let publicKey: PublicKey

    /// A new key from the system's secure random generator.
    public init() {
        self.init(key: Curve25519.Signing.PrivateKey())
    }

    /// The key for a 32-byte RFC 8032 seed.
    public init(seed: [UInt8]) throws(KeyError) {
        guard seed.count == 32 else { throw .wrongSeedLength(seed.count) }
        guard let k = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .wrongSeedLength(seed.count)
        }
        self.init(key: k)
    }

    private init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
        // swift-crypto always returns 32 bytes for an Ed25519 public key.
        self.publicKey = PublicKey(validated: Array(key.publicKey.rawRepresentation))
    }

    /// The 32-byte seed (secret).
    public var seed: [UInt8] { Array(key.rawRepresentation) }

    /// Signs `message` (Ed25519 is deterministic: the same key and message give
    /// the same signature).
    public func sign(_ message: [UInt8]) throws(KeyError) -> Signature {
        guard let data = try? key.signature(for: message), let sig = Signature(bytes: Array(data)) else {
            throw .signingFailed
        }
        return sig
    }

    /// The address of this key on `network`.
    public func address(on network: Network) -> Address {
        Address(publicKey: publicKey, network: network)
    }
}

/// Why a key could not be made or used.
public enum KeyError: Error, Equatable, CustomStringConvertible {
    case wrongSeedLength(Int)
    case signingFailed
    case keyFile(field: String, reason: String)

    public var description: String {
        switch self {
        case .wrongSeedLength(let n): return "secretKey: seed must be 32 bytes, got \(n)"
        case .signingFailed: return "signing failed"
        case .keyFile(let f, let r): return "\(f): \(r)"
        }
    }
}

/// The JSON key file: `{"address", "publicKey", "secretKey"}`, where
/// `secretKey` is the 32-byte seed in hex. Reading it checks that the public
/// key and the address belong to the seed.
public struct KeyFile: Codable, Sendable {
    public var address: String
    public var publicKey: String
    public var secretKey: String

    /// The key file of `key` with its address on `network`.
    public init(key: KeyPair, network: Network) {
        address = key.address(on: network).string
        publicKey = key.publicKey.hex
        secretKey = Hex.encode(key.seed)
    }

    /// The pretty-printed JSON with a trailing newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0a)
        return data
    }

    /// Parses key-file JSON and checks that its fields agree.
    public static func parse(_ data: Data) throws(KeyError) -> (key: KeyPair, address: Address) {
        let file: KeyFile
        do { file = try JSONDecoder().decode(KeyFile.self, from: data) } catch {
            throw .keyFile(field: "keyfile", reason: "not a key file (expected JSON with address, publicKey, secretKey)")
        }
        let seed: [UInt8]
        do { seed = try Hex.decode(file.secretKey, count: 32, field: "secretKey") } catch {
            throw .keyFile(field: "secretKey", reason: error.reason)
        }
        let key = try KeyPair(seed: seed)
        guard file.publicKey.lowercased() == key.publicKey.hex else {
            throw .keyFile(field: "publicKey", reason: "does not match secretKey")
        }
        let address: Address
        do { address = try Address(parsing: file.address) } catch {
            throw .keyFile(field: "address", reason: error.description)
        }
        guard address.payload == AddressPayload(publicKey: key.publicKey) else {
            throw .keyFile(field: "address", reason: "does not belong to this key")
        }
        return (key, address)
    }
}
