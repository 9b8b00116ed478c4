import Foundation
import KusariPeers

/// The simulator's virtual time, in seconds: it moves only when the simulator
/// takes its next event, so a run takes no real time to wait.
public final class VirtualClock: NetworkClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double = 0
    /// Unix seconds at virtual time zero (fixed, so that runs repeat).
    public let epoch: UInt64
    public init(epoch: UInt64 = 1_800_000_000) { self.epoch = epoch }
    public var now: Double { lock.withLock { seconds } }
    public var unixSeconds: UInt64 { epoch + UInt64(now) }
    /// Moves the clock to `t` (never back).
    func advance(to t: Double) { lock.withLock { seconds = max(seconds, t) } }
}

/// A seeded random source (SplitMix64): the same seed gives the same numbers.
public final class SeededRandom: RandomSource, @unchecked Sendable {
    private let lock = NSLock()
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public func next() -> UInt64 {
        lock.withLock {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
    /// A value in `0..<bound`.
    public func below(_ bound: UInt64) -> UInt64 { next() % max(1, bound) }
    /// True with probability `permille`/1000.
    public func chance(permille: UInt64) -> Bool { below(1000) < permille }
}
