import Foundation
import Testing
import KusariChain
import KusariConsensus
import KusariCore
import KusariStorage

@Suite struct ReorganisationTests {
    let alice = key(1), bob = key(2), carol = key(3), minerA = key(10), minerB = key(11)

    /// Two nodes mine different branches from one genesis; the node that saw the
    /// lighter branch first ends with exactly the state of a node that only ever
    /// saw the heavier one.
    @Test func heavierBranchWinsAndStateMatchesANodeThatOnlySawIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let genesis = try testGenesis()
        let x = try Blockchain.create(directory: dir.sub("x"), genesis: genesis)
        let y = try Blockchain.create(directory: dir.sub("y"), genesis: genesis)

        // Branch A on x: 3 blocks, alice pays carol.
        var branchA: [Block] = []
        branchA.append(try x.produce(beneficiary: payload(minerA), transactions: [try transfer(alice, to: carol, amount: 100, nonce: 0)]))
        branchA.append(try x.produce(beneficiary: payload(minerA)))
        branchA.append(try x.produce(beneficiary: payload(minerA)))
        let txOnlyInA = branchA[0].transactions[0].id
        #expect(x.height == 3)
        #expect(try x.store.transaction(txOnlyInA)?.height == 1)

        // Branch B on y: 5 blocks, bob pays carol twice.
        var branchB: [Block] = []
        branchB.append(try y.produce(beneficiary: payload(minerB), transactions: [try transfer(bob, to: carol, amount: 7, nonce: 0)]))
        for i in 1..<5 {
            branchB.append(try y.produce(beneficiary: payload(minerB),
                                         transactions: i == 2 ? [try transfer(bob, to: carol, amount: 9, nonce: 1)] : []))
        }

        // x learns branch B: side branch until it is heavier, then a reorganisation.
        var outcomes: [Blockchain.Outcome] = []
        for b in branchB { outcomes.append(try x.submit(b)) }
        #expect(outcomes.prefix(3).allSatisfy { if case .sideBranch = $0 { return true } else { return false } })
        #expect(outcomes[3] == .reorganized(disconnected: 3, connected: 4, height: 4))
        #expect(outcomes[4] == .connected(height: 5))
        #expect(x.tipId == y.tipId)
        #expect(x.state.root == y.state.root)
        #expect(x.summary == y.summary)
        #expect(x.state.account(payload(alice)) == Account(balance: 1_000 * Amount.unitsPerKSR))   // A's payment undone
        #expect(x.state.account(payload(minerA)) == .empty)
        #expect(x.state.account(payload(carol)).balance == 16)
        // The transaction index follows the best chain.
        #expect(try x.store.transaction(txOnlyInA) == nil)
        #expect(try x.store.transaction(branchB[2].transactions[0].id)?.height == 3)
        // Stored accounts equal the state, and a reopened chain agrees.
        #expect(StateTree(accounts: try x.store.accounts()).root == y.state.root)
        let tip = x.tipId
        let summary = x.summary
        x.close()
        #expect(try ChainVerifier.verify(directory: dir.sub("x")) == summary)
        let reopened = try Blockchain.open(directory: dir.sub("x"))
        #expect(reopened.tipId == tip)
        #expect(reopened.state.root == y.state.root)

        // Branch A grows heavier again: x moves back, y follows when it hears of it.
        var aChain = try Blockchain.create(directory: dir.sub("a"), genesis: genesis)
        for b in branchA { try aChain.submit(b) }
        var more: [Block] = []
        for _ in 0..<3 { more.append(try aChain.produce(beneficiary: payload(minerA))) }
        for b in branchA + more { _ = try? reopened.submit(b) }
        #expect(reopened.tipId == aChain.tipId)
        #expect(reopened.state.root == aChain.state.root)
        #expect(try reopened.store.transaction(txOnlyInA)?.height == 1)
        aChain = try reopen(aChain, dir.sub("a"))
        #expect(aChain.height == 6)
    }

    /// A heavier branch with an invalid block: the chain tries it, marks the bad
    /// block and its descendants invalid, and returns to the best valid chain.
    @Test func invalidBlockInHeavierBranchIsMarkedAndChainStays() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let genesis = try testGenesis()
        let x = try Blockchain.create(directory: dir.sub("x"), genesis: genesis)
        let y = try Blockchain.create(directory: dir.sub("y"), genesis: genesis)
        for _ in 0..<3 { _ = try x.produce(beneficiary: payload(minerA)) }
        let stateBefore = x.state.root, tipBefore = x.tipId

        // y: two valid blocks, then a block whose transfer spends more than bob has
        // (with a well-formed header and Merkle root), then two blocks on top of it.
        let b1 = try y.produce(beneficiary: payload(minerB))
        let b2 = try y.produce(beneficiary: payload(minerB))
        let overspend = try transfer(bob, to: carol, amount: 5_000 * Amount.unitsPerKSR, nonce: 0)
        let b3 = try craft(on: y, parent: b2.header, transactions: [overspend], beneficiary: payload(minerB))
        let b4 = try craft(on: y, parent: b3.header, transactions: [], beneficiary: payload(minerB))
        let b5 = try craft(on: y, parent: b4.header, transactions: [], beneficiary: payload(minerB))

        for b in [b1, b2, b3] { #expect(try x.submit(b) == .sideBranch(height: b.header.height)) }
        // b4 makes the branch heavier: the chain tries it, and b3 fails.
        #expect(try x.submit(b4) == .sideBranch(height: 4))
        #expect(throws: ChainError.knownInvalid(b5.id)) { try x.submit(b5) }
        #expect(x.tipId == tipBefore)
        #expect(x.state.root == stateBefore)
        #expect(x.status(b3.id) == .invalid)
        #expect(x.status(b4.id) == .invalid)
        #expect(x.status(b5.id) == .invalid)
        #expect(x.status(b2.id) != .invalid)
        // A block built on an invalid one is refused at once.
        let b6 = try craft(on: y, parent: b5.header, transactions: [], beneficiary: payload(minerB))
        #expect(throws: ChainError.knownInvalid(b6.id)) { try x.submit(b6) }
        #expect(throws: ChainError.knownInvalid(b3.id)) { try x.submit(b3) }
        // The marks survive a restart, and the stored chain verifies.
        let reopened = try reopen(x, dir.sub("x"))
        #expect(reopened.status(b4.id) == .invalid)
        reopened.close()
        #expect(try ChainVerifier.verify(directory: dir.sub("x")).tip == tipBefore)
    }

    @Test func invalidBlockOnTheTipIsRefusedAndNothingChanges() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let x = try Blockchain.create(directory: dir.sub("x"), genesis: try testGenesis())
        let root = x.state.root
        // Wrong state root.
        let wrongRoot = try craft(on: x, parent: x.tip, transactions: [], beneficiary: payload(minerA))
        #expect(throws: ChainError.self) { try x.submit(wrongRoot) }
        #expect(x.status(wrongRoot.id) == .invalid)
        // A body that does not match its header does not condemn the header.
        let good = try x.produce(beneficiary: payload(minerA), transactions: [try transfer(alice, to: bob, amount: 1, nonce: 0)])
        var mutated = try craft(on: x, parent: good.header, transactions: [], beneficiary: payload(minerA))
        mutated.transactions = [try transfer(alice, to: bob, amount: 2, nonce: 1)]
        #expect(throws: ChainError.self) { try x.submit(mutated) }
        #expect(x.status(mutated.id) == nil)
        // Bad proof of work, unknown parent, wrong bits.
        var noWork = good
        noWork.header.bits = 0x1d00ffff
        #expect(throws: ChainError.self) { try x.submit(noWork) }
        var orphanHeader = good.header
        orphanHeader.previousId = Hash256.sha256([42])
        let orphan = Block(header: x.engine.seal(orphanHeader, shouldStop: { false }) ?? orphanHeader, transactions: good.transactions)
        #expect(throws: ChainError.unknownParent(block: orphan.id, parent: orphanHeader.previousId)) { try x.submit(orphan) }
        #expect(x.height == 1)
        #expect(x.state.root != root)
        x.close()
        #expect(try ChainVerifier.verify(directory: dir.sub("x")).height == 1)
    }

    func reopen(_ chain: Blockchain, _ path: String) throws -> Blockchain {
        // Only one handle may hold the directory: close the old one first.
        chain.close()
        return try Blockchain.open(directory: path)
    }
}

extension ReorganisationTests {
    /// A competing block whose body was swapped (its Merkle root no longer fits)
    /// is refused without being stored, so the real body is accepted later and
    /// the branch can still win.
    @Test func swappedBodyOnASideBranchDoesNotPoisonTheBranch() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let genesis = try testGenesis()
        let x = try Blockchain.create(directory: dir.sub("x"), genesis: genesis)
        let y = try Blockchain.create(directory: dir.sub("y"), genesis: genesis)
        _ = try x.produce(beneficiary: payload(minerA))
        let real = try y.produce(beneficiary: payload(minerB), transactions: [try transfer(bob, to: carol, amount: 3, nonce: 0)])
        var swapped = real
        swapped.transactions = [try transfer(bob, to: carol, amount: 4, nonce: 0)]
        #expect(throws: ChainError.self) { try x.submit(swapped) }
        #expect(x.status(real.id) == nil)
        #expect(try x.submit(real) == .sideBranch(height: 1))
        let next = try y.produce(beneficiary: payload(minerB))
        #expect(try x.submit(next) == .reorganized(disconnected: 1, connected: 2, height: 2))
        #expect(x.lastDisconnected.count == 1)
        #expect(x.state.root == y.state.root)
    }
}
