import Foundation
import NIOConcurrencyHelpers

/// Keeps the devnet's node processes running: starts them, restarts one that
/// dies (saying so), pauses and resumes them, and stops them all at the end.
///
/// A node that keeps dying within seconds of its start (a taken port, a data
/// directory of another chain) is given up after a few tries, with the last
/// lines of its output, rather than restarted forever.
public final class Supervisor: @unchecked Sendable {
    /// The nodes, in order (node 1 first).
    public let children: [NodeChild]
    private let report: @Sendable (String) -> Void
    private let lock = NIOLock()
    private var stopping = false
    private var quickDeaths: [Int: Int] = [:]
    /// Nodes killed on request, whose next death is not counted as a failure to start.
    private var killedOnRequest = Set<Int>()

    /// Seconds to wait before a restart.
    static let restartDelay: TimeInterval = 1
    /// Deaths in a row, each within `quickDeathSeconds` of its start, after which a node is given up.
    static let maxQuickDeaths = 5
    static let quickDeathSeconds: TimeInterval = 5

    /// `report` receives one line per event (a node died, was restarted, was given up).
    init(children: [NodeChild], report: @escaping @Sendable (String) -> Void) {
        self.children = children
        self.report = report
    }

    /// Node `n` (from 1), or an error naming the valid range.
    func child(_ n: Int) throws(DevnetError) -> NodeChild {
        guard n >= 1, n <= children.count else {
            throw DevnetError("node", "node \(n) does not exist; this devnet has nodes 1 to \(children.count)")
        }
        return children[n - 1]
    }

    /// Starts every node.
    func startAll() throws(DevnetError) {
        for child in children { try child.start(restart: false, onExit: exited) }
    }

    private func exited(_ child: NodeChild, _ how: String) {
        let quick = child.uptime < Self.quickDeathSeconds
        let (stop, deaths): (Bool, Int) = lock.withLock {
            let asked = killedOnRequest.remove(child.index) != nil
            quickDeaths[child.index] = quick && !asked ? (quickDeaths[child.index] ?? 0) + 1 : 0
            return (stopping, quickDeaths[child.index] ?? 0)
        }
        if stop { child.setState(.stopped); return }
        if deaths >= Self.maxQuickDeaths {
            child.setState(.failed)
            report("node \(child.index) \(how) \(deaths) times within seconds of its start; giving it up. Its last output:\n"
                   + child.outputTail())
            return
        }
        child.setState(.down)
        report("node \(child.index) \(how); restarting it")
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.restartDelay) { [self] in
            guard !lock.withLock({ stopping }) else { child.setState(.stopped); return }
            do {
                try child.start(restart: true, onExit: exited)
                report("node \(child.index) restarted (pid \(child.snapshot.pid.map(String.init) ?? "?"))")
            } catch {
                child.setState(.failed)
                report("node \(child.index) could not be restarted: \(error)")
            }
        }
    }

    /// Kills node `n` at once (SIGKILL), as a crash would; it is then restarted.
    func kill(_ n: Int) throws(DevnetError) -> String {
        let c = try child(n)
        lock.withLock { _ = killedOnRequest.insert(n) }
        guard c.signal(SIGKILL) else {
            lock.withLock { _ = killedOnRequest.remove(n) }
            throw DevnetError("node", "node \(n) is not running (\(c.snapshot.state.rawValue))")
        }
        return "killed node \(n); the devnet restarts it"
    }

    /// Stops node `n` (SIGSTOP) or lets it go on (SIGCONT).
    func pause(_ n: Int, _ paused: Bool) throws(DevnetError) -> String {
        let c = try child(n)
        let state = c.snapshot.state
        if paused && state == .paused { throw DevnetError("node", "node \(n) is already paused") }
        if !paused && state != .paused { throw DevnetError("node", "node \(n) is not paused") }
        guard c.signal(paused ? SIGSTOP : SIGCONT) else { throw DevnetError("node", "node \(n) is not running (\(state.rawValue))") }
        c.setState(paused ? .paused : .running)
        return paused ? "paused node \(n) (SIGSTOP): it holds its connections and answers nothing" : "resumed node \(n)"
    }

    /// Stops every node: SIGTERM (and SIGCONT, so a paused node can act on it),
    /// then SIGKILL for any still running after `deadline` seconds. Waits for all.
    func stopAll(deadline: TimeInterval = 20) {
        lock.withLock { stopping = true }
        for child in children {
            child.signal(SIGTERM)
            child.signal(SIGCONT)
        }
        let end = Date().addingTimeInterval(deadline)
        while children.contains(where: \.isRunning) && Date() < end { usleep(50_000) }
        for child in children where child.isRunning { child.signal(SIGKILL) }
        let hard = Date().addingTimeInterval(5)
        while children.contains(where: \.isRunning) && Date() < hard { usleep(20_000) }
        for child in children { child.setState(.stopped) }
    }
}
