import KusariCore

/// The Tendermint consensus algorithm (Algorithm 1 of Buchman, Kwon and Milosevic, "The
/// latest gossip on BFT consensus", arXiv:1807.04938) as a pure, deterministic state
/// machine with no I/O: no network, no clock, no randomness, no concurrency. The caller
/// feeds it `ConsensusEvent`s (a height to start, proposals and votes from the network,
/// timeouts that elapsed, a value to propose) and carries out the `ConsensusAction`s it
/// returns, in order (broadcast, schedule a timeout, supply a value, apply a commit).
///
/// One machine runs one validator (or a follower, with no index in the set) through
/// heights: the caller starts each height with its validator set after applying the
/// previous commit. Proposals and votes we sign go through `signer`, which may refuse;
/// they are also fed to the machine itself, as the paper's broadcast includes the sender.
///
/// The rules are in `ConsensusMachine+Rules.swift`, each beside its line of the paper.
/// Two choices the paper leaves open: (1) the proposer of round `r` is
/// `ValidatorSet.proposerIndex(forRound:)` of the height's set; (2) the proposer also
/// schedules `timeoutPropose` (as CometBFT does), which matters only when the value it
/// asked for (`needValue`) does not come in time: it then prevotes nil like the others.
public struct ConsensusMachine {
    /// Chain id, timeouts and bounds.
    public let config: ConsensusConfig
    /// Our validator address, or nil for a follower that never signs.
    public let address: AddressPayload?
    /// Signs our proposals and votes; nil: we sign nothing (a follower).
    public var signer: (any ConsensusSigner)?
    /// The paper's `valid(v)`: whether a proposed block may be voted for. Asked at most
    /// once per block id and height. Defaults to everything valid.
    public let isValid: (Hash256) -> Bool
    /// Checks proposal and vote signatures (Ed25519; a caller may put a cache in front).
    public let signatureCheck: SignatureCheck

    /// The current height (the paper's `h_p`); 0 before the first `startHeight`.
    public internal(set) var height: UInt64 = 0
    /// The current round (`round_p`).
    public internal(set) var round: UInt32 = 0
    /// The current step (`step_p`).
    public internal(set) var step: RoundStep = .propose
    /// The value we precommitted last in this height (`lockedValue_p`), or nil.
    public internal(set) var lockedValue: Hash256?
    /// The round of `lockedValue` (`lockedRound_p`), -1 for none.
    public internal(set) var lockedRound: Int = -1
    /// The last value seen with more than two thirds of the prevotes in a round while we
    /// had its proposal (`validValue_p`), or nil; re-proposed when we propose.
    public internal(set) var validValue: Hash256?
    /// The round of `validValue` (`validRound_p`), -1 for none.
    public internal(set) var validRound: Int = -1
    /// The decision of the current height (`decision_p[h_p]`), once made.
    public internal(set) var decision: CommitCertificate?
    /// The current height's validator set, at round 0; nil before the first height.
    public internal(set) var validators: ValidatorSet?
    /// Our index in `validators`, or nil when we are not one of them.
    public internal(set) var validatorIndex: Int?

    // The message log of the height.
    /// Per round, the proposer's validly signed proposals, first received first (more
    /// than one only from an equivocating proposer; at most `maxProposalsPerRound`).
    var proposals: [UInt32: [Proposal]] = [:]
    var prevoteSets: [UInt32: VoteSet] = [:]
    var precommitSets: [UInt32: VoteSet] = [:]
    /// Per round, which validators sent any message in it, and their power (the f+1 rule).
    var participants: [UInt32: [Bool]] = [:]
    var participantPower: [UInt32: UInt64] = [:]
    var proposerCache: [UInt32: Int] = [:]
    var validity: [Hash256: Bool] = [:]
    /// Next-height messages, in arrival order.
    var buffered: [ConsensusEvent] = []

    // "For the first time" flags of the current round.
    var prevoteTimeoutScheduled = false
    var precommitTimeoutScheduled = false
    var lockRuleFired = false
    /// Set while we have asked for a value to propose in the current round.
    var awaitingValue = false

    /// A machine for the validator with `address` (nil: a follower), signing with
    /// `signer`, judging values with `isValid`, checking signatures with
    /// `signatureCheck`. Nothing happens until `.startHeight`.
    public init(config: ConsensusConfig, address: AddressPayload?, signer: (any ConsensusSigner)?,
                isValid: @escaping (Hash256) -> Bool = { _ in true },
                signatureCheck: @escaping SignatureCheck = SignatureChecks.ed25519) {
        self.config = config
        self.signatureCheck = signatureCheck
        self.address = address
        self.signer = signer
        self.isValid = isValid
    }

    /// Whether a height has been started.
    public var isStarted: Bool { validators != nil }

    /// The stored proposal of `round` in the current height, if any.
    public func proposal(round: UInt32) -> Proposal? { proposals[round]?.first }

    /// All the proposals kept for `round`, first received first.
    public func proposals(round: UInt32) -> [Proposal] { proposals[round] ?? [] }

    /// The most proposals kept per round. An equivocating proposer may send different
    /// proposals to different validators; keeping more than the first lets a validator
    /// that first saw another one still recognise the value that gathers two thirds
    /// (the paper's rules hold for any proposal received from the proposer).
    public static let maxProposalsPerRound = 3

    /// The prevotes of `round` in the current height, if any arrived.
    public func prevotes(round: UInt32) -> VoteSet? { prevoteSets[round] }

    /// The precommits of `round` in the current height, if any arrived.
    public func precommits(round: UInt32) -> VoteSet? { precommitSets[round] }

    /// Every proposal and validly signed vote of the current height, conflicting votes
    /// included, by round (proposal, prevotes, precommits), for gossip to peers that
    /// lag (the paper assumes correct processes relay what they receive).
    public var messageLog: (proposals: [Proposal], votes: [Vote]) {
        let rounds = Set(proposals.keys).union(prevoteSets.keys).union(precommitSets.keys).sorted()
        var votes: [Vote] = []
        for r in rounds {
            votes += prevoteSets[r]?.allVotes ?? []
            votes += precommitSets[r]?.allVotes ?? []
        }
        return (proposals.keys.sorted().flatMap { proposals[$0] ?? [] }, votes)
    }

    /// The proposer's index for `round` of the current height (cached).
    mutating func proposerIndex(round: UInt32) -> Int {
        if let cached = proposerCache[round] { return cached }
        let index = validators?.proposerIndex(forRound: round) ?? 0
        proposerCache[round] = index
        return index
    }

    /// Feeds one event; returns what to do, in order.
    public mutating func handle(_ event: ConsensusEvent) -> [ConsensusAction] {
        var out: [ConsensusAction] = []
        switch event {
        case .startHeight(let newHeight, let set):
            startHeight(newHeight, validators: set, &out)
        case .proposal(let proposal):
            receive(proposal, &out)
        case .vote(let vote):
            receive(vote, &out)
        case .timeout(let timeout):
            onTimeout(timeout, &out)
        case .proposeValue(let h, let r, let blockID):
            proposeValue(height: h, round: r, blockID: blockID, &out)
        }
        applyRules(&out)
        return out
    }

    // MARK: Inputs

    mutating func startHeight(_ newHeight: UInt64, validators set: ValidatorSet, _ out: inout [ConsensusAction]) {
        if isStarted && newHeight <= height {
            out.append(.ignored(.wrongHeight(expected: height + 1, got: newHeight)))
            return
        }
        let replay = newHeight == height + 1 ? buffered : []
        height = newHeight
        validators = set
        validatorIndex = address.flatMap { set.index(of: $0) }
        lockedValue = nil
        lockedRound = -1
        validValue = nil
        validRound = -1
        decision = nil
        proposals = [:]
        prevoteSets = [:]
        precommitSets = [:]
        participants = [:]
        participantPower = [:]
        proposerCache = [:]
        validity = [:]
        buffered = []
        startRound(0, &out)
        for event in replay {
            switch event {
            case .proposal(let proposal): receive(proposal, &out)
            case .vote(let vote): receive(vote, &out)
            default: break
            }
        }
    }

    /// Common checks of a network message's height and round; buffers next-height ones.
    /// Returns true when the message belongs to the current height and may be processed.
    mutating func admit(height messageHeight: UInt64, round messageRound: UInt32, event: ConsensusEvent,
                        _ out: inout [ConsensusAction]) -> Bool {
        guard isStarted else {
            out.append(.ignored(.notStarted))
            return false
        }
        if messageHeight == height + 1 {
            if buffered.count >= config.maxBufferedNextHeight {
                out.append(.ignored(.bufferFull))
            } else if !buffered.contains(event) {
                buffered.append(event)
            }
            return false
        }
        guard messageHeight == height else {
            out.append(.ignored(.wrongHeight(expected: height, got: messageHeight)))
            return false
        }
        guard decision == nil else {
            out.append(.ignored(.alreadyDecided(height: height)))
            return false
        }
        if messageRound > round, messageRound - round > config.maxRoundsAhead {
            out.append(.ignored(.roundTooFarAhead(round: messageRound, current: round)))
            return false
        }
        return true
    }

    mutating func receive(_ proposal: Proposal, _ out: inout [ConsensusAction]) {
        guard admit(height: proposal.height, round: proposal.round, event: .proposal(proposal), &out),
              let set = validators else { return }
        let existing = proposals[proposal.round] ?? []
        if existing.contains(proposal) { return }  // the same proposal again: nothing to check
        do throws(ProposalError) {
            try proposal.validate(chainID: config.chainID, validators: set,
                                  expectedProposer: proposerIndex(round: proposal.round),
                                  signatureCheck: signatureCheck)
        } catch {
            out.append(.ignored(.invalidProposal(error)))
            return
        }
        // Past the cap (an equivocating proposer's junk), a proposal is still kept when its
        // block already has the votes of more than a third of the power in its round: at
        // least one honest validator voted for it, so it may be the one that completes a
        // quorum (a decision the others made), and junk cannot crowd it out.
        guard existing.count < Self.maxProposalsPerRound || backedByVotes(proposal, set) else {
            out.append(.ignored(.conflictingProposal(round: proposal.round)))
            return
        }
        proposals[proposal.round] = existing + [proposal]
        markParticipant(round: proposal.round, index: Int(proposal.proposerIndex))
    }

    /// Whether more than a third of the power voted for `proposal`'s block in its round.
    func backedByVotes(_ proposal: Proposal, _ set: ValidatorSet) -> Bool {
        let choice = VoteChoice.block(proposal.blockID)
        let prevotes = prevoteSets[proposal.round]?.supportingPower(for: choice) ?? 0
        let precommits = precommitSets[proposal.round]?.supportingPower(for: choice) ?? 0
        return max(prevotes, precommits) >= set.oneThirdPlusOne
    }

    mutating func receive(_ vote: Vote, _ out: inout [ConsensusAction]) {
        guard admit(height: vote.height, round: vote.round, event: .vote(vote), &out),
              let set = validators else { return }
        // Taken out of the dictionary while it changes, so that its storage is not copied.
        var voteSet = (vote.type == .prevote ? prevoteSets.removeValue(forKey: vote.round)
                                             : precommitSets.removeValue(forKey: vote.round))
            ?? VoteSet(chainID: config.chainID, height: height, round: vote.round, type: vote.type, validators: set,
                       signatureCheck: signatureCheck)
        let evidenceBefore = voteSet.evidence.count
        let added: Result<VoteAddResult, VoteError>
        do throws(VoteError) {
            added = .success(try voteSet.add(vote, countIfConflicting: canMatter(vote)))
        } catch {
            added = .failure(error)
        }
        let newEvidence = voteSet.evidence.count > evidenceBefore
        if voteSet.votedPower > 0 {  // a refused first vote leaves no empty set behind
            switch vote.type {
            case .prevote: prevoteSets[vote.round] = voteSet
            case .precommit: precommitSets[vote.round] = voteSet
            }
        }
        let result: VoteAddResult
        switch added {
        case .success(let value): result = value
        case .failure(let error):
            out.append(.ignored(.invalidVote(error)))
            return
        }
        switch result {
        case .added:
            markParticipant(round: vote.round, index: Int(vote.validatorIndex))
        case .duplicate:
            break
        case .conflicting(let evidence):
            // Reported once per validator, round and type (the vote set keeps its first
            // conflict only): a validator signing ever more blocks cannot grow memory or
            // flood the caller with actions.
            if newEvidence { out.append(.evidence(evidence)) }
        }
    }

    /// Whether a vote could complete a two-thirds some rule looks for, were it a
    /// conflicting one: a nil prevote (line 44), a prevote or precommit for a value
    /// proposed in its round (lines 36, 49), or a prevote for a value re-proposed with
    /// its round as `polRound` (line 28). Only these conflicting votes are counted, so
    /// an equivocator's junk cannot fill its `VoteSet.maxChoicesPerValidator` slots; a
    /// vote that arrives before its proposal counts when gossip brings it again.
    func canMatter(_ vote: Vote) -> Bool {
        guard let id = vote.blockID else { return vote.type == .prevote }
        if proposals[vote.round]?.contains(where: { $0.blockID == id }) == true { return true }
        guard vote.type == .prevote else { return false }
        return proposals.values.contains { list in
            list.contains { $0.polRound == Int(vote.round) && $0.blockID == id }
        }
    }

    mutating func markParticipant(round messageRound: UInt32, index: Int) {
        guard let set = validators, let validator = set.validator(at: index) else { return }
        var seen = participants[messageRound] ?? Array(repeating: false, count: set.count)
        guard !seen[index] else { return }
        seen[index] = true
        participants[messageRound] = seen
        participantPower[messageRound, default: 0] += validator.votingPower
    }

    mutating func proposeValue(height h: UInt64, round r: UInt32, blockID: Hash256, _ out: inout [ConsensusAction]) {
        guard isStarted, h == height, r == round, awaitingValue, decision == nil, step == .propose,
              blockID != .zero else {
            out.append(.ignored(.unexpectedValue(height: h, round: r)))
            return
        }
        awaitingValue = false
        sendProposal(blockID: blockID, polRound: -1, &out)
    }

    // MARK: Our own messages

    /// Signs and broadcasts our proposal, and takes it in ourselves.
    mutating func sendProposal(blockID: Hash256, polRound: Int, _ out: inout [ConsensusAction]) {
        guard let index = validatorIndex, var signing = signer else { return }
        let signed = signing.signProposal(height: height, round: round, blockID: blockID, polRound: polRound,
                                          proposerIndex: UInt32(index))
        signer = signing
        guard let proposal = signed else { return }
        out.append(.broadcastProposal(proposal))
        receive(proposal, &out)
    }

    /// Signs and broadcasts our vote, and counts it ourselves. A follower, or a refusing
    /// signer, sends nothing; the caller's step change happens regardless.
    mutating func sendVote(_ type: VoteType, _ blockID: Hash256?, _ out: inout [ConsensusAction]) {
        guard let index = validatorIndex, var signing = signer else { return }
        let signed = signing.signVote(type: type, height: height, round: round, blockID: blockID,
                                      validatorIndex: UInt32(index))
        signer = signing
        guard let vote = signed else { return }
        out.append(.broadcastVote(vote))
        receive(vote, &out)
    }

    /// The paper's `valid(v)`, asked once per block id and height.
    mutating func valid(_ blockID: Hash256) -> Bool {
        if let known = validity[blockID] { return known }
        let answer = isValid(blockID)
        validity[blockID] = answer
        return answer
    }
}
