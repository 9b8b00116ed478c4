/// Strict decoding of standard base64 (RFC 4648 section 4, with `=` padding), for the
/// module's own file parsing.
enum Base64 {
    /// The 6-bit value of one base64 alphabet character, or `nil`.
    private static func value(of char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return char - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return char - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }

    /// Decodes padded base64. Returns `nil` unless the length is a multiple of four, every
    /// character is in the alphabet, padding (at most two `=`) appears only at the end, and
    /// the unused bits before the padding are zero (so each byte string has one encoding).
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        let chars = Array(text)
        guard !chars.isEmpty, chars.count % 4 == 0 else { return nil }
        var padding = 0
        if chars[chars.count - 1] == UInt8(ascii: "=") { padding += 1 }
        if chars[chars.count - 2] == UInt8(ascii: "=") { padding += 1 }
        // "x=y=" style padding (second-to-last '=' but last not) is rejected below,
        // because '=' is not in the alphabet.
        if padding == 1 && chars[chars.count - 2] == UInt8(ascii: "=") { return nil }
        let dataCount = chars.count - padding
        var values: [UInt8] = []
        values.reserveCapacity(dataCount)
        for char in chars[0..<dataCount] {
            guard let v = value(of: char) else { return nil }
            values.append(v)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 4 * 3)
        var index = 0
        while index + 4 <= values.count {
            let (a, b, c, d) = (values[index], values[index + 1], values[index + 2], values[index + 3])
            bytes.append(a << 2 | b >> 4)
            bytes.append((b & 0x0f) << 4 | c >> 2)
            bytes.append((c & 0x03) << 6 | d)
            index += 4
        }
        switch values.count - index {
        case 0:
            break
        case 2:
            let (a, b) = (values[index], values[index + 1])
            guard b & 0x0f == 0 else { return nil }
            bytes.append(a << 2 | b >> 4)
        case 3:
            let (a, b, c) = (values[index], values[index + 1], values[index + 2])
            guard c & 0x03 == 0 else { return nil }
            bytes.append(a << 2 | b >> 4)
            bytes.append((b & 0x0f) << 4 | c >> 2)
        default:
            return nil
        }
        return bytes
    }
}
