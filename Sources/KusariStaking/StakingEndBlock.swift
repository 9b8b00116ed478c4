import KusariCore

/// The end of a block (docs/protocol.md 20.6): rewards, double signing, downtime, matured
/// unbonding and redelegations, then the voting set two heights ahead.
extension StakingSession {
    func finish(reward: UInt64, beneficiary: AddressPayload) throws(StakingBlockError) {
        try distribute(reward, beneficiary: beneficiary)
        punishDoubleSigning()
        trackLiveness()
        try release()
        if powerChanged { fixVotingSet() }
        pruneVotingSets()
    }

    // MARK: - Rewards

    /// Shares `reward` among the known validators that signed the previous commit, by the
    /// power they signed with: each gets floor(reward × power / total), and what rounding
    /// leaves goes to the first of them (most power, then smallest consensus key). Of a
    /// validator's part, floor(part × commission / 10,000) goes to its operator's balance
    /// and the rest to its delegators' reward index (all to the operator when it has no shares).
    func distribute(_ reward: UInt64, beneficiary: AddressPayload) throws(StakingBlockError) {
        var seen: Set<PublicKey> = []
        var signers: [(ValidatorRecord, UInt64)] = []
        for s in consensus.signers where s.power > 0 && seen.insert(s.consensusKey).inserted {
            guard let op = store.operatorOf(s.consensusKey), let v = store.validator(op) else { continue }
            signers.append((v, s.power))
        }
        signers.sort { a, b in
            a.1 != b.1 ? a.1 > b.1 : a.0.consensusKey.bytes.lexicographicallyPrecedes(b.0.consensusKey.bytes)
        }
        guard reward > 0 else { return }
        // Powers come from a validator set, whose total is far below 2^64; a sum that
        // overflowed would name no signer.
        let (total, overflow) = signers.reduce((UInt64(0), false)) { acc, s in
            let (sum, o) = acc.0.addingReportingOverflow(s.1)
            return (sum, acc.1 || o)
        }
        guard !signers.isEmpty, total > 0, !overflow else {
            do { try ledger.credit(beneficiary, reward) } catch { throw .overflow("the beneficiary's balance") }
            return
        }
        let parts = signers.map { mulDiv(reward, $0.1, total) }
        let remainder = reward - parts.reduce(0, +)
        var totals = store.totals()
        var toDelegators: UInt64 = 0
        for (i, (old, _)) in signers.enumerated() {
            var v = old
            let part = parts[i] + (i == 0 ? remainder : 0)
            let commission = v.shares == 0 ? part : mulDiv(part, UInt64(v.commissionBps), 10_000)
            let delegators = part - commission
            if delegators > 0 {
                v.rewardIndex = v.rewardIndex.adding(.perShare(delegators, shares: v.shares))
                toDelegators += delegators
                store.set(StakingKey.validator(v.operatorAddress), v.encoded)
            }
            do { try ledger.credit(v.operatorAddress, commission) } catch { throw .overflow("a commission") }
        }
        do { try ledger.credit(module, toDelegators) } catch { throw .overflow("the reward pool") }
        totals.pool += toDelegators
        store.setTotals(burned: totals.burned, pool: totals.pool)
    }

    // MARK: - Slashing

    /// Each offence the evidence proves, by height then consensus key: the validator loses
    /// the double-sign fraction of its stake (bonded, and unbonding or redelegated since the
    /// offence) and is tombstoned. Unknown keys and tombstoned validators are passed over.
    func punishDoubleSigning() {
        let offences = Set(consensus.offences).sorted { a, b in
            a.height != b.height ? a.height < b.height : a.consensusKey.bytes.lexicographicallyPrecedes(b.consensusKey.bytes)
        }
        for offence in offences {
            guard let op = store.operatorOf(offence.consensusKey), let old = store.validator(op), old.status != .tombstoned else { continue }
            var v = old
            let burned = slash(&v, ppm: parameters.doubleSignSlashPpm, offenceHeight: offence.height)
            v.status = .tombstoned
            put(v, was: old)
            record(op, SlashRecord(reason: .doubleSign, offenceHeight: offence.height, burned: burned))
        }
    }

    /// Burns `ppm` millionths (rounded down) of `v`'s bonded tokens, of each unbonding entry
    /// and of each redelegation that left `v` in block `offenceHeight − 1` or later (that
    /// stake was still in the set voting at the offence height, fixed two heights before);
    /// returns the total burned. The caller stores `v`.
    func slash(_ v: inout ValidatorRecord, ppm: UInt32, offenceHeight: UInt64) -> UInt64 {
        let fraction = UInt64(ppm)
        let op = v.operatorAddress
        // Entries created at or after e − 1 release after (e − 2) + unbonding period; the
        // parameters keep that below 2^41, so the sum cannot overflow.
        let cutoff = (offenceHeight - min(offenceHeight, 2)) + parameters.unbondingPeriod
        var burned = mulDiv(v.tokens, fraction, StakingParameters.ppm)
        v.tokens -= burned
        for e in entries([0x05] + op.bytes, releasedAfter: cutoff, tail: 20) {
            guard let release = StakingKey.u64(Array(e.key[21..<29])), let amount = StakingKey.u64(e.value) else { continue }
            let cut = mulDiv(amount, fraction, StakingParameters.ppm)
            guard cut > 0 else { continue }
            burned += cut
            if amount == cut, let del = AddressPayload(bytes: e.key[29...]) {
                store.set(e.key, nil)
                store.set(StakingKey.unbondingQueue(release: release, op, del), nil)
            } else {
                store.set(e.key, StakingKey.be(amount - cut))
            }
        }
        for e in entries([0x07] + op.bytes, releasedAfter: cutoff, tail: 40) {
            guard let release = StakingKey.u64(Array(e.key[21..<29])),
                  let del = AddressPayload(bytes: e.key[29..<49]), let dst = AddressPayload(bytes: e.key[49...]),
                  let received = StakingKey.u64(e.value) else { continue }
            burned += slashRedelegated(received, ppm: fraction, delegator: del, at: dst)
        }
        store.burn(burned)
        return burned
    }

    /// The entries under `prefix` (an operator's unbonding `05` or redelegation `07` keys:
    /// prefix ‖ release u64 ‖ `tail` bytes) that release after `cutoff`, in key order. Reads
    /// only those: the keys sort by release.
    private func entries(_ prefix: [UInt8], releasedAfter cutoff: UInt64, tail: Int) -> [StorageEntry] {
        var out: [StorageEntry] = []
        var after = prefix + StakingKey.be(cutoff) + [UInt8](repeating: 0xff, count: tail)
        while let key = store.next(prefix, after: after) {
            after = key
            guard key.count == prefix.count + 8 + tail, let value = store.value(key) else { continue }
            out.append(StorageEntry(key: key, value: value))
        }
        return out
    }

    /// Burns the stake bought at `dst` with shares received by a redelegation: floor(received
    /// × ppm / 10^6) shares, at most what the delegator still holds there, taken out of `dst`
    /// at its current value (rewards paid first).
    private func slashRedelegated(_ received: UInt64, ppm: UInt64, delegator: AddressPayload, at dst: AddressPayload) -> UInt64 {
        guard let old = store.validator(dst), var d = store.delegation(dst, delegator), old.shares > 0 else { return 0 }
        let shares = min(mulDiv(received, ppm, StakingParameters.ppm), d.shares)
        let tokens = shares == old.shares ? old.tokens : mulDiv(shares, old.tokens, old.shares)
        guard shares > 0 else { return 0 }
        // The pool holds what is owed, so paying it cannot fail; a failure would only keep it in the pool.
        _ = try? payRewards(old, &d, delegator: delegator)
        var v = old
        d.shares -= shares
        v.shares -= shares
        v.tokens -= tokens
        store.put(d, dst, delegator)
        put(v, was: old)
        return tokens
    }

    func record(_ op: AddressPayload, _ r: SlashRecord) {
        let key = StakingKey.slash(op, height: block.height)
        let earlier = store.value(key).flatMap(SlashRecord.init(bytes:))
        var merged = r
        if let earlier { merged.burned += earlier.burned }
        store.set(key, merged.encoded)
    }

    // MARK: - Downtime

    /// For each bonded member of the set that voted on the previous block: counts the commit
    /// in its window (slot = window count mod window length), and when the window is full and
    /// more than `maxMissed` are missed, slashes the downtime fraction and jails it.
    func trackLiveness() {
        guard block.height >= 2, let set = store.votingSet(at: block.height - 1) else { return }
        let signed = Set(consensus.signers.map(\.consensusKey))
        let window = parameters.signedBlocksWindow
        for member in set {
            guard let old = store.validator(member.operatorAddress), old.status == .bonded else { continue }
            var v = old
            let slot = v.windowCount % window
            let key = StakingKey.missed(v.operatorAddress, slot: slot)
            let missedBefore = store.value(key) != nil
            let missedNow = !signed.contains(v.consensusKey)
            if missedBefore != missedNow {
                store.set(key, missedNow ? [0x01] : nil)
                v.missed = missedNow ? v.missed + 1 : v.missed - 1
            }
            v.windowCount += 1
            if v.windowCount >= window && v.missed > parameters.maxMissed {
                let burned = slash(&v, ppm: parameters.downtimeSlashPpm, offenceHeight: block.height - 1)
                v.status = .jailed
                v.jailedUntil = block.height + parameters.jailPeriod
                restartWindow(&v)
                record(v.operatorAddress, SlashRecord(reason: .downtime, offenceHeight: block.height - 1, burned: burned))
            }
            put(v, was: old)
        }
    }

    // MARK: - Maturity

    /// Pays every unbonding entry whose release height is this block's, and forgets the
    /// redelegations that mature now.
    func release() throws(StakingBlockError) {
        for e in store.scan([0x06] + StakingKey.be(block.height)) where e.key.count == 49 {
            guard let op = AddressPayload(bytes: e.key[9..<29]), let del = AddressPayload(bytes: e.key[29...]) else { continue }
            let entry = StakingKey.unbonding(op, release: block.height, del)
            let amount = store.value(entry).flatMap(StakingKey.u64) ?? 0
            guard ledger.transfer(from: module, to: del, amount: amount) else { throw .overflow("an unbonding payment") }
            store.set(entry, nil)
            store.set(e.key, nil)
        }
        for e in store.scan([0x08] + StakingKey.be(block.height)) where e.key.count == 69 {
            guard let src = AddressPayload(bytes: e.key[9..<29]), let del = AddressPayload(bytes: e.key[29..<49]),
                  let dst = AddressPayload(bytes: e.key[49...]) else { continue }
            store.set(StakingKey.redelegation(src, release: block.height, del, dst), nil)
            store.set(e.key, nil)
            let incoming = StakingKey.incoming(dst, del)
            if store.value(incoming).flatMap(StakingKey.u64) == block.height { store.set(incoming, nil) }
        }
    }

    // MARK: - The voting set

    /// Stores the top N validators by stake as the set voting from height h + 2, when it
    /// differs from the last set stored.
    func fixVotingSet() {
        let next = store.topByStake(parameters.maxValidators)
        let latest = store.votingSet(at: UInt64.max) ?? []
        // Never an empty set (BFT would halt): when no validator qualifies, the last set stays.
        guard next != latest, !next.isEmpty else { return }
        store.set(StakingKey.votingSet(block.height + 2), VotingMember.encode(next))
    }

    /// Forgets the sets no height from h − 1 on can use: those before the last one taking
    /// effect at or before h − 1.
    func pruneVotingSets() {
        let oldest = block.height > 0 ? block.height - 1 : 0
        let sets = store.scan([0x0a]).compactMap { e in StakingKey.u64(Array(e.key.dropFirst())).map { (e.key, $0) } }
        guard let keep = sets.lastIndex(where: { $0.1 <= oldest }), keep > 0 else { return }
        for (key, _) in sets[..<keep] { store.set(key, nil) }
    }
}
