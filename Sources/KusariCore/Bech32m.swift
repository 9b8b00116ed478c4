/// The bech32m string format of BIP-350: a human-readable part, the separator
/// `1`, 5-bit data characters and a six-character checksum.
public enum Bech32m {
    static let charset: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    static let checksumConstant: UInt32 = 0x2bc830a3
    /// The longest string BIP-173/350 allow.
    public static let maxLength = 90

    private static let reverseCharset: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ffffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    static func expandHRP(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Encodes `hrp` (lowercase ASCII 33...126) and 5-bit `data` values.
    public static func encode(hrp: String, data: [UInt8]) -> String {
        let h = Array(hrp.lowercased().utf8)
        let mod = polymod(expandHRP(h) + data + [0, 0, 0, 0, 0, 0]) ^ checksumConstant
        var out = h
        out.append(UInt8(ascii: "1"))
        for d in data { out.append(charset[Int(d & 31)]) }
        for i in 0..<6 { out.append(charset[Int((mod >> UInt32(5 * (5 - i))) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes and checks a bech32m string, returning the lowercase
    /// human-readable part and the 5-bit data values (checksum removed).
    public static func decode(_ text: String) throws(Bech32mError) -> (hrp: String, data: [UInt8]) {
        let bytes = Array(text.utf8)
        guard bytes.count <= maxLength else { throw .tooLong(bytes.count) }
        var hasLower = false, hasUpper = false
        for c in bytes {
            guard c >= 33 && c <= 126 else { throw .invalidCharacter }
            if c >= 97 && c <= 122 { hasLower = true }
            if c >= 65 && c <= 90 { hasUpper = true }
        }
        guard !(hasLower && hasUpper) else { throw .mixedCase }
        let lower = bytes.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }
        guard let sep = lower.lastIndex(of: UInt8(ascii: "1")) else { throw .missingSeparator }
        guard sep > 0 else { throw .emptyHRP }
        guard lower.count - sep - 1 >= 6 else { throw .checksumTooShort }
        let hrp = Array(lower[..<sep])
        var data: [UInt8] = []
        for c in lower[(sep + 1)...] {
            let v = reverseCharset[Int(c)]
            guard v >= 0 else { throw .invalidDataCharacter(Character(Unicode.Scalar(c))) }
            data.append(UInt8(v))
        }
        guard polymod(expandHRP(hrp) + data) == checksumConstant else { throw .badChecksum }
        return (String(decoding: hrp, as: UTF8.self), Array(data.dropLast(6)))
    }

    /// Regroups bits, e.g. 8-bit bytes into 5-bit values (`pad` true) or back
    /// (`pad` false, where leftover bits must be fewer than `from` and zero).
    public static func convertBits(_ input: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var acc = 0, bits = 0
        var out: [UInt8] = []
        let maxv = (1 << to) - 1
        for value in input {
            guard Int(value) >> from == 0 else { return nil }
            acc = (acc << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> bits) & maxv))
            }
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxv)) }
        } else if bits >= from || ((acc << (to - bits)) & maxv) != 0 {
            return nil
        }
        return out
    }
}

/// Why a string is not valid bech32m.
public enum Bech32mError: Error, Equatable, CustomStringConvertible {
    case tooLong(Int)
    case invalidCharacter
    case mixedCase
    case missingSeparator
    case emptyHRP
    case checksumTooShort
    case invalidDataCharacter(Character)
    case badChecksum

    public var description: String {
        switch self {
        case .tooLong(let n): return "too long (\(n) characters, at most \(Bech32m.maxLength))"
        case .invalidCharacter: return "contains a character outside printable ASCII"
        case .mixedCase: return "mixes upper and lower case"
        case .missingSeparator: return "has no separator '1'"
        case .emptyHRP: return "has an empty human-readable part"
        case .checksumTooShort: return "is too short to hold a checksum"
        case .invalidDataCharacter(let c): return "contains '\(c)', which is not a bech32 data character"
        case .badChecksum: return "has a wrong checksum (a mistyped character?)"
        }
    }
}
