import KusariCore
import KusariJSON

/// `state.json`: state roots of account sets, updates applied to a state, and
/// inclusion and absence proofs (honest ones, and altered ones that must fail).
enum StateVectors {
    static func make() -> [(String, JSON)] {
        var rng = SplitMix64(seed: 0x6b75_7361_7269_0010)
        let sets = accountSets(&rng)
        var states: [JSON] = []
        for (description, accounts, absent) in sets {
            let tree = StateTree(accounts: accounts)
            let proofs = (accounts.map(\.0) + absent).map { proofJSON(tree.proof(for: $0)) }
            states.append(.object([
                ("description", .string(description)),
                ("accounts", .array(accounts.map(accountJSON))),
                ("root", .string(tree.root.hex)),
                ("proofs", .array(proofs)),
            ]))
        }
        return [("states", .array(states)), ("updates", .array(updates(&rng))), ("verify", .array(verifyCases(&rng)))]
    }

    /// A payload from a hex prefix padded with zero bytes.
    static func key(_ bytes: [UInt8]) -> AddressPayload {
        AddressPayload(bytes: bytes + [UInt8](repeating: 0, count: 20 - bytes.count)) ?? .zero
    }

    static func accountSets(_ rng: inout SplitMix64) -> [(String, [(AddressPayload, Account)], [AddressPayload])] {
        let sender = AddressPayload(bytes: (try? Hex.decode("21fe31dfa154a261626bf854046fd2271b7bed4b")) ?? []) ?? .zero
        let recipient = AddressPayload(bytes: (try? Hex.decode("39f713d0a644253f04529421b9f51b9b08979d08")) ?? []) ?? .zero
        let last = AddressPayload(bytes: [UInt8](repeating: 0, count: 19) + [1]) ?? .zero
        let ones = AddressPayload(bytes: [UInt8](repeating: 0xff, count: 20)) ?? .zero
        var randomAccounts: [(AddressPayload, Account)] = []
        for _ in 0..<24 { randomAccounts.append((rng.payload(), Account(balance: rng.next() % Amount.maxSupply, nonce: rng.next() % 1000))) }
        return [
            ("the empty state", [], [sender]),
            ("one account: the root is its leaf", [(sender, Account(balance: 1_000_000_000))], [recipient, .zero]),
            ("docs/protocol.md 10.3: two accounts that split at bit 3",
             [(sender, Account(balance: 849_999_000, nonce: 1)), (recipient, Account(balance: 5_150_001_000))],
             [key([0x20]), key([0x30]), key([0x80]), key([0x22])]),
            ("keys that differ only in the last bit (159): a path of 160 levels",
             [(.zero, Account(balance: 1)), (last, Account(balance: 2, nonce: 3))],
             [key([0x00, 0x00, 0x01]), AddressPayload(bytes: [UInt8](repeating: 0, count: 19) + [2]) ?? .zero]),
            ("an account with balance 0 and a nonzero nonce stays in the tree",
             [(key([0x40]), Account(balance: 0, nonce: 1)), (key([0xc0]), Account(balance: 5, nonce: 0)), (ones, Account(balance: 7, nonce: 7))],
             [key([0x41]), key([0xff])]),
            ("three keys under one shared prefix of 8 bits",
             [(key([0x5a, 0x00]), Account(balance: 10)), (key([0x5a, 0x80]), Account(balance: 20)),
              (key([0x5a, 0x40]), Account(balance: 30, nonce: 2))],
             [key([0x5a, 0xc0]), key([0x5b]), key([0x5a, 0x20])]),
            ("24 pseudo-random accounts", randomAccounts, (0..<6).map { _ in rng.payload() }),
        ]
    }

    static func accountJSON(_ entry: (AddressPayload, Account)) -> JSON {
        .object([("key", .string(entry.0.hex)), ("balance", .uint(entry.1.balance)), ("nonce", .uint(entry.1.nonce))])
    }

    static func proofJSON(_ p: StateProof) -> JSON {
        let terminal: JSON
        switch p.terminal {
        case .account(let a):
            terminal = .object([("kind", .string("account")), ("balance", .uint(a.balance)), ("nonce", .uint(a.nonce))])
        case .empty:
            terminal = .object([("kind", .string("empty"))])
        case .otherLeaf(let k, let a):
            terminal = .object([("kind", .string("otherLeaf")), ("key", .string(k.hex)), ("balance", .uint(a.balance)),
                                ("nonce", .uint(a.nonce))])
        }
        return .object([("key", .string(p.key.hex)), ("siblings", .array(p.siblings.map { .string($0.hex) })),
                        ("terminal", terminal)])
    }

    /// A state changed by a list of updates (in the given order; a key given twice
    /// keeps its last value; an empty account removes the key).
    static func updates(_ rng: inout SplitMix64) -> [JSON] {
        let a = key([0x10]), b = key([0x90]), c = key([0x11]), d = key([0x10, 0x01])
        let start: [(AddressPayload, Account)] = [(a, Account(balance: 100)), (b, Account(balance: 200, nonce: 1)),
                                                 (c, Account(balance: 300))]
        var cases: [(String, [(AddressPayload, Account)], [(AddressPayload, Account)])] = [
            ("credit an existing account", start, [(a, Account(balance: 150))]),
            ("add a new key next to an existing leaf", start, [(d, Account(balance: 1))]),
            ("remove a key by setting the empty account", start, [(b, .empty)]),
            ("remove every key: the root becomes 32 zero bytes", start, [(a, .empty), (b, .empty), (c, .empty)]),
            ("a key given twice keeps the last value", start, [(a, Account(balance: 1)), (a, Account(balance: 2, nonce: 9))]),
            ("set then remove in one update", start, [(d, Account(balance: 5)), (d, .empty)]),
            ("updates in descending key order", start, [(c, Account(balance: 3)), (b, Account(balance: 2)), (a, Account(balance: 1))]),
            ("balance 0 with nonce 1 is not empty", start, [(a, Account(balance: 0, nonce: 1))]),
        ]
        var many: [(AddressPayload, Account)] = []
        for _ in 0..<12 { many.append((rng.payload(), Account(balance: rng.next() % 1_000_000, nonce: rng.next() % 3))) }
        cases.append(("12 pseudo-random changes on the empty state", [], many))
        return cases.map { description, before, changes in
            let old = StateTree(accounts: before)
            let new = old.updating(changes)
            return .object([
                ("description", .string(description)),
                ("before", .array(before.map(accountJSON))),
                ("beforeRoot", .string(old.root.hex)),
                ("changes", .array(changes.map(accountJSON))),
                ("root", .string(new.root.hex)),
            ])
        }
    }

    /// Altered proofs checked by `StateProof.verify`, with its answer.
    static func verifyCases(_ rng: inout SplitMix64) -> [JSON] {
        let accounts: [(AddressPayload, Account)] = [(key([0x10]), Account(balance: 100)), (key([0x90]), Account(balance: 200, nonce: 1)),
                                                    (key([0x11]), Account(balance: 300)), (key([0x18]), Account(balance: 400))]
        let tree = StateTree(accounts: accounts)
        let root = tree.root
        var out: [JSON] = []
        func add(_ d: String, _ p: StateProof) {
            out.append(.object([("description", .string(d)), ("root", .string(root.hex)), ("proof", proofJSON(p)),
                                ("valid", .bool(p.verify(root: root)))]))
        }
        let inc = tree.proof(for: key([0x11]))
        add("honest inclusion proof", inc)
        add("balance changed", StateProof(key: inc.key, siblings: inc.siblings, terminal: .account(Account(balance: 301))))
        add("nonce changed", StateProof(key: inc.key, siblings: inc.siblings, terminal: .account(Account(balance: 300, nonce: 1))))
        add("inclusion of the empty account", StateProof(key: inc.key, siblings: inc.siblings, terminal: .account(.empty)))
        var s = inc.siblings
        s[s.count - 1] = Hash256.sha256(s[s.count - 1].bytes)
        add("deepest sibling replaced", StateProof(key: inc.key, siblings: s, terminal: inc.terminal))
        add("one sibling dropped", StateProof(key: inc.key, siblings: Array(inc.siblings.dropFirst()), terminal: inc.terminal))
        add("an EMPTY sibling added at the bottom",
            StateProof(key: inc.key, siblings: inc.siblings + [.zero], terminal: inc.terminal))
        add("absence claimed for a present key (empty terminal)", StateProof(key: inc.key, siblings: inc.siblings, terminal: .empty))
        let absentEmpty = tree.proof(for: key([0x50]))
        add("honest absence proof ending in an empty subtree", absentEmpty)
        let absentOther = tree.proof(for: key([0x91]))
        add("honest absence proof ending in another key's leaf", absentOther)
        if case .otherLeaf(let k, let a) = absentOther.terminal {
            add("otherLeaf naming the key itself", StateProof(key: k, siblings: absentOther.siblings, terminal: .otherLeaf(key: k, account: a)))
            add("otherLeaf holding the empty account",
                StateProof(key: absentOther.key, siblings: absentOther.siblings, terminal: .otherLeaf(key: k, account: .empty)))
            add("otherLeaf with a changed balance",
                StateProof(key: absentOther.key, siblings: absentOther.siblings,
                           terminal: .otherLeaf(key: k, account: Account(balance: a.balance + 1, nonce: a.nonce))))
        }
        // Another key's leaf that does not share the path: refused before hashing.
        let far = tree.proof(for: key([0x10]))
        if case .account(let a) = far.terminal {
            add("otherLeaf whose key leaves the path",
                StateProof(key: key([0x90]), siblings: far.siblings, terminal: .otherLeaf(key: key([0x10]), account: a)))
        }
        add("161 siblings", StateProof(key: inc.key, siblings: [Hash256](repeating: .zero, count: 161), terminal: .empty))
        add("empty state, empty terminal, no siblings, against a nonzero root",
            StateProof(key: rng.payload(), siblings: [], terminal: .empty))
        return out
    }
}
