import Foundation
import KusariBFT
import KusariChain
import KusariCore
import KusariValidator

/// The node as BFT consensus's host: blocks to propose from the mempool, the full check
/// of proposed blocks, and decided or certified blocks connected with the same mempool,
/// backlog and event updates as any other block.
extension Node: ConsensusHost {
    public func committedTip() -> (height: UInt64, id: Hash256) { (chain.height, chain.tipId) }

    public func buildProposal(height: UInt64, proposer: AddressPayload, evidence: [DoubleSignEvidence]) -> Block? {
        guard height == chain.height + 1 else { return nil }
        // Evidence no block included yet, of earlier heights within the age limit.
        var offences = Set<[UInt8]>()
        let evidence = evidence.filter {
            $0.height < height && height - $0.height <= BFTEngine.maxEvidenceAge && (try? chain.evidenceIncluded($0)) == .some(nil)
                && offences.insert($0.offence).inserted
        }.prefix(DoubleSignEvidence.maxPerBlock)
        // Room for the header, the last commit (one precommit per validator) and the count.
        let commitRoom = 8 + 4 + 32 + 5 + chain.genesis.consensus.validators.count * BlockCommit.precommitSize
        let room = config.maxBlockBytes - BlockHeader.bftEncodedSize - 1 - commitRoom - 2 - evidence.count * DoubleSignEvidence.encodedSize - 8
        let txs = mempool.template(account: { chain.state.account($0) }, maxBytes: room, maxCount: Block.maxTransactions)
        do {
            // Signatures were checked on admission.
            return try chain.proposal(proposer: proposer, transactions: txs, evidence: Array(evidence), timestamp: Self.now(),
                                      signatures: .alreadyVerified)
        } catch {
            // A pool out of step with the chain: drop what no longer applies and propose an empty block.
            mempool.update(account: { chain.state.account($0) }, now: Self.now())
            mempoolVersion &+= 1
            logger.warning("consensus: pending transactions did not apply; proposing an empty block",
                           metadata: ["error": "\(error)"])
            return try? chain.proposal(proposer: proposer, transactions: [], evidence: Array(evidence), timestamp: Self.now())
        }
    }

    public func evidenceIncluded(_ evidence: DoubleSignEvidence) -> Bool {
        (try? chain.evidenceIncluded(evidence)) != .some(nil)
    }

    public func checkProposed(_ block: Block) -> Bool {
        let before = chain.height
        defer { announceCommitted(since: before) }
        do {
            try chain.checkProposal(block, signatures: signatureCheck(for: block, .verify))
            return true
        } catch ChainError.duplicate {
            return true
        } catch {
            logger.notice("consensus: proposed block refused", metadata: ["height": "\(block.header.height)",
                                                                        "block": "\(block.id)", "reason": "\(error)"])
            return false
        }
    }

    public func commitDecided(_ block: Block, commit: BlockCommit) -> Bool {
        let before = chain.height
        defer { announceCommitted(since: before) }
        do {
            _ = try chain.submit(block, commit: commit, signatures: signatureCheck(for: block, .verify))
            return true
        } catch ChainError.duplicate {
            return true
        } catch {
            logger.error("consensus: a decided block was refused", metadata: ["height": "\(block.header.height)",
                                                                            "block": "\(block.id)", "reason": "\(error)"])
            return false
        }
    }

    public func receiveCommit(_ commit: BlockCommit) -> Bool {
        let before = chain.height
        defer { announceCommitted(since: before) }
        do { _ = try chain.add(commit: commit) } catch {
            logger.notice("consensus: a commit from a peer was refused", metadata: ["reason": "\(error)"])
        }
        return chain.height > before
    }

    public func storedCommit(atHeight height: UInt64) -> BlockCommit? {
        guard let id = chain.id(atHeight: height) else { return nil }
        return try? chain.commit(for: id)
    }

    /// Runs the after-connect work (mempool, backlog, events) for each block the committed
    /// chain gained above `height`.
    func announceCommitted(since height: UInt64) {
        guard chain.height > height else { return }
        for h in (height + 1)...chain.height {
            guard let block = try? chain.block(atHeight: h) else { continue }
            _ = connected(block, .connected(height: h))
        }
    }
}
