/// The 20-byte payload of an address: the first 20 bytes of SHA-256 of the
/// account's Ed25519 public key. It is the key of the account in the state tree.
public struct AddressPayload: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The payload length in bytes.
    public static let byteCount = 20

    @usableFromInline var hi: UInt64, mid: UInt64, lo: UInt32   // memory order

    /// Creates a payload from exactly 20 bytes; nil for any other length.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == Self.byteCount else { return nil }
        hi = 0; mid = 0; lo = 0
        withUnsafeMutableBytes(of: &self) { dst in
            var i = 0
            for b in bytes { dst[i] = b; i += 1 }
        }
    }

    /// The payload of the account owning `publicKey`.
    public init(publicKey: PublicKey) {
        let digest = Hash256.sha256(publicKey.bytes)
        self = digest.withUnsafeBytes { AddressPayload(unsafeBytes: UnsafeRawBufferPointer(rebasing: $0[0..<20])) }
    }

    init(unsafeBytes src: UnsafeRawBufferPointer) {
        hi = src.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        mid = src.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        lo = src.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
    }

    /// The all-zero payload (an account nobody holds a key for).
    public static let zero = AddressPayload(hi: 0, mid: 0, lo: 0)

    private init(hi: UInt64, mid: UInt64, lo: UInt32) { self.hi = hi; self.mid = mid; self.lo = lo }

    /// The 20 bytes.
    public var bytes: [UInt8] {
        var copy = self
        return withUnsafeBytes(of: &copy) { Array($0.prefix(20)) }
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    /// Bit `index` of the payload, counting from the most significant bit of
    /// the first byte (0...159). Used to walk the state tree.
    @inlinable
    public func bit(_ index: Int) -> Bool {
        let word: UInt64
        let pos: Int
        if index < 64 { word = UInt64(bigEndian: hi); pos = index }
        else if index < 128 { word = UInt64(bigEndian: mid); pos = index - 64 }
        else { word = UInt64(UInt32(bigEndian: lo)) << 32; pos = index - 128 }
        return (word >> UInt64(63 - pos)) & 1 == 1
    }

    public static func < (a: AddressPayload, b: AddressPayload) -> Bool {
        let a0 = UInt64(bigEndian: a.hi), b0 = UInt64(bigEndian: b.hi)
        if a0 != b0 { return a0 < b0 }
        let a1 = UInt64(bigEndian: a.mid), b1 = UInt64(bigEndian: b.mid)
        if a1 != b1 { return a1 < b1 }
        return UInt32(bigEndian: a.lo) < UInt32(bigEndian: b.lo)
    }
}

/// A human-facing address: bech32m of version 0 and a 20-byte payload, with a
/// prefix that names the network (`ksr1...` on main, `ksrt1...` on test/devnet).
public struct Address: Hashable, Sendable, CustomStringConvertible {
    /// The only address version defined so far.
    public static let currentVersion: UInt8 = 0

    /// The address prefix (`ksr` or `ksrt`).
    public let prefix: String
    /// The address version (0).
    public let version: UInt8
    /// The account key.
    public let payload: AddressPayload

    /// The address of `payload` on `network`.
    public init(payload: AddressPayload, network: Network) {
        self.prefix = network.addressPrefix
        self.version = Self.currentVersion
        self.payload = payload
    }

    /// The address of the account owning `publicKey` on `network`.
    public init(publicKey: PublicKey, network: Network) {
        self.init(payload: AddressPayload(publicKey: publicKey), network: network)
    }

    /// The networks that use this address's prefix (`test` and `devnet` share `ksrt`).
    public var networks: [Network] { Network.allCases.filter { $0.addressPrefix == prefix } }

    /// The bech32m string.
    public var string: String {
        let data = [version] + (Bech32m.convertBits(payload.bytes, from: 8, to: 5, pad: true) ?? [])
        return Bech32m.encode(hrp: prefix, data: data)
    }

    public var description: String { string }

    /// Parses an address of any Kusari network. Accepts all-lowercase or
    /// all-uppercase; every other fault has its own error.
    public init(parsing text: String) throws(AddressError) {
        let decoded: (hrp: String, data: [UInt8])
        do { decoded = try Bech32m.decode(text) } catch { throw .encoding(error) }
        guard Network.allCases.contains(where: { $0.addressPrefix == decoded.hrp }) else {
            throw .unknownPrefix(decoded.hrp)
        }
        guard let version = decoded.data.first else { throw .missingVersion }
        guard version == Self.currentVersion else { throw .unsupportedVersion(version) }
        guard let payloadBytes = Bech32m.convertBits(Array(decoded.data.dropFirst()), from: 5, to: 8, pad: false) else {
            throw .badPadding
        }
        guard let payload = AddressPayload(bytes: payloadBytes) else {
            throw .wrongLength(payloadBytes.count)
        }
        self.prefix = decoded.hrp
        self.version = version
        self.payload = payload
    }

    /// Parses an address that must belong to `network`.
    public init(parsing text: String, network: Network) throws(AddressError) {
        try self.init(parsing: text)
        guard prefix == network.addressPrefix else {
            throw .wrongNetwork(expected: network.addressPrefix, found: prefix)
        }
    }
}

/// Why a string is not a usable Kusari address.
public enum AddressError: Error, Equatable, CustomStringConvertible {
    case encoding(Bech32mError)
    case unknownPrefix(String)
    case wrongNetwork(expected: String, found: String)
    case missingVersion
    case unsupportedVersion(UInt8)
    case badPadding
    case wrongLength(Int)
    case unknownNetwork(String)

    public var description: String {
        switch self {
        case .encoding(let e): return "address \(e)"
        case .unknownPrefix(let p): return "address prefix '\(p)' is not a Kusari network (expected ksr or ksrt)"
        case .wrongNetwork(let e, let f): return "address is for another network (prefix '\(f)', expected '\(e)')"
        case .missingVersion: return "address has no version"
        case .unsupportedVersion(let v): return "address version \(v) is not supported (expected 0)"
        case .badPadding: return "address data has invalid padding"
        case .wrongLength(let n): return "address payload is \(n) bytes, expected 20"
        case .unknownNetwork(let n): return "unknown network '\(n)' (expected main, test or devnet)"
        }
    }
}
