import Foundation

/// How much work the mempool holds, measured against the rate at which blocks
/// take transactions: the node's admission control for clients. When the pool
/// holds more than `seconds` of the recent block rate (and at least `minimum`
/// transactions), new transactions from clients are refused at once, before
/// their signatures are checked, with a hint to retry after the next block. A
/// network offered more than it can commit then commits at its capacity and
/// says no to the rest, instead of letting a backlog (and every transfer's
/// wait) grow without end. Transactions relayed by peers are not refused this
/// way: another node acknowledged them already.
public struct Backlog: Sendable {
    /// Seconds of the recent block rate the pool may hold for clients.
    public var seconds: Double = 20
    /// Transactions the pool may always hold, whatever the rate.
    public var minimum = 2_000
    /// The recent blocks: when each was connected (system uptime) and how many transactions it took.
    private var blocks: [(at: Double, txs: Int)] = []
    /// Blocks the rate is taken over.
    static let window = 10

    public init() {}

    /// A block taking `txs` transactions was connected at `at`.
    public mutating func connected(txs: Int, at: Double) {
        blocks.append((at, txs))
        if blocks.count > Self.window { blocks.removeFirst(blocks.count - Self.window) }
    }

    /// Transactions a second the recent blocks took (nil before two blocks).
    public func rate(now: Double) -> Double? {
        guard blocks.count >= 2, let first = blocks.first else { return nil }
        let span = max(1, now - first.at)
        return Double(blocks.dropFirst().reduce(0) { $0 + $1.txs }) / span
    }

    /// The most transactions the pool may hold before clients are refused.
    public func limit(now: Double) -> Int {
        guard let rate = rate(now: now) else { return Int.max }
        return max(minimum, Int(rate * seconds))
    }
}
