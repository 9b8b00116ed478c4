import Testing
import KusariCore
@testable import KusariExchange

/// An order id whose bytewise order is the order of `n` (big-endian in the first two bytes).
func orderID(_ n: Int) -> Hash256 {
    Hash256(bytes: [UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + [UInt8](repeating: 0, count: 30)) ?? .zero
}

func buy(_ n: Int, _ price: UInt64, _ lots: UInt64, height: UInt64 = 1) -> AuctionOrder {
    AuctionOrder(id: orderID(n), side: .buy, price: price, lots: lots, height: height)
}

func sell(_ n: Int, _ price: UInt64, _ lots: UInt64, height: UInt64 = 1) -> AuctionOrder {
    AuctionOrder(id: orderID(n), side: .sell, price: price, lots: lots, height: height)
}

/// The fills as (order number, lots) pairs, for readable expectations.
func fills(_ result: AuctionResult) -> [(Int, UInt64)] {
    result.fills.map { fill in (Int(fill.id.bytes[0]) << 8 | Int(fill.id.bytes[1]), fill.lots) }
}

func level(_ price: UInt64, _ demand: UInt64, _ supply: UInt64) -> AuctionLevel {
    AuctionLevel(price: price, demand: demand, supply: supply)
}

/// Hand-worked books: each comment gives the curves and the rule's steps as computed by hand.
@Suite struct BatchAuctionTests {
    @Test func nothingCrosses() {
        // p=10: D=5 S=0 V=0; p=11: D=0 S=5 V=0. Max V = 0: no trade.
        let r = BatchAuction.clear([buy(1, 10, 5), sell(2, 11, 5)], reference: 10)
        #expect(r.price == nil && r.matchedLots == 0 && r.fills.isEmpty && r.rule == .noCross)
        #expect(r.levels == [level(10, 5, 0), level(11, 0, 5)])
        // No orders, one side only, and orders with no lots: nothing crosses either.
        #expect(BatchAuction.clear([], reference: nil) == AuctionResult(price: nil, matchedLots: 0, fills: [], levels: [], rule: .noCross))
        let oneSided = BatchAuction.clear([buy(1, 10, 5), buy(2, 12, 1)], reference: nil)
        #expect(oneSided.price == nil && oneSided.levels == [level(10, 6, 0), level(12, 1, 0)])
        let empty = BatchAuction.clear([buy(1, 10, 0), sell(2, 9, 0)], reference: nil)
        #expect(empty.price == nil && empty.levels.isEmpty)
    }

    @Test func simpleCross() {
        // Buys A(1) 12x6, D(4) 11x4; sells B(2) 10x5, C(3) 12x10.
        // p=10: D=10 S=5  V=5;  p=11: D=10 S=5 V=5;  p=12: D=6 S=15 V=6 <- the one maximum.
        // At 12 the buys are short: A fills 6. Sells: B (10, better) fills 5, C gets the last 1.
        let r = BatchAuction.clear([buy(1, 12, 6), sell(2, 10, 5), sell(3, 12, 10), buy(4, 11, 4)], reference: nil)
        #expect(r.price == 12 && r.matchedLots == 6 && r.rule == .volume)
        #expect(fills(r).map { [$0.0, Int($0.1)] } == [[1, 6], [2, 5], [3, 1]])
        #expect(r.levels == [level(10, 10, 5), level(11, 10, 5), level(12, 6, 15)])
    }

    @Test func rule1LeastSurplus() {
        // Buy A(1) 10x10; sells B(2) 9x10, C(3) 10x3.
        // p=9: D=10 S=10 V=10 surplus 0;  p=10: D=10 S=13 V=10 surplus 3.  Least surplus: 9.
        let r = BatchAuction.clear([buy(1, 10, 10), sell(2, 9, 10), sell(3, 10, 3)], reference: 10)
        #expect(r.price == 9 && r.matchedLots == 10 && r.rule == .surplus)
        #expect(fills(r).map { [$0.0, Int($0.1)] } == [[1, 10], [2, 10]])
    }

    @Test func rule2MarketPressure() {
        // Buy pressure. Sell A(1) 9x5, buy B(2) 10x8.
        // p=9: D=8 S=5 V=5 surplus 3 (D>S);  p=10: D=8 S=5 V=5 surplus 3 (D>S).  Every tie has D > S: the highest, 10,
        // even though the reference (9) is one of the tied prices: rule 2 comes before rule 3.
        let up = BatchAuction.clear([sell(1, 9, 5), buy(2, 10, 8)], reference: 9)
        #expect(up.price == 10 && up.matchedLots == 5 && up.rule == .buyPressure)
        #expect(fills(up).map { [$0.0, Int($0.1)] } == [[1, 5], [2, 5]])
        // Sell pressure. Sell A(1) 9x8, buy B(2) 10x5.
        // p=9: D=5 S=8 V=5 surplus 3 (S>D);  p=10: D=5 S=8 V=5 surplus 3 (S>D).  Every tie has S > D: the lowest, 9.
        let down = BatchAuction.clear([sell(1, 9, 8), buy(2, 10, 5)], reference: 10)
        #expect(down.price == 9 && down.matchedLots == 5 && down.rule == .sellPressure)
        #expect(fills(down).map { [$0.0, Int($0.1)] } == [[1, 5], [2, 5]])
    }

    /// Sells A(1) 98x25, B(2) 95x25; buys C(3) 100x25, D(4) 97x25 (the book of the BNB Beacon Chain
    /// match examples 6.1/6.2).
    /// p=95: D=50 S=25 V=25 +25;  p=97: D=50 S=25 V=25 +25;  p=98: D=25 S=50 V=25 -25;  p=100: D=25 S=50 V=25 -25.
    /// Every price ties on volume (25) and on surplus (25), with pressure both ways: rule 3 decides.
    static let mixedBook = [sell(1, 98, 25), sell(2, 95, 25), buy(3, 100, 25), buy(4, 97, 25)]

    @Test func rule3NearestTheReference() {
        // Reference 97: 97 is at distance 0. At 97 the sells are short: B fills 25; buys C (100) fills 25, D nothing.
        let r = BatchAuction.clear(Self.mixedBook, reference: 97)
        #expect(r.price == 97 && r.matchedLots == 25 && r.rule == .reference)
        #expect(fills(r).map { [$0.0, Int($0.1)] } == [[2, 25], [3, 25]])
        #expect(r.levels == [level(95, 50, 25), level(97, 50, 25), level(98, 25, 50), level(100, 25, 50)])
        // Reference 120: 100 is nearest (20; 98 is 22). Reference 1: 95 is nearest.
        #expect(BatchAuction.clear(Self.mixedBook, reference: 120).price == 100)
        #expect(BatchAuction.clear(Self.mixedBook, reference: 1).price == 95)
        // A zero surplus is no pressure either: sell 9x5, buy 10x5 tie at 9 and 10 with D = S; reference 12 -> 10.
        let balanced = BatchAuction.clear([sell(1, 9, 5), buy(2, 10, 5)], reference: 12)
        #expect(balanced.price == 10 && balanced.rule == .reference)
    }

    @Test func rule4Lowest() {
        // No reference: the lowest tied price, 95.
        let none = BatchAuction.clear(Self.mixedBook, reference: nil)
        #expect(none.price == 95 && none.rule == .lowest)
        // Reference 99: 98 and 100 are both at distance 1; the lower, 98. (Reference 96: 95 and 97, so 95.)
        let between = BatchAuction.clear(Self.mixedBook, reference: 99)
        #expect(between.price == 98 && between.rule == .lowest && between.matchedLots == 25)
        // At 98 the buys are short: C (100) fills 25; sell B (95) fills 25 before A (98).
        #expect(fills(between).map { [$0.0, Int($0.1)] } == [[2, 25], [3, 25]])
        #expect(BatchAuction.clear(Self.mixedBook, reference: 96).price == 95)
    }

    @Test func aBetterOrderCanWaitWhenTheReferenceDecides() {
        // Buys A(1) 12x1, B(2) 14x1; sells C(3) 10x1, D(4) 13x1.
        // p=10: D=2 S=1 V=1 +1;  p=12: D=2 S=1 V=1 +1;  p=13: D=1 S=2 V=1 -1;  p=14: D=1 S=2 V=1 -1.
        // All tie on volume and surplus with pressure both ways; reference 10 chooses 10. The buys are long there:
        // B (14) takes the one lot and A, though its limit 12 is above the price, waits. This is the rule (Xetra's
        // too): only the short side's eligible orders are sure to fill when steps 3 and 4 decide. The open book
        // still does not cross (best open buy 12 < best open sell 13).
        let r = BatchAuction.clear([buy(1, 12, 1), buy(2, 14, 1), sell(3, 10, 1), sell(4, 13, 1)], reference: 10)
        #expect(r.price == 10 && r.matchedLots == 1 && r.rule == .reference)
        #expect(fills(r).map { [$0.0, Int($0.1)] } == [[2, 1], [3, 1]])
    }

    @Test func proRataRemainderGoesByAscendingId() {
        // Three buys at 10 from one block, given in the order 3, 1, 2; one sell 10x7.
        // p=10: D=15 S=7 V=7. The buys' group (10, height 5) has G=15 > R=7:
        //   id1: floor(7*7/15) = floor(3.27) = 3;  id2: floor(6*7/15) = floor(2.8) = 2;  id3: floor(2*7/15) = floor(0.93) = 0.
        // 5 given, 2 left: one each to id1 and id2 (ascending id, not the largest remainder: id3 gets nothing).
        let orders = [buy(3, 10, 2, height: 5), buy(1, 10, 7, height: 5), buy(2, 10, 6, height: 5), sell(9, 10, 7, height: 2)]
        let r = BatchAuction.clear(orders, reference: nil)
        #expect(r.price == 10 && r.matchedLots == 7)
        #expect(fills(r).map { [$0.0, Int($0.1)] } == [[1, 4], [2, 3], [9, 7]])
        #expect(BatchAuction.clear(orders.reversed(), reference: nil) == r)
    }

    @Test func timePriorityIsByBlock() {
        // Buys at 10: id9 4 lots from block 1; id1 and id2 4 lots each from block 2; id3 12x2 from block 9. Sell id7 10x9.
        // p=10: D=14 S=9 V=9;  p=12: D=2 S=9 V=2.  Price 10.
        // id3 first (better price, whatever its block), then id9 (older block, despite its larger id): 2 + 4, 3 left.
        // Block 2's group: G=8, R=3: floor(4*3/8) = 1 each, 1 left to id1. So id1 2, id2 1.
        let r = BatchAuction.clear([buy(1, 10, 4, height: 2), buy(2, 10, 4, height: 2), buy(9, 10, 4, height: 1),
                                    buy(3, 12, 2, height: 9), sell(7, 10, 9, height: 3)], reference: nil)
        #expect(r.price == 10 && r.matchedLots == 9 && r.rule == .volume)
        #expect(fills(r).map { [$0.0, Int($0.1)] } == [[1, 2], [2, 1], [3, 2], [7, 9], [9, 4]])
    }

    @Test func anOrderAtThePriceOnTheShortSideFillsFully() {
        // Buy A(1) 11x10; sells B(2) 9x3, C(3) 11x4.  p=9: D=10 S=3 V=3;  p=11: D=10 S=7 V=7.  Price 11.
        // The sells are short (7 < 10): C, exactly at 11, fills all 4; A gets 7 of its 10.
        let r = BatchAuction.clear([buy(1, 11, 10), sell(2, 9, 3), sell(3, 11, 4)], reference: nil)
        #expect(r.price == 11 && r.matchedLots == 7)
        #expect(fills(r).map { [$0.0, Int($0.1)] } == [[1, 7], [2, 3], [3, 4]])
    }

    /// The worked example of docs/protocol.md 19.6, step by step as the document gives it.
    @Test func documentExample() {
        let orders = [
            buy(1, 104, 5, height: 10), buy(2, 102, 4, height: 11), buy(3, 102, 6, height: 12),
            buy(4, 102, 4, height: 12), buy(5, 99, 8, height: 9),
            sell(6, 98, 6, height: 8), sell(7, 100, 5, height: 12), sell(8, 101, 4, height: 11), sell(9, 105, 7, height: 10),
        ]
        let r = BatchAuction.clear(orders, reference: 100)
        #expect(r.levels == [level(98, 27, 6), level(99, 27, 6), level(100, 19, 11), level(101, 19, 15),
                             level(102, 19, 15), level(104, 5, 15), level(105, 0, 22)])
        #expect(r.levels.map(\.executable) == [6, 6, 11, 15, 15, 5, 0])
        #expect(r.price == 102 && r.matchedLots == 15 && r.rule == .buyPressure)
        #expect(fills(r).map { [$0.0, Int($0.1)] } == [[1, 5], [2, 4], [3, 4], [4, 2], [6, 6], [7, 5], [8, 4]])
    }

    @Test func proRataIsExactAtTheLotCap() {
        // Lots near 2^40: lots x R needs 80 bits, so this checks the full-width multiply and divide.
        let cap = BatchAuction.maxLotsPerOrder
        let group = [buy(1, 50, cap, height: 3), buy(2, 50, cap - 1, height: 3), buy(3, 50, cap / 2 + 7, height: 3)]
        let supply = cap + 12_345
        let r = BatchAuction.clear(group + [sell(4, 50, supply)], reference: nil)
        #expect(r.price == 50 && r.matchedLots == supply)
        let total = cap + (cap - 1) + (cap / 2 + 7)
        var given: UInt64 = 0
        for (order, fill) in zip(group, r.fills.prefix(3)) {
            // floor(l*R/G) <= fill <= floor(l*R/G) + 1, checked as 128-bit products: (fill-1)*G <= l*R < (fill+1)*G.
            let exact = order.lots.multipliedFullWidth(by: supply)
            #expect(lessOrEqual((fill.lots - 1).multipliedFullWidth(by: total), exact))
            #expect(less(exact, (fill.lots + 1).multipliedFullWidth(by: total)))
            given += fill.lots
        }
        #expect(given == supply)
    }

    @Test func totalsThatDoNotFitAreRefused() {
        // Each side's total fits exactly in 64 bits: cleared normally.
        let half = UInt64.max / 2
        let fits = BatchAuction.clear([buy(1, 5, half), buy(2, 5, half + 1), sell(3, 5, UInt64.max)], reference: nil)
        #expect(fits.price == 5 && fits.matchedLots == UInt64.max && fits.rule == .volume)
        // One lot more on the buy side: refused, no trade, no curve, and no trap.
        let over = BatchAuction.clear([buy(1, 5, half + 1), buy(2, 5, half + 1), sell(3, 5, 1)], reference: nil)
        #expect(over == AuctionResult(price: nil, matchedLots: 0, fills: [], levels: [], rule: .tooLarge))
        let overSells = BatchAuction.clear([sell(1, 4, UInt64.max), sell(2, 6, 1), buy(3, 9, 1)], reference: nil)
        #expect(overSells.rule == .tooLarge)
    }
}

/// (high, low) 128-bit comparisons for the tests' exactness checks.
func less(_ a: (high: UInt64, low: UInt64), _ b: (high: UInt64, low: UInt64)) -> Bool {
    a.high != b.high ? a.high < b.high : a.low < b.low
}

func lessOrEqual(_ a: (high: UInt64, low: UInt64), _ b: (high: UInt64, low: UInt64)) -> Bool { !less(b, a) }
