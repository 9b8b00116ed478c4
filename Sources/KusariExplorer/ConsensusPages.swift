import Hummingbird
import KusariAPI
import KusariCore
import KusariNode

/// The pages of BFT consensus: the validator set with each validator's signing, included
/// evidence, and the consensus parts of the dashboard and of a block page (its proposer,
/// the commit that made it final, the commit it carries, its evidence).
extension Site {
    /// `/validators?height=`: mirrors `/v1/validators`.
    func validators(height text: String?) async throws -> Response {
        let height: UInt64?
        if let text {
            guard let h = Digits.uint64(text), h >= 1 else {
                throw APIError(.badRequest, "bad_request", "height: '\(text)' is not a height from 1 up")
            }
            height = h
        } else {
            height = nil
        }
        guard let set = try await node.validatorSet(atHeight: height) else { throw Self.proofOfWork("validators") }
        let view = views.validatorSet(set)
        let rows: [[String: Any]] = view.validators.map { v in
            let counted = v.signed + v.missed
            return ["v": v, "keyShort": Format.short(v.publicKey), "share": Format.percent(v.power, of: view.totalPower), "isProposer": v.address == view.proposer,
                    "uptime": counted == 0 ? "–" : Format.percent(UInt64(v.signed), of: UInt64(counted)),
                    "missedAny": v.missed > 0]
        }
        var context: [String: Any] = ["set": view, "rows": rows, "count": view.validators.count,
                                      "isNext": height == nil, "previous": view.height > 1 ? view.height - 1 : 0,
                                      "hasPrevious": view.height > 1]
        if let w = view.window { context["window"] = ["from": w.from, "to": w.to, "blocks": w.to - w.from + 1] }
        if height != nil { context["next"] = view.height + 1 }
        return renderer.page("validators", title: "Validators at height \(view.height)", scripts: ["live.js"], context)
    }

    /// `/evidence`: mirrors `/v1/evidence?limit=100`.
    func evidence() async throws -> Response {
        guard let list = try await node.includedEvidence(limit: 100) else { throw Self.proofOfWork("evidence of double signing") }
        return renderer.page("evidence", title: "Evidence", scripts: ["live.js"], [
            "evidence": list.map { evidenceRow(views.includedEvidence($0)) }, "count": list.count,
            "hasEvidence": !list.isEmpty, "showIncluded": true,
        ])
    }

    /// The 404 of a BFT page on a proof-of-work chain.
    static func proofOfWork(_ what: String) -> APIError {
        APIError(.notFound, "no_validators", "this chain runs proof of work: it has no validators, so no \(what)")
    }

    /// A row of an evidence table.
    func evidenceRow(_ e: View.IncludedEvidence) -> [String: Any] {
        ["e": e, "first": voteRow(e.first), "second": voteRow(e.second)]
    }

    /// One of the two votes of a piece of evidence.
    func voteRow(_ v: View.SignedVote) -> [String: Any] {
        let isNil = v.blockId == Hash256.zero.hex
        return ["blockId": v.blockId, "short": isNil ? "nil" : Format.short(v.blockId), "isNil": isNil,
                "time": Format.millis(v.timestamp), "signature": Format.short(v.signature)]
    }

    /// The dashboard's consensus cards on a BFT chain: the validators, the next proposer,
    /// and the power behind the tip's commit. Empty on a proof-of-work chain.
    func consensusCards(tip: UInt64) async -> [String: Any] {
        guard node.bftEngine != nil, let set = try? await node.validatorSet(atHeight: nil) else { return [:] }
        var cards: [String: Any] = ["validatorCount": set.validators.count, "nextProposer": views.address(set.proposer),
                                    "nextProposerShort": Format.short(views.address(set.proposer)), "nextHeight": set.height]
        if tip > 0, case .found(_, let c)? = try? await node.commitCertificate(.height(tip)) {
            cards["tipCommit"] = ["round": c.commit.round, "signed": c.signedPower, "total": c.totalPower,
                                  "count": c.signers.count, "of": c.signers.count + c.absent.count]
        }
        return cards
    }

    /// The consensus parts of a block page: proposer and set hashes, the commit that made
    /// it final, the last commit it carries and its evidence. Empty for a version 1 header.
    func blockConsensus(_ info: BlockInfo, view: View.BlockSummary) async throws -> [String: Any] {
        guard let fields = view.header.bft, let engine = node.bftEngine else { return [:] }
        var context: [String: Any] = ["bft": fields, "isBFT": true,
                                      "evidence": (view.evidence ?? []).map { e -> [String: Any] in
                                          ["e": e, "first": voteRow(e.first), "second": voteRow(e.second)]
                                      }, "hasEvidence": !(view.evidence ?? []).isEmpty]
        if info.block.header.height > 0, case .found(_, let c) = try await node.commitCertificate(.id(info.id)) {
            context["commit"] = commitContext(c)
        }
        if let last = info.block.lastCommit {
            context["lastCommit"] = commitContext(Node.commitView(last, set: engine.validators))
        }
        return context
    }

    /// A commit as a table: every validator by index, with its precommit or "missed".
    func commitContext(_ c: CommitView) -> [String: Any] {
        var rows: [(Int, [String: Any])] = []
        for (p, s) in zip(c.commit.precommits, c.signers) {
            let address = views.address(s.address)
            rows.append((s.index, ["index": s.index, "address": address, "power": s.power, "signed": true,
                                   "time": Format.millis(p.timestamp), "signature": Format.short(p.signature.hex)]))
        }
        for a in c.absent {
            rows.append((a.index, ["index": a.index, "address": views.address(a.address), "power": a.power, "signed": false,
                                   "time": "", "signature": ""]))
        }
        return ["height": c.commit.height, "round": c.commit.round, "blockId": c.commit.blockId.hex,
                "signedPower": c.signedPower, "totalPower": c.totalPower, "needed": c.twoThirdsPlusOne,
                "share": Format.percent(c.signedPower, of: c.totalPower), "count": c.signers.count,
                "missedCount": c.absent.count, "missedAny": !c.absent.isEmpty, "laterRound": c.commit.round > 0,
                "rows": rows.sorted { $0.0 < $1.0 }.map(\.1)]
    }
}
