import KusariCore

/// The rules of Algorithm 1 (arXiv:1807.04938; the line numbers are the paper's, as in
/// CometBFT's spec/consensus/pseudo-code.md). Every "upon" rule is checked after each
/// input until none applies, so the order in which messages arrive only matters where
/// the paper says so ("for the first time").
extension ConsensusMachine {
    /// Lines 11-21, `StartRound(round)`.
    mutating func startRound(_ newRound: UInt32, _ out: inout [ConsensusAction]) {
        round = newRound
        step = .propose
        prevoteTimeoutScheduled = false
        precommitTimeoutScheduled = false
        lockRuleFired = false
        awaitingValue = false
        if let index = validatorIndex, proposerIndex(round: newRound) == index {
            if let value = validValue {
                // Line 15: propose validValue_p, with validRound_p.
                sendProposal(blockID: value, polRound: validRound, &out)
            } else {
                // Line 17: getValue(), asked of the caller.
                awaitingValue = true
                out.append(.needValue(height: height, round: newRound))
            }
        }
        // Line 21 (for the proposer too, see the type's documentation).
        schedule(.propose, &out)
    }

    mutating func schedule(_ kind: TimeoutKind, _ out: inout [ConsensusAction]) {
        out.append(.scheduleTimeout(Timeout(kind: kind, height: height, round: round),
                                    afterMs: config.timeouts.duration(kind, round: round)))
    }

    /// Lines 57-66: `OnTimeoutPropose`, `OnTimeoutPrevote`, `OnTimeoutPrecommit`.
    mutating func onTimeout(_ timeout: Timeout, _ out: inout [ConsensusAction]) {
        guard isStarted, decision == nil, timeout.height == height, timeout.round == round else { return }
        switch timeout.kind {
        case .propose:
            // Lines 57-60.
            guard step == .propose else { return }
            awaitingValue = false
            sendVote(.prevote, nil, &out)
            step = .prevote
        case .prevote:
            // Lines 61-64.
            guard step == .prevote else { return }
            sendVote(.precommit, nil, &out)
            step = .precommit
        case .precommit:
            // Lines 65-66.
            guard round < UInt32.max else { return }
            startRound(round + 1, &out)
        }
    }

    /// Applies the upon rules until none fires.
    mutating func applyRules(_ out: inout [ConsensusAction]) {
        while isStarted, decision == nil, applyOneRule(&out) {}
    }

    /// Fires the first rule that applies; false when none does.
    mutating func applyOneRule(_ out: inout [ConsensusAction]) -> Bool {
        if decideIfCommitted(&out) { return true }
        if skipRoundIfBehind(&out) { return true }
        let proposal = proposals[round]?.first
        let prevotes = prevoteSets[round]

        // Lines 22-27: a fresh proposal (vr = -1) while in propose.
        if step == .propose, let p = proposal, p.polRound == -1 {
            if valid(p.blockID) && (lockedRound == -1 || lockedValue == p.blockID) {
                sendVote(.prevote, p.blockID, &out)
            } else {
                sendVote(.prevote, nil, &out)
            }
            step = .prevote
            awaitingValue = false
            return true
        }
        // Lines 28-33: a re-proposal (0 <= vr < round_p) backed by 2f+1 prevotes in vr.
        if step == .propose, let p = proposal, p.polRound >= 0, p.polRound < Int(round),
           prevoteSets[UInt32(p.polRound)]?.hasTwoThirds(for: .block(p.blockID)) == true {
            if valid(p.blockID) && (lockedRound <= p.polRound || lockedValue == p.blockID) {
                sendVote(.prevote, p.blockID, &out)
            } else {
                sendVote(.prevote, nil, &out)
            }
            step = .prevote
            awaitingValue = false
            return true
        }
        // Lines 34-35: 2f+1 prevotes of any kind, in prevote, the first time.
        if step == .prevote, !prevoteTimeoutScheduled, prevotes?.hasTwoThirdsAny == true {
            prevoteTimeoutScheduled = true
            schedule(.prevote, &out)
            return true
        }
        // Lines 36-43: a proposal and 2f+1 prevotes for it, valid, step >= prevote,
        // the first time: lock and precommit (in prevote), and record the valid value.
        if step >= .prevote, !lockRuleFired, let votes = prevotes,
           let p = proposals[round]?.first(where: { votes.hasTwoThirds(for: .block($0.blockID)) }),
           valid(p.blockID) {
            lockRuleFired = true
            if step == .prevote {
                lockedValue = p.blockID
                lockedRound = Int(round)
                sendVote(.precommit, p.blockID, &out)
                step = .precommit
            }
            validValue = p.blockID
            validRound = Int(round)
            return true
        }
        // Lines 44-46: 2f+1 prevotes for nil, in prevote.
        if step == .prevote, prevotes?.hasTwoThirds(for: .nilVote) == true {
            sendVote(.precommit, nil, &out)
            step = .precommit
            return true
        }
        // Lines 47-48: 2f+1 precommits of any kind, the first time.
        if !precommitTimeoutScheduled, precommitSets[round]?.hasTwoThirdsAny == true {
            precommitTimeoutScheduled = true
            schedule(.precommit, &out)
            return true
        }
        return false
    }

    /// Lines 49-54: a proposal of some round r and 2f+1 precommits for its value in r,
    /// the value valid: decide. Rounds are tried in increasing order (at most one value
    /// can have 2f+1 precommits in a height while at most f are faulty). Here and in
    /// every rule, "2f+1 ⟨PREVOTE, h, r, id(v)⟩" counts each validator that signed a vote
    /// for v, its first or a conflicting one, as the paper counts messages from
    /// distinct senders (`VoteSet.hasTwoThirds(for:)`).
    mutating func decideIfCommitted(_ out: inout [ConsensusAction]) -> Bool {
        for r in precommitSets.keys.sorted() {
            guard let set = precommitSets[r],
                  let p = proposals[r]?.first(where: { set.hasTwoThirds(for: .block($0.blockID)) }),
                  valid(p.blockID) else { continue }
            let value = p.blockID
            let precommits = set.votes(for: .block(value))
            let certificate = CommitCertificate(height: height, round: r, blockID: value, precommits: precommits,
                                                proposal: p)
            decision = certificate
            out.append(.commit(certificate))
            return true
        }
        return false
    }

    /// Lines 55-56: f+1 (more than a third of the power) sent messages in a round above
    /// ours: start that round (the highest such, which is where firing the rule once per
    /// round would end).
    mutating func skipRoundIfBehind(_ out: inout [ConsensusAction]) -> Bool {
        guard let set = validators else { return false }
        var target: UInt32?
        for (r, power) in participantPower where r > round && power >= set.oneThirdPlusOne {
            if target.map({ r > $0 }) ?? true { target = r }
        }
        guard let next = target else { return false }
        startRound(next, &out)
        return true
    }
}
