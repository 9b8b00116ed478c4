#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`): every connection, database
/// file and log holds one, so the node's connection caps are set below it.
public enum FileLimit {
    /// The soft and hard limits now, or nil where they cannot be read. An unlimited
    /// value is reported as `Int.max`.
    public static func current() -> (soft: Int, hard: Int)? {
        var limit = rlimit()
        guard getrlimit(resourceNumber, &limit) == 0 else { return nil }
        return (count(limit.rlim_cur), count(limit.rlim_max))
    }

    /// Raises the soft limit towards the hard limit, to at most `ceiling` (as
    /// servers such as nginx and bitcoind do at start; the hard limit is what the
    /// administrator allows). Never lowers it. Returns the soft limit in force after.
    @discardableResult
    public static func raise(toAtMost ceiling: Int = 65_536) -> Int {
        var limit = rlimit()
        guard getrlimit(resourceNumber, &limit) == 0 else { return 1_024 }
        let soft = count(limit.rlim_cur), hard = count(limit.rlim_max)
        let wanted = min(hard, ceiling)
        guard wanted > soft else { return soft }
        limit.rlim_cur = rlim_t(wanted)
        return setrlimit(resourceNumber, &limit) == 0 ? wanted : soft
    }

    private static func count(_ value: rlim_t) -> Int {
        value >= rlim_t(Int.max) ? Int.max : Int(value)
    }

    #if canImport(Glibc)
    private static let resourceNumber = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resourceNumber = RLIMIT_NOFILE
    #endif
}
