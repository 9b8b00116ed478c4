import KusariCore
import KusariJSON

/// `blocks.json`: blocks with their id, transaction ids and Merkle root, and
/// refused block encodings with the node's message.
enum BlockVectors {
    static func make() throws(ConformanceError) -> [(String, JSON)] {
        let txs = try sampleTransactions()
        var valid: [JSON] = []
        for (description, list) in [("no transactions", [Transaction]()), ("one transaction", Array(txs.prefix(1))),
                                    ("three transactions", Array(txs.prefix(3))),
                                    ("five transactions, one with a 200-byte memo", txs)] {
            let header = BlockHeader(height: UInt64(list.count + 1), previousId: Hash256.sha256(Array(description.utf8)),
                                     merkleRoot: MerkleTree.root(leaves: list.map(\.id)),
                                     stateRoot: Hash256.sha256(Array("state \(description)".utf8)),
                                     timestamp: 1_764_000_000 + UInt64(list.count) * 60, bits: 0x207fffff,
                                     beneficiary: AddressPayload(publicKey: try VectorKeys.key(2).publicKey),
                                     nonce: UInt64(list.count) * 1_000_003)
            let block = Block(header: header, transactions: list)
            valid.append(.object([
                ("description", .string(description)),
                ("hex", .hex(block.encoded)),
                ("header", .hex(header.encoded)),
                ("id", .string(block.id.hex)),
                ("transactionCount", .uint(UInt64(list.count))),
                ("transactionIds", .array(list.map { .string($0.id.hex) })),
                ("merkleRoot", .string(block.computedMerkleRoot.hex)),
            ]))
        }
        let header = BlockHeader(height: 1, previousId: .zero, merkleRoot: MerkleTree.emptyRoot, stateRoot: .zero,
                                 timestamp: 1_764_000_060, bits: 0x207fffff, beneficiary: .zero, nonce: 0)
        let h = header.encoded
        let t0 = txs[0].encoded, t1 = txs[1].encoded
        var invalid: [JSON] = []
        func bad(_ d: String, _ b: [UInt8]) throws(ConformanceError) {
            guard let e = decodingError(b, as: Block.self) else { throw .generation("block '\(d)' is valid") }
            invalid.append(.object([("description", .string(d)), ("hex", .hex(b)), ("field", .string(e.field)),
                                    ("error", .string(e.description))]))
        }
        try bad("header only, no transaction count", h)
        try bad("header version 3", [0, 0, 0, 3] + h.dropFirst(4) + [0])
        try bad("count 0 written as 80 00 (non-minimal)", h + [0x80, 0x00])
        try bad("count 100,001 (above the maximum of 100,000)", h + [0xa1, 0x8d, 0x06])
        try bad("count 2 with bytes for one transaction (checked before allocating)", h + [0x02] + t0)
        try bad("count 1 with 144 bytes left (less than the smallest transaction)", h + [0x01] + t0.prefix(144))
        try bad("count 2, the second transaction truncated", h + [0x02] + t0 + t1.prefix(t1.count - 1) + [UInt8](repeating: 0, count: 0))
        try bad("error inside transaction 1 names it: amount above the cap",
                h + [0x02] + t0 + TransactionVectors.replacing(t1, at: 64, u64: Amount.maxSupply + 1))
        try bad("error inside transaction 0: non-minimal memo length",
                h + [0x01] + t0.prefix(80) + [0x80, 0x00] + t0.suffix(64) + [0x00])
        try bad("one trailing byte after the last transaction", h + [0x01] + t0 + [0x00])
        try bad("trailing bytes after an empty block", h + [0x00, 0x00, 0x00])
        return [("valid", .array(valid)), ("invalid", .array(invalid))]
    }

    /// Five signed transactions from the fixed keys.
    static func sampleTransactions() throws(ConformanceError) -> [Transaction] {
        var out: [Transaction] = []
        for i in 0..<5 {
            let memo = i == 4 ? [UInt8](repeating: 0x2a, count: 200) : Array("block tx \(i)".utf8)
            out.append(try TransactionVectors.sign(seed: VectorKeys.seed(i), chainId: 3, nonce: UInt64(i),
                                                   to: try VectorKeys.key(i + 1).publicKey,
                                                   amount: UInt64(i + 1) * 100_000_000, fee: UInt64(i) * 500, memo: memo))
        }
        return out
    }
}
