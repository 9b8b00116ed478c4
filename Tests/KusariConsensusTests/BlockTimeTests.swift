import Testing
import KusariConsensus

@Suite("Block time rules")
struct BlockTimeTests {
    @Test("median-time-past is the sorted median of the last 11 timestamps")
    func median() {
        #expect(BlockTime.medianTimePast([Int64]()) == nil)
        #expect(BlockTime.medianTimePast([5]) == 5)
        #expect(BlockTime.medianTimePast([9, 1, 7, 3, 11, 5, 2, 10, 4, 8, 6]) == 6)
        // Only the last 11 count: the leading 1000 is ignored.
        #expect(BlockTime.medianTimePast([1000, 9, 1, 7, 3, 11, 5, 2, 10, 4, 8, 6]) == 6)
        // Even count near genesis: the element at count / 2 after sorting (Core's choice).
        #expect(BlockTime.medianTimePast([40, 10, 30, 20]) == 30)
        // Out-of-order timestamps are allowed in the chain; the median does not care.
        #expect(BlockTime.medianTimePast([100, 90, 110]) == 100)
    }

    @Test("a block must be after the median and at most maxFutureBlockTime ahead of now")
    func check() throws {
        let previous: [Int64] = [100, 110, 120, 130, 140]
        try BlockTime.check(time: 121, previousTimestamps: previous, now: 200, params: .bitcoin)
        #expect(throws: BlockTimeError.notAfterMedianTimePast(time: 120, medianTimePast: 120)) {
            try BlockTime.check(time: 120, previousTimestamps: previous, now: 200, params: .bitcoin)
        }
        try BlockTime.check(time: 7400, previousTimestamps: previous, now: 200, params: .bitcoin)
        #expect(throws: BlockTimeError.tooFarInFuture(time: 7401, latestAllowed: 7400)) {
            try BlockTime.check(time: 7401, previousTimestamps: previous, now: 200, params: .bitcoin)
        }
        #expect(throws: BlockTimeError.tooFarInFuture(time: 921, latestAllowed: 920)) {
            try BlockTime.check(time: 921, previousTimestamps: previous, now: 200, params: .kusariMain)
        }
        // A genesis block has no median to be after.
        try BlockTime.check(time: 0, previousTimestamps: [Int64](), now: 0, params: .kusariMain)
        // A clock at the end of time does not overflow.
        try BlockTime.check(time: .max, previousTimestamps: previous, now: .max, params: .bitcoin)
    }
}
