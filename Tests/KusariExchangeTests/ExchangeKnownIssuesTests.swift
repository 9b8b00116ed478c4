import KusariCore
import KusariExchange
import Testing

/// Two problems found while writing the explorer's exchange pages, each marked as a known issue
/// until the exchange's owner fixes it (the explorer's branch changes no rule or encoding).
@Suite struct ExchangeKnownIssuesTests {
    /// Time priority across blocks, as `BatchAuction`'s documentation states it ("fills go by
    /// price, then block, then pro rata among the orders of one block at one price"): `allocate`
    /// groups orders by price only, so an order resting from an earlier block shares pro rata
    /// with a newer one at its price instead of filling first.
    @Test func anEarlierBlockFillsFirstAtOnePrice() {
        let old = Hash256.sha256([1]), new = Hash256.sha256([2]), buy = Hash256.sha256([3])
        let result = BatchAuction.clear([
            AuctionOrder(id: old, side: .sell, price: 100, lots: 5, height: 1),
            AuctionOrder(id: new, side: .sell, price: 100, lots: 5, height: 2),
            AuctionOrder(id: buy, side: .buy, price: 100, lots: 5, height: 2),
        ], reference: nil)
        #expect(result.price == 100 && result.matchedLots == 5)
        let lots = { (id: Hash256) in result.fills.first { $0.id == id }?.lots ?? 0 }
        withKnownIssue("BatchAuction.allocate groups by price only: the older sell gets 3 lots, the newer 2") {
            #expect(lots(old) == 5 && lots(new) == 0, "old \(lots(old)), new \(lots(new))")
        }
    }

    /// A block's decoder bounds its transaction count by `Transaction.minEncodedSize` (145, a
    /// transfer without memo), but a mint-asset transaction is 133 bytes and a create-asset one
    /// 134 to 144: a valid block holding one is applied when it is made, then refused when it is
    /// read back (from storage: the node answers "stored chain is inconsistent"; from a peer).
    @Test func aBlockOfSmallExchangeTransactionsDecodes() throws {
        let key = try KeyPair(seed: [UInt8](repeating: 1, count: 32))
        let mint = try Transaction(chainId: 3, key: key, nonce: 0, exchange: .mintAsset(asset: 1, amount: 5), fee: 1_000)
        let create = try Transaction(chainId: 3, key: key, nonce: 1,
                                     exchange: .createAsset(AssetDefinition(symbol: "GOLD", decimals: 0, supply: 1, mintable: false)), fee: 1_000)
        #expect(mint.encoded.count == 133 && create.encoded.count == 136)
        for txs in [[mint], [create], [mint, create]] {
            let header = BlockHeader(height: 1, previousId: .zero, merkleRoot: MerkleTree.root(leaves: txs.map(\.id)), stateRoot: .zero,
                                     timestamp: 0, bits: 0x207fffff, beneficiary: .zero, nonce: 0)
            let block = Block(header: header, transactions: txs)
            withKnownIssue("Block decoding bounds the count by Transaction.minEncodedSize = 145") {
                let decoded = try Block(decoding: block.encoded)
                #expect(decoded.transactions == txs)
            }
        }
    }
}
