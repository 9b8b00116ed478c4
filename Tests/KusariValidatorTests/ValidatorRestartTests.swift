import Foundation
import Testing
import KusariBFT
import KusariCore
import KusariValidator

/// The signer and the WAL together under a `ConsensusMachine`, as a driver uses them: a
/// validator crashes in the middle of a height and comes back from its data directory,
/// replaying the WAL, without ever sending two different messages for one height,
/// round and step.
@Suite struct ValidatorRestartTests {
    let us = WALFixtures.key, them = WALFixtures.otherKey, chain = WALFixtures.chainID

    /// One life of the validator: a machine, its signer and its WAL, and every message it sent.
    final class Life {
        var machine: ConsensusMachine
        let wal: ConsensusWAL
        let signer: DurableSigner
        let blocks: [Hash256: Block]
        /// The block this life proposes when asked.
        let ownBlock: Block
        var sent: [WALRecord] = []

        init(dir: WALTestDirectory, key: KeyPair, chain: UInt32, ownBlock: Block, blocks: [Block], clock: UInt64) throws {
            signer = try DurableSigner(key: key, chainID: chain, dataDirectory: dir.path, timestamp: { clock })
            wal = try ConsensusWAL(dataDirectory: dir.path)
            machine = ConsensusMachine(config: ConsensusConfig(chainID: chain), address: AddressPayload(publicKey: key.publicKey),
                                       signer: signer)
            self.ownBlock = ownBlock
            self.blocks = Dictionary((blocks + [ownBlock]).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }

        /// Feeds `event`, carrying out what the machine asks as a driver would: our own
        /// messages go to the WAL (synced) before they are "sent".
        func feed(_ event: ConsensusEvent) throws {
            var queue = [event]
            while !queue.isEmpty {
                let next = queue.removeFirst()
                for action in machine.handle(next) {
                    switch action {
                    case .broadcastProposal(let p):
                        let record = WALRecord.ownProposal(ProposalMessage(proposal: p, block: try #require(blocks[p.blockID])))
                        try wal.append(record)
                        sent.append(record)
                    case .broadcastVote(let v):
                        try wal.append(.ownVote(v))
                        sent.append(.ownVote(v))
                    case .needValue(let h, let r):
                        queue.append(.proposeValue(height: h, round: r, blockID: ownBlock.id))
                    default: break
                    }
                }
            }
        }

        /// A message from the other validator, logged then fed.
        func receive(_ record: WALRecord) throws {
            try wal.append(record)
            if let event = record.event { try feed(event) }
        }
    }

    @Test func aValidatorRestartedMidHeightReplaysItsWALAndNeverSendsAConflictingMessage() throws {
        let set = try ValidatorSet([ValidatorUpdate(publicKey: us.publicKey, votingPower: 10),
                                    ValidatorUpdate(publicKey: them.publicKey, votingPower: 10)])
        let ourIndex = try #require(set.index(of: AddressPayload(publicKey: us.publicKey)))
        let theirIndex = UInt32(1 - ourIndex)
        let proposerR0 = set.proposerIndex(forRound: 0)
        let blockA = WALFixtures.block(height: 1, salt: 1), blockB = WALFixtures.block(height: 1, salt: 2)
        let dir = try WALTestDirectory("restart")
        defer { dir.remove() }

        // Life 1: round 0 runs until we have prevoted and precommitted one block.
        let first = try Life(dir: dir, key: us, chain: chain, ownBlock: blockA, blocks: [blockB], clock: 1_000)
        try first.feed(.startHeight(1, validators: set))
        let decided: Block
        if proposerR0 == ourIndex {
            decided = blockA
        } else {
            decided = blockB
            let p = try Proposal.signed(by: them, chainID: chain, height: 1, round: 0, blockID: blockB.id, polRound: -1,
                                        proposerIndex: theirIndex, timestamp: 1)
            try first.receive(.proposal(ProposalMessage(proposal: p, block: blockB)))
        }
        try first.receive(.vote(try Vote.signed(by: them, chainID: chain, type: .prevote, height: 1, round: 0,
                                                blockID: decided.id, validatorIndex: theirIndex, timestamp: 1)))
        #expect(first.machine.step == .precommit)
        #expect(first.machine.lockedValue == decided.id)
        #expect(first.sent.contains(.ownVote(try #require(first.signer.lastSigned?.vote))))

        // Crash. Life 2, with another clock and, as proposer, another block in mind.
        let second = try Life(dir: dir, key: us, chain: chain, ownBlock: WALFixtures.block(height: 1, salt: 3),
                              blocks: [blockA, blockB], clock: 2_000)
        #expect(second.wal.recovery.isIntact)
        try second.feed(.startHeight(1, validators: set))
        for record in second.wal.replay(height: 1) {
            if let event = record.event { try second.feed(event) }
        }
        #expect(second.machine.round == 0)
        #expect(second.machine.step == .precommit)
        #expect(second.machine.lockedValue == decided.id)

        // The precommit of the other validator decides the block.
        let theirPrecommit = try Vote.signed(by: them, chainID: chain, type: .precommit, height: 1, round: 0,
                                             blockID: decided.id, validatorIndex: theirIndex, timestamp: 1)
        try second.wal.append(.vote(theirPrecommit))
        let actions = second.machine.handle(.vote(theirPrecommit))
        let commit = actions.compactMap { if case .commit(let c) = $0 { return c } else { return nil } }.first
        #expect(commit?.blockID == decided.id)

        // Never two different messages of ours for one height, round and step.
        var byStep: [String: Set<WALRecord>] = [:]
        for record in first.sent + second.sent {
            let key: String
            switch record {
            case .ownVote(let v): key = "\(v.height)/\(v.round)/\(v.type)"
            case .ownProposal(let m): key = "\(m.proposal.height)/\(m.proposal.round)/proposal"
            default: continue
            }
            byStep[key, default: []].insert(record)
        }
        for (step, messages) in byStep { #expect(messages.count == 1, "\(step): \(messages)") }
    }
}
