import Foundation
import KusariBFT
import KusariCore
import KusariNetwork
import KusariPeers
import Logging

/// Runs BFT consensus in a node: feeds `ConsensusMachine` the proposals, votes and
/// timeouts of the current height, carries out what it returns (broadcasts on the
/// consensus channels, timers on real time, blocks built and checked by the host,
/// decided blocks connected with their commit certificates), and moves to the next
/// height after `commitWaitMs`. A node without a validator key follows: it runs the
/// same machine without signing and commits what the validators decide.
///
/// Proposals travel with their blocks, and a proposal is fed to the machine only after
/// the host has checked its block, so the machine's `valid(v)` is known when asked.
/// Messages of the next height are kept until it starts. When no height is decided for
/// `resendAfterMs`, the node sends its height's messages and the tip's commit again to
/// every peer (a peer that restarted has seen none of them), and when the chain moves
/// by other means (block sync, a commit from a peer) the machine jumps to the new tip.
public actor ConsensusDriver {
    /// The driver's timing.
    public struct Settings: Sendable {
        /// The round timeouts.
        public var timeouts: ConsensusTimeouts
        /// The wait between a commit and the next height (CometBFT's `timeout_commit`),
        /// which lets late precommits in and sets the block interval.
        public var commitWaitMs: UInt64
        /// Without a commit for this long, the height's messages are sent again.
        public var resendAfterMs: UInt64
        /// How often the driver looks at the chain's tip and the time since progress.
        public var tickMs: UInt64
        /// How far ahead of this node's clock a proposed block's timestamp may be.
        public var maxFutureSeconds: UInt64

        public init(timeouts: ConsensusTimeouts = .devnet, commitWaitMs: UInt64 = 500, resendAfterMs: UInt64 = 2_000,
                    tickMs: UInt64 = 250, maxFutureSeconds: UInt64 = 15) {
            self.timeouts = timeouts
            self.commitWaitMs = commitWaitMs
            self.resendAfterMs = resendAfterMs
            self.tickMs = tickMs
            self.maxFutureSeconds = maxFutureSeconds
        }
    }

    let host: any ConsensusHost
    let network: any ConsensusNetwork
    let engine: BFTEngine
    let settings: Settings
    let logger: Logger
    /// This validator's address, or nil for a follower.
    public let address: AddressPayload?
    var machine: ConsensusMachine
    let validity = Validity()
    /// The validator set of `machine.height` and the height it is for.
    var validators: ValidatorSet
    var validatorsHeight: UInt64 = 1
    /// Blocks of proposals at the current height and the next, by id.
    var blocks: [Hash256: Block] = [:]
    /// Proposals for heights beyond the next (this node lags), kept to check later.
    var early: [ProposalMessage] = []
    var lastProgress: UInt64 = 0
    /// The height a commit scheduled to start after the commit wait.
    var scheduledStart: UInt64?
    var lastResend: UInt64 = 0
    /// The peers connected at the last tick (a new one is sent the height's messages).
    var knownPeers = Set<Int>()
    var ticker: Task<Void, Never>?
    var stopped = false
    /// Votes of the last heights, to catch a conflicting vote that arrives late.
    var recentVotes = RecentVotes()
    /// Evidence of double signing not yet included in a block, oldest first.
    var evidencePool: [DoubleSignEvidence] = []
    /// For tests of evidence only (`kusari node --test-equivocate`): this key also signs a
    /// nil prevote beside each prevote for a block, which is double signing.
    var equivocationKey: KeyPair?
    /// The write-ahead log (a validator's): what arrived and what we signed, replayed when
    /// a height starts after a restart.
    let wal: ConsensusWAL?
    /// True while the log is replayed (nothing is logged again).
    var replaying = false
    /// What happened, for tests and the explorer: heights committed here with their round.
    public internal(set) var committed: [(height: UInt64, round: UInt32)] = []

    /// The most proposals of far heights kept while this node catches up.
    static let maxEarly = 16
    /// The most pieces of evidence waiting for a block.
    static let maxEvidencePool = 256

    /// A driver for the validator at `address` signing with `signer` (both nil: a
    /// follower), logging to `wal` (a validator's, so that it comes back after a crash
    /// with the locks and votes it had).
    public init(host: any ConsensusHost, network: any ConsensusNetwork, engine: BFTEngine, signer: (any ConsensusSigner)?,
                address: AddressPayload?, wal: ConsensusWAL? = nil, settings: Settings = Settings(), logger: Logger) {
        self.host = host
        self.wal = wal
        self.network = network
        self.engine = engine
        self.settings = settings
        self.logger = logger
        self.address = address
        self.validators = engine.validators
        let box = validity
        machine = ConsensusMachine(config: ConsensusConfig(chainID: engine.chainID, timeouts: settings.timeouts),
                                   address: address, signer: signer, isValid: { box.isValid($0) })
    }

    /// The height being decided.
    public var height: UInt64 { machine.height }

    /// Starts at the block after the committed tip, and the periodic tick.
    public func start() async {
        lastProgress = Self.nowMs()
        await startHeight((await host.committedTip()).height + 1)
        let tick = settings.tickMs
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(tick)))
                guard let self else { return }
                await self.tick()
            }
        }
    }

    /// Stops the tick and every timer's effect.
    public func stop() {
        stopped = true
        ticker?.cancel()
    }

    // MARK: - Heights

    func startHeight(_ height: UInt64) async {
        guard !stopped else { return }
        // The chain holds height - 1: its records need no replay any more.
        if let wal, height > 1, (wal.lastEndedHeight ?? 0) < height - 1 {
            do { try wal.endHeight(height - 1) } catch {
                logger.error("consensus: the write-ahead log could not end the height", metadata: ["error": "\(error)"])
            }
        }
        if height < validatorsHeight {
            validators = engine.validatorSet(atHeight: height)
        } else if height > validatorsHeight {
            let steps = height - validatorsHeight
            validators.incrementProposerPriority(times: UInt32(min(steps, UInt64(UInt32.max))))
            if steps > UInt64(UInt32.max) { validators = engine.validatorSet(atHeight: height) }
        }
        validatorsHeight = height
        scheduledStart = nil
        blocks = blocks.filter { $0.value.header.height >= height }
        validity.forget(below: height, blocks: blocks)
        lastProgress = Self.nowMs()
        var actions = machine.handle(.startHeight(height, validators: validators))
        actions += await replay(height)
        await perform(actions)
        // Proposals that came while this node was behind.
        let ready = early.filter { $0.proposal.height <= height + 1 }
        early.removeAll { $0.proposal.height <= height + 1 }
        for message in ready where message.proposal.height >= height { _ = await take(message) }
    }

    func tick() async {
        guard !stopped else { return }
        var tip = await host.committedTip()
        // Decided, but the block had not arrived: connect it with the decision's commit once it has.
        if let decision = machine.decision, tip.height < decision.height, await host.receiveCommit(decision.blockCommit) {
            tip = await host.committedTip()
        }
        if tip.height >= machine.height && scheduledStart != machine.height + 1 {
            if machine.decision == nil {
                logger.info("consensus: the chain moved ahead, joining the next height",
                            metadata: ["tip": "\(tip.height)", "was at": "\(machine.height)"])
            }
            await startHeight(tip.height + 1)
            return
        }
        let peers = await network.readyPeers()
        let fresh = peers.filter { !knownPeers.contains($0) }
        knownPeers = Set(peers)
        let now = Self.nowMs()
        if now - lastProgress >= settings.resendAfterMs && now - lastResend >= settings.resendAfterMs {
            lastResend = now
            await resend(tipHeight: tip.height, to: peers)
        } else if !fresh.isEmpty {
            // A peer that just connected (perhaps restarted) has seen none of this height.
            await resend(tipHeight: tip.height, to: fresh)
        }
    }

    /// Sends this height's proposals (with their blocks) and votes, and the tip's commit,
    /// to `peers` again.
    func resend(tipHeight: UInt64, to peers: [Int]) async {
        var items: [([UInt8], Inventory.Kind)] = []
        let log = machine.messageLog
        for proposal in log.proposals {
            if let block = blocks[proposal.blockID] {
                items.append((ProposalMessage(proposal: proposal, block: block).encoded, ConsensusChannel.proposal))
            }
        }
        for vote in log.votes { items.append((vote.encoded, ConsensusChannel.vote)) }
        if tipHeight > 0, let commit = await host.storedCommit(atHeight: tipHeight) {
            items.append((commit.encoded, ConsensusChannel.commit))
        }
        for peer in peers {
            for (payload, kind) in items { await network.send(payload, on: kind, to: peer) }
        }
    }

    // MARK: - Messages from peers

    /// A proposal message from a peer: its block is checked, then the proposal goes to the machine.
    public func receiveProposal(_ payload: [UInt8]) async -> ItemVerdict {
        let message: ProposalMessage
        do { message = try ProposalMessage(decoding: payload) } catch {
            return .reject(points: 20, reason: "proposal: \(error)")
        }
        return await take(message)
    }

    func take(_ message: ProposalMessage) async -> ItemVerdict {
        let h = message.proposal.height
        guard h >= machine.height else { return .ignore }
        let tip = await host.committedTip()
        guard h == tip.height + 1 else {
            // This node lags: keep a few to look at once it has caught up.
            guard h > tip.height + 1 else { return .ignore }
            if early.count >= Self.maxEarly { early.removeFirst() }
            early.append(message)
            return .accept
        }
        let id = message.block.id
        if blocks[id] == nil {
            let inTime = message.block.header.timestamp <= UInt64(Date().timeIntervalSince1970) + settings.maxFutureSeconds
            let valid = inTime ? await host.checkProposed(message.block) : false
            validity.set(id, valid)
            blocks[id] = message.block
        }
        guard log(.proposal(message)) else { return .ignore }
        let actions = machine.handle(.proposal(message.proposal))
        if let refusal = Self.refusal(in: actions) { return refusal }
        await perform(actions)
        return .accept
    }

    /// A vote from a peer.
    public func receiveVote(_ payload: [UInt8]) async -> ItemVerdict {
        let vote: Vote
        do { vote = try Vote(decoding: payload) } catch { return .reject(points: 20, reason: "vote: \(error)") }
        if let earlier = await checkLate(vote) { return earlier }
        guard vote.height >= machine.height else { return .ignore }
        guard log(.vote(vote)) else { return .ignore }
        let actions = machine.handle(.vote(vote))
        if let refusal = Self.refusal(in: actions) { return refusal }
        await perform(actions)
        return .accept
    }

    /// Records a vote of a recent height (its signature checked against the set) and turns
    /// a conflict with one seen before into evidence. Returns a verdict for a vote of a
    /// height this node has left (which the machine would not look at), nil otherwise.
    func checkLate(_ vote: Vote) async -> ItemVerdict? {
        let late = vote.height < machine.height
        guard vote.height + RecentVotes.heights >= machine.height,
              let validator = engine.validators.validator(at: Int(vote.validatorIndex)) else { return late ? .ignore : nil }
        guard vote.hasValidSignature(chainID: engine.chainID, publicKey: validator.publicKey) else {
            return .reject(points: 20, reason: "vote: invalid signature")
        }
        if let earlier = recentVotes.record(vote),
           let evidence = DuplicateVoteEvidence(earlier, vote, validator: validator, totalPower: engine.validators.totalPower) {
            let item = evidence.blockEvidence
            if await keep(item) { await network.publish(item.encoded, on: ConsensusChannel.evidence) }
        }
        return late ? .ignore : nil
    }

    /// A commit certificate from a peer: checked on its own, then given to the host, which
    /// connects the block it certifies if it holds it.
    public func receiveCommit(_ payload: [UInt8]) async -> ItemVerdict {
        let commit: BlockCommit
        do { commit = try BlockCommit(decoding: payload) } catch { return .reject(points: 20, reason: "commit: \(error)") }
        let tip = await host.committedTip()
        guard commit.height > tip.height else { return .ignore }
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
        let evidence: DoubleSignEvidence
        do { evidence = try DoubleSignEvidence(decoding: payload) } catch {
            return .reject(points: 20, reason: "evidence.\(error)")
        }
        do { try engine.validators.verifyEvidence(evidence, chainID: engine.chainID) } catch {
            return .reject(points: 50, reason: "\(error)")
        }
        return await keep(evidence) ? .accept : .ignore
    }

    /// Adds evidence to the pool unless it is there or a block included it; true if added.
    func keep(_ evidence: DoubleSignEvidence) async -> Bool {
        guard !evidencePool.contains(where: { $0.offence == evidence.offence }) else { return false }
        guard !(await host.evidenceIncluded(evidence)) else { return false }
        if evidencePool.count >= Self.maxEvidencePool { evidencePool.removeFirst() }
        evidencePool.append(evidence)
        logger.warning("consensus: evidence of double signing", metadata: [
            "validatorIndex": "\(evidence.validatorIndex)", "height": "\(evidence.height)", "round": "\(evidence.round)",
            "type": "\(evidence.voteType == 1 ? "prevote" : "precommit")"])
        return true
    }

    /// Turns on the test-only equivocation (`kusari node --test-equivocate`).
    public func equivocate(with key: KeyPair) { equivocationKey = key }

    /// The chain reached `height` by a commit from a peer: the next height starts.
    func movedOn(to height: UInt64) async {
        guard height >= machine.height else { return }
        await startHeight(height + 1)
    }

    /// Appends a record to the write-ahead log (not while replaying it). False when it
    /// could not be written: the message is then not used (a validator must not act on
    /// what it could not log).
    func log(_ record: WALRecord) -> Bool {
        guard let wal, !replaying else { return true }
        do { try wal.append(record) } catch {
            logger.error("consensus: the write-ahead log could not be written", metadata: ["error": "\(error)"])
            return false
        }
        return true
    }

    /// The logged records of `height` fed to the machine again (after a restart): blocks of
    /// logged proposals are checked again, our own messages count as received.
    func replay(_ height: UInt64) async -> [ConsensusAction] {
        guard let wal else { return [] }
        let records = wal.replay(height: height)
        guard !records.isEmpty else { return [] }
        logger.notice("consensus: replaying the write-ahead log", metadata: ["height": "\(height)", "records": "\(records.count)"])
        replaying = true
        defer { replaying = false }
        var actions: [ConsensusAction] = []
        for record in records {
            switch record {
            case .proposal(let message), .ownProposal(let message):
                let id = message.block.id
                if blocks[id] == nil {
                    validity.set(id, await host.checkProposed(message.block))
                    blocks[id] = message.block
                }
            default: break
            }
            if let event = record.event { actions += machine.handle(event) }
        }
        return actions
    }

    /// A message the machine refused for a reason that is the sender's fault.
    static func refusal(in actions: [ConsensusAction]) -> ItemVerdict? {
        for action in actions {
            guard case .ignored(let why) = action else { continue }
            switch why {
            case .invalidProposal, .invalidVote: return .reject(points: 20, reason: why.description)
            default: return .ignore
            }
        }
        return nil
    }

    static func nowMs() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970 * 1_000)) }
}

/// The machine's `valid(v)`: the host's verdict on each proposed block, by id.
final class Validity: @unchecked Sendable {
    private let lock = NSLock()
    private var verdicts: [Hash256: Bool] = [:]

    func isValid(_ id: Hash256) -> Bool { lock.withLock { verdicts[id] ?? false } }
    func set(_ id: Hash256, _ valid: Bool) { lock.withLock { verdicts[id] = valid } }
    /// Keeps only the verdicts of blocks still held.
    func forget(below height: UInt64, blocks: [Hash256: Block]) {
        lock.withLock { verdicts = verdicts.filter { blocks[$0.key] != nil } }
    }
}
