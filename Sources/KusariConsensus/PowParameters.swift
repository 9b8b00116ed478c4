/// Why a set of proof-of-work parameters cannot be used.
public enum PowParametersError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The target spacing is not a positive number of seconds.
    case nonPositiveSpacing(Int64)
    /// The retarget window is shorter than two blocks, so it measures no interval.
    case windowTooShort(Int)
    /// spacing x window is under 4 seconds (its quarter, the fastest period allowed, would
    /// be zero) or does not fit in 64 bits when multiplied by four.
    case unusableTimespan(spacing: Int64, window: Int)
    /// The proof-of-work limit is zero.
    case zeroPowLimit
    /// The allowed clock drift is negative.
    case negativeMaxFutureBlockTime(Int64)

    /// A sentence a user can act on.
    public var description: String {
        switch self {
        case .nonPositiveSpacing(let spacing):
            return "target spacing must be at least 1 second, got \(spacing)"
        case .windowTooShort(let window):
            return "retarget window must be at least 2 blocks, got \(window)"
        case .unusableTimespan(let spacing, let window):
            return "target timespan \(spacing) s x \(window) blocks must be at least 4 seconds and small enough to multiply by 4"
        case .zeroPowLimit:
            return "the proof-of-work limit must not be zero"
        case .negativeMaxFutureBlockTime(let seconds):
            return "max future block time must not be negative, got \(seconds)"
        }
    }
}

/// The chain parameters of proof of work: how often blocks should come, how often the
/// target is recomputed, the easiest target allowed, and how far ahead of a node's clock a
/// block's timestamp may be.
///
/// Heights are `Int`, times are `Int64` seconds (Unix time for the presets), as Bitcoin
/// Core's `int` heights and `int64_t` block times.
public struct PowParameters: Sendable, Hashable {
    /// A short name for the network, for messages (`bitcoin`, `main`, `test`, `devnet`).
    public let name: String
    /// The intended time between blocks, in seconds (Core's `nPowTargetSpacing`).
    public let targetSpacing: Int64
    /// The number of blocks between retargets (Core's `DifficultyAdjustmentInterval()`).
    public let retargetWindow: Int
    /// The easiest target a block may have (Core's `powLimit`).
    public let powLimit: UInt256
    /// How many seconds a block's time may be ahead of the validating node's clock
    /// (Core's `MAX_FUTURE_BLOCK_TIME`).
    public let maxFutureBlockTime: Int64

    /// Creates validated parameters.
    public init(
        name: String,
        targetSpacing: Int64,
        retargetWindow: Int,
        powLimit: UInt256,
        maxFutureBlockTime: Int64
    ) throws(PowParametersError) {
        guard targetSpacing >= 1 else { throw .nonPositiveSpacing(targetSpacing) }
        guard retargetWindow >= 2 else { throw .windowTooShort(retargetWindow) }
        let (timespan, overflow) = targetSpacing.multipliedReportingOverflow(by: Int64(retargetWindow))
        guard !overflow, timespan >= 4, timespan <= Int64.max / 4 else {
            throw .unusableTimespan(spacing: targetSpacing, window: retargetWindow)
        }
        guard !powLimit.isZero else { throw .zeroPowLimit }
        guard maxFutureBlockTime >= 0 else { throw .negativeMaxFutureBlockTime(maxFutureBlockTime) }
        self.init(unchecked: name, targetSpacing, retargetWindow, powLimit, maxFutureBlockTime)
    }

    private init(unchecked name: String, _ spacing: Int64, _ window: Int, _ limit: UInt256, _ maxFuture: Int64) {
        self.name = name
        self.targetSpacing = spacing
        self.retargetWindow = window
        self.powLimit = limit
        self.maxFutureBlockTime = maxFuture
    }

    /// The intended duration of one retarget window, spacing x window seconds
    /// (Core's `nPowTargetTimespan`).
    public var targetTimespan: Int64 { targetSpacing * Int64(retargetWindow) }

    /// The compact form of `powLimit`: the bits of a minimum-difficulty block.
    public var powLimitBits: UInt32 { CompactTarget.encode(powLimit) }

    /// Whether a block at `height` gets newly computed bits: `height` is a positive multiple
    /// of the window. Every other block (and the genesis block) keeps its parent's bits.
    public func isRetargetHeight(_ height: Int) -> Bool {
        height > 0 && height % retargetWindow == 0
    }

    /// For a retarget at `height`, the height of the block whose time is the
    /// `lastRetargetTime` of `Retarget.nextBits`: `height - retargetWindow`, the first block
    /// of the window that just ended (Core: `pindexLast->nHeight - (interval - 1)`).
    /// The last block of that window is `height - 1`, so the measured timespan covers
    /// `retargetWindow - 1` intervals, not `retargetWindow`: Bitcoin's off-by-one, kept.
    public func retargetWindowStart(forRetargetAt height: Int) -> Int {
        height - retargetWindow
    }

    /// Bitcoin mainnet: 600-second spacing, 2016-block window (two weeks), and Core's
    /// `powLimit` 0x00000000ffff...ff, whose compact form is 0x1d00ffff (the genesis bits;
    /// it decodes to 0x00000000ffff0000...00, and no compact value lies between the two, so
    /// every result is the same as with that value). Blocks may be 2 hours ahead.
    public static let bitcoin = PowParameters(
        unchecked: "bitcoin", 600, 2016,
        UInt256(l0: .max, l1: .max, l2: .max, l3: 0x0000_0000_ffff_ffff), 7200)

    /// Kusari main network: 60-second spacing, 1440-block window (one day).
    ///
    /// Limit 0x000000ff...ff (compact 0x1e00ffff), 256 times easier than Bitcoin's: about
    /// 2^24 hashes a block at minimum difficulty, a few seconds of one CPU core, so a new
    /// network can start on ordinary machines and let the retarget raise the difficulty.
    /// Blocks may be 720 s ahead: Bitcoin's 2 hours is 12 spacings, and Kusari keeps that
    /// ratio (about twice the span median-time-past trails the tip by).
    public static let kusariMain = PowParameters(
        unchecked: "main", 60, 1440,
        UInt256(l0: .max, l1: .max, l2: .max, l3: 0x0000_00ff_ffff_ffff), 720)

    /// Kusari test network: 30-second spacing, 720-block window (six hours).
    ///
    /// Limit 0x0000ff...ff (compact 0x1f00ffff): about 2^16 hashes a block at minimum
    /// difficulty, so anyone can mine on it. Blocks may be 360 s (12 spacings) ahead.
    public static let kusariTest = PowParameters(
        unchecked: "test", 30, 720,
        UInt256(l0: .max, l1: .max, l2: .max, l3: 0x0000_ffff_ffff_ffff), 360)

    /// Kusari development network: 2-second spacing, 30-block window (one minute).
    ///
    /// Limit 0x7fff...ff (compact 0x207fffff, Bitcoin regtest's): about two hashes a block,
    /// for local clusters and tests. Blocks may be a day ahead of the clock (Bitcoin allows
    /// 2 hours): `kusari generate` mines bursts of blocks spaced 2 s apart in block time,
    /// running ahead of the wall clock, so that a burst keeps the difficulty at the limit;
    /// a day of block time is 43,200 blocks. Mining at wall-clock time retargets normally.
    public static let kusariDevnet = PowParameters(
        unchecked: "devnet", 2, 30,
        UInt256(l0: .max, l1: .max, l2: .max, l3: 0x7fff_ffff_ffff_ffff), 86_400)
}
