/// Appends values in Kusari's canonical binary encoding (docs/protocol.md):
/// fixed-width integers big-endian, lengths as minimal LEB128 `varuint`.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func writeUInt8(_ v: UInt8) { bytes.append(v) }

    public mutating func writeUInt16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func writeUInt32(_ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift)))
        }
    }

    public mutating func writeUInt64(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift)))
        }
    }

    /// Unsigned LEB128: seven bits per byte, low groups first, high bit set on
    /// every byte but the last. Always the shortest form.
    public mutating func writeVarUInt(_ v: UInt64) {
        var value = v
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    public mutating func writeBytes<C: Collection>(_ b: C) where C.Element == UInt8 {
        bytes.append(contentsOf: b)
    }

    public mutating func writeHash(_ h: Hash256) {
        h.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    /// A `varuint` length followed by the bytes.
    public mutating func writeLengthPrefixed(_ b: [UInt8]) {
        writeVarUInt(UInt64(b.count))
        bytes.append(contentsOf: b)
    }
}
