import KusariCore

/// Validator set changes: CometBFT's `UpdateWithChangeSet` and the steps it is made of
/// (`processChanges`, `verifyRemovals`, `verifyUpdates`, `computeNewPriorities`,
/// `applyUpdates`, `applyRemovals`, then scaling and centring).
extension ValidatorSet {
    /// Applies `changes` (CometBFT's `UpdateWithChangeSet`): power 0 removes a validator,
    /// a new key is added, a known key gets its new power. All or nothing: on an error
    /// the set is unchanged. The order of `changes` does not matter.
    ///
    /// A validator added joins at priority `-1.125 * P` (`-(P + P >> 3)`), where `P` is
    /// the total power after the additions and changes but before the removals; one
    /// changed keeps its priority. Then the priorities are scaled into the
    /// `2 * totalPower` window and centred. The proposer is left as it was: increment
    /// once for the next height's proposer.
    public mutating func update(with changes: [ValidatorUpdate]) throws(ValidatorSetError) {
        var copy = self
        try copy.applyChanges(changes, allowRemovals: true)
        self = copy
    }

    /// A copy with `changes` applied (see `update(with:)`).
    public func updated(with changes: [ValidatorUpdate]) throws(ValidatorSetError) -> ValidatorSet {
        var copy = self
        try copy.update(with: changes)
        return copy
    }

    /// The whole change, on `self` (callers work on a copy so that errors leave the
    /// original untouched).
    mutating func applyChanges(_ changes: [ValidatorUpdate], allowRemovals: Bool) throws(ValidatorSetError) {
        guard !changes.isEmpty else { return }
        let (updates, removals) = try Self.split(changes)
        if !allowRemovals, let first = removals.first { throw .zeroPowerInNewSet(first.address) }

        let newCount = updates.filter { index(of: $0.address) == nil }.count
        if newCount == 0 && validators.count == removals.count { throw .wouldBeEmpty }

        var removedPower: Int64 = 0
        for removal in removals {
            guard let existing = validator(address: removal.address) else {
                throw .removalOfUnknownValidator(removal.address)
            }
            removedPower += existing.power
        }
        let totalBeforeRemovals = try totalAfterUpdates(updates, removedPower: removedPower)

        // New validators join at -1.125 * P; changed ones keep their priority.
        let incoming = updates.map { update -> Validator in
            let priority = validator(address: update.address)?.proposerPriority
                ?? PriorityArithmetic.newValidatorPriority(total: totalBeforeRemovals)
            return Validator(publicKey: update.publicKey, votingPower: update.votingPower, proposerPriority: priority)
        }
        let removed = Set(removals.map(\.address))
        var byAddress = validators.sorted { $0.address < $1.address }
        byAddress = Self.merge(byAddress, incoming).filter { !removed.contains($0.address) }

        var total: UInt64 = 0
        for validator in byAddress {
            total += validator.votingPower
            guard total <= Self.maxTotalVotingPower else { throw .totalPowerTooLarge }
        }
        validators = byAddress
        totalPower = total

        rescalePriorities(window: Self.priorityWindowSizeFactor &* signedTotalPower)
        shiftByAveragePriority()
        validators.sort(by: Validator.byPowerThenAddress)
    }

    /// Sorts `changes` by address and splits them into updates (power > 0) and removals
    /// (power 0), refusing duplicates and powers above the maximum (`processChanges`).
    static func split(_ changes: [ValidatorUpdate]) throws(ValidatorSetError)
        -> (updates: [ValidatorUpdate], removals: [ValidatorUpdate]) {
        let sorted = changes.map { (address: $0.address, change: $0) }.sorted { $0.address < $1.address }
        var updates: [ValidatorUpdate] = []
        var removals: [ValidatorUpdate] = []
        var previous: AddressPayload?
        for (address, change) in sorted {
            if address == previous { throw .duplicate(address) }
            if change.votingPower > maxTotalVotingPower { throw .powerTooLarge(address, power: change.votingPower) }
            if change.votingPower == 0 { removals.append(change) } else { updates.append(change) }
            previous = address
        }
        return (updates, removals)
    }

    /// The total power once `updates` are applied but before the removals
    /// (`verifyUpdates`): the updates' power changes are added smallest first to the total
    /// less `removedPower`, and every partial sum must stay within the maximum, so that a
    /// decrease is counted before an increase and no false overflow is reported.
    func totalAfterUpdates(_ updates: [ValidatorUpdate], removedPower: Int64) throws(ValidatorSetError) -> Int64 {
        let deltas = updates.map { update -> Int64 in
            let new = Int64(update.votingPower)  // checked <= maxTotalVotingPower by split
            return new - (validator(address: update.address)?.power ?? 0)
        }.sorted()
        var running = signedTotalPower - removedPower
        for delta in deltas {
            running += delta
            if running > Int64(Self.maxTotalVotingPower) { throw .totalPowerTooLarge }
        }
        return running + removedPower
    }

    /// Merges two lists sorted by address; on equal addresses the incoming validator
    /// replaces the existing one (`applyUpdates`).
    static func merge(_ existing: [Validator], _ incoming: [Validator]) -> [Validator] {
        var merged: [Validator] = []
        merged.reserveCapacity(existing.count + incoming.count)
        var i = 0, j = 0
        while i < existing.count && j < incoming.count {
            if existing[i].address < incoming[j].address {
                merged.append(existing[i]); i += 1
            } else {
                if existing[i].address == incoming[j].address { i += 1 }
                merged.append(incoming[j]); j += 1
            }
        }
        merged.append(contentsOf: existing[i...])
        merged.append(contentsOf: incoming[j...])
        return merged
    }
}
