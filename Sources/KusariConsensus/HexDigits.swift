/// Hexadecimal text to bytes and back, for the module's own parsing and printing.
enum HexDigits {
    private static let alphabet: [UInt8] = Array("0123456789abcdef".utf8)

    /// The value of one ASCII hex digit (either case), or `nil`.
    static func value(of char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return char - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Whether every byte is an ASCII hex digit.
    static func isHex(_ text: some Collection<UInt8>) -> Bool {
        text.allSatisfy { value(of: $0) != nil }
    }

    /// Decodes an even number of hex digits to bytes; `nil` for odd length or a non-digit.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var high: UInt8? = nil
        for char in text {
            guard let nibble = value(of: char) else { return nil }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }

    /// Lowercase hex of `bytes`, two digits a byte, in the order given.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var chars: [UInt8] = []
        for byte in bytes {
            chars.append(alphabet[Int(byte >> 4)])
            chars.append(alphabet[Int(byte & 0x0f)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// `0x` and exactly eight lowercase hex digits: the usual way to show compact `bits`.
    static func bits(_ value: UInt32) -> String {
        "0x" + encode([UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)])
    }
}
