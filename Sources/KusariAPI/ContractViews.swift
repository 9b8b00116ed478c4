import KusariContracts
import KusariCore
import KusariNode

/// The JSON shapes of contracts (docs/openapi.yaml, tag `contracts`).
extension View {
    package struct Contract: Encodable {
        package let address: String, codeHash: String, codeSize: Int, methods: [String], balance: UInt64
        package let storageRoot: String, storageKeys: Int, height: UInt64, stateRoot: String
    }

    package struct StorageEntry: Encodable { package let key: String, value: String }
    package struct StorageListing: Encodable { package let contract: String; package let entries: [StorageEntry]; package let next: String? }

    package struct StorageTerminal: Encodable { package let kind: String; package let value: String?; package let keyHash: String?; package let valueHash: String? }
    package struct StorageProof: Encodable { package let key: String; package let siblings: [String]; package let terminal: StorageTerminal }
    package struct StorageAnswer: Encodable {
        package let contract: String, key: String, value: String?, storageRoot: String, proof: StorageProof
        package let accountProof: StateProof
        package let height: UInt64, stateRoot: String
    }

    package struct Event: Encodable { package let contract: String, topic: String, data: String }
    package struct Receipt: Encodable {
        package let contract: String, gasUsed: UInt64, succeeded: Bool, failure: String?, events: [Event], output: String
    }
    package struct QueryAnswer: Encodable {
        package let succeeded: Bool, failure: String?, output: String, gasUsed: UInt64, events: [Event], height: UInt64
    }
    /// A deploy's or call's own fields.
    package struct ContractAction: Encodable {
        package let gasLimit: UInt64, gasPrice: UInt64
        package let method: String?, input: String
        package let codeHash: String?, codeSize: Int?
    }
}

extension Views {
    package func contract(_ c: ContractInfo) -> View.Contract {
        View.Contract(address: address(c.address), codeHash: c.codeHash.hex, codeSize: c.codeSize, methods: c.methods,
                      balance: c.account.balance, storageRoot: c.account.storageRoot.hex, storageKeys: c.storageKeys,
                      height: c.height, stateRoot: c.stateRoot.hex)
    }

    package func storage(_ s: StorageInfo) -> View.StorageAnswer {
        let terminal: View.StorageTerminal
        switch s.proof.terminal {
        case .value(let v): terminal = .init(kind: "value", value: Hex.encode(v), keyHash: nil, valueHash: nil)
        case .empty: terminal = .init(kind: "empty", value: nil, keyHash: nil, valueHash: nil)
        case .otherLeaf(let k, let v): terminal = .init(kind: "otherLeaf", value: nil, keyHash: k.hex, valueHash: v.hex)
        }
        return View.StorageAnswer(contract: address(s.contract), key: Hex.encode(s.key), value: s.proof.value.map(Hex.encode),
                                  storageRoot: s.account.storageRoot.hex,
                                  proof: .init(key: Hex.encode(s.key), siblings: s.proof.siblings.map(\.hex), terminal: terminal),
                                  accountProof: stateProof(s.accountProof), height: s.height, stateRoot: s.stateRoot.hex)
    }

    package func event(_ e: ReceiptEvent) -> View.Event {
        View.Event(contract: address(e.contract), topic: String(decoding: e.topic, as: UTF8.self), data: Hex.encode(e.data))
    }

    package func receipt(_ r: ContractReceipt) -> View.Receipt {
        View.Receipt(contract: address(r.contract), gasUsed: r.gasUsed, succeeded: r.succeeded, failure: r.failure,
                     events: r.events.map(event), output: Hex.encode(r.output))
    }

    package func query(_ o: ContractOutcome, height: UInt64) -> View.QueryAnswer {
        View.QueryAnswer(succeeded: o.succeeded, failure: o.error?.description, output: Hex.encode(o.returnData ?? []),
                         gasUsed: o.gasUsed,
                         events: o.events.map { event(ReceiptEvent(contract: $0.contract, topic: $0.topic, data: $0.data)) },
                         height: height)
    }

    package func contractAction(_ t: Transaction) -> View.ContractAction? {
        switch t.action {
        case .transfer, .exchange, .staking: return nil
        case .deploy(let d):
            return View.ContractAction(gasLimit: d.gas.limit, gasPrice: d.gas.price, method: nil, input: Hex.encode(d.input),
                                       codeHash: d.codeHash.hex, codeSize: d.code.count)
        case .call(let c):
            return View.ContractAction(gasLimit: c.gas.limit, gasPrice: c.gas.price, method: c.method, input: Hex.encode(c.input),
                                       codeHash: nil, codeSize: nil)
        }
    }

    /// The JSON of an account proof (contract accounts carry their code hash and storage root).
    package func stateProof(_ p: KusariCore.StateProof) -> View.StateProof {
        func terminal(_ kind: String, _ key: String?, _ a: Account?) -> View.Terminal {
            View.Terminal(kind: kind, key: key, balance: a?.balance, nonce: a?.nonce, codeHash: a?.codeHash?.hex,
                          storageRoot: a?.codeHash == nil ? nil : a?.storageRoot.hex)
        }
        let t: View.Terminal
        switch p.terminal {
        case .account(let acct): t = terminal("account", nil, acct)
        case .empty: t = terminal("empty", nil, nil)
        case .otherLeaf(let k, let acct): t = terminal("otherLeaf", k.hex, acct)
        }
        return View.StateProof(key: p.key.hex, siblings: p.siblings.map(\.hex), terminal: t)
    }
}
