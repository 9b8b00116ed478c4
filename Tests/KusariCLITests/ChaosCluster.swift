import Foundation
import Testing

/// Three `kusari node` processes in a line, A (mining) - B - C, that the chaos
/// test kills and restarts (same data directory, API and peer ports) or pauses
/// and resumes at random. At most two nodes are perturbed at once.
final class ChaosCluster: @unchecked Sendable {
    enum State { case running, paused, down }

    struct Slot {
        let datadir: String
        /// The arguments a restart uses: the first start's, with the ports it got.
        var arguments: [String]
        var process: NodeProcess
        var state = State.running
    }

    enum Failure: Error, CustomStringConvertible {
        case noRestart(node: Int, why: String)
        var description: String {
            switch self {
            case .noRestart(let n, let why): return "node \(n) did not restart: \(why)"
            }
        }
    }

    private let lock = NSLock()
    private var slots: [Slot] = []
    private var killCount = 0, pauseCount = 0

    /// Starts A (mining every `minerInterval` seconds), then B peered to A, then C peered to B.
    init(directory: String, miner: String, minerInterval: String = "0.5") throws {
        var previous: String?
        for name in ["a", "b", "c"] {
            let datadir = directory + "/" + name
            var arguments = ["--no-discover"] + (previous.map { ["--peer", $0] } ?? [])
            if name == "a" { arguments += ["--mine", "--miner-address", miner, "--miner-interval", minerInterval, "--miner-threads", "1"] }
            let process = try NodeProcess(datadir: datadir, arguments: arguments + ["--p2p", "127.0.0.1:0"])
            let p2p = process.p2p ?? ""
            let api = process.base.replacingOccurrences(of: "http://", with: "")
            // Later options win: a restart takes the same ports.
            slots.append(Slot(datadir: datadir, arguments: arguments + ["--p2p", p2p, "--api", api], process: process))
            previous = p2p
        }
    }

    var kills: Int { lock.withLock { killCount } }
    var pauses: Int { lock.withLock { pauseCount } }

    /// A node's API base URL while it runs (nil while killed or paused).
    func base(_ n: Int) -> String? {
        lock.withLock { slots[n].state == .running ? slots[n].process.base : nil }
    }

    /// A random running node and its API base URL.
    func randomRunning() -> (Int, String)? {
        lock.withLock {
            let running = slots.indices.filter { slots[$0].state == .running }
            return running.randomElement().map { ($0, slots[$0].process.base) }
        }
    }

    /// Kills or pauses a random running node every 1 to 3 seconds until `end`,
    /// then waits until every node runs again.
    func perturb(until end: Date) async throws {
        var tasks: [Task<Void, any Error>] = []
        while Date() < end {
            try await Task.sleep(for: .milliseconds(Int.random(in: 1_000...3_000)))
            let n = Int.random(in: 0..<3)
            let kill = Bool.random()
            let claimed: NodeProcess? = lock.withLock {
                // One node is always left running.
                guard slots[n].state == .running, slots.filter({ $0.state != .running }).count < 2 else { return nil }
                slots[n].state = kill ? .down : .paused
                if kill { killCount += 1 } else { pauseCount += 1 }
                return slots[n].process
            }
            guard let process = claimed else { continue }
            if kill {
                tasks.append(Task { try await self.killAndRestart(n, process) })
            } else {
                tasks.append(Task { try await self.pause(n, process) })
            }
        }
        for t in tasks { try await t.value }
    }

    private func pause(_ n: Int, _ process: NodeProcess) async throws {
        let pid = process.process.processIdentifier
        Foundation.kill(pid, SIGSTOP)
        try await Task.sleep(for: .milliseconds(Int.random(in: 500...4_000)))
        Foundation.kill(pid, SIGCONT)
        lock.withLock { slots[n].state = .running }
    }

    private func killAndRestart(_ n: Int, _ process: NodeProcess) async throws {
        process.crash()
        try await Task.sleep(for: .milliseconds(Int.random(in: 0...2_000)))
        let (datadir, arguments) = lock.withLock { (slots[n].datadir, slots[n].arguments) }
        // A node's start blocks while it reads the node's first line: on a thread of its own.
        let restarted: Result<NodeProcess, any Error> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var last: (any Error)?
                let end = Date().addingTimeInterval(30)
                while Date() < end {
                    do { return continuation.resume(returning: .success(try NodeProcess(datadir: datadir, arguments: arguments))) } catch {
                        last = error   // The port may not be free yet: try again.
                        usleep(200_000)
                    }
                }
                continuation.resume(returning: .failure(Failure.noRestart(node: n, why: "\(last.map { "\($0)" } ?? "timed out")")))
            }
        }
        let fresh = try restarted.get()
        lock.withLock {
            slots[n].process = fresh
            slots[n].state = .running
        }
    }

    /// Resumes and stops every node.
    func stopAll() {
        let processes = lock.withLock { slots.map(\.process) }
        for p in processes where p.process.isRunning {
            Foundation.kill(p.process.processIdentifier, SIGCONT)
            p.stop()
        }
    }
}
