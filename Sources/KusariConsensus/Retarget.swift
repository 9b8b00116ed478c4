/// Difficulty retargeting, exactly as Bitcoin Core's `CalculateNextWorkRequired` and
/// `PermittedDifficultyTransition`, with the spacing, window and limit taken from
/// `PowParameters`.
///
/// Every `retargetWindow` blocks the target is scaled by how long the last window actually
/// took against how long it should have taken, `targetTimespan`. The measured time is
/// clamped to a quarter and four times the intended one, so one window can make mining at
/// most four times harder or easier.
///
/// Bitcoin's off-by-one is kept on purpose: the time is measured from the *first* block of
/// the window to the *last*, which spans `retargetWindow - 1` block intervals, while it is
/// compared with `retargetWindow` intervals. (Fixing it would change consensus.) The caller
/// picks the two timestamps; see `PowParameters.retargetWindowStart(forRetargetAt:)`.
public enum Retarget {
    /// The actual timespan clamped to [targetTimespan / 4, targetTimespan * 4].
    /// Also correct when `lastBlockTime - lastRetargetTime` overflows 64 bits.
    public static func clampedTimespan(lastRetargetTime: Int64, lastBlockTime: Int64, params: PowParameters) -> Int64 {
        let expected = params.targetTimespan
        let (difference, overflow) = lastBlockTime.subtractingReportingOverflow(lastRetargetTime)
        let actual = overflow ? (lastBlockTime > lastRetargetTime ? Int64.max : Int64.min) : difference
        return min(max(actual, expected / 4), expected * 4)
    }

    /// The compact bits of the first block of a new window (Core's
    /// `CalculateNextWorkRequired`): `lastBits`' target x actual / expected timespan,
    /// capped at `powLimit`, re-encoded in canonical compact form.
    ///
    /// - Parameters:
    ///   - lastRetargetTime: the time of the first block of the window that just ended
    ///     (height `h - window` for a retarget at height `h`).
    ///   - lastBlockTime: the time of the last block of that window (height `h - 1`).
    ///   - lastBits: the bits of the last block of that window.
    /// - Throws: `CompactTargetError` when `lastBits` is negative, overflowing or zero.
    ///   (Core decodes it unchecked; such bits can never be in a valid chain, and here
    ///   they would come from outside, so they are refused.)
    ///
    /// The scaling is computed exactly, as if with unbounded integers. Core's 256-bit
    /// `target * timespan` wraps when a target near 2^256 (such as the devnet limit) is
    /// multiplied by the timespan (Bitcoin's regtest never retargets, so Core never meets
    /// it); here the true quotient is used, and capped at `powLimit`. For every input on
    /// which Core's multiply does not wrap, the result is identical.
    public static func nextBits(
        lastRetargetTime: Int64,
        lastBlockTime: Int64,
        lastBits: UInt32,
        params: PowParameters
    ) throws(CompactTargetError) -> UInt32 {
        let oldTarget = try CompactTarget.decode(lastBits)
        let timespan = clampedTimespan(lastRetargetTime: lastRetargetTime, lastBlockTime: lastBlockTime, params: params)
        let newTarget = scaled(oldTarget, by: timespan, params: params)
        return CompactTarget.encode(newTarget)
    }

    /// Whether a block at `height` may have `newBits` when its parent has `oldBits`
    /// (Core's `PermittedDifficultyTransition`, without the test-network exceptions).
    ///
    /// At a non-retarget height the bits must not change. At a retarget height the new
    /// target must lie between the targets the fastest and the slowest allowed windows
    /// would give (old / 4 and old x 4, each capped at `powLimit` and rounded through the
    /// compact encoding as Core does), and it must not exceed `powLimit`. Invalid `oldBits`
    /// or `newBits` are not permitted.
    public static func isPermittedTransition(height: Int, oldBits: UInt32, newBits: UInt32, params: PowParameters) -> Bool {
        guard params.isRetargetHeight(height) else { return oldBits == newBits }
        guard let oldTarget = try? CompactTarget.decode(oldBits),
              let observed = try? CompactTarget.decode(newBits),
              observed <= params.powLimit
        else { return false }
        let largest = CompactTarget.decodeUnchecked(
            CompactTarget.encode(scaled(oldTarget, by: params.targetTimespan * 4, params: params))).value
        if observed > largest { return false }
        let smallest = CompactTarget.decodeUnchecked(
            CompactTarget.encode(scaled(oldTarget, by: params.targetTimespan / 4, params: params))).value
        if observed < smallest { return false }
        return true
    }

    /// `floor(target x timespan / targetTimespan)`, capped at `powLimit`, without a wider
    /// integer: with target = q x E + r (E the target timespan, r < E), the result is
    /// q x timespan + floor(r x timespan / E), where r x timespan < 2^128 always fits and
    /// q x timespan overflows only when the result itself exceeds 2^256 (above any limit).
    /// `timespan` is positive: callers pass a clamped value.
    static func scaled(_ target: UInt256, by timespan: Int64, params: PowParameters) -> UInt256 {
        let expected = UInt256(UInt64(clamping: params.targetTimespan))
        let factor = UInt256(UInt64(clamping: timespan))
        guard let (q, r) = target.quotientAndRemainder(dividingBy: expected) else { return params.powLimit }
        let (high, overflow) = q.multipliedReportingOverflow(by: factor)
        if overflow { return params.powLimit }
        let low = (r &* factor).dividedReportingOverflow(by: expected).partialValue
        let (result, sumOverflow) = high.addingReportingOverflow(low)
        if sumOverflow { return params.powLimit }
        return min(result, params.powLimit)
    }
}
