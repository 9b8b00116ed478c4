/// An unsigned 256-bit integer, the number type of proof-of-work arithmetic.
///
/// It plays the part of Bitcoin Core's `arith_uint256`: targets, hashes read as numbers,
/// and cumulative chain work are all `UInt256` values. It is stored as four 64-bit limbs,
/// least significant first, and is a plain value type.
///
/// Two families of arithmetic are offered:
/// - the reporting forms (`addingReportingOverflow(_:)`, `subtractingReportingOverflow(_:)`,
///   `multipliedReportingOverflow(by:)`, `dividedReportingOverflow(by:)`), which never trap
///   and are what consensus code uses on values that come from outside;
/// - the operators `+`, `-`, `*`, `/`, `%`, which trap on overflow or division by zero
///   exactly like Swift's built-in integers, and the wrapping operators `&+`, `&-`, `&*`.
public struct UInt256: Sendable, Hashable {
    // Limbs, least significant first.
    @usableFromInline var l0: UInt64
    @usableFromInline var l1: UInt64
    @usableFromInline var l2: UInt64
    @usableFromInline var l3: UInt64

    /// Creates a value from its four 64-bit limbs, least significant first.
    @inlinable
    init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
    }

    /// Creates a value equal to a 64-bit unsigned integer.
    @inlinable
    public init(_ value: UInt64) {
        self.init(l0: value, l1: 0, l2: 0, l3: 0)
    }

    /// Zero.
    public static let zero = UInt256(0)

    /// One.
    public static let one = UInt256(1)

    /// The largest value, 2^256 - 1.
    public static let max = UInt256(l0: .max, l1: .max, l2: .max, l3: .max)

    /// The number of bits in the type: 256.
    public static let bitWidth = 256

    /// Whether the value is zero.
    @inlinable
    public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// The least significant 64 bits (Bitcoin Core's `GetLow64`).
    @inlinable
    public var low64: UInt64 { l0 }

    /// The number of bits needed to write the value: the position of its highest set bit
    /// plus one, or 0 for zero (Bitcoin Core's `arith_uint256::bits()`).
    public var significantBitWidth: Int {
        if l3 != 0 { return 256 - l3.leadingZeroBitCount }
        if l2 != 0 { return 192 - l2.leadingZeroBitCount }
        if l1 != 0 { return 128 - l1.leadingZeroBitCount }
        return 64 - l0.leadingZeroBitCount
    }

    /// The number of zero bits above the highest set bit (256 for zero).
    public var leadingZeroBitCount: Int { 256 - significantBitWidth }

    /// Limb `index` (0 is least significant); reads past the top give 0.
    @inlinable
    func limb(_ index: Int) -> UInt64 {
        switch index {
        case 0: return l0
        case 1: return l1
        case 2: return l2
        case 3: return l3
        default: return 0
        }
    }

    /// Sets limb `index` (0 is least significant); other indices are ignored.
    @inlinable
    mutating func setLimb(_ index: Int, _ value: UInt64) {
        switch index {
        case 0: l0 = value
        case 1: l1 = value
        case 2: l2 = value
        case 3: l3 = value
        default: break
        }
    }

    /// Whether bit `index` (0 is least significant) is set; out-of-range indices give false.
    public func bit(_ index: Int) -> Bool {
        guard index >= 0, index < 256 else { return false }
        return (limb(index / 64) >> UInt64(index % 64)) & 1 == 1
    }
}

// MARK: - Comparison

extension UInt256: Comparable {
    /// Numeric order.
    @inlinable
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.l3 != rhs.l3 { return lhs.l3 < rhs.l3 }
        if lhs.l2 != rhs.l2 { return lhs.l2 < rhs.l2 }
        if lhs.l1 != rhs.l1 { return lhs.l1 < rhs.l1 }
        return lhs.l0 < rhs.l0
    }
}

extension UInt256: ExpressibleByIntegerLiteral {
    /// Creates a value from an integer literal that fits in 64 bits, e.g. `0x100010001`.
    public init(integerLiteral value: UInt64) {
        self.init(value)
    }
}

// MARK: - Addition and subtraction

extension UInt256 {
    /// The sum modulo 2^256, and whether the true sum did not fit.
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = limb(i).addingReportingOverflow(other.limb(i))
            let (s2, o2) = s1.addingReportingOverflow(carry)
            result.setLimb(i, s2)
            carry = (o1 || o2) ? 1 : 0
        }
        return (result, carry != 0)
    }

    /// The difference modulo 2^256, and whether `other` was larger than `self`.
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (d1, o1) = limb(i).subtractingReportingOverflow(other.limb(i))
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            result.setLimb(i, d2)
            borrow = (o1 || o2) ? 1 : 0
        }
        return (result, borrow != 0)
    }

    /// The sum; traps on overflow like Swift's integer `+`.
    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.addingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 addition overflowed")
        return value
    }

    /// The difference; traps when `rhs > lhs` like Swift's integer `-`.
    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.subtractingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 subtraction overflowed")
        return value
    }

    /// The sum modulo 2^256.
    public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.addingReportingOverflow(rhs).partialValue
    }

    /// The difference modulo 2^256.
    public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.subtractingReportingOverflow(rhs).partialValue
    }

    /// Adds in place; traps on overflow.
    public static func += (lhs: inout UInt256, rhs: UInt256) { lhs = lhs + rhs }

    /// Subtracts in place; traps on underflow.
    public static func -= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs - rhs }
}

// MARK: - Multiplication

extension UInt256 {
    /// The product modulo 2^256, and whether the true product did not fit.
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        // Schoolbook multiplication into eight limbs; anything in limbs 4...7 is overflow.
        var wide = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 {
            let a = limb(i)
            if a == 0 { continue }
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (high, low) = a.multipliedFullWidth(by: other.limb(j))
                let (s1, o1) = wide[i + j].addingReportingOverflow(low)
                let (s2, o2) = s1.addingReportingOverflow(carry)
                wide[i + j] = s2
                // high <= 2^64 - 2, so adding two carry bits cannot overflow.
                carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            wide[i + 4] = carry
        }
        let result = UInt256(l0: wide[0], l1: wide[1], l2: wide[2], l3: wide[3])
        let overflow = (wide[4] | wide[5] | wide[6] | wide[7]) != 0
        return (result, overflow)
    }

    /// The product; traps on overflow like Swift's integer `*`.
    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!overflow, "UInt256 multiplication overflowed")
        return value
    }

    /// The product modulo 2^256.
    public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.multipliedReportingOverflow(by: rhs).partialValue
    }

    /// Multiplies in place; traps on overflow.
    public static func *= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs * rhs }
}

// MARK: - Division

extension UInt256 {
    /// The quotient and remainder of dividing by `divisor`, or `nil` when `divisor` is zero.
    ///
    /// Shift-and-subtract long division, the method of Bitcoin Core's
    /// `arith_uint256::operator/=`, with a fast path for divisors that fit in 64 bits.
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256)? {
        if divisor.isZero { return nil }
        if self < divisor { return (.zero, self) }
        if divisor.l1 == 0, divisor.l2 == 0, divisor.l3 == 0 {
            let d = divisor.l0
            var quotient = UInt256.zero
            var remainder: UInt64 = 0
            for i in stride(from: 3, through: 0, by: -1) {
                // remainder < d, so the full-width quotient fits in 64 bits.
                let (q, r) = d.dividingFullWidth((high: remainder, low: limb(i)))
                quotient.setLimb(i, q)
                remainder = r
            }
            return (quotient, UInt256(remainder))
        }
        let shift = significantBitWidth - divisor.significantBitWidth
        var shifted = divisor << shift
        var remainder = self
        var quotient = UInt256.zero
        var position = shift
        while position >= 0 {
            if remainder >= shifted {
                remainder = remainder &- shifted
                quotient.setLimb(position / 64, quotient.limb(position / 64) | (1 << UInt64(position % 64)))
            }
            shifted = shifted >> 1
            position -= 1
        }
        return (quotient, remainder)
    }

    /// The quotient, and `overflow == true` (with `self` as the partial value) when
    /// `divisor` is zero, mirroring `FixedWidthInteger.dividedReportingOverflow(by:)`.
    public func dividedReportingOverflow(by divisor: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        guard let result = quotientAndRemainder(dividingBy: divisor) else { return (self, true) }
        return (result.quotient, false)
    }

    /// The quotient; traps on division by zero like Swift's integer `/`.
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        guard let result = lhs.quotientAndRemainder(dividingBy: rhs) else {
            preconditionFailure("UInt256 division by zero")
        }
        return result.quotient
    }

    /// The remainder; traps on division by zero like Swift's integer `%`.
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        guard let result = lhs.quotientAndRemainder(dividingBy: rhs) else {
            preconditionFailure("UInt256 division by zero")
        }
        return result.remainder
    }

    /// Divides in place; traps on division by zero.
    public static func /= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs / rhs }
}

// MARK: - Bitwise operations and shifts

extension UInt256 {
    /// Bitwise NOT (Bitcoin Core's `operator~`).
    public static prefix func ~ (value: UInt256) -> UInt256 {
        UInt256(l0: ~value.l0, l1: ~value.l1, l2: ~value.l2, l3: ~value.l3)
    }

    /// Bitwise AND.
    public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(l0: lhs.l0 & rhs.l0, l1: lhs.l1 & rhs.l1, l2: lhs.l2 & rhs.l2, l3: lhs.l3 & rhs.l3)
    }

    /// Bitwise OR.
    public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(l0: lhs.l0 | rhs.l0, l1: lhs.l1 | rhs.l1, l2: lhs.l2 | rhs.l2, l3: lhs.l3 | rhs.l3)
    }

    /// Bitwise XOR.
    public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(l0: lhs.l0 ^ rhs.l0, l1: lhs.l1 ^ rhs.l1, l2: lhs.l2 ^ rhs.l2, l3: lhs.l3 ^ rhs.l3)
    }

    /// Shifts left by `count` bits, discarding bits shifted past the top; a count of 256
    /// or more gives zero, and a negative count shifts right.
    public static func << (value: UInt256, count: Int) -> UInt256 {
        if count < 0 { return value >> (0 - Swift.max(count, -256)) }
        if count >= 256 { return .zero }
        let limbShift = count / 64
        let bitShift = UInt64(count % 64)
        var result = UInt256.zero
        for i in stride(from: 3, through: limbShift, by: -1) {
            var word = value.limb(i - limbShift) << bitShift
            if bitShift != 0, i - limbShift - 1 >= 0 {
                word |= value.limb(i - limbShift - 1) >> (64 - bitShift)
            }
            result.setLimb(i, word)
        }
        return result
    }

    /// Shifts right by `count` bits; a count of 256 or more gives zero, and a negative
    /// count shifts left.
    public static func >> (value: UInt256, count: Int) -> UInt256 {
        if count < 0 { return value << (0 - Swift.max(count, -256)) }
        if count >= 256 { return .zero }
        let limbShift = count / 64
        let bitShift = UInt64(count % 64)
        var result = UInt256.zero
        for i in 0..<(4 - limbShift) {
            var word = value.limb(i + limbShift) >> bitShift
            if bitShift != 0 {
                word |= value.limb(i + limbShift + 1) << (64 - bitShift)
            }
            result.setLimb(i, word)
        }
        return result
    }

    /// Shifts left in place.
    public static func <<= (value: inout UInt256, count: Int) { value = value << count }

    /// Shifts right in place.
    public static func >>= (value: inout UInt256, count: Int) { value = value >> count }
}

// MARK: - Bytes

extension UInt256 {
    /// Reads exactly 32 bytes as a big-endian number (most significant byte first);
    /// `nil` for any other length.
    public init?(bigEndianBytes bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var value = UInt256.zero
        var index = 0
        for byte in bytes {
            let bitIndex = (31 - index) * 8
            value.setLimb(bitIndex / 64, value.limb(bitIndex / 64) | (UInt64(byte) << UInt64(bitIndex % 64)))
            index += 1
        }
        self = value
    }

    /// Reads exactly 32 bytes as a little-endian number (least significant byte first),
    /// the way Bitcoin reads a block hash as a number; `nil` for any other length.
    public init?(littleEndianBytes bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.init(bigEndianBytes: bytes.reversed())
    }

    /// The 32 bytes of the value, most significant first.
    public var bigEndianBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in 0..<32 {
            let bitIndex = (31 - index) * 8
            bytes[index] = UInt8(truncatingIfNeeded: limb(bitIndex / 64) >> UInt64(bitIndex % 64))
        }
        return bytes
    }

    /// The 32 bytes of the value, least significant first.
    public var littleEndianBytes: [UInt8] { bigEndianBytes.reversed() }
}

// MARK: - Hex

extension UInt256: CustomStringConvertible {
    /// Parses a hexadecimal number of up to 64 significant digits, upper or lower case,
    /// with an optional `0x` or `0X` prefix; `nil` for an empty, malformed or too large one.
    public init?(hex: String) {
        var digits = Substring(hex)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty else { return nil }
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(digits.utf8.count)
        for char in digits.utf8 {
            guard let nibble = HexDigits.value(of: char) else { return nil }
            if nibbles.isEmpty && nibble == 0 { continue }  // skip leading zeros
            nibbles.append(nibble)
        }
        guard nibbles.count <= 64 else { return nil }
        var value = UInt256.zero
        for (offset, nibble) in nibbles.reversed().enumerated() {
            let bitIndex = offset * 4
            value.setLimb(bitIndex / 64, value.limb(bitIndex / 64) | (UInt64(nibble) << UInt64(bitIndex % 64)))
        }
        self = value
    }

    /// The value as exactly 64 lowercase hexadecimal digits, without a prefix (the form
    /// Bitcoin Core prints hashes and `chainwork` in).
    public var hexString: String {
        HexDigits.encode(bigEndianBytes)
    }

    /// The same as `hexString`.
    public var description: String { hexString }
}
