import Foundation
import KusariClient
import NIOConcurrencyHelpers

/// What the devnet last saw of one node through its API.
public struct NodeView: Sendable {
    /// The node's number, from 1.
    public var index: Int
    /// The supervisor's view: starting, running, paused, down, stopped, failed.
    public var state: String
    public var pid: Int32?
    public var restarts: Int
    /// The API's base URL (its explorer is at `/`).
    public var api: String
    public var p2pPort: Int
    /// From `/v1/status`, nil until the node first answers.
    public var height: UInt64?
    public var tip: String?
    public var peers: Int?
    public var mempool: Int?
    /// Transactions a second in the blocks of the node's best chain over the last `StatusMonitor.window` seconds.
    public var committedPerSecond: Double?
    /// Whether the last poll was answered.
    public var answering: Bool

    /// The view as JSON for `kusari devnet status`.
    public var json: [String: Any] {
        var o: [String: Any] = ["node": index, "state": state, "restarts": restarts, "api": api, "explorer": api + "/",
                                "p2p": "127.0.0.1:\(p2pPort)", "answering": answering]
        if let pid { o["pid"] = Int(pid) }
        if let height { o["height"] = height }
        if let tip { o["tip"] = tip }
        if let peers { o["peers"] = peers }
        if let mempool { o["mempool"] = mempool }
        if let committedPerSecond { o["committedPerSecond"] = (committedPerSecond * 10).rounded() / 10 }
        return o
    }
}

/// Polls every node's API once a second (`/v1/status`, and `/v1/blocks` for the
/// committed rate) and keeps the latest view of each. A node that does not answer
/// within `timeout` seconds (paused, down, starting) keeps its last figures.
public final class StatusMonitor: @unchecked Sendable {
    /// Seconds a node has to answer a poll (generous: a busy two-core machine running
    /// several nodes can take seconds to answer).
    static let timeout: Double = 5
    /// Seconds of recent blocks the committed rate is taken over.
    public static let window: Double = 20
    private let supervisor: Supervisor
    private let lock = NIOLock()
    private var views: [NodeView]
    /// Each node's recent blocks, fetched a few at a time as its tip moves.
    private var recent: [RecentBlocks]

    init(supervisor: Supervisor) {
        self.supervisor = supervisor
        views = supervisor.children.map { c in
            NodeView(index: c.index, state: c.snapshot.state.rawValue, pid: c.snapshot.pid, restarts: 0, api: c.apiBase,
                     p2pPort: c.p2pPort, answering: false)
        }
        recent = views.map { _ in RecentBlocks() }
    }

    /// The latest view of every node.
    public var current: [NodeView] {
        let base = lock.withLock { views }
        return base.map { v in
            var v = v
            let s = supervisor.children[v.index - 1].snapshot
            v.state = s.state.rawValue
            v.pid = s.pid
            v.restarts = s.restarts
            return v
        }
    }

    /// Polls until the task is cancelled: each node on its own, so that one that hangs
    /// (paused, overloaded) holds up no other.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for child in supervisor.children {
                group.addTask {
                    while !Task.isCancelled {
                        let answered = await self.poll(child)
                        if !answered { self.lock.withLock { self.views[child.index - 1].answering = false } }
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
        }
    }

    /// One poll of one node; false if it did not answer within `timeout` seconds.
    private func poll(_ child: NodeChild) async -> Bool {
        let client = HTTPClient(base: child.apiBase, timeout: Self.timeout)
        // Marks the node as not answering if the poll takes longer than the timeout (a stopped
        // process accepts the connection in the kernel but never replies).
        let watchdog = Task {
            try await Task.sleep(for: .seconds(Self.timeout + 1))
            lock.withLock { views[child.index - 1].answering = false }
        }
        defer { watchdog.cancel() }
        guard let status = try? await client.get("/v1/status"), status.status == 200 else { return false }
        child.transition(from: .starting, to: .running)
        let height = (status.json["height"] as? Int).flatMap(UInt64.init(exactly:))
        let tip = status.json["tip"] as? String
        let peers = status.json["peers"] as? Int
        let mempool = (status.json["mempool"] as? [String: Any])?["count"] as? Int
        var rate: Double?
        if let height {
            // Only blocks not fetched before: a node committing thousands of transfers a
            // block must not spend its time listing the same fifty blocks every second.
            let wanted = lock.withLock { recent[child.index - 1].wanted(tip: height) }
            if let blocks = try? await client.get("/v1/blocks?limit=\(wanted)"), blocks.status == 200,
               let list = blocks.json["blocks"] as? [[String: Any]] {
                let now = Date().timeIntervalSince1970
                rate = lock.withLock {
                    recent[child.index - 1].record(list, tip: height, now: now)
                    return recent[child.index - 1].rate(now: now)
                }
            }
        }
        lock.withLock {
            var v = views[child.index - 1]
            v.answering = true
            v.height = height
            v.tip = tip
            v.peers = peers
            v.mempool = mempool
            if let rate { v.committedPerSecond = rate }
            views[child.index - 1] = v
        }
        return true
    }

}

/// The recent blocks of one node's best chain as the monitor fetched them
/// (height → timestamp and transaction count), for the committed rate.
struct RecentBlocks {
    private(set) var blocks: [UInt64: (timestamp: Int, txCount: Int)] = [:]
    /// The tip when blocks were last fetched.
    private(set) var fetchedTip: UInt64?

    /// How many of the newest blocks to ask for, the tip now being `tip`: those
    /// not fetched yet (at least the tip itself, which a reorganisation may have
    /// replaced), at most 50.
    func wanted(tip: UInt64) -> Int {
        guard let fetchedTip, fetchedTip <= tip else { return 50 }
        return Int(min(50, max(1, tip - fetchedTip)))
    }

    /// Keeps the summaries in `list` (the API's block summaries), forgets blocks
    /// above `tip` (gone in a reorganisation) and older than the window.
    mutating func record(_ list: [[String: Any]], tip: UInt64, now: Double) {
        for block in list {
            guard let height = (block["height"] as? Int).flatMap(UInt64.init(exactly:)),
                  let header = block["header"] as? [String: Any], let time = header["timestamp"] as? Int else { continue }
            blocks[height] = (time, block["txCount"] as? Int ?? 0)
        }
        blocks = blocks.filter { $0.key <= tip && Double($0.value.timestamp) > now - StatusMonitor.window }
        fetchedTip = tip
    }

    /// Transactions a second in the blocks whose timestamp lies within the last
    /// `StatusMonitor.window` seconds before `now`.
    func rate(now: Double) -> Double {
        let count = blocks.values.filter { Double($0.timestamp) > now - StatusMonitor.window }.reduce(0) { $0 + $1.txCount }
        return Double(count) / StatusMonitor.window
    }
}
