/// Why a block's timestamp is not acceptable.
public enum BlockTimeError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The time is not after the median of the previous blocks' times.
    case notAfterMedianTimePast(time: Int64, medianTimePast: Int64)
    /// The time is further ahead of the node's clock than the network allows.
    case tooFarInFuture(time: Int64, latestAllowed: Int64)

    /// A sentence a user can act on.
    public var description: String {
        switch self {
        case .notAfterMedianTimePast(let time, let median):
            return "block time \(time) is not after the median time of the previous blocks (\(median))"
        case .tooFarInFuture(let time, let latest):
            return "block time \(time) is too far in the future (latest allowed \(latest))"
        }
    }
}

/// Bitcoin's two timestamp rules: a block's time must be after the median of the previous
/// 11 blocks' times (median-time-past), and no more than `maxFutureBlockTime` ahead of the
/// validating node's clock.
///
/// This module never reads a clock: the caller passes its own notion of "now" (Bitcoin
/// uses the node's network-adjusted time). Only the future-time rule depends on it, which
/// is why Bitcoin treats a block that fails it as "not yet valid" rather than invalid.
public enum BlockTime {
    /// How many previous blocks the median is taken over (Core's `nMedianTimeSpan`).
    public static let medianTimeSpan = 11

    /// The median of the last (up to) 11 timestamps, oldest first as along the chain:
    /// sorted, then the element at index count / 2, as Core's `GetMedianTimePast`
    /// (so with fewer than 11 blocks near genesis, the upper median). `nil` if empty.
    public static func medianTimePast(_ timestamps: some Collection<Int64>) -> Int64? {
        let recent = timestamps.suffix(medianTimeSpan).sorted()
        guard !recent.isEmpty else { return nil }
        return recent[recent.count / 2]
    }

    /// Checks a new block's time against the times of its ancestors (oldest first; only
    /// the last 11 matter, none for a genesis block) and the caller's clock `now`.
    public static func check(
        time: Int64,
        previousTimestamps: some Collection<Int64>,
        now: Int64,
        params: PowParameters
    ) throws(BlockTimeError) {
        if let median = medianTimePast(previousTimestamps), time <= median {
            throw .notAfterMedianTimePast(time: time, medianTimePast: median)
        }
        let (latest, overflow) = now.addingReportingOverflow(params.maxFutureBlockTime)
        if !overflow, time > latest {
            throw .tooFarInFuture(time: time, latestAllowed: latest)
        }
    }
}
