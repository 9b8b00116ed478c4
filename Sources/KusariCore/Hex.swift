/// Lowercase hexadecimal encoding and strict decoding of byte strings.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hex, two characters per byte.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a hex string (upper or lower case, no prefix, even length).
    /// - Throws: `HexError` naming `field` when the string is not hex.
    public static func decode(_ text: String, field: String = "hex") throws(HexError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw .oddLength(field: field) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else {
                throw .invalidCharacter(field: field, position: i)
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Decodes a hex string that must hold exactly `count` bytes.
    public static func decode(_ text: String, count: Int, field: String) throws(HexError) -> [UInt8] {
        let bytes = try decode(text, field: field)
        guard bytes.count == count else {
            throw .wrongLength(field: field, expected: count, actual: bytes.count)
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}

/// Why a hex string could not be decoded.
public enum HexError: Error, Equatable, CustomStringConvertible {
    case oddLength(field: String)
    case invalidCharacter(field: String, position: Int)
    case wrongLength(field: String, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .oddLength(let f), .invalidCharacter(let f, _), .wrongLength(let f, _, _): return "\(f): \(reason)"
        }
    }

    /// What is wrong, without the field's name.
    public var reason: String {
        switch self {
        case .oddLength: return "hex string has an odd number of digits"
        case .invalidCharacter(_, let p): return "not a hex digit at position \(p)"
        case .wrongLength(_, let e, let a): return "expected \(e) bytes, got \(a)"
        }
    }
}
