import Foundation
import Testing
import KusariConformance
import KusariConsensus
import KusariCore

/// The state, block-rule and proof-of-work vectors, checked again through the
/// node's real trees, rules and arithmetic.
@Suite struct LedgerVectorTests {
    func proof(_ p: VectorFormats.StateProofJSON) throws -> StateProof {
        let terminal: StateProof.Terminal
        let account = Account(balance: p.terminal.balance ?? 0, nonce: p.terminal.nonce ?? 0)
        switch p.terminal.kind {
        case "account": terminal = .account(account)
        case "empty": terminal = .empty
        case "otherLeaf": terminal = .otherLeaf(key: try payload(p.terminal.key ?? ""), account: account)
        default: throw VectorTestError.bad(p.terminal.kind)
        }
        return StateProof(key: try payload(p.key), siblings: try p.siblings.map(hash), terminal: terminal)
    }

    @Test func stateTrees() throws {
        let file = try VectorFormats.decode(VectorFormats.State.self, "state.json")
        for s in file.states {
            let tree = StateTree(accounts: try s.accounts.map { try $0.entry() })
            #expect(tree.root.hex == s.root, "\(s.description)")
            for p in s.proofs {
                let parsed = try proof(p)
                #expect(tree.proof(for: parsed.key) == parsed && parsed.verify(root: tree.root), "\(s.description)")
            }
        }
        for u in file.updates {
            let before = StateTree(accounts: try u.before.map { try $0.entry() })
            #expect(before.root.hex == u.beforeRoot)
            #expect(before.updating(try u.changes.map { try $0.entry() }).root.hex == u.root, "\(u.description)")
        }
        for v in file.verify {
            #expect(try proof(v.proof).verify(root: try hash(v.root)) == v.valid, "\(v.description)")
        }
    }

    @Test func blockRules() throws {
        let file = try VectorFormats.decode(VectorFormats.BlockRules.self, "block-rules.json")
        for s in file.subsidy {
            let r = s.rules.ledgerRules
            #expect(r.scheduledSubsidy(height: s.height) == s.scheduledSubsidy && r.issued(through: s.height) == s.issued
                    && r.subsidy(height: s.height) == s.subsidy, "height \(s.height)")
        }
        #expect(file.blocks.contains { $0.result != nil } && file.blocks.contains { $0.error != nil })
        for c in file.blocks {
            let state = StateTree(accounts: try c.state.map { try $0.entry() })
            #expect(state.root.hex == c.stateRoot)
            let block = try Block(decoding: try bytes(c.block))
            let outcome = Result { () throws(BlockError) in try BlockApplication.apply(block, to: state, rules: c.rules.ledgerRules) }
            switch outcome {
            case .success(let applied):
                let result = try #require(c.result, "\(c.description): applied, but the vector expects \(c.error ?? "")")
                #expect(applied.state.root.hex == result.stateRoot && applied.fees == result.fees && applied.subsidy == result.subsidy)
                #expect(applied.undo.map { $0.0.hex } == result.undo.map(\.key))
                #expect(applied.undo.map { $0.1 } == result.undo.map { Account(balance: $0.balance, nonce: $0.nonce) })
                #expect(StateTree(accounts: try result.accounts.map { try $0.entry() }).root == applied.state.root)
                #expect(applied.state.updating(applied.undo).root == state.root, "undo gives back the state")
            case .failure(let error):
                #expect(error.description == c.error, "\(c.description)")
            }
        }
    }

    @Test func genesisFiles() throws {
        let file = try VectorFormats.decode(VectorFormats.Genesis.self, "genesis.json")
        #expect(file.files.contains { $0.id != nil } && file.files.contains { $0.error != nil })
        for v in file.files {
            do throws(GenesisError) {
                let block = try KusariCore.Genesis(json: Data(v.json.utf8)).block()
                #expect(block.id.hex == v.id && block.header.stateRoot.hex == v.stateRoot, "\(v.description)")
                #expect(block.header.merkleRoot.hex == v.merkleRoot && Hex.encode(block.header.encoded) == v.header)
            } catch {
                #expect(error.description == v.error, "\(v.description)")
            }
        }
    }

    static func params(_ name: String) throws -> PowParameters {
        switch name {
        case "main": return .kusariMain
        case "test": return .kusariTest
        case "devnet": return .kusariDevnet
        case "bitcoin": return .bitcoin
        default: throw VectorTestError.bad(name)
        }
    }

    static func bits(_ text: String) throws -> UInt32 {
        guard let b = CompactTarget.parse(text) else { throw VectorTestError.bad(text) }
        return b
    }

    @Test func proofOfWork() throws {
        let file = try VectorFormats.decode(VectorFormats.Pow.self, "pow.json")
        for c in file.compact {
            let b = try Self.bits(c.bits)
            do throws(CompactTargetError) {
                let target = try CompactTarget.decode(b)
                #expect(target.hexString == c.target && ChainWork.work(target: target).hexString == c.work)
                #expect(CompactTarget.format(CompactTarget.encode(target)) == c.reencoded)
            } catch {
                #expect(error.description == c.error, "\(c.bits)")
            }
        }
        for r in file.retarget {
            let p = try Self.params(r.network)
            let lastBits = try Self.bits(r.lastBits)
            do throws(CompactTargetError) {
                let next = try Retarget.nextBits(lastRetargetTime: r.lastRetargetTime, lastBlockTime: r.lastBlockTime,
                                                 lastBits: lastBits, params: p)
                #expect(CompactTarget.format(next) == r.bits, "\(r.description)")
                #expect(Retarget.clampedTimespan(lastRetargetTime: r.lastRetargetTime, lastBlockTime: r.lastBlockTime,
                                                 params: p) == r.clampedTimespan)
            } catch {
                #expect(error.description == r.error, "\(r.description)")
            }
        }
        for c in file.chainRetarget {
            let headers = c.timestamps.enumerated().map { i, t in
                BlockHeader(height: UInt64(i), previousId: .zero, merkleRoot: .zero, stateRoot: .zero, timestamp: t,
                            bits: (try? Self.bits(c.bits)) ?? 0, beneficiary: .zero, nonce: 0)
            }
            let parent = try #require(headers.last)
            let context = HeaderContext(parent: parent, now: 0) { h in h < UInt64(headers.count) ? headers[Int(h)] : nil }
            let engine = ProofOfWorkEngine(params: try Self.params(c.network))
            #expect(CompactTarget.format(try engine.nextBits(context: context)) == c.nextBits, "\(c.description)")
            #expect(engine.minimumTimestamp(context: context) == c.minimumTimestamp)
        }
        for w in file.proofOfWork {
            let header = try BlockHeader(decoding: try bytes(w.header))
            #expect(header.id.hex == w.id)
            let engine = ProofOfWorkEngine(params: try Self.params(w.network))
            do throws(ConsensusError) {
                try engine.checkStandalone(header)
                #expect(w.valid == true && w.error == nil, "\(w.description)")
            } catch {
                #expect(error.description == w.error, "\(w.description)")
            }
        }
        #expect(file.proofOfWork.contains { $0.valid == true } && file.proofOfWork.contains { $0.error != nil })
        for m in file.medianTimePast {
            #expect(BlockTime.medianTimePast(m.timestamps) == m.median, "\(m.description)")
        }
    }
}
