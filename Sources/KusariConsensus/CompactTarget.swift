/// Why a compact `bits` value is not a usable proof-of-work target.
public enum CompactTargetError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The sign bit (0x00800000) is set and the mantissa is not zero: a negative target.
    case negative(bits: UInt32)
    /// The exponent puts significant bits above bit 255: the target does not fit in 256 bits.
    case overflow(bits: UInt32)
    /// The target decodes to zero, which no hash can meet.
    case zero(bits: UInt32)

    /// The offending compact value.
    public var bits: UInt32 {
        switch self {
        case .negative(let bits), .overflow(let bits), .zero(let bits): return bits
        }
    }

    /// A sentence a user can act on.
    public var description: String {
        switch self {
        case .negative(let bits):
            return "compact target \(HexDigits.bits(bits)) is negative (sign bit 0x00800000 set with a non-zero mantissa)"
        case .overflow(let bits):
            return "compact target \(HexDigits.bits(bits)) overflows: it does not fit in 256 bits"
        case .zero(let bits):
            return "compact target \(HexDigits.bits(bits)) is zero, which no block hash can meet"
        }
    }
}

/// Bitcoin's compact ("nBits") encoding of a 256-bit target, exactly as Bitcoin Core's
/// `arith_uint256::SetCompact` and `GetCompact` define it.
///
/// A compact value is `EEMMMMMM` in hex: an 8-bit exponent `E` (the length of the number
/// in bytes) and a 24-bit mantissa whose top bit (0x00800000) is a sign bit. The number is
/// `mantissa * 256^(E - 3)`, truncated when `E < 3`.
public enum CompactTarget {
    /// The full result of decoding, with Bitcoin Core's two flags.
    public struct Decoded: Sendable, Hashable {
        /// The magnitude (`SetCompact`'s value). When `isOverflow` is true, bits shifted
        /// past the top have been lost, as they are in Bitcoin Core.
        public var value: UInt256
        /// The sign bit is set and the mantissa is non-zero (`pfNegative`).
        public var isNegative: Bool
        /// The number needs more than 256 bits (`pfOverflow`).
        public var isOverflow: Bool

        /// Creates a decoded triple.
        public init(value: UInt256, isNegative: Bool, isOverflow: Bool) {
            self.value = value
            self.isNegative = isNegative
            self.isOverflow = isOverflow
        }
    }

    /// Decodes like Bitcoin Core's `SetCompact`, reporting the negative and overflow flags
    /// instead of rejecting. Never traps.
    public static func decodeUnchecked(_ bits: UInt32) -> Decoded {
        let size = Int(bits >> 24)
        var word = bits & 0x007f_ffff
        let value: UInt256
        if size <= 3 {
            word >>= UInt32(8 * (3 - size))
            value = UInt256(UInt64(word))
        } else {
            value = UInt256(UInt64(word)) << (8 * (size - 3))
        }
        let isNegative = word != 0 && (bits & 0x0080_0000) != 0
        let isOverflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))
        return Decoded(value: value, isNegative: isNegative, isOverflow: isOverflow)
    }

    /// Decodes a compact value into a usable target, rejecting what Bitcoin Core's
    /// `CheckProofOfWork` rejects before comparing: negative, overflowing, or zero targets
    /// (checked in that order). Whether the target is within a network's limit is the
    /// caller's question (see `ProofOfWork.target(bits:powLimit:)`).
    public static func decode(_ bits: UInt32) throws(CompactTargetError) -> UInt256 {
        let decoded = decodeUnchecked(bits)
        if decoded.isNegative { throw .negative(bits: bits) }
        if decoded.isOverflow { throw .overflow(bits: bits) }
        if decoded.value.isZero { throw .zero(bits: bits) }
        return decoded.value
    }

    /// Encodes like Bitcoin Core's `GetCompact`: the canonical compact form of `target`,
    /// keeping its top 23 bits (lower bits are truncated, so decoding may give a smaller
    /// number). `negative` sets the sign bit when the mantissa is non-zero, as Core does.
    public static func encode(_ target: UInt256, negative: Bool = false) -> UInt32 {
        var size = (target.significantBitWidth + 7) / 8
        var compact: UInt32
        if size <= 3 {
            compact = UInt32(truncatingIfNeeded: target.low64 << UInt64(8 * (3 - size)))
        } else {
            compact = UInt32(truncatingIfNeeded: (target >> (8 * (size - 3))).low64)
        }
        // The 0x00800000 bit is the sign bit: if the mantissa would use it, divide by 256
        // and raise the exponent.
        if compact & 0x0080_0000 != 0 {
            compact >>= 8
            size += 1
        }
        compact |= UInt32(size) << 24
        if negative && (compact & 0x007f_ffff) != 0 {
            compact |= 0x0080_0000
        }
        return compact
    }

    /// Formats compact bits as `0x` followed by exactly eight lowercase hex digits.
    public static func format(_ bits: UInt32) -> String {
        HexDigits.bits(bits)
    }

    /// Parses compact bits written as one to eight hex digits with an optional `0x`
    /// prefix (the form `format(_:)` prints); `nil` if the text is not that.
    /// Parsing does not validate the target: use `decode(_:)` for that.
    public static func parse(_ text: String) -> UInt32? {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.utf8.count <= 8 else { return nil }
        var value: UInt32 = 0
        for char in digits.utf8 {
            guard let nibble = HexDigits.value(of: char) else { return nil }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }
}
