import Foundation
import KusariBFT
import KusariCore
import Logging

extension ConsensusDriver {
    /// Carries out the machine's actions, in order.
    func perform(_ actions: [ConsensusAction]) async {
        for action in actions {
            switch action {
            case .broadcastProposal(let proposal):
                guard let block = blocks[proposal.blockID] else {
                    logger.warning("consensus: a proposal for a block this node does not hold",
                                   metadata: ["block": "\(proposal.blockID)"])
                    continue
                }
                let message = ProposalMessage(proposal: proposal, block: block)
                // Logged (and synced) before it leaves, like every message we sign.
                guard log(.ownProposal(message)) else { unloggable(proposal.encoded); continue }
                await network.publish(message.encoded, on: ConsensusChannel.proposal)
            case .broadcastVote(let vote):
                guard log(.ownVote(vote)) else { unloggable(vote.encoded); continue }
                _ = recentVotes.record(vote)
                await network.publish(vote.encoded, on: ConsensusChannel.vote)
                if let key = equivocationKey, vote.type == .prevote, vote.blockID != nil,
                   let twin = try? Vote.signed(by: key, chainID: engine.chainID, type: .prevote, height: vote.height,
                                               round: vote.round, blockID: nil, validatorIndex: vote.validatorIndex,
                                               timestamp: vote.timestamp) {
                    await network.publish(twin.encoded, on: ConsensusChannel.vote)
                }
            case .scheduleTimeout(let timeout, let ms):
                Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(Int(min(ms, UInt64(Int32.max)))))
                    await self?.fire(timeout)
                }
            case .needValue(let height, let round):
                await propose(height: height, round: round)
            case .commit(let certificate):
                await commit(certificate)
            case .evidence(let evidence):
                let item = evidence.blockEvidence
                if await keep(item) { await network.publish(item.encoded, on: ConsensusChannel.evidence) }
            case .ignored(let why):
                logger.debug("consensus: input ignored", metadata: ["reason": "\(why)"])
            }
        }
    }

    /// A timeout elapsed.
    func fire(_ timeout: Timeout) async {
        guard !stopped else { return }
        // Only a timeout of the height and round still running does anything.
        let current = timeout.height == machine.height && timeout.round == machine.round && machine.decision == nil
        if current {
            logger.info("consensus: timeout", metadata: ["timeout": "\(timeout)", "step": "\(machine.step)"])
            guard log(.timeout(timeout)) else { return }
        }
        let step = machine.step
        let actions = feed(.timeout(timeout))
        if current && (machine.round != timeout.round || machine.step != step) { noteTimeout(timeout) }
        await perform(actions)
    }

    /// Our turn to propose: the host builds a block on the tip.
    func propose(height: UInt64, round: UInt32) async {
        guard let address,
              let block = await host.buildProposal(height: height, proposer: address, evidence: evidencePool) else {
            logger.info("consensus: no block to propose (the tip moved)", metadata: ["height": "\(height)", "round": "\(round)"])
            return
        }
        blocks[block.id] = block
        validity.set(block.id, true)
        await perform(feed(.proposeValue(height: height, round: round, blockID: block.id)))
    }

    /// The height is decided: connect the block with its certificate, tell the peers,
    /// and start the next height after the commit wait.
    func commit(_ certificate: CommitCertificate) async {
        // From here the next height is this commit's to start (after the commit wait).
        scheduledStart = certificate.height + 1
        noteDecision(certificate)
        let commit = certificate.blockCommit
        let block = blocks[certificate.blockID]
        // The chain may hold the block already (a peer's commit or the next block got here first).
        if (await host.committedTip()).height < certificate.height {
            guard let block else {
                // Not held yet: it comes by block sync, and `tick` connects it with this commit.
                logger.notice("consensus: decided a block this node does not hold yet", metadata: [
                    "height": "\(certificate.height)", "block": "\(certificate.blockID)"])
                scheduledStart = nil
                return
            }
            guard await host.commitDecided(block, commit: commit) else {
                logger.error("consensus: the decided block could not be connected",
                             metadata: ["height": "\(certificate.height)", "block": "\(certificate.blockID)"])
                scheduledStart = nil
                return
            }
        }
        if let wal, (wal.lastEndedHeight ?? 0) < certificate.height {
            do { try wal.endHeight(certificate.height) } catch {
                logger.error("consensus: the write-ahead log could not end the height", metadata: ["error": "\(error)"])
            }
        }
        let included = block?.evidence ?? []
        evidencePool.removeAll { item in included.contains { $0.offence == item.offence } }
        committed.append((certificate.height, certificate.round))
        if committed.count > 1_000 { committed.removeFirst(committed.count - 1_000) }
        logger.info("consensus: committed", metadata: ["height": "\(certificate.height)", "round": "\(certificate.round)",
                                                       "txs": "\(block?.transactions.count ?? 0)",
                                                       "signers": "\(commit.precommits.count)"])
        await network.publish(commit.encoded, on: ConsensusChannel.commit)
        lastProgress = Self.nowMs()
        let wait = settings.commitWaitMs
        let next = certificate.height + 1
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(min(wait, UInt64(Int32.max)))))
            await self?.startAfterCommit(next)
        }
    }

    /// Starts `height` unless the driver moved there already (a peer's commit, a sync).
    func startAfterCommit(_ height: UInt64) async {
        guard machine.height + 1 == height, machine.decision != nil else { return }
        await startHeight(height)
    }
}
