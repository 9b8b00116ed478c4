import KusariCore
import KusariNode

/// The JSON shapes of BFT consensus (docs/openapi.yaml: `BFTHeader`, `LastCommit`,
/// `Evidence`, `CommitCertificate`, `ValidatorSet`, `EvidenceList`).
extension View {
    /// A version 2 header's BFT fields.
    package struct BFTHeader: Encodable {
        package let proposer: String, validatorsHash: String, nextValidatorsHash: String, lastCommitHash: String, evidenceHash: String
    }

    /// One precommit of a commit as a block carries it.
    package struct Precommit: Encodable {
        package let validatorIndex: UInt32, validator: String, timestamp: UInt64, signature: String
    }

    /// A commit certificate as a block carries it (`lastCommit`).
    package struct Commit: Encodable {
        package let height: UInt64, round: UInt32, blockId: String, precommits: [Precommit]
    }

    /// One of the two conflicting votes of a piece of evidence.
    package struct SignedVote: Encodable {
        package let blockId: String, timestamp: UInt64, signature: String
    }

    /// Evidence of double signing as a block carries it.
    package struct Evidence: Encodable {
        package let type: String, height: UInt64, round: UInt32, validatorIndex: UInt32, validator: String
        package let first: SignedVote, second: SignedVote
    }

    /// One precommit of `GET /v1/blocks/{ref}/commit`, with its validator's power.
    package struct PoweredPrecommit: Encodable {
        package let validatorIndex: UInt32, validator: String, timestamp: UInt64, signature: String, power: UInt64
    }

    /// A validator whose precommit a commit lacks.
    package struct Absent: Encodable {
        package let validatorIndex: Int, validator: String, power: UInt64
    }

    /// `GET /v1/blocks/{ref}/commit`: the commit that made a block final.
    package struct CommitCertificate: Encodable {
        package let height: UInt64, round: UInt32, blockId: String, precommits: [PoweredPrecommit]
        package let signedPower: UInt64, totalPower: UInt64, twoThirdsPlusOne: UInt64, absent: [Absent], hex: String
    }

    /// One validator of `GET /v1/validators`.
    package struct ValidatorEntry: Encodable {
        package let index: Int, address: String, publicKey: String, power: UInt64, proposerPriority: Int64
        package let signed: Int, missed: Int
    }

    /// The heights whose commits `signed` and `missed` count.
    package struct SigningWindow: Encodable { package let from: UInt64, to: UInt64 }

    /// `GET /v1/validators`: the set that votes at a height.
    package struct ValidatorSet: Encodable {
        package let height: UInt64, hash: String, totalPower: UInt64, twoThirdsPlusOne: UInt64, proposer: String
        package let validators: [ValidatorEntry]
        package let window: SigningWindow?
    }

    /// Evidence with the height of the block that included it.
    package struct IncludedEvidence: Encodable {
        package let includedAt: UInt64, type: String, height: UInt64, round: UInt32, validatorIndex: UInt32, validator: String
        package let first: SignedVote, second: SignedVote
    }

    /// `GET /v1/evidence`.
    package struct EvidenceList: Encodable { package let evidence: [IncludedEvidence] }
}

extension Views {
    /// The address of validator `index` (the all-zero payload's if the index names nobody: never in a valid block).
    package func validator(_ index: Int) -> String {
        address(validatorAddresses.indices.contains(index) ? validatorAddresses[index] : .zero)
    }

    /// A version 2 header's BFT fields; the proposer is the header's beneficiary.
    package func bftHeader(_ f: BFTHeaderFields, proposer: AddressPayload) -> View.BFTHeader {
        View.BFTHeader(proposer: address(proposer), validatorsHash: f.validatorsHash.hex, nextValidatorsHash: f.nextValidatorsHash.hex,
                       lastCommitHash: f.lastCommitHash.hex, evidenceHash: f.evidenceHash.hex)
    }

    /// A commit as a block carries it.
    package func commit(_ c: BlockCommit) -> View.Commit {
        View.Commit(height: c.height, round: c.round, blockId: c.blockId.hex, precommits: c.precommits.map {
            View.Precommit(validatorIndex: $0.validatorIndex, validator: validator(Int($0.validatorIndex)), timestamp: $0.timestamp,
                           signature: $0.signature.hex)
        })
    }

    /// "prevote" (1) or "precommit" (2).
    package static func voteType(_ t: UInt8) -> String { t == 1 ? "prevote" : "precommit" }

    private func vote(_ v: DoubleSignEvidence.SignedChoice) -> View.SignedVote {
        View.SignedVote(blockId: v.blockId.hex, timestamp: v.timestamp, signature: v.signature.hex)
    }

    /// Evidence as a block carries it.
    package func evidence(_ e: DoubleSignEvidence) -> View.Evidence {
        View.Evidence(type: Self.voteType(e.voteType), height: e.height, round: e.round, validatorIndex: e.validatorIndex,
                      validator: validator(Int(e.validatorIndex)), first: vote(e.first), second: vote(e.second))
    }

    /// Included evidence, for `GET /v1/evidence`.
    package func includedEvidence(_ i: IncludedEvidence) -> View.IncludedEvidence {
        let e = i.evidence
        return View.IncludedEvidence(includedAt: i.includedAt, type: Self.voteType(e.voteType), height: e.height, round: e.round,
                                     validatorIndex: e.validatorIndex, validator: address(i.validator ?? .zero),
                                     first: vote(e.first), second: vote(e.second))
    }

    /// `GET /v1/blocks/{ref}/commit`.
    package func commitCertificate(_ v: CommitView) -> View.CommitCertificate {
        let c = v.commit
        let precommits = zip(c.precommits, v.signers).map { p, s in
            View.PoweredPrecommit(validatorIndex: p.validatorIndex, validator: address(s.address), timestamp: p.timestamp,
                                  signature: p.signature.hex, power: s.power)
        }
        let absent = v.absent.map { View.Absent(validatorIndex: $0.index, validator: address($0.address), power: $0.power) }
        return View.CommitCertificate(height: c.height, round: c.round, blockId: c.blockId.hex, precommits: precommits,
                                      signedPower: v.signedPower, totalPower: v.totalPower, twoThirdsPlusOne: v.twoThirdsPlusOne,
                                      absent: absent, hex: Hex.encode(c.encoded))
    }

    /// `GET /v1/validators`.
    package func validatorSet(_ s: ValidatorSetView) -> View.ValidatorSet {
        View.ValidatorSet(height: s.height, hash: s.hash.hex, totalPower: s.totalPower, twoThirdsPlusOne: s.twoThirdsPlusOne,
                          proposer: address(s.proposer), validators: s.validators.map {
                              View.ValidatorEntry(index: $0.index, address: address($0.address), publicKey: $0.publicKey.hex,
                                                  power: $0.power, proposerPriority: $0.proposerPriority, signed: $0.signed,
                                                  missed: $0.missed)
                          }, window: s.window.map { View.SigningWindow(from: $0.lowerBound, to: $0.upperBound) })
    }
}
