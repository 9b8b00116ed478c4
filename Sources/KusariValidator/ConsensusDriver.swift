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
    /// Own votes and proposals the log could not take (never sent, never resent).
    var unlogged = Set<[UInt8]>()
    /// Messages that arrived before `start` finished, handled after it (nil once started).
    var startupQueue: [(kind: Inventory.Kind, payload: [UInt8])]? = []
    /// How many blocks were taken per (height, round): at most `maxBlocksPerRound`.
    var blocksPerRound: [RoundKey: Int] = [:]
    /// What happened, for tests and the explorer: heights committed here with their round.
    public internal(set) var committed: [(height: UInt64, round: UInt32)] = []
    /// The record of rounds for the API and the explorer (nil: none is kept).
    let rounds: RoundRecorder?
    /// The last (height, round) noted as entered in `rounds`.
    var enteredRound: (height: UInt64, round: UInt32)?

    /// The most proposals of far heights kept while this node catches up.
    static let maxEarly = 16
    /// The most pieces of evidence waiting for a block.
    static let maxEvidencePool = 256
    /// The most blocks taken per height and round (an equivocating proposer's extra ones are dropped).
    static let maxBlocksPerRound = 3
    /// Proposals, votes and commits for heights further ahead than this are not looked at.
    static let maxHeightsAhead: UInt64 = 64
    /// Proposals for rounds further ahead than this are not looked at (finding the round's
    /// proposer costs rounds x validators).
    static let maxRoundsAhead: UInt32 = 100
    /// The most messages queued before `start` finishes.
    static let maxStartupQueue = 10_000

    struct RoundKey: Hashable {
        var height: UInt64
        var round: UInt32
    }

    /// A driver for the validator at `address` signing with `signer` (both nil: a
    /// follower), logging to `wal` (a validator's, so that it comes back after a crash
    /// with the locks and votes it had), noting what it sees of each height's rounds in
    /// `rounds` (which it marks with this node's role).
    public init(host: any ConsensusHost, network: any ConsensusNetwork, engine: BFTEngine, signer: (any ConsensusSigner)?,
                address: AddressPayload?, wal: ConsensusWAL? = nil, settings: Settings = Settings(),
                rounds: RoundRecorder? = nil, logger: Logger) {
        self.host = host
        self.rounds = rounds
        let role: ConsensusRole = address.flatMap { engine.validators.index(of: $0) }.map { .validator(index: $0) } ?? .follower
        rounds?.update { $0.role = role }
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

    /// Starts at the block after the committed tip (replaying the write-ahead log), then
    /// handles what arrived meanwhile, and starts the periodic tick.
    public func start() async {
        lastProgress = Self.nowMs()
        await startHeight((await host.committedTip()).height + 1)
        let queued = startupQueue ?? []
        startupQueue = nil
        for item in queued {
            switch item.kind {
            case ConsensusChannel.proposal: _ = await receiveProposal(item.payload)
            case ConsensusChannel.vote: _ = await receiveVote(item.payload)
            case ConsensusChannel.commit: _ = await receiveCommit(item.payload)
            default: _ = await receiveEvidence(item.payload)
            }
        }
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
        blocksPerRound = blocksPerRound.filter { $0.key.height >= height }
        validity.forget(below: height, blocks: blocks)
        evidencePool.removeAll { $0.height + BFTEngine.maxEvidenceAge < height }
        lastProgress = Self.nowMs()
        // The log's blocks are checked first; then the height starts and its records are fed
        // with no suspension between, so nothing from a peer comes before a logged lock.
        let records = await replayRecords(height)
        var actions = feed(.startHeight(height, validators: validators))
        actions += replay(records)
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
            if let block = blocks[proposal.blockID], !unlogged.contains(proposal.encoded) {
                items.append((ProposalMessage(proposal: proposal, block: block).encoded, ConsensusChannel.proposal))
            }
        }
        for vote in log.votes where !unlogged.contains(vote.encoded) { items.append((vote.encoded, ConsensusChannel.vote)) }
        if tipHeight > 0, let commit = await host.storedCommit(atHeight: tipHeight) {
            items.append((commit.encoded, ConsensusChannel.commit))
        }
        for peer in peers {
            for (payload, kind) in items { await network.send(payload, on: kind, to: peer) }
        }
    }

    /// Milliseconds on a clock that never goes back (for intervals; the wall clock may step).
    static func nowMs() -> UInt64 { UInt64(max(0, ProcessInfo.processInfo.systemUptime * 1_000)) }

    /// The chain reached `height` by a commit from a peer: the next height starts (unless a
    /// commit of ours already scheduled it).
    func movedOn(to height: UInt64) async {
        guard height >= machine.height, scheduledStart != height + 1 else { return }
        await startHeight(height + 1)
    }
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
