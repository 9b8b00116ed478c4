import KusariCore
import KusariMempool
import KusariNode
import KusariPeers

/// The JSON shapes of the API (documented in openapi.yaml). Amounts are
/// integers of base units; hashes and bytes are lowercase hex.
package enum View {
    package struct Status: Encodable {
        package struct Pool: Encodable { package let count: Int; package let bytes: Int; package let minFeePerByte: UInt64 }
        package let network: String, chainId: UInt32, height: UInt64, tip: String, chainwork: String, stateRoot: String
        package let bits: String, difficulty: String
        package let mempool: Pool
        package let peers: Int, syncing: Bool, bestPeerHeight: UInt64, version: String, genesis: String
        /// The consensus engine: "pow" or "bft".
        package let consensus: String
    }

    package struct Header: Encodable {
        package let id: String, height: UInt64, version: UInt32, previousId: String, merkleRoot: String, stateRoot: String
        package let timestamp: UInt64, bits: String, nonce: UInt64, beneficiary: String
        /// The fields of a version 2 (BFT) header; left out of version 1 headers.
        package let bft: BFTHeader?
    }

    package struct BlockSummary: Encodable {
        package let id: String, height: UInt64, header: Header, confirmations: UInt64, onBestChain: Bool
        package let size: Int, txCount: Int
        package let transactions: [String]?
        package let fullTransactions: [Tx]?
        /// A BFT block's last commit (its parent's); left out of block 1, the genesis and proof-of-work blocks.
        package var lastCommit: Commit? = nil
        /// A BFT block's evidence (possibly empty); left out of proof-of-work blocks.
        package var evidence: [Evidence]? = nil

        enum CodingKeys: String, CodingKey {
            case id, height, header, confirmations, onBestChain, size, txCount
            case transactions, lastCommit, evidence
        }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(height, forKey: .height)
            try c.encode(header, forKey: .header)
            try c.encode(confirmations, forKey: .confirmations)
            try c.encode(onBestChain, forKey: .onBestChain)
            try c.encode(size, forKey: .size)
            try c.encode(txCount, forKey: .txCount)
            try c.encodeIfPresent(lastCommit, forKey: .lastCommit)
            try c.encodeIfPresent(evidence, forKey: .evidence)
            if let fullTransactions { try c.encode(fullTransactions, forKey: .transactions) } else {
                try c.encode(transactions ?? [], forKey: .transactions)
            }
        }
    }

    package struct BlockList: Encodable { package let blocks: [BlockSummary]; package let next: UInt64? }

    package struct Tx: Encodable {
        package let id: String, chainId: UInt32, from: String, to: String, amount: UInt64, fee: UInt64, nonce: UInt64
        package let memo: String, publicKey: String, signature: String, size: Int
        /// `transfer`, `deploy` (`to` is the new contract) or `call`.
        package let kind: String
        /// A deploy's or call's gas, method, input and code; left out of transfers.
        package let contract: ContractAction?
        /// An exchange transaction's fields (asset, market, order), with symbols; left out of others.
        package let exchange: ExchangeAction?
    }

    package struct Proof: Encodable { package let index: UInt64, treeSize: UInt64, path: [String] }

    package struct TxInfo: Encodable {
        package let id: String, status: String, blockId: String?, height: UInt64?, position: Int?, confirmations: UInt64
        package let tx: Tx, proof: Proof?
        /// What a confirmed deploy or call did; left out of transfers and pending transactions.
        package let receipt: Receipt?
    }

    package struct Terminal: Encodable {
        package let kind: String; package let key: String?; package let balance: UInt64?; package let nonce: UInt64?
        /// A contract account's code hash and storage root (they are in its leaf); left out otherwise.
        package let codeHash: String?; package let storageRoot: String?
    }
    package struct StateProof: Encodable { package let key: String; package let siblings: [String]; package let terminal: Terminal }

    package struct AccountInfo: Encodable {
        package let address: String, balance: UInt64, nonce: UInt64, pendingNonce: UInt64, pending: Int
        package let height: UInt64, stateRoot: String, proof: StateProof
        package let gap: Gap?
        /// A contract's code hash and storage root; left out of other accounts.
        package let codeHash: String?, storageRoot: String?
    }

    /// Pending transactions waiting behind a nonce the node does not hold.
    package struct Gap: Encodable { package let missingNonce: UInt64, waitingFrom: UInt64, waiting: Int }

    package struct History: Encodable { package let address: String; package let transactions: [TxInfo]; package let next: String? }

    package struct PoolEntry: Encodable { package let id: String, from: String, to: String, nonce: UInt64, amount: UInt64, fee: UInt64, size: Int, arrival: UInt64 }
    package struct Mempool: Encodable { package let count: Int; package let bytes: Int; package let transactions: [PoolEntry] }

    package struct Submitted: Encodable { package let id: String }

    package struct Peer: Encodable {
        package let address: String, direction: String, nodeId: String?, height: UInt64?, userAgent: String?
        package let latencyMs: Int?, bytesIn: Int, bytesOut: Int, blocksIn: Int, score: Int
    }
    package struct Peers: Encodable { package let peers: [Peer] }
    package struct BanEntry: Encodable { package let address: String; package let until: UInt64; package let reason: String }
    package struct Bans: Encodable { package let bans: [BanEntry] }

    package struct TreeBlock: Encodable {
        package let id: String, height: UInt64, previousId: String, timestamp: UInt64, status: String, onBestChain: Bool
    }
    package struct Tree: Encodable { package let height: UInt64; package let tip: String; package let blocks: [TreeBlock] }
}

/// Builds views for one network's address prefix.
package struct Views {
    package let network: Network
    /// The consensus engine's name ("pow" or "bft").
    package let consensus: String
    /// The validators' address payloads by index (empty on a proof-of-work chain), to name
    /// the validators of commits and evidence.
    package let validatorAddresses: [AddressPayload]
    /// Asset symbols for exchange transactions' views (``withExchangeNames(_:)``); KSR alone by default.
    package var exchangeNames = ExchangeNames()

    package init(network: Network, consensus: String = "pow", validatorAddresses: [AddressPayload] = []) {
        self.network = network
        self.consensus = consensus
        self.validatorAddresses = validatorAddresses
    }

    /// The views of `node`'s chain.
    package init(node: Node, network: Network) {
        self.init(network: network, consensus: node.config.genesis.consensus.engineName, validatorAddresses: node.validatorAddresses)
    }

    package func address(_ p: AddressPayload) -> String { Address(payload: p, network: network).string }

    /// `GET /v1/status`: difficulty printed with three decimals.
    package func status(_ s: NodeStatus) -> View.Status {
        let d = s.difficulty
        let difficulty = "\(d / 1000)." + String(String(d % 1000 + 1000).dropFirst())
        return View.Status(
            network: s.network, chainId: s.chainId, height: s.height, tip: s.tip.hex, chainwork: s.chainWork,
            stateRoot: s.stateRoot.hex, bits: bitsHex(s.bits), difficulty: difficulty,
            mempool: .init(count: s.mempoolCount, bytes: s.mempoolBytes, minFeePerByte: s.minFeePerByte), peers: s.peers, syncing: s.syncing,
            bestPeerHeight: s.bestPeerHeight, version: s.version, genesis: s.genesis.hex, consensus: consensus)
    }

    /// One pending transaction of `GET /v1/mempool`.
    package func poolEntry(_ e: Mempool.Entry) -> View.PoolEntry {
        View.PoolEntry(id: e.id.hex, from: address(e.sender), to: address(e.tx.to), nonce: e.tx.nonce, amount: e.tx.amount,
                       fee: e.tx.fee, size: e.size, arrival: e.arrival)
    }

    /// One connection of `GET /v1/peers`.
    package func peer(_ p: PeerNetwork.PeerInfo) -> View.Peer {
        View.Peer(address: p.address, direction: p.direction, nodeId: p.nodeId.map { String($0, radix: 16) },
                  height: p.height, userAgent: p.userAgent, latencyMs: p.latencyMs.map { Int($0.rounded()) },
                  bytesIn: p.bytesIn, bytesOut: p.bytesOut, blocksIn: p.blocksIn, score: p.score)
    }

    /// One ban of `GET /v1/bans`.
    package func ban(_ b: PeerNetwork.Ban) -> View.BanEntry { View.BanEntry(address: b.key, until: b.until, reason: b.reason) }

    /// `GET /v1/chain/tree`: the status of each block as a word.
    package func tree(_ t: BlockTree) -> View.Tree {
        View.Tree(height: t.height, tip: t.tip.hex, blocks: t.blocks.map {
            let status: String
            switch $0.status {
            case .headerValid: status = "headerValid"
            case .valid: status = "valid"
            case .invalid: status = "invalid"
            }
            return View.TreeBlock(id: $0.id.hex, height: $0.header.height, previousId: $0.header.previousId.hex,
                                  timestamp: $0.header.timestamp, status: status, onBestChain: $0.onBestChain)
        })
    }

    package func header(_ h: BlockHeader) -> View.Header {
        View.Header(id: h.id.hex, height: h.height, version: h.version, previousId: h.previousId.hex, merkleRoot: h.merkleRoot.hex,
                    stateRoot: h.stateRoot.hex, timestamp: h.timestamp, bits: bitsHex(h.bits), nonce: h.nonce,
                    beneficiary: address(h.beneficiary), bft: h.bft.map { bftHeader($0, proposer: h.beneficiary) })
    }

    package func bitsHex(_ bits: UInt32) -> String {
        let s = String(bits, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }

    package func block(_ info: BlockInfo, full: Bool) -> View.BlockSummary {
        let txs = info.block.transactions
        var view = View.BlockSummary(id: info.id.hex, height: info.block.header.height, header: header(info.block.header),
                                     confirmations: info.confirmations, onBestChain: info.onBestChain,
                                     size: info.block.encoded.count, txCount: txs.count,
                                     transactions: full ? nil : txs.map { $0.id.hex }, fullTransactions: full ? txs.map(tx) : nil)
        if info.block.header.bft != nil {
            view.lastCommit = info.block.lastCommit.map(commit)
            view.evidence = info.block.evidence.map(evidence)
        }
        return view
    }

    package func tx(_ t: Transaction) -> View.Tx {
        View.Tx(id: t.id.hex, chainId: t.chainId, from: address(t.from), to: address(t.to), amount: t.amount, fee: t.fee,
                nonce: t.nonce, memo: Hex.encode(t.memo), publicKey: t.publicKey.hex, signature: t.signature.hex,
                size: t.encodedSize, kind: Self.kindName(t.action), contract: contractAction(t),
                exchange: exchangeAction(t))
    }

    /// The API's name of a transaction's kind.
    package static func kindName(_ action: TransactionAction) -> String {
        switch action {
        case .transfer: return "transfer"
        case .deploy: return "deploy"
        case .call: return "call"
        case .exchange(let e): return e.name
        case .staking(let s): return s.name
        }
    }

    package func txInfo(_ i: TransactionInfo) -> View.TxInfo {
        View.TxInfo(id: i.id.hex, status: i.status.rawValue, blockId: i.blockId?.hex, height: i.height, position: i.position,
                    confirmations: i.confirmations, tx: tx(i.tx),
                    proof: i.proof.map { View.Proof(index: $0.index, treeSize: $0.treeSize, path: $0.path.map(\.hex)) },
                    receipt: i.receipt.map(receipt))
    }

    package func account(_ a: AccountInfo) -> View.AccountInfo {
        View.AccountInfo(address: address(a.address), balance: a.account.balance, nonce: a.account.nonce,
                         pendingNonce: a.pendingNonce, pending: a.pendingCount, height: a.height,
                         stateRoot: a.stateRoot.hex, proof: stateProof(a.proof),
                         gap: a.gap.map { View.Gap(missingNonce: $0.missingNonce, waitingFrom: $0.waitingFrom, waiting: $0.waiting) },
                         codeHash: a.account.codeHash?.hex,
                         storageRoot: a.account.codeHash == nil ? nil : a.account.storageRoot.hex)
    }
}
