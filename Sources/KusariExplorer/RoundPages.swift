import Hummingbird
import KusariAPI
import KusariCore
import KusariNode

/// The pages of consensus rounds as this node saw them: `/consensus` (the recent heights)
/// and `/consensus/{height}` (each round as a table: proposer, proposal, every
/// validator's prevote and precommit with its power, the tally against the two-thirds
/// threshold, the timeouts that fired, the decision). Each mirrors its `/v1/consensus` route.
extension Site {
    /// `/consensus`: mirrors `/v1/consensus/heights?limit=100`.
    func consensusHeights() async throws -> Response {
        guard let recent = node.recentConsensusRounds(limit: 100) else { throw Self.proofOfWork("consensus rounds") }
        guard let role = recent.role else { throw API.roundsError(.notTakingPart, height: 0) ?? Self.proofOfWork("consensus rounds") }
        let view = views.consensusHeights(recent.heights, role: role, current: recent.current)
        let rows: [[String: Any]] = view.heights.map { h in
            var row: [String: Any] = ["height": h.height, "rounds": h.rounds, "timeouts": h.timeouts, "extraRounds": h.rounds > 1,
                                      "started": h.startedAt.map(Format.millis) ?? "–", "current": h.height >= view.currentHeight]
            if let d = h.decided { row["decided"] = ["round": d.round, "blockId": d.blockId, "short": Format.short(d.blockId)] }
            return row
        }
        return renderer.page("consensus", title: "Consensus", scripts: ["live.js"], [
            "heights": rows, "hasHeights": !rows.isEmpty, "isValidator": view.validatorIndex != nil,
            "validatorIndex": view.validatorIndex ?? 0, "kept": view.kept, "currentHeight": view.currentHeight,
        ])
    }

    /// `/consensus/{height}`: mirrors `/v1/consensus/heights/{height}`.
    func consensusHeight(_ text: String) async throws -> Response {
        guard let height = Digits.uint64(text, maxDigits: 19) else {
            throw APIError(.badRequest, "bad_request", "height: '\(text)' is not a height")
        }
        let lookup = node.consensusRounds(atHeight: height)
        guard case .found(let record, let role, let set, let current) = lookup else {
            throw API.roundsError(lookup, height: height) ?? Self.proofOfWork("consensus rounds")
        }
        let view = views.consensusHeight(record, role: role, validators: set, current: current)
        let members = set.validators
        let rounds: [[String: Any]] = view.rounds.map { r in
            var round: [String: Any] = [
                "round": r.round, "decidedHere": view.decided?.round == r.round, "timedOut": !r.timeouts.isEmpty,
                "prevoteTally": tallyRows(r.prevoteTally, total: view.totalPower),
                "precommitTally": tallyRows(r.precommitTally, total: view.totalPower),
                "timeouts": r.timeouts.enumerated().map { i, t -> [String: Any] in
                    ["kind": t.kind, "durationMs": t.durationMs, "firedMs": t.firedMs, "effect": Self.effect(of: t.kind, round: r.round),
                     "more": i + 1 < r.timeouts.count]
                },
                "rows": members.enumerated().map { i, v -> [String: Any] in
                    var row: [String: Any] = ["index": i, "address": views.address(v.address), "power": v.votingPower]
                    if let p = voteCell(r.prevotes, index: i) { row["prevote"] = p }
                    if let p = voteCell(r.precommits, index: i) { row["precommit"] = p }
                    return row
                },
            ]
            if let p = r.proposer { round["proposer"] = ["index": p.index, "address": p.address, "power": p.power] }
            if let s = r.startedMs { round["entered"] = "\(s)" }
            if let p = r.proposal {
                round["proposal"] = ["blockId": p.blockId, "short": Format.short(p.blockId), "receivedMs": p.receivedMs, "own": p.own,
                                     "reproposed": p.polRound >= 0, "polRound": p.polRound]
            }
            return round
        }
        var context: [String: Any] = [
            "height": view.height, "rounds": rounds, "isValidator": view.validatorIndex != nil, "validatorIndex": view.validatorIndex ?? 0,
            "needed": view.twoThirdsPlusOne, "totalPower": view.totalPower, "inProgress": view.inProgress,
            "regionId": view.inProgress ? "live" : "rounds", "next": view.height + 1,
            "hasPrevious": view.height > 1, "previous": view.height - 1,
        ]
        if view.droppedRounds > 0 { context["dropped"] = view.droppedRounds }
        if let s = view.startedAt { context["startedAt"] = Format.millis(s) }
        if let d = view.decided { context["decided"] = ["round": d.round, "blockId": d.blockId, "decidedMs": d.decidedMs] }
        return renderer.page("consensus-height", title: "Consensus at height \(view.height)",
                             scripts: view.inProgress ? ["live.js"] : [], context)
    }

    /// A tally as text pieces: the choice, its power and whether it passes two thirds.
    func tallyRows(_ tally: [View.RoundTally], total: UInt64) -> [[String: Any]] {
        tally.enumerated().map { i, t in
            ["label": t.blockId.map { "block " + Format.short($0) } ?? "nil", "power": t.power, "totalPower": total,
             "votes": t.votes, "twoThirds": t.twoThirds, "more": i + 1 < tally.count]
        }
    }

    /// A validator's vote of one type in a round (both choices of one that signed two), or nil if none arrived.
    func voteCell(_ votes: [View.RoundVote], index: Int) -> [String: Any]? {
        let mine = votes.filter { Int($0.validatorIndex) == index }
        guard let first = mine.first else { return nil }
        let label = mine.map { $0.blockId.map(Format.short) ?? "nil" }.joined(separator: " and ")
        return ["label": mine.count > 1 ? label + " (double signed)" : label, "at": first.receivedMs]
    }

    /// What a timeout that fired made this node do.
    static func effect(of kind: String, round: UInt32) -> String {
        switch kind {
        case "propose": return "no valid proposal in time: prevote nil"
        case "prevote": return "no block had more than two thirds of the prevotes: precommit nil"
        default: return "no block had more than two thirds of the precommits: on to round \(round + 1)"
        }
    }
}
