import Crypto
import Foundation
import KusariCore

/// A SLIP-0010 ed25519 extended private key: a 32-byte private key (an RFC 8032
/// seed) and a 32-byte chain code, at some path below the master key.
///
/// ed25519 under SLIP-0010 derives hardened children only. The value holds
/// secrets; its `description` names only the path.
public struct HDKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The HMAC key of the master derivation.
    static let masterHMACKey = Array("ed25519 seed".utf8)

    /// The 32-byte private key (secret).
    public let privateKey: [UInt8]
    /// The 32-byte chain code (secret: with a public key it would not reveal
    /// children, but with the private key it does).
    public let chainCode: [UInt8]
    /// Where this key lies below the master key.
    public let path: DerivationPath

    /// The master key of `seed` (16 to 64 bytes, normally a 64-byte BIP-39 seed):
    /// HMAC-SHA512 keyed with "ed25519 seed"; the left half is the private key,
    /// the right half the chain code.
    /// - Throws: `HDKeyError.wrongSeedLength` for a seed shorter than 16 or longer than 64 bytes.
    public init(seed: [UInt8]) throws(HDKeyError) {
        guard (16...64).contains(seed.count) else { throw .wrongSeedLength(seed.count) }
        let mac = Self.hmac(key: Self.masterHMACKey, data: seed)
        self.init(privateKey: Array(mac[0..<32]), chainCode: Array(mac[32..<64]), path: .master)
    }

    private init(privateKey: [UInt8], chainCode: [UInt8], path: DerivationPath) {
        self.privateKey = privateKey
        self.chainCode = chainCode
        self.path = path
    }

    /// The hardened child `index` (which must already include 2^31):
    /// HMAC-SHA512 keyed with the chain code over 0x00 || private key || index (big-endian).
    /// - Throws: `HDKeyError.notHardened` for an index below 2^31, `.tooDeep` past 255 levels.
    public func child(_ index: UInt32) throws(HDKeyError) -> HDKey {
        guard index >= DerivationPath.hardenedOffset else {
            throw .notHardened(index: index, position: path.indices.count + 1)
        }
        let childPath: DerivationPath
        do { childPath = try path.appending(index) } catch { throw .path(error) }
        let data = [0x00] + privateKey + withUnsafeBytes(of: index.bigEndian) { Array($0) }
        let mac = Self.hmac(key: chainCode, data: data)
        return HDKey(privateKey: Array(mac[0..<32]), chainCode: Array(mac[32..<64]), path: childPath)
    }

    /// The hardened child `index'`, where `index` is below 2^31.
    /// - Throws: `HDKeyError.path(.indexOutOfRange)` for an index of 2^31 or more.
    public func hardenedChild(_ index: UInt32) throws(HDKeyError) -> HDKey {
        guard index < DerivationPath.hardenedOffset else {
            throw .path(.indexOutOfRange(field: "index", value: index))
        }
        return try child(index + DerivationPath.hardenedOffset)
    }

    /// The key at `path` below this one (normally called on the master key).
    /// - Throws: `HDKeyError.notHardened` naming the first component that is not hardened.
    public func derive(_ path: DerivationPath) throws(HDKeyError) -> HDKey {
        for (i, index) in path.indices.enumerated() where index < DerivationPath.hardenedOffset {
            throw .notHardened(index: index, position: self.path.indices.count + i + 1)
        }
        var key = self
        for index in path.indices { key = try key.child(index) }
        return key
    }

    /// The key at a path given as text, like `m/44'/9999'/0'/0'/5'`.
    /// - Throws: `HDKeyError.path` for a path that does not parse, `.notHardened`
    ///   for a component without a hardened marker.
    public func derive(_ path: String) throws(HDKeyError) -> HDKey {
        let parsed: DerivationPath
        do { parsed = try DerivationPath(parsing: path) } catch { throw .path(error) }
        return try derive(parsed)
    }

    /// The 32-byte Ed25519 public key of `privateKey`.
    public var publicKey: [UInt8] {
        // A 32-byte private key is always accepted; the fallback is unreachable.
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: privateKey))
            .map { Array($0.publicKey.rawRepresentation) } ?? []
    }

    /// The public key as SLIP-0010 prints it: 0x00 followed by the 32 bytes.
    public var slip10PublicKey: [UInt8] { [0x00] + publicKey }

    /// The Kusari signing key of this private key.
    public func keyPair() throws(KeyError) -> KeyPair {
        try KeyPair(seed: privateKey)
    }

    /// Names the path only: the key is secret.
    public var description: String { "HDKey(\(path))" }
    /// Same as `description`: the key is secret.
    public var debugDescription: String { description }

    /// HMAC-SHA512 of `data` under `key`, 64 bytes.
    private static func hmac(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }
}

/// Why a key could not be derived.
public enum HDKeyError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The seed must be 16 to 64 bytes.
    case wrongSeedLength(Int)
    /// SLIP-0010 ed25519 derives hardened children only; the index at this
    /// 1-based path position is not hardened.
    case notHardened(index: UInt32, position: Int)
    /// The path is malformed or out of range.
    case path(DerivationPathError)
    /// KusariCore refused the derived private key (not expected: it is 32 bytes).
    case keyPair(KeyError)

    /// The message for people, naming what is at fault.
    public var description: String {
        switch self {
        case .wrongSeedLength(let n):
            return "seed: must be 16 to 64 bytes, got \(n)"
        case .notHardened(let index, let position):
            return "path: component \(position) (\"\(index)\") is not hardened; ed25519 keys derive hardened children only (write \(index)')"
        case .path(let error):
            return error.description
        case .keyPair(let error):
            return error.description
        }
    }

    /// The same message, for `localizedDescription`.
    public var errorDescription: String? { description }
}
