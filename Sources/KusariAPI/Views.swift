import KusariCore
import KusariNode

/// The JSON shapes of the API (documented in openapi.yaml). Amounts are
/// integers of base units; hashes and bytes are lowercase hex.
enum View {
    struct Status: Encodable {
        struct Pool: Encodable { let count: Int; let bytes: Int; let minFeePerByte: UInt64 }
        let network: String, chainId: UInt32, height: UInt64, tip: String, chainwork: String, stateRoot: String
        let bits: String, difficulty: String
        let mempool: Pool
        let peers: Int, syncing: Bool, bestPeerHeight: UInt64, version: String, genesis: String
    }

    struct Header: Encodable {
        let id: String, height: UInt64, version: UInt32, previousId: String, merkleRoot: String, stateRoot: String
        let timestamp: UInt64, bits: String, nonce: UInt64, beneficiary: String
    }

    struct BlockSummary: Encodable {
        let id: String, height: UInt64, header: Header, confirmations: UInt64, onBestChain: Bool
        let size: Int, txCount: Int
        let transactions: [String]?
        let fullTransactions: [Tx]?

        enum CodingKeys: String, CodingKey {
            case id, height, header, confirmations, onBestChain, size, txCount
            case transactions
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(height, forKey: .height)
            try c.encode(header, forKey: .header)
            try c.encode(confirmations, forKey: .confirmations)
            try c.encode(onBestChain, forKey: .onBestChain)
            try c.encode(size, forKey: .size)
            try c.encode(txCount, forKey: .txCount)
            if let fullTransactions { try c.encode(fullTransactions, forKey: .transactions) } else {
                try c.encode(transactions ?? [], forKey: .transactions)
            }
        }
    }

    struct BlockList: Encodable { let blocks: [BlockSummary]; let next: UInt64? }

    struct Tx: Encodable {
        let id: String, chainId: UInt32, from: String, to: String, amount: UInt64, fee: UInt64, nonce: UInt64
        let memo: String, publicKey: String, signature: String, size: Int
    }

    struct Proof: Encodable { let index: UInt64, treeSize: UInt64, path: [String] }

    struct TxInfo: Encodable {
        let id: String, status: String, blockId: String?, height: UInt64?, position: Int?, confirmations: UInt64
        let tx: Tx, proof: Proof?
    }

    struct Terminal: Encodable { let kind: String; let key: String?; let balance: UInt64?; let nonce: UInt64? }
    struct StateProof: Encodable { let key: String; let siblings: [String]; let terminal: Terminal }

    struct AccountInfo: Encodable {
        let address: String, balance: UInt64, nonce: UInt64, pendingNonce: UInt64, pending: Int
        let height: UInt64, stateRoot: String, proof: StateProof
    }

    struct History: Encodable { let address: String; let transactions: [TxInfo]; let next: String? }

    struct PoolEntry: Encodable { let id: String, from: String, to: String, nonce: UInt64, amount: UInt64, fee: UInt64, size: Int, arrival: UInt64 }
    struct Mempool: Encodable { let count: Int; let bytes: Int; let transactions: [PoolEntry] }

    struct Submitted: Encodable { let id: String }

    struct Peer: Encodable {
        let address: String, direction: String, nodeId: String?, height: UInt64?, userAgent: String?
        let latencyMs: Int?, bytesIn: Int, bytesOut: Int, blocksIn: Int, score: Int
    }
    struct Peers: Encodable { let peers: [Peer] }
    struct BanEntry: Encodable { let address: String; let until: UInt64; let reason: String }
    struct Bans: Encodable { let bans: [BanEntry] }
}

/// Builds views for one network's address prefix.
struct Views {
    let network: Network

    func address(_ p: AddressPayload) -> String { Address(payload: p, network: network).string }

    func header(_ h: BlockHeader) -> View.Header {
        View.Header(id: h.id.hex, height: h.height, version: h.version, previousId: h.previousId.hex, merkleRoot: h.merkleRoot.hex,
                    stateRoot: h.stateRoot.hex, timestamp: h.timestamp, bits: bitsHex(h.bits), nonce: h.nonce,
                    beneficiary: address(h.beneficiary))
    }

    func bitsHex(_ bits: UInt32) -> String {
        let s = String(bits, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }

    func block(_ info: BlockInfo, full: Bool) -> View.BlockSummary {
        let txs = info.block.transactions
        return View.BlockSummary(id: info.id.hex, height: info.block.header.height, header: header(info.block.header),
                                 confirmations: info.confirmations, onBestChain: info.onBestChain,
                                 size: info.block.encoded.count, txCount: txs.count,
                                 transactions: full ? nil : txs.map { $0.id.hex }, fullTransactions: full ? txs.map(tx) : nil)
    }

    func tx(_ t: Transaction) -> View.Tx {
        View.Tx(id: t.id.hex, chainId: t.chainId, from: address(t.from), to: address(t.to), amount: t.amount, fee: t.fee,
                nonce: t.nonce, memo: Hex.encode(t.memo), publicKey: t.publicKey.hex, signature: t.signature.hex,
                size: t.encoded.count)
    }

    func txInfo(_ i: TransactionInfo) -> View.TxInfo {
        View.TxInfo(id: i.id.hex, status: i.status.rawValue, blockId: i.blockId?.hex, height: i.height, position: i.position,
                    confirmations: i.confirmations, tx: tx(i.tx),
                    proof: i.proof.map { View.Proof(index: $0.index, treeSize: $0.treeSize, path: $0.path.map(\.hex)) })
    }

    func account(_ a: AccountInfo) -> View.AccountInfo {
        let terminal: View.Terminal
        switch a.proof.terminal {
        case .account(let acct): terminal = .init(kind: "account", key: nil, balance: acct.balance, nonce: acct.nonce)
        case .empty: terminal = .init(kind: "empty", key: nil, balance: nil, nonce: nil)
        case .otherLeaf(let k, let acct): terminal = .init(kind: "otherLeaf", key: k.hex, balance: acct.balance, nonce: acct.nonce)
        }
        return View.AccountInfo(address: address(a.address), balance: a.account.balance, nonce: a.account.nonce,
                                pendingNonce: a.pendingNonce, pending: a.pendingCount, height: a.height,
                                stateRoot: a.stateRoot.hex,
                                proof: .init(key: a.proof.key.hex, siblings: a.proof.siblings.map(\.hex), terminal: terminal))
    }
}
