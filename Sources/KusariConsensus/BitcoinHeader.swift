import Crypto

/// A Bitcoin block header: the 80 bytes that are hashed to give the block hash.
///
/// Layout (all integers little-endian): version (4), previous block hash (32, in internal
/// byte order), Merkle root (32, internal order), time (4), bits (4), nonce (4).
public struct BitcoinHeader: Sendable, Hashable {
    /// The serialized size of a header: 80 bytes.
    public static let size = 80

    /// The block version.
    public var version: Int32
    /// The parent's hash in internal byte order (raw SHA-256d output; reversed for display).
    public var previousBlockHash: [UInt8]
    /// The Merkle root of the block's transactions, in internal byte order.
    public var merkleRoot: [UInt8]
    /// The block time, seconds since 1970-01-01 UTC as the miner claims it.
    public var time: UInt32
    /// The compact target.
    public var bits: UInt32
    /// The nonce the miner varied.
    public var nonce: UInt32

    /// Creates a header from its fields. Hashes shorter or longer than 32 bytes are
    /// serialized zero-padded or truncated to 32, so give 32-byte hashes.
    public init(version: Int32, previousBlockHash: [UInt8], merkleRoot: [UInt8], time: UInt32, bits: UInt32, nonce: UInt32) {
        self.version = version
        self.previousBlockHash = previousBlockHash
        self.merkleRoot = merkleRoot
        self.time = time
        self.bits = bits
        self.nonce = nonce
    }

    /// Parses exactly 80 bytes; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        let raw = Array(bytes)
        guard raw.count == BitcoinHeader.size else { return nil }
        func u32(_ offset: Int) -> UInt32 {
            UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8 | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24
        }
        self.version = Int32(bitPattern: u32(0))
        self.previousBlockHash = Array(raw[4..<36])
        self.merkleRoot = Array(raw[36..<68])
        self.time = u32(68)
        self.bits = u32(72)
        self.nonce = u32(76)
    }

    /// The 80 serialized bytes.
    public var serialized: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(BitcoinHeader.size)
        func append(_ value: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        func append32(_ hash: [UInt8]) {
            bytes.append(contentsOf: hash.prefix(32))
            if hash.count < 32 { bytes.append(contentsOf: [UInt8](repeating: 0, count: 32 - hash.count)) }
        }
        append(UInt32(bitPattern: version))
        append32(previousBlockHash)
        append32(merkleRoot)
        append(time)
        append(bits)
        append(nonce)
        return bytes
    }

    /// The block hash in internal byte order: SHA-256 of SHA-256 of the 80 bytes. Proof of
    /// work reads it as a little-endian number.
    public var hash: [UInt8] {
        Array(SHA256.hash(data: Array(SHA256.hash(data: serialized))))
    }

    /// The block hash as block explorers and Bitcoin Core show it: bytes reversed, lowercase
    /// hex (e.g. `000000000019d668...` for the genesis block).
    public var hashHex: String { BitcoinHeader.displayHex(hash) }

    /// The parent's hash in display order.
    public var previousBlockHashHex: String { BitcoinHeader.displayHex(previousBlockHash) }

    /// Bytes in internal order shown in display order: reversed, lowercase hex.
    public static func displayHex(_ internalOrder: [UInt8]) -> String {
        HexDigits.encode(internalOrder.reversed())
    }
}
