/// Reads values in Kusari's canonical binary encoding, refusing anything that
/// is not the one valid encoding of a value. Never trusts a length before
/// checking it against both the field's maximum and the bytes left.
public struct ByteReader {
    private let bytes: [UInt8]
    /// Offset of the next byte to read.
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int, field: String) throws(CanonicalDecodingError) -> Range<Int> {
        guard n <= remaining else { throw .truncated(field: field, needed: n, available: remaining) }
        let r = offset..<(offset + n)
        offset += n
        return r
    }

    public mutating func readUInt8(field: String) throws(CanonicalDecodingError) -> UInt8 {
        let r = try take(1, field: field)
        return bytes[r.lowerBound]
    }

    public mutating func readUInt16(field: String) throws(CanonicalDecodingError) -> UInt16 {
        UInt16(truncatingIfNeeded: try readBigEndian(2, field: field))
    }

    public mutating func readUInt32(field: String) throws(CanonicalDecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readBigEndian(4, field: field))
    }

    public mutating func readUInt64(field: String) throws(CanonicalDecodingError) -> UInt64 {
        try readBigEndian(8, field: field)
    }

    /// A big-endian `UInt64` that must not exceed `maximum`.
    public mutating func readUInt64(field: String, maximum: UInt64) throws(CanonicalDecodingError) -> UInt64 {
        let v = try readUInt64(field: field)
        guard v <= maximum else { throw .outOfRange(field: field, value: v, maximum: maximum) }
        return v
    }

    private mutating func readBigEndian(_ n: Int, field: String) throws(CanonicalDecodingError) -> UInt64 {
        let r = try take(n, field: field)
        var v: UInt64 = 0
        for i in r { v = v << 8 | UInt64(bytes[i]) }
        return v
    }

    /// A minimal unsigned LEB128 value of at most 10 bytes that must not exceed `maximum`.
    public mutating func readVarUInt(field: String, maximum: UInt64) throws(CanonicalDecodingError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var count = 0
        while true {
            let byte = try readUInt8(field: field)
            count += 1
            let group = UInt64(byte & 0x7f)
            if shift == 63 && group > 1 {
                throw .invalid(field: field, reason: "varuint does not fit in 64 bits")
            }
            value |= group << shift
            if byte & 0x80 == 0 {
                // A last byte of zero (after the first) means a shorter form existed.
                if byte == 0 && count > 1 { throw .nonMinimal(field: field) }
                break
            }
            shift += 7
            if shift > 63 { throw .invalid(field: field, reason: "varuint is longer than 10 bytes") }
        }
        guard value <= maximum else { throw .outOfRange(field: field, value: value, maximum: maximum) }
        return value
    }

    /// Exactly `count` bytes.
    public mutating func readBytes(_ count: Int, field: String) throws(CanonicalDecodingError) -> [UInt8] {
        let r = try take(count, field: field)
        return Array(bytes[r])
    }

    /// A 32-byte hash.
    public mutating func readHash(field: String) throws(CanonicalDecodingError) -> Hash256 {
        let r = try take(32, field: field)
        return bytes.withUnsafeBytes { Hash256(unsafeBytes: UnsafeRawBufferPointer(rebasing: $0[r])) }
    }

    /// A `varuint` length (checked against `maximum` and the bytes left before
    /// anything is allocated) followed by that many bytes.
    public mutating func readLengthPrefixed(field: String, maximum: Int) throws(CanonicalDecodingError) -> [UInt8] {
        let length = try readVarUInt(field: field + ".length", maximum: UInt64.max)
        guard length <= UInt64(maximum) else {
            throw .oversize(field: field, length: length, maximum: UInt64(maximum))
        }
        return try readBytes(Int(length), field: field)
    }

    /// Throws unless every byte was read.
    public func finish() throws(CanonicalDecodingError) {
        guard remaining == 0 else { throw .trailingBytes(count: remaining) }
    }
}

/// A value with exactly one valid byte encoding.
public protocol CanonicalEncodable {
    /// Appends the canonical encoding.
    func encode(to writer: inout ByteWriter)
}

extension CanonicalEncodable {
    /// The canonical encoding as bytes.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        encode(to: &w)
        return w.bytes
    }
}

/// A value that can be read back from its canonical encoding.
public protocol CanonicalDecodable {
    /// Reads one value, leaving the reader after it.
    init(from reader: inout ByteReader) throws(CanonicalDecodingError)
}

extension CanonicalDecodable {
    /// Decodes a value that must take up all of `bytes`.
    public init(decoding bytes: [UInt8]) throws(CanonicalDecodingError) {
        var reader = ByteReader(bytes)
        self = try Self(from: &reader)
        try reader.finish()
    }
}

/// Both directions of the canonical codec.
public typealias CanonicalCodable = CanonicalEncodable & CanonicalDecodable
