import Foundation
import KusariBFT
import KusariCore
import KusariNetwork
import KusariPeers

/// Items from peers. Nothing is accepted (and so relayed) before it is checked: a
/// proposal's signer and round proposer, a vote's signature, a commit's signatures,
/// evidence; what is only buffered or too far ahead is ignored (peers send it again).
extension ConsensusDriver {
    /// A proposal message from a peer: the proposal is checked, then its block, then the
    /// machine gets the proposal.
    public func receiveProposal(_ payload: [UInt8]) async -> ItemVerdict {
        if queueIfStarting(ConsensusChannel.proposal, payload) { return .ignore }
        let message: ProposalMessage
        do { message = try ProposalMessage(decoding: payload) } catch {
            return .reject(points: 20, reason: "proposal: \(error)")
        }
        return await take(message)
    }

    func take(_ message: ProposalMessage) async -> ItemVerdict {
        let proposal = message.proposal
        let h = proposal.height
        guard h >= machine.height, h - machine.height <= Self.maxHeightsAhead else { return .ignore }
        guard let proposer = engine.validators.validator(at: Int(proposal.proposerIndex)) else {
            return .reject(points: 20, reason: "proposal: proposer index \(proposal.proposerIndex) is not a validator")
        }
        guard proposal.hasValidSignature(chainID: engine.chainID, publicKey: proposer.publicKey) else {
            return .reject(points: 20, reason: "proposal: invalid signature")
        }
        let tip = await host.committedTip()
        guard h == tip.height + 1 else {
            // This node lags: keep a few to look at once it has caught up.
            if h > tip.height + 1 {
                if early.count >= Self.maxEarly { early.removeFirst() }
                early.append(message)
            }
            return .ignore
        }
        // The round's proposer, in the set of this height or the next.
        let set: ValidatorSet
        if h == validatorsHeight {
            set = validators
        } else if h > validatorsHeight {
            set = validators.incrementedProposerPriority(times: UInt32(clamping: h - validatorsHeight))
        } else {
            set = engine.validatorSet(atHeight: h)
        }
        guard proposal.round <= machine.round + Self.maxRoundsAhead || h > machine.height else { return .ignore }
        guard proposal.round <= Self.maxRoundsAhead || h == machine.height else { return .ignore }
        guard set.proposerIndex(forRound: proposal.round) == Int(proposal.proposerIndex) else {
            return .reject(points: 20, reason: "proposal: not the proposer of round \(proposal.round)")
        }
        let id = message.block.id
        if blocks[id] == nil {
            let key = RoundKey(height: h, round: proposal.round)
            guard blocksPerRound[key, default: 0] < Self.maxBlocksPerRound else { return .ignore }
            blocksPerRound[key, default: 0] += 1
            let inTime = message.block.header.timestamp <= UInt64(Date().timeIntervalSince1970) + settings.maxFutureSeconds
            let valid = inTime ? await host.checkProposed(message.block) : false
            validity.set(id, valid)
            blocks[id] = message.block
        }
        guard h >= machine.height, log(.proposal(message)) else { return .ignore }
        let actions = feed(.proposal(proposal))
        if let refusal = Self.refusal(in: actions) { return refusal }
        await perform(actions)
        return .accept
    }

    /// A vote from a peer: its signature is checked (and it is remembered for late
    /// conflicts) before the machine gets it.
    public func receiveVote(_ payload: [UInt8]) async -> ItemVerdict {
        if queueIfStarting(ConsensusChannel.vote, payload) { return .ignore }
        let vote: Vote
        do { vote = try Vote(decoding: payload) } catch { return .reject(points: 20, reason: "vote: \(error)") }
        // Far ahead: not ours to judge yet; long past: of no use.
        guard vote.height <= machine.height + 1, vote.height + RecentVotes.heights >= machine.height else { return .ignore }
        guard let validator = engine.validators.validator(at: Int(vote.validatorIndex)) else {
            return .reject(points: 20, reason: "vote: validator index \(vote.validatorIndex) is not a validator")
        }
        guard vote.hasValidSignature(chainID: engine.chainID, publicKey: validator.publicKey) else {
            return .reject(points: 20, reason: "vote: invalid signature")
        }
        if vote.height < machine.height || vote.round <= machine.round + Self.maxRoundsAhead,
           let earlier = recentVotes.record(vote),
           let evidence = DuplicateVoteEvidence(earlier, vote, validator: validator, totalPower: engine.validators.totalPower) {
            let item = evidence.blockEvidence
            if await keep(item) { await network.publish(item.encoded, on: ConsensusChannel.evidence) }
        }
        guard vote.height >= machine.height, log(.vote(vote)) else { return .ignore }
        let actions = feed(.vote(vote))
        if let refusal = Self.refusal(in: actions) { return refusal }
        await perform(actions)
        return .accept
    }

    /// A commit certificate from a peer: checked on its own, then given to the host, which
    /// connects the block it certifies if it holds it.
    public func receiveCommit(_ payload: [UInt8]) async -> ItemVerdict {
        if queueIfStarting(ConsensusChannel.commit, payload) { return .ignore }
        let commit: BlockCommit
        do { commit = try BlockCommit(decoding: payload) } catch { return .reject(points: 20, reason: "commit: \(error)") }
        let tip = await host.committedTip()
        guard commit.height > tip.height, commit.height - tip.height <= Self.maxHeightsAhead else { return .ignore }
        do {
            try engine.validators.verifyCommit(commit, chainID: engine.chainID, height: commit.height, blockId: commit.blockId)
        } catch { return .reject(points: 50, reason: "commit: \(error)") }
        if let block = blocks[commit.blockId], commit.height == tip.height + 1 {
            if await host.commitDecided(block, commit: commit) { await movedOn(to: commit.height) }
        } else if await host.receiveCommit(commit) {
            await movedOn(to: (await host.committedTip()).height)
        }
        return .accept
    }

    /// Evidence from a peer: checked against the validator set, kept until a block includes it.
    public func receiveEvidence(_ payload: [UInt8]) async -> ItemVerdict {
        if queueIfStarting(ConsensusChannel.evidence, payload) { return .ignore }
        let evidence: DoubleSignEvidence
        do { evidence = try DoubleSignEvidence(decoding: payload) } catch {
            return .reject(points: 20, reason: "evidence.\(error)")
        }
        do { try engine.validators.verifyEvidence(evidence, chainID: engine.chainID) } catch {
            return .reject(points: 50, reason: "\(error)")
        }
        return await keep(evidence) ? .accept : .ignore
    }

    /// Adds evidence to the pool unless it is there, too old or included; true if added.
    func keep(_ evidence: DoubleSignEvidence) async -> Bool {
        guard evidence.height + BFTEngine.maxEvidenceAge >= machine.height,
              !evidencePool.contains(where: { $0.offence == evidence.offence }) else { return false }
        guard !(await host.evidenceIncluded(evidence)) else { return false }
        if evidencePool.count >= Self.maxEvidencePool { evidencePool.removeFirst() }
        evidencePool.append(evidence)
        logger.warning("consensus: evidence of double signing", metadata: [
            "validatorIndex": "\(evidence.validatorIndex)", "height": "\(evidence.height)", "round": "\(evidence.round)",
            "type": "\(evidence.voteType == 1 ? "prevote" : "precommit")"])
        return true
    }

    /// Before `start` has finished, items wait in a queue (and are not relayed).
    func queueIfStarting(_ kind: Inventory.Kind, _ payload: [UInt8]) -> Bool {
        guard startupQueue != nil else { return false }
        if (startupQueue?.count ?? 0) < Self.maxStartupQueue { startupQueue?.append((kind, payload)) }
        return true
    }

    /// A message the machine refused for a reason that is the sender's fault. A second
    /// validly signed copy of a vote (another timestamp) is no fault of the relayer.
    static func refusal(in actions: [ConsensusAction]) -> ItemVerdict? {
        for action in actions {
            guard case .ignored(let why) = action else { continue }
            switch why {
            case .invalidVote(.sameChoiceDifferentSignature): return .ignore
            case .invalidProposal, .invalidVote: return .reject(points: 20, reason: why.description)
            default: return .ignore
            }
        }
        return nil
    }
}
