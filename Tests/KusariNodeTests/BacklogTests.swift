import Testing
import KusariNode

/// Clients are refused once the pool holds more than some seconds of what recent blocks took.
@Suite struct BacklogTests {
    @Test func theLimitFollowsTheRecentBlockRate() {
        var b = Backlog()
        b.seconds = 30
        b.minimum = 1_000
        // Before two blocks there is no rate: no limit but the pool's own.
        #expect(b.limit(now: 0) == Int.max)
        b.connected(txs: 500, at: 0)
        #expect(b.rate(now: 1) == nil)
        // 2,000 transactions a block every 2 s: 1,000 a second, so 30,000 may wait.
        for i in 1...5 { b.connected(txs: 2_000, at: Double(i) * 2) }
        #expect(b.rate(now: 10) == 1_000)
        #expect(b.limit(now: 10) == 30_000)
        // Blocks that take little still leave the minimum.
        var slow = Backlog()
        slow.minimum = 1_000
        slow.connected(txs: 1, at: 0)
        slow.connected(txs: 1, at: 2)
        #expect(slow.limit(now: 2) == 1_000)
        // Only the last ten blocks count.
        var long = Backlog()
        long.seconds = 10
        long.minimum = 0
        for i in 0..<20 { long.connected(txs: i < 10 ? 100_000 : 10, at: Double(i)) }
        #expect(long.rate(now: 19) == 10)
    }
}
