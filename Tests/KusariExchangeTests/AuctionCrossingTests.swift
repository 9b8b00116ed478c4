import Testing
import KusariCore
@testable import KusariExchange

/// The end of a block reads a book only as far as the crossing walk goes
/// (`BatchAuction.crossing`): over thousands of random books the auction of what it read,
/// within its candidate bounds, decides the same price and fills as the auction of the whole
/// book, and its levels are the whole book's levels inside the bounds.
@Suite struct AuctionCrossingTests {
    /// One side of a book, best first, handed out one order at a time; counts what it gave.
    final class Side {
        let orders: [AuctionOrder]
        var given = 0
        init(_ orders: [AuctionOrder]) { self.orders = orders.sorted(by: BatchAuction.precedes) }
        func next() -> AuctionOrder? {
            guard given < orders.count else { return nil }
            given += 1
            return orders[given - 1]
        }
    }

    @Test func whatTheWalkReadsDecidesAsTheWholeBookDoes() {
        var crossed = 0, skippedOrders = 0
        for seed in BatchAuctionPropertyTests.seeds {
            let (orders, reference) = BatchAuctionPropertyTests.book(seed: seed)
            let live = orders.filter { $0.lots > 0 }
            let buys = Side(live.filter { $0.side == .buy }), sells = Side(live.filter { $0.side == .sell })
            let full = BatchAuction.clear(orders, reference: reference)
            guard let crossing = BatchAuction.crossing(nextBuy: buys.next, nextSell: sells.next) else {
                #expect(full.price == nil, "seed \(seed): the walk found no cross, the whole book trades at \(full.price ?? 0)")
                continue
            }
            crossed += 1
            skippedOrders += live.count - crossing.orders.count
            let part = BatchAuction.clear(crossing.orders, reference: reference, candidates: crossing.candidates)
            #expect(part.price == full.price && part.matchedLots == full.matchedLots, "seed \(seed): price or volume differs")
            #expect(part.fills == full.fills, "seed \(seed): fills differ")
            #expect(part.levels == full.levels.filter { crossing.candidates.contains($0.price) }, "seed \(seed): levels differ")
        }
        print("crossing walk: \(crossed) books crossed; \(skippedOrders) orders of them were never needed")
        #expect(crossed > 1_000 && skippedOrders > 0)
    }

    @Test func aOneLotBuyAboveAWideBookReadsAFewOrders() {
        func order(_ i: Int, _ side: OrderSide, _ price: UInt64, lots: UInt64 = 1) -> AuctionOrder {
            AuctionOrder(id: Hash256.sha256([UInt8(side.rawValue), UInt8(i & 0xFF), UInt8(i >> 8)]), side: side, price: price, lots: lots, height: 1)
        }
        let sells = Side((0..<1_000).map { order($0, .sell, 1_000 + UInt64($0)) })
        let buys = Side([order(9_999, .buy, 10_000)] + (0..<1_000).map { order($0, .buy, 999 - UInt64($0)) })
        let crossing = BatchAuction.crossing(nextBuy: buys.next, nextSell: sells.next)
        #expect(buys.given == 3 && sells.given == 3)
        #expect(crossing?.orders.count == 4)
        #expect(crossing?.candidates == 999...1_001)
        let result = crossing.map { BatchAuction.clear($0.orders, reference: nil, candidates: $0.candidates) }
        #expect(result?.price == 1_000 && result?.matchedLots == 1)
    }
}
