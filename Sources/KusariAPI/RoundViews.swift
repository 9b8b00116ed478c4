import KusariBFT
import KusariCore
import KusariNode
import KusariValidator

/// The JSON shapes of the consensus rounds a node saw (docs/openapi.yaml:
/// `ConsensusHeights`, `ConsensusHeight`). Times are milliseconds since the node started
/// the height (negative: a message that arrived before); a vote for nil, like every
/// optional value, has its `blockId` left out.
extension View {
    /// A round's proposer.
    package struct RoundProposer: Encodable {
        package let index: Int, address: String, publicKey: String, power: UInt64
    }

    /// A round's proposal as it arrived.
    package struct RoundProposal: Encodable {
        package let blockId: String, polRound: Int, receivedMs: Int64, own: Bool
    }

    /// One vote counted in a round.
    package struct RoundVote: Encodable {
        package let validatorIndex: UInt32, validator: String, blockId: String?, power: UInt64, receivedMs: Int64
    }

    /// The power behind one choice (a block, or nil when `blockId` is left out) in a round.
    package struct RoundTally: Encodable {
        package let blockId: String?, power: UInt64, votes: Int, twoThirds: Bool
    }

    /// A timeout that fired.
    package struct RoundTimeout: Encodable {
        package let kind: String, durationMs: UInt64, firedMs: Int64
    }

    /// One round of `GET /v1/consensus/heights/{height}`.
    package struct Round: Encodable {
        package let round: UInt32, proposer: RoundProposer?, startedMs: Int64?, proposal: RoundProposal?
        package let prevotes: [RoundVote], precommits: [RoundVote]
        package let prevoteTally: [RoundTally], precommitTally: [RoundTally]
        package let prevotePower: UInt64, precommitPower: UInt64
        package let timeouts: [RoundTimeout]
    }

    /// The decision of a height.
    package struct RoundDecision: Encodable {
        package let round: UInt32, blockId: String, decidedMs: Int64
    }

    /// `GET /v1/consensus/heights/{height}`.
    package struct ConsensusHeight: Encodable {
        package let height: UInt64, role: String, validatorIndex: Int?, startedAt: UInt64?, inProgress: Bool
        package let totalPower: UInt64, twoThirdsPlusOne: UInt64
        package let rounds: [Round], droppedRounds: Int, decided: RoundDecision?
    }

    /// One height of `GET /v1/consensus/heights`.
    package struct HeightSummary: Encodable {
        package let height: UInt64, startedAt: UInt64?, rounds: Int, timeouts: Int, decided: RoundDecision?
    }

    /// `GET /v1/consensus/heights`.
    package struct ConsensusHeights: Encodable {
        package let role: String, validatorIndex: Int?, currentHeight: UInt64, kept: Int, heights: [HeightSummary]
    }
}

extension Views {
    /// "validator" or "follower", and a validator's index.
    static func role(_ r: ConsensusRole) -> (String, Int?) {
        switch r {
        case .validator(let index): return ("validator", index)
        case .follower: return ("follower", nil)
        }
    }

    /// The time a record's times count from: the height's start here, else its first message.
    static func origin(_ h: HeightRounds) -> UInt64 {
        if let s = h.startedMs { return s }
        var first = UInt64.max
        for r in h.rounds {
            for v in r.prevotes + r.precommits { first = min(first, v.atMs) }
            if let p = r.proposal { first = min(first, p.atMs) }
        }
        return first == .max ? 0 : first
    }

    static func since(_ t: UInt64, _ origin: UInt64) -> Int64 {
        t >= origin ? Int64(clamping: t - origin) : -Int64(clamping: origin - t)
    }

    /// The power behind each choice, in the order the choices first appear.
    static func tally(_ votes: [RecordedVote], needed: UInt64) -> [View.RoundTally] {
        var choices: [Hash256?] = []
        var power: [UInt64] = [], count: [Int] = []
        for v in votes {
            if let i = choices.firstIndex(of: v.blockID) {
                power[i] &+= v.power
                count[i] += 1
            } else {
                choices.append(v.blockID)
                power.append(v.power)
                count.append(1)
            }
        }
        return choices.indices.map {
            View.RoundTally(blockId: choices[$0]?.hex, power: power[$0], votes: count[$0], twoThirds: power[$0] >= needed)
        }
    }

    /// The power of the distinct validators among `votes`.
    static func distinctPower(_ votes: [RecordedVote]) -> UInt64 {
        var seen: [UInt32] = [], total: UInt64 = 0
        for v in votes where !seen.contains(v.validatorIndex) {
            seen.append(v.validatorIndex)
            total &+= v.power
        }
        return total
    }

    func roundVotes(_ votes: [RecordedVote], origin: UInt64) -> [View.RoundVote] {
        votes.map {
            View.RoundVote(validatorIndex: $0.validatorIndex, validator: validator(Int($0.validatorIndex)), blockId: $0.blockID?.hex,
                           power: $0.power, receivedMs: Self.since($0.atMs, origin))
        }
    }

    /// `GET /v1/consensus/heights/{height}`.
    package func consensusHeight(_ h: HeightRounds, role: ConsensusRole, validators set: ValidatorSet, current: UInt64) -> View.ConsensusHeight {
        let origin = Self.origin(h), needed = set.twoThirdsPlusOne
        let rounds = h.rounds.map { r -> View.Round in
            let proposer = r.proposerIndex.flatMap { i in
                set.validator(at: i).map { View.RoundProposer(index: i, address: address($0.address), publicKey: $0.publicKey.hex,
                                                              power: $0.votingPower) }
            }
            return View.Round(
                round: r.round, proposer: proposer, startedMs: r.startedMs.map { Self.since($0, origin) },
                proposal: r.proposal.map { View.RoundProposal(blockId: $0.blockID.hex, polRound: $0.polRound,
                                                              receivedMs: Self.since($0.atMs, origin), own: $0.own) },
                prevotes: roundVotes(r.prevotes, origin: origin), precommits: roundVotes(r.precommits, origin: origin),
                prevoteTally: Self.tally(r.prevotes, needed: needed), precommitTally: Self.tally(r.precommits, needed: needed),
                prevotePower: Self.distinctPower(r.prevotes), precommitPower: Self.distinctPower(r.precommits),
                timeouts: r.timeouts.map { View.RoundTimeout(kind: Self.timeoutKind($0.kind), durationMs: $0.durationMs,
                                                             firedMs: Self.since($0.atMs, origin)) })
        }
        let (name, index) = Self.role(role)
        return View.ConsensusHeight(height: h.height, role: name, validatorIndex: index, startedAt: h.startedAtMs,
                                    inProgress: h.decision == nil && h.height >= current, totalPower: set.totalPower,
                                    twoThirdsPlusOne: needed, rounds: rounds, droppedRounds: h.droppedRounds,
                                    decided: h.decision.map { Self.decision($0, origin: origin) })
    }

    static func decision(_ d: HeightRounds.Decision, origin: UInt64) -> View.RoundDecision {
        View.RoundDecision(round: d.round, blockId: d.blockID.hex, decidedMs: since(d.atMs, origin))
    }

    /// "propose", "prevote" or "precommit".
    package static func timeoutKind(_ k: TimeoutKind) -> String {
        switch k {
        case .propose: return "propose"
        case .prevote: return "prevote"
        case .precommit: return "precommit"
        }
    }

    /// `GET /v1/consensus/heights`.
    package func consensusHeights(_ heights: [HeightRounds], role: ConsensusRole, current: UInt64) -> View.ConsensusHeights {
        let (name, index) = Self.role(role)
        return View.ConsensusHeights(role: name, validatorIndex: index, currentHeight: current, kept: RoundRecorder.maxHeights,
                                     heights: heights.map { h in
                                         View.HeightSummary(height: h.height, startedAt: h.startedAtMs, rounds: h.rounds.count,
                                                            timeouts: h.timeoutCount,
                                                            decided: h.decision.map { Self.decision($0, origin: Self.origin(h)) })
                                     })
    }
}
