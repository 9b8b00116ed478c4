import Foundation
import KusariBFT
import KusariCore

/// The driver's record of rounds (`RoundRecorder`): every event goes to the machine
/// through `feed`, which notes what it shows of the height's rounds (a round entered, a
/// proposal or vote counted, our own signed ones); `fire` notes the timeouts that moved
/// the machine on, and `commit` the decision.
extension ConsensusDriver {
    /// Feeds the machine one event, records what it shows, and returns the machine's actions.
    func feed(_ event: ConsensusEvent) -> [ConsensusAction] {
        let actions = machine.handle(event)
        guard let rounds else { return actions }
        let now = Self.nowMs()
        let counted = !Self.ignoredInput(actions)
        let height = machine.height, round = machine.round
        let entered = machine.isStarted && (enteredRound?.height != height || enteredRound?.round != round)
        // The proposer of a round entered, found outside the lock (rounds x validators of work).
        let proposer = entered ? machine.validators?.proposerIndex(forRound: round) : nil
        if entered { enteredRound = (height, round) }
        let set = engine.validators
        rounds.update { log in
            switch event {
            case .startHeight(let height, _):
                log.startHeight(height, nowMs: now, wallMs: UInt64(max(0, Date().timeIntervalSince1970 * 1_000)))
            case .proposal(let p) where counted:
                log.proposal(p, own: false, nowMs: now)
            case .vote(let v) where counted:
                log.vote(v, power: set.validator(at: Int(v.validatorIndex))?.votingPower ?? 0, nowMs: now)
            default: break
            }
            if let proposer { log.enterRound(height: height, round: round, proposerIndex: proposer, nowMs: now) }
            for action in actions {
                switch action {
                case .broadcastProposal(let p): log.proposal(p, own: true, nowMs: now)
                case .broadcastVote(let v):
                    log.vote(v, power: set.validator(at: Int(v.validatorIndex))?.votingPower ?? 0, nowMs: now)
                default: break
                }
            }
        }
        return actions
    }

    /// Whether the machine refused the input (a decided height's late votes count as seen).
    static func ignoredInput(_ actions: [ConsensusAction]) -> Bool {
        actions.contains {
            guard case .ignored(let why) = $0 else { return false }
            if case .alreadyDecided = why { return false }
            return true
        }
    }

    /// A timeout that fired and moved the machine on (its step or round changed).
    func noteTimeout(_ timeout: Timeout) {
        let duration = machine.config.timeouts.duration(timeout.kind, round: timeout.round), now = Self.nowMs()
        rounds?.update { $0.timeout(timeout, durationMs: duration, nowMs: now) }
    }

    /// The machine decided.
    func noteDecision(_ certificate: CommitCertificate) {
        let now = Self.nowMs()
        rounds?.update { $0.decide(height: certificate.height, round: certificate.round, blockID: certificate.blockID, nowMs: now) }
    }
}
