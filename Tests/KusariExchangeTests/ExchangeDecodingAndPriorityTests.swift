import KusariCore
import KusariExchange
import Testing

/// Two problems the explorer's author found in a work-in-progress exchange, kept as tests of
/// their fixes: time priority across blocks in the auction, and blocks of the smallest exchange
/// transactions that the block decoder's count bound (145 bytes per transaction) must read back.
@Suite struct ExchangeDecodingAndPriorityTests {
    /// An order resting from an earlier block fills before a newer one at its price.
    @Test func anEarlierBlockFillsFirstAtOnePrice() {
        let old = Hash256.sha256([1]), new = Hash256.sha256([2]), buy = Hash256.sha256([3])
        let result = BatchAuction.clear([
            AuctionOrder(id: old, side: .sell, price: 100, lots: 5, height: 1),
            AuctionOrder(id: new, side: .sell, price: 100, lots: 5, height: 2),
            AuctionOrder(id: buy, side: .buy, price: 100, lots: 5, height: 2),
        ], reference: nil)
        #expect(result.price == 100 && result.matchedLots == 5)
        let lots = { (id: Hash256) in result.fills.first { $0.id == id }?.lots ?? 0 }
        #expect(lots(old) == 5 && lots(new) == 0, "old \(lots(old)), new \(lots(new))")
    }

    /// Blocks of only the smallest exchange transactions (a mint, a create with a 2-letter
    /// symbol, a cancel) decode: each is at least `Transaction.minEncodedSize`.
    @Test func aBlockOfSmallExchangeTransactionsDecodes() throws {
        let key = try KeyPair(seed: [UInt8](repeating: 1, count: 32))
        let mint = try Transaction(chainId: 3, key: key, nonce: 0, exchange: .mintAsset(asset: 1, amount: 5), fee: 1_000)
        let create = try Transaction(chainId: 3, key: key, nonce: 1,
                                     exchange: .createAsset(AssetDefinition(symbol: "AU", decimals: 0, supply: 1, mintable: false)), fee: 1_000)
        let cancel = try Transaction(chainId: 3, key: key, nonce: 2, exchange: .cancelOrder(.zero), fee: 1_000)
        #expect(mint.encoded.count == 153 && create.encoded.count == 154 && cancel.encoded.count == 153)
        for txs in [[mint], [create], [cancel], [mint, create, cancel]] {
            let header = BlockHeader(height: 1, previousId: .zero, merkleRoot: MerkleTree.root(leaves: txs.map(\.id)), stateRoot: .zero,
                                     timestamp: 0, bits: 0x207fffff, beneficiary: .zero, nonce: 0)
            let block = Block(header: header, transactions: txs)
            let decoded = try Block(decoding: block.encoded)
            #expect(decoded.transactions == txs)
        }
    }
}
