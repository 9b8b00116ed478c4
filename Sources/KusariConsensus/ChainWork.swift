/// Work: the expected number of hashes needed to meet a target, and its running total
/// along a chain. The heaviest chain (most cumulative work), not the longest, is the
/// canonical one.
public enum ChainWork {
    /// The work a block with this target proves: 2^256 / (target + 1), rounded down.
    ///
    /// Computed as Bitcoin Core's `GetBlockProof` does, as `(~target / (target + 1)) + 1`,
    /// because 2^256 does not fit in 256 bits. Returns 1 for the maximum target (where
    /// `target + 1` wraps) and 0 for a zero target, which is not a valid target and for
    /// which Core's `GetBlockProof` also gives 0.
    public static func work(target: UInt256) -> UInt256 {
        if target.isZero { return .zero }
        let (denominator, wrapped) = target.addingReportingOverflow(.one)
        if wrapped { return .one }  // target == 2^256 - 1: 2^256 / 2^256 == 1
        guard let (quotient, _) = (~target).quotientAndRemainder(dividingBy: denominator) else { return .zero }
        // quotient <= (2^256 - 1) / 2, so adding one cannot overflow.
        return quotient &+ .one
    }

    /// The work a block with these compact bits proves, or the reason the bits are not a
    /// valid target.
    public static func work(bits: UInt32) throws(CompactTargetError) -> UInt256 {
        work(target: try CompactTarget.decode(bits))
    }

    /// `total + work`, or `nil` if the sum no longer fits in 256 bits.
    public static func adding(_ work: UInt256, to total: UInt256) -> UInt256? {
        let (sum, overflow) = total.addingReportingOverflow(work)
        return overflow ? nil : sum
    }
}
