import KusariBFT
import KusariCore
import Synchronization

/// What the node remembers to answer BFT questions cheaply: the engine of its genesis,
/// validator sets at some heights (moving proposer priorities on to height `h` costs
/// `h` x validators steps from the genesis, so a set is moved on from the nearest one
/// below instead), and the validator indexes of recent stored commits (committed blocks
/// are final, so these never change). Bounded: `maxCheckpoints` sets besides the latest,
/// `maxSigners` heights of signers.
public final class BFTViewCache: Sendable {
    /// Sets are kept at multiples of this height.
    static let checkpointSpacing: UInt64 = 1_000
    /// The most sets kept at checkpoints (besides the latest one asked for).
    static let maxCheckpoints = 256
    /// The most heights whose commit signers are kept (the lowest go first).
    static let maxSigners = 4_096

    private struct State {
        var engineLoaded = false
        var engine: BFTEngine?
        var checkpoints: [UInt64: ValidatorSet] = [:]
        var latest: (height: UInt64, set: ValidatorSet)?
        var signers: [UInt64: [UInt32]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The BFT engine of `genesis` (made once), nil for a proof-of-work genesis.
    func engine(genesis: Genesis) -> BFTEngine? {
        if let loaded = state.withLock({ $0.engineLoaded ? Optional($0.engine) : nil }) { return loaded }
        let made = (try? genesis.engine()) as? BFTEngine
        state.withLock {
            $0.engine = made
            $0.engineLoaded = true
        }
        return made
    }

    /// The set that votes at `height` (at least 1), as `engine.validatorSet(atHeight:)`
    /// computes it, moved on from the nearest kept set below it when that gives the same
    /// priorities (no scaling or centring would change them first; else computed afresh).
    public func validatorSet(engine: BFTEngine, atHeight height: UInt64) -> ValidatorSet {
        let start: (height: UInt64, set: ValidatorSet) = state.withLock { s in
            var best: (height: UInt64, set: ValidatorSet) = (1, engine.validators)
            if let latest = s.latest, latest.height <= height { best = latest }
            let checkpoint = height / Self.checkpointSpacing * Self.checkpointSpacing
            var c = checkpoint
            // The highest checkpoint at or below `height` that is kept and above `best`.
            while c > best.height {
                if let set = s.checkpoints[c] { best = (c, set); break }
                c -= Self.checkpointSpacing
            }
            return best
        }
        var set = start.set
        var at = start.height
        var made: [(UInt64, ValidatorSet)] = []
        while at < height {
            let nextCheckpoint = (at / Self.checkpointSpacing + 1) * Self.checkpointSpacing
            let target = min(height, nextCheckpoint)
            guard at == 1 || Self.stepsAreExact(set) else {
                // Scaling or centring would change the priorities here: compute from the genesis set.
                set = engine.validatorSet(atHeight: height)
                at = height
                made = []
                break
            }
            var remaining = target - at
            while remaining > 0 {
                let step = UInt32(min(remaining, UInt64(UInt32.max)))
                set.incrementProposerPriority(times: step)
                remaining -= UInt64(step)
            }
            at = target
            if at % Self.checkpointSpacing == 0 { made.append((at, set)) }
        }
        state.withLock { s in
            for (h, kept) in made where s.checkpoints.count < Self.maxCheckpoints { s.checkpoints[h] = kept }
            if (s.latest?.height ?? 0) <= height { s.latest = (height, set) }
        }
        return set
    }

    /// True when moving `set` on in one more call gives what one longer call from the start
    /// would: its priorities spread over at most twice the total power (no scaling) and
    /// sum to 0 ... count - 1 (centring subtracts a floor mean of 0).
    static func stepsAreExact(_ set: ValidatorSet) -> Bool {
        let priorities = set.validators.map { Int128($0.proposerPriority) }
        guard let low = priorities.min(), let high = priorities.max() else { return true }
        let sum = priorities.reduce(Int128(0), +)
        return high - low <= 2 * Int128(set.totalPower) && sum >= 0 && sum < Int128(priorities.count)
    }

    /// The kept signers of each of `heights` in order (as far as they are all kept), and the heights not kept.
    func signers(_ heights: ClosedRange<UInt64>) -> (known: [[UInt32]], missing: [UInt64]) {
        state.withLock { s in
            var known: [[UInt32]] = [], missing: [UInt64] = []
            for h in heights {
                if let list = s.signers[h] { known.append(list) } else { missing.append(h) }
            }
            return (known, missing)
        }
    }

    /// Keeps the signers of these heights, dropping the lowest heights past `maxSigners`.
    func remember(_ rows: [(UInt64, [UInt32])]) {
        state.withLock { s in
            for (h, list) in rows { s.signers[h] = list }
            if s.signers.count > Self.maxSigners {
                for h in s.signers.keys.sorted().prefix(s.signers.count - Self.maxSigners) { s.signers[h] = nil }
            }
        }
    }
}
