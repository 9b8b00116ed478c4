import Testing
@testable import KusariCore

@Suite struct StateTreeTests {
    /// The root straight from the definition: recursive over the sorted set.
    func referenceRoot(_ entries: [(AddressPayload, Account)], depth: Int = 0) -> Hash256 {
        let live = entries.filter { !$0.1.isEmpty }
        if live.isEmpty { return .zero }
        if live.count == 1 { return Account.leafHash(key: live[0].0, value: live[0].1) }
        let left = live.filter { !$0.0.bit(depth) }, right = live.filter { $0.0.bit(depth) }
        return Hash256.node(tag: 1, referenceRoot(left, depth: depth + 1), referenceRoot(right, depth: depth + 1))
    }

    func randomEntries(_ n: Int, _ rng: inout TestRandom) -> [(AddressPayload, Account)] {
        (0..<n).map { _ in (rng.payload(), Account(balance: 1 + rng.next() % 1_000_000, nonce: rng.next() % 5)) }
    }

    @Test func emptyTree() {
        let tree = StateTree()
        #expect(tree.root == .zero)
        #expect(tree.count == 0)
        #expect(tree.proof(for: .zero).verify(root: .zero))
    }

    @Test func rootMatchesDefinitionAndIgnoresOrder() {
        var rng = TestRandom(seed: 11)
        for n in [1, 2, 3, 10, 100, 700] {
            let entries = randomEntries(n, &rng)
            let tree = StateTree(accounts: entries)
            #expect(tree.root == referenceRoot(entries), "n = \(n)")
            #expect(tree.count == n)
            // One by one, in reverse order: the same root.
            var incremental = StateTree()
            for e in entries.reversed() { incremental = incremental.updating([e]) }
            #expect(incremental.root == tree.root)
            for e in entries { #expect(tree.account(e.0) == e.1) }
        }
    }

    @Test func keysSharingLongPrefixes() {
        // Keys that differ only in their last bit force the deepest branches.
        let base = [UInt8](repeating: 0xab, count: 20)
        var other = base
        other[19] ^= 1
        var third = base
        third[0] ^= 0x80
        let entries = [(AddressPayload(bytes: base)!, Account(balance: 1)),
                       (AddressPayload(bytes: other)!, Account(balance: 2)),
                       (AddressPayload(bytes: third)!, Account(balance: 3))]
        let tree = StateTree(accounts: entries)
        #expect(tree.root == referenceRoot(entries))
        for e in entries { #expect(tree.proof(for: e.0).verify(root: tree.root)) }
        // Removing one lifts the other back up: the root equals a tree built without it.
        let removed = tree.updating([(entries[1].0, .empty)])
        #expect(removed.root == StateTree(accounts: [entries[0], entries[2]]).root)
    }

    @Test func updatesAndDeletionsMatchAFreshBuild() {
        var rng = TestRandom(seed: 12)
        let entries = randomEntries(500, &rng)
        var tree = StateTree(accounts: entries)
        var model = Dictionary(uniqueKeysWithValues: entries.map { ($0.0, $0.1) })
        for round in 0..<20 {
            var batch: [(AddressPayload, Account)] = []
            for _ in 0..<50 {
                switch rng.next() % 3 {
                case 0: batch.append((rng.payload(), Account(balance: rng.next() % 1000 + 1)))          // new
                case 1: batch.append((entries[Int(rng.next() % 500)].0, Account(balance: rng.next() % 9, nonce: 1))) // change
                default: batch.append((entries[Int(rng.next() % 500)].0, .empty))                      // delete
                }
            }
            tree = tree.updating(batch)
            for (k, a) in batch { model[k] = a.isEmpty ? nil : a }
            let fresh = StateTree(accounts: model.map { ($0.key, $0.value) })
            #expect(tree.root == fresh.root, "round \(round)")
            #expect(tree.count == model.count)
        }
    }

    @Test func proofsOfInclusionAndAbsence() throws {
        var rng = TestRandom(seed: 13)
        let entries = randomEntries(300, &rng)
        let tree = StateTree(accounts: entries)
        for (k, a) in entries.prefix(100) {
            let proof = tree.proof(for: k)
            #expect(proof.account == a)
            #expect(proof.verify(root: tree.root))
            // A lie about the balance fails.
            var lie = proof
            lie.terminal = .account(Account(balance: a.balance + 1, nonce: a.nonce))
            #expect(!lie.verify(root: tree.root))
            // Claiming absence of a present key fails.
            var absent = proof
            absent.terminal = .empty
            #expect(!absent.verify(root: tree.root))
        }
        var sawEmpty = false, sawOther = false
        for _ in 0..<200 {
            let k = rng.payload()
            let proof = tree.proof(for: k)
            #expect(proof.account == .empty)
            #expect(proof.verify(root: tree.root))
            if case .empty = proof.terminal { sawEmpty = true }
            if case .otherLeaf = proof.terminal { sawOther = true }
            // Against another root, it fails.
            #expect(!proof.verify(root: Hash256.sha256([1])))
        }
        #expect(sawEmpty && sawOther)
        // An absence proof cannot name a leaf off the key's path.
        let k = entries[0].0
        var forged = tree.proof(for: entries[1].0)
        forged.key = k
        #expect(!forged.verify(root: tree.root))
    }

    @Test func oldVersionsStayIntact() {
        var rng = TestRandom(seed: 14)
        let entries = randomEntries(100, &rng)
        let v1 = StateTree(accounts: entries)
        let root1 = v1.root
        let v2 = v1.updating([(entries[0].0, Account(balance: 7))])
        #expect(v1.root == root1)
        #expect(v2.root != root1)
        #expect(v1.account(entries[0].0) == entries[0].1)
        #expect(v2.nodesAdded(since: v1) > 0)
    }
}
