import KusariCore

/// A value in the argument encoding that contracts and the node share (docs/protocol.md
/// 18.3): a tag byte, then the value, integers big-endian.
///
/// | tag | value | encoding after the tag |
/// | --- | --- | --- |
/// | `01` | u64 | `u64` |
/// | `02` | i64 | `u64` of the two's complement |
/// | `03` | bool | `00` or `01` |
/// | `04` | bytes | `u32` length ‖ bytes |
/// | `05` | string | `u32` length ‖ UTF-8 |
/// | `06` | address | `payload` (20 bytes) |
/// | `07` | list | `u32` count ‖ values |
///
/// Arguments are values one after another; a decoder refuses anything left over.
public enum ContractValue: Sendable, Equatable, Hashable {
    /// An unsigned 64-bit integer (tag `01`).
    case u64(UInt64)
    /// A signed 64-bit integer (tag `02`).
    case i64(Int64)
    /// A bool (tag `03`).
    case bool(Bool)
    /// Raw bytes (tag `04`).
    case bytes([UInt8])
    /// UTF-8 text (tag `05`).
    case string(String)
    /// A 20-byte address payload (tag `06`).
    case address(AddressPayload)
    /// A list of values (tag `07`).
    case list([ContractValue])

    /// The encoding of `values` one after another.
    public static func encode(_ values: [ContractValue]) -> [UInt8] {
        var out: [UInt8] = []
        for value in values { value.append(to: &out) }
        return out
    }

    /// The values of `bytes`, or the first problem.
    public static func decode(_ bytes: [UInt8]) throws(ContractValueError) -> [ContractValue] {
        var reader = ValueReader(bytes: bytes)
        var values: [ContractValue] = []
        while !reader.isAtEnd { values.append(try reader.value(depth: 0)) }
        return values
    }

    /// This value's encoding.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        append(to: &out)
        return out
    }

    func append(to out: inout [UInt8]) {
        func u32(_ n: Int) { let v = UInt32(truncatingIfNeeded: n); for s in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
        func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
        switch self {
        case .u64(let v): out.append(0x01); u64(v)
        case .i64(let v): out.append(0x02); u64(UInt64(bitPattern: v))
        case .bool(let v): out.append(0x03); out.append(v ? 1 : 0)
        case .bytes(let v): out.append(0x04); u32(v.count); out.append(contentsOf: v)
        case .string(let v): out.append(0x05); u32(v.utf8.count); out.append(contentsOf: v.utf8)
        case .address(let v): out.append(0x06); out.append(contentsOf: v.bytes)
        case .list(let v): out.append(0x07); u32(v.count); for item in v { item.append(to: &out) }
        }
    }
}

/// Why bytes are not a valid argument encoding.
public enum ContractValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes end inside a value at `offset`.
    case truncated(offset: Int)
    /// An unknown tag byte at `offset`.
    case unknownTag(UInt8, offset: Int)
    /// A bool other than `00` or `01` at `offset`.
    case invalidBool(UInt8, offset: Int)
    /// A string that is not UTF-8 at `offset`.
    case invalidUTF8(offset: Int)
    /// Lists nested deeper than 16.
    case tooDeep(offset: Int)

    public var description: String {
        switch self {
        case .truncated(let o): return "arguments end inside a value (at byte \(o))"
        case .unknownTag(let t, let o): return "unknown value tag 0x\(Hex.encode([t])) at byte \(o)"
        case .invalidBool(let b, let o): return "bool must be 00 or 01, got 0x\(Hex.encode([b])) at byte \(o)"
        case .invalidUTF8(let o): return "string at byte \(o) is not UTF-8"
        case .tooDeep(let o): return "lists nested deeper than 16 at byte \(o)"
        }
    }
}

private struct ValueReader {
    let bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { position == bytes.count }

    mutating func take(_ n: Int) throws(ContractValueError) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - position >= n else { throw .truncated(offset: position) }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    mutating func u64() throws(ContractValueError) -> UInt64 { try take(8).reduce(0) { $0 << 8 | UInt64($1) } }
    mutating func u32() throws(ContractValueError) -> Int { try take(4).reduce(0) { $0 << 8 | Int($1) } }

    mutating func value(depth: Int) throws(ContractValueError) -> ContractValue {
        let start = position
        guard let tag = try take(1).first else { throw .truncated(offset: start) }
        switch tag {
        case 0x01: return .u64(try u64())
        case 0x02: return .i64(Int64(bitPattern: try u64()))
        case 0x03:
            let b = try take(1).first ?? 0xFF
            guard b <= 1 else { throw .invalidBool(b, offset: start) }
            return .bool(b == 1)
        case 0x04: return .bytes(Array(try take(try u32())))
        case 0x05:
            let raw = Array(try take(try u32()))
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8(offset: start) }
            return .string(text)
        case 0x06:
            guard let address = AddressPayload(bytes: try take(20)) else { throw .truncated(offset: start) }
            return .address(address)
        case 0x07:
            guard depth < 16 else { throw .tooDeep(offset: start) }
            let count = try u32()
            guard count <= bytes.count - position else { throw .truncated(offset: start) }
            var items: [ContractValue] = []
            for _ in 0..<count { items.append(try value(depth: depth + 1)) }
            return .list(items)
        default:
            throw .unknownTag(tag, offset: start)
        }
    }
}
