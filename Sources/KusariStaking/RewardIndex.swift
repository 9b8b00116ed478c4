import KusariCore

/// A validator's cumulative reward per share, in units of 2^-64 base units, as a 128-bit
/// number taken modulo 2^128 (docs/protocol.md 20.5). Each block adds
/// floor(delegators' part × 2^64 / shares); a delegation is owed
/// floor(its shares × (index now − index when last paid) / 2^64). Only differences are
/// used, so the index may wrap: a difference is exact while the rewards it stands for
/// fit in 64 bits, which every amount of KSR does.
public struct RewardIndex: Hashable, Sendable {
    /// The whole base units per share.
    public var high: UInt64
    /// The fraction, in 2^-64 base units per share.
    public var low: UInt64

    /// The index of a new validator.
    public static let zero = RewardIndex(high: 0, low: 0)

    /// The index `high × 2^64 + low`.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// floor(amount × 2^64 / shares); shares must be above 0.
    static func perShare(_ amount: UInt64, shares: UInt64) -> RewardIndex {
        let high = amount / shares
        let remainder = amount % shares
        // remainder < shares, so (remainder × 2^64) / shares fits in 64 bits.
        let (low, _) = shares.dividingFullWidth((high: remainder, low: 0))
        return RewardIndex(high: high, low: low)
    }

    /// self + other modulo 2^128.
    func adding(_ other: RewardIndex) -> RewardIndex {
        let (low, carry) = low.addingReportingOverflow(other.low)
        return RewardIndex(high: high &+ other.high &+ (carry ? 1 : 0), low: low)
    }

    /// self − other modulo 2^128.
    func subtracting(_ other: RewardIndex) -> RewardIndex {
        let (low, borrow) = low.subtractingReportingOverflow(other.low)
        return RewardIndex(high: high &- other.high &- (borrow ? 1 : 0), low: low)
    }

    /// floor(shares × self / 2^64), or nil when it does not fit in 64 bits.
    func owed(shares: UInt64) -> UInt64? {
        let (whole, overflow) = shares.multipliedReportingOverflow(by: high)
        let fraction = shares.multipliedFullWidth(by: low).high
        let (sum, overflow2) = whole.addingReportingOverflow(fraction)
        return overflow || overflow2 ? nil : sum
    }

    func write(to w: inout ByteWriter) {
        w.writeUInt64(high)
        w.writeUInt64(low)
    }

    init?(from r: inout ByteReader) {
        guard let high = try? r.readUInt64(field: "indexHigh"), let low = try? r.readUInt64(field: "indexLow") else { return nil }
        self.init(high: high, low: low)
    }
}

/// floor(a × b / c) in 128-bit arithmetic; c must be above 0 and the result fit in 64 bits
/// (it does whenever b ≤ c).
func mulDiv(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
    let product = a.multipliedFullWidth(by: b)
    guard product.high < c else { return UInt64.max }
    return c.dividingFullWidth(product).quotient
}

/// ceil(a × b / c), as ``mulDiv(_:_:_:)``.
func mulDivUp(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
    let product = a.multipliedFullWidth(by: b)
    guard product.high < c else { return UInt64.max }
    let (q, r) = c.dividingFullWidth(product)
    return r == 0 || q == UInt64.max ? q : q + 1
}
