/// Proposer selection: CometBFT's `IncrementProposerPriority` and its parts
/// (spec/consensus/proposer-selection.md; `types/validator_set.go`).
extension ValidatorSet {
    /// Moves the proposer selection on `times` steps and records the last step's proposer
    /// in `proposer` (CometBFT's `IncrementProposerPriority`). `times` 0 does nothing
    /// (CometBFT refuses it).
    ///
    /// Before the steps, once: the priorities are scaled down if they spread over more
    /// than `2 * totalPower` (`rescalePriorities(window:)`), then centred on zero
    /// (`shiftByAveragePriority()`). Each step: every priority grows by the validator's
    /// power (clipped at the `Int64` bounds); the validator with the highest priority,
    /// the lower address on a tie, is the proposer, and its priority drops by the total
    /// power (clipped).
    public mutating func incrementProposerPriority(times: UInt32 = 1) {
        guard times > 0, !validators.isEmpty else { return }
        rescalePriorities(window: Self.priorityWindowSizeFactor &* signedTotalPower)
        shiftByAveragePriority()
        for _ in 0..<times {
            proposer = incrementOnce()
        }
    }

    /// A copy moved on `times` steps (CometBFT's `CopyIncrementProposerPriority`).
    public func incrementedProposerPriority(times: UInt32 = 1) -> ValidatorSet {
        var copy = self
        copy.incrementProposerPriority(times: times)
        return copy
    }

    /// The proposers of this step and the next `count - 1`, moving on one step at a
    /// time, without changing this set. Note that CometBFT's consensus state, entering
    /// round `r` from round `c`, moves on `r - c` steps in one call
    /// (`incrementProposerPriority(times:)`), which scales and centres once rather than
    /// before each step; the two agree unless the priorities spread past `2 * totalPower`
    /// between steps. The engine should do as CometBFT does.
    public func upcomingProposers(_ count: Int) -> [Validator] {
        var copy = self
        var result: [Validator] = []
        result.reserveCapacity(max(count, 0))
        for _ in 0..<max(count, 0) {
            result.append(copy.proposer)
            copy.incrementProposerPriority(times: 1)
        }
        return result
    }

    /// If the priorities spread over more than `window` (max - min > window), divides
    /// every priority by `ceil(spread / window)` with truncating division (CometBFT's
    /// `RescalePriorities`). A window of 0 or less does nothing.
    mutating func rescalePriorities(window: Int64) {
        let priorities = validators.map(\.proposerPriority)
        guard let ratio = PriorityArithmetic.rescaleRatio(priorities, window: window) else { return }
        for i in validators.indices {
            validators[i].proposerPriority = PriorityArithmetic.truncatingDivide(validators[i].proposerPriority, by: ratio)
        }
    }

    /// Subtracts the floor of the mean priority from every priority (clipped), so that the
    /// priorities sum to a value in `(-count, count)` (CometBFT's
    /// `shiftByAvgProposerPriority`; the mean rounds towards negative infinity as Go's
    /// `big.Int.Div` does).
    mutating func shiftByAveragePriority() {
        guard !validators.isEmpty else { return }
        let average = PriorityArithmetic.floorMean(validators.map(\.proposerPriority))
        for i in validators.indices {
            validators[i].proposerPriority = PriorityArithmetic.subClip(validators[i].proposerPriority, average)
        }
    }

    /// One step of the weighted round robin; returns the proposer (after its decrease).
    private mutating func incrementOnce() -> Validator {
        for i in validators.indices {
            validators[i].proposerPriority = PriorityArithmetic.addClip(validators[i].proposerPriority, validators[i].power)
        }
        var best = 0
        for i in validators.indices.dropFirst() where validators[i].outranks(validators[best]) {
            best = i
        }
        validators[best].proposerPriority = PriorityArithmetic.subClip(validators[best].proposerPriority, signedTotalPower)
        return validators[best]
    }

    /// The total power as a signed number (at most `maxTotalVotingPower` in a checked set).
    var signedTotalPower: Int64 { Int64(clamping: totalPower) }
}
