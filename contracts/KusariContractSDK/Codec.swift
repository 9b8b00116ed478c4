// The argument and result encoding shared by the SDK and the node (docs/protocol.md 18.3):
// a sequence of tagged values, integers big-endian, one valid byte string per value.
//
//   0x01 u64      bytes[8]                   0x02 i64  bytes[8] (two's complement)
//   0x03 bool     0x00 or 0x01               0x04 bytes  u32 length ‖ bytes
//   0x05 string   u32 length ‖ UTF-8         0x06 address  bytes[20]
//   0x07 list     u32 count ‖ values
//
// A method's arguments are its values one after another; nothing may follow the last one.

/// The tags of the argument encoding.
public enum ValueTag {
    /// `u64`.
    public static let u64: UInt8 = 0x01
    /// `i64`.
    public static let i64: UInt8 = 0x02
    /// `bool`.
    public static let bool: UInt8 = 0x03
    /// `bytes`.
    public static let bytes: UInt8 = 0x04
    /// `string`.
    public static let string: UInt8 = 0x05
    /// `address`.
    public static let address: UInt8 = 0x06
    /// `list`.
    public static let list: UInt8 = 0x07
}

/// A value that the argument encoding can carry, as a method argument, a result or a
/// stored value.
public protocol ContractCodable {
    /// Appends the value's encoding.
    func encode(to writer: inout ArgumentWriter)
    /// Reads one value; reverts with `Revert.invalidArguments` on anything malformed.
    static func decode(from reader: inout ArgumentReader) throws(Revert) -> Self
}

/// Writes values in the argument encoding.
public struct ArgumentWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    mutating func writeRaw64(_ v: UInt64) {
        var shift: UInt64 = 56
        while true {
            bytes.append(UInt8(truncatingIfNeeded: v >> shift))
            if shift == 0 { break }
            shift -= 8
        }
    }

    mutating func writeLength(_ n: Int) {
        let v = UInt32(truncatingIfNeeded: n)
        bytes.append(UInt8(truncatingIfNeeded: v >> 24)); bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8)); bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// Writes a `u64`.
    public mutating func writeU64(_ v: UInt64) { bytes.append(ValueTag.u64); writeRaw64(v) }
    /// Writes an `i64`.
    public mutating func writeI64(_ v: Int64) { bytes.append(ValueTag.i64); writeRaw64(UInt64(bitPattern: v)) }
    /// Writes a `bool`.
    public mutating func writeBool(_ v: Bool) { bytes.append(ValueTag.bool); bytes.append(v ? 1 : 0) }
    /// Writes `bytes`.
    public mutating func writeBytes(_ v: [UInt8]) { bytes.append(ValueTag.bytes); writeLength(v.count); bytes.append(contentsOf: v) }
    /// Writes a `string` (UTF-8).
    public mutating func writeString(_ v: String) {
        bytes.append(ValueTag.string); writeLength(v.utf8.count); bytes.append(contentsOf: v.utf8)
    }
    /// Writes an `address`.
    public mutating func writeAddress(_ v: Address) { bytes.append(ValueTag.address); bytes.append(contentsOf: v.bytes) }
    /// Writes a list header; the caller then writes `count` values.
    public mutating func writeListHeader(count: Int) { bytes.append(ValueTag.list); writeLength(count) }

    /// Appends any codable value.
    public mutating func write<T: ContractCodable>(_ value: T) { value.encode(to: &self) }
}

/// Reads values in the argument encoding; every malformed input reverts with
/// `Revert.invalidArguments`.
public struct ArgumentReader {
    let bytes: [UInt8]
    var position = 0

    /// A reader over `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// True when every byte has been read.
    public var isAtEnd: Bool { position == bytes.count }

    mutating func tag(_ expected: UInt8) throws(Revert) {
        guard position < bytes.count, bytes[position] == expected else { throw Revert.invalidArguments }
        position += 1
    }

    mutating func raw(_ n: Int) throws(Revert) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - position >= n else { throw Revert.invalidArguments }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    mutating func raw64() throws(Revert) -> UInt64 {
        var v: UInt64 = 0
        for b in try raw(8) { v = v << 8 | UInt64(b) }
        return v
    }

    mutating func length() throws(Revert) -> Int {
        var v = 0
        for b in try raw(4) { v = v << 8 | Int(b) }
        return v
    }

    /// Reads a `u64`.
    public mutating func readU64() throws(Revert) -> UInt64 { try tag(ValueTag.u64); return try raw64() }
    /// Reads an `i64`.
    public mutating func readI64() throws(Revert) -> Int64 { try tag(ValueTag.i64); return Int64(bitPattern: try raw64()) }
    /// Reads a `bool` (`00` or `01`).
    public mutating func readBool() throws(Revert) -> Bool {
        try tag(ValueTag.bool)
        let b = try raw(1).first ?? 2
        guard b <= 1 else { throw Revert.invalidArguments }
        return b == 1
    }
    /// Reads `bytes`.
    public mutating func readBytes() throws(Revert) -> [UInt8] { try tag(ValueTag.bytes); return Array(try raw(try length())) }
    /// A string's UTF-8 bytes (the SDK leaves text handling to the contract; the node checks
    /// that arguments it encodes are valid UTF-8).
    public mutating func readStringBytes() throws(Revert) -> [UInt8] { try tag(ValueTag.string); return Array(try raw(try length())) }
    /// Reads an `address`.
    public mutating func readAddress() throws(Revert) -> Address {
        try tag(ValueTag.address)
        return Address(uncheckedBytes: Array(try raw(20)))
    }
    /// Reads a list header and returns its count; the caller then reads the values.
    public mutating func readListHeader() throws(Revert) -> Int {
        try tag(ValueTag.list)
        let n = try length()
        guard n <= bytes.count - position else { throw Revert.invalidArguments }  // each value is at least a byte
        return n
    }

    /// Reads any codable value.
    public mutating func read<T: ContractCodable>(_ type: T.Type = T.self) throws(Revert) -> T { try T.decode(from: &self) }

    /// Reverts unless every byte has been read.
    public func finish() throws(Revert) { guard isAtEnd else { throw Revert.invalidArguments } }
}

extension UInt64: ContractCodable {
    public func encode(to writer: inout ArgumentWriter) { writer.writeU64(self) }
    public static func decode(from reader: inout ArgumentReader) throws(Revert) -> UInt64 { try reader.readU64() }
}

extension Int64: ContractCodable {
    public func encode(to writer: inout ArgumentWriter) { writer.writeI64(self) }
    public static func decode(from reader: inout ArgumentReader) throws(Revert) -> Int64 { try reader.readI64() }
}

extension Bool: ContractCodable {
    public func encode(to writer: inout ArgumentWriter) { writer.writeBool(self) }
    public static func decode(from reader: inout ArgumentReader) throws(Revert) -> Bool { try reader.readBool() }
}

extension Array: ContractCodable where Element == UInt8 {
    public func encode(to writer: inout ArgumentWriter) { writer.writeBytes(self) }
    public static func decode(from reader: inout ArgumentReader) throws(Revert) -> [UInt8] { try reader.readBytes() }
}
