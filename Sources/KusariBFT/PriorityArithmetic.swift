/// The integer arithmetic of CometBFT's proposer priorities, with Go's semantics
/// reproduced exactly (CometBFT `types/validator_set.go`): additions and subtractions
/// clip at the `Int64` bounds instead of trapping, the average is the exact sum divided
/// by the count rounding towards negative infinity (Go's `big.Int.Div` is Euclidean
/// division, which for a positive divisor is the floor), and the rescaling divides by
/// Go's truncating `/`. Nothing here traps on any input.
enum PriorityArithmetic {
    /// `a + b`, clipped to `Int64.min ... Int64.max` (CometBFT's `safeAddClip`).
    static func addClip(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b < 0 ? .min : .max
    }

    /// `a - b`, clipped to `Int64.min ... Int64.max` (CometBFT's `safeSubClip`).
    static func subClip(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard overflow else { return difference }
        return b > 0 ? .min : .max
    }

    /// The floor of the exact mean of `values` (non-empty), computed in 128 bits so that
    /// no sum can overflow: CometBFT's `computeAvgProposerPriority`, which sums in a
    /// `big.Int` and divides with `big.Int.Div` (Euclidean: -7 / 2 = -4, not Go's `/`
    /// result -3). The mean of `Int64` values is always an `Int64`.
    static func floorMean(_ values: [Int64]) -> Int64 {
        guard !values.isEmpty else { return 0 }
        // Two's complement 128-bit sum: (high, low).
        var high: Int64 = 0
        var low: UInt64 = 0
        for value in values {
            let (newLow, carry) = low.addingReportingOverflow(UInt64(bitPattern: value))
            low = newLow
            // Sign-extend the value into the high word, then add the carry.
            high = high &+ (value < 0 ? -1 : 0) &+ (carry ? 1 : 0)
        }
        let count = UInt64(values.count)
        let negative = high < 0
        // Magnitude of the sum as (magHigh, magLow).
        var magHigh = UInt64(bitPattern: high)
        var magLow = low
        if negative {
            magLow = ~magLow &+ 1
            magHigh = ~magHigh &+ (magLow == 0 ? 1 : 0)
        }
        // |sum| <= count * 2^63, so magHigh < count and the quotient fits in 64 bits.
        let (quotient, remainder) = count.dividingFullWidth((high: magHigh, low: magLow))
        if !negative { return Int64(truncatingIfNeeded: quotient) }
        // Floor for a negative sum: -(q) or -(q + 1) when there is a remainder.
        let magnitude = remainder == 0 ? quotient : quotient &+ 1
        return Int64(truncatingIfNeeded: 0 &- magnitude)
    }

    /// `max - min` of `values` (non-empty) as Go computes it in `computeMaxMinPriorityDiff`:
    /// the subtraction wraps on overflow, and a negative result is negated (wrapping too).
    /// With priorities inside CometBFT's window the subtraction never wraps.
    static func maxMinDifference(_ values: [Int64]) -> Int64 {
        var maximum = Int64.min
        var minimum = Int64.max
        for value in values {
            if value < minimum { minimum = value }
            if value > maximum { maximum = value }
        }
        let difference = maximum &- minimum
        return difference < 0 ? 0 &- difference : difference
    }

    /// The divisor CometBFT's `RescalePriorities` applies when the spread of `values`
    /// exceeds `window`: `ceil(diff / window)` computed as `(diff + window - 1) / window`
    /// with Go's wrapping addition and truncating division. Nil when no rescaling is done
    /// (the window is not positive, or the spread fits in it).
    static func rescaleRatio(_ values: [Int64], window: Int64) -> Int64? {
        guard window > 0, !values.isEmpty else { return nil }
        let difference = maxMinDifference(values)
        guard difference > window else { return nil }
        let ratio = (difference &+ window &- 1).dividedReportingOverflow(by: window).partialValue
        // Never 0: without wrapping ratio >= 1; the addition wraps only when the sum passes
        // Int64.max, and then it lands below -2^63 + 2^61 while window <= 2^61, so |ratio| >= 3.
        return ratio == 0 ? nil : ratio
    }

    /// `value / ratio` with Go's truncating division (`Int64.min / -1` wraps to `Int64.min`).
    static func truncatingDivide(_ value: Int64, by ratio: Int64) -> Int64 {
        value.dividedReportingOverflow(by: ratio).partialValue
    }

    /// The priority of a validator that joins a set whose total voting power (after the
    /// updates, before the removals) is `total`: `-1.125 * total` in integers,
    /// `-(total + total >> 3)`. `total` is below `2 * maxTotalVotingPower`, so this fits.
    static func newValidatorPriority(total: Int64) -> Int64 {
        0 &- (total &+ (total >> 3))
    }
}
