/// A fixed-length big-endian bit string, for packing 11-bit word indices.
struct BitString {
    /// The bytes, most significant bit first; the tail of the last byte is zero.
    private(set) var bytes: [UInt8]

    /// The bits of `bytes`.
    init(bytes: [UInt8]) { self.bytes = bytes }

    /// `bitCount` zero bits.
    init(bitCount: Int) { bytes = [UInt8](repeating: 0, count: (bitCount + 7) / 8) }

    /// The `width`-bit unsigned value starting at bit `offset` (width <= 32).
    func value(at offset: Int, width: Int) -> Int {
        var v = 0
        for i in offset..<(offset + width) {
            v = v << 1 | Int(bytes[i / 8] >> (7 - UInt8(i % 8)) & 1)
        }
        return v
    }

    /// Writes the low `width` bits of `value` at bit `offset`.
    mutating func set(_ value: Int, at offset: Int, width: Int) {
        for i in 0..<width where value >> (width - 1 - i) & 1 == 1 {
            let bit = offset + i
            bytes[bit / 8] |= 1 << (7 - UInt8(bit % 8))
        }
    }
}
