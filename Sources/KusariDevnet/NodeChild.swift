import Foundation
import NIOConcurrencyHelpers

/// One `kusari node` child process of the devnet, and everything needed to
/// start it again: its directory, ports, peers and mining role.
///
/// Its stdout and stderr go to `output.log` in its directory (appended across
/// restarts); the node keeps its own log in its data directory. The child is
/// told the devnet's pid (`--exit-with-parent`) and stops by itself when the
/// devnet is gone, even if the devnet was killed with SIGKILL.
public final class NodeChild: @unchecked Sendable {
    /// The node's number, from 1.
    public let index: Int
    /// Its directory: `DIR/nodeN`, holding `data/` and `output.log`.
    public let directory: String
    /// The API port and the P2P port on 127.0.0.1, the same for the whole run.
    public let apiPort: Int, p2pPort: Int
    /// The arguments after `kusari`.
    let arguments: [String]
    private let executable: String

    /// What the child is doing.
    public enum State: String, Sendable {
        case starting, running, paused, down, stopped, failed
    }

    private let lock = NIOLock()
    private var process: Process?
    private var state_: State = .stopped
    private var restarts_ = 0
    private var startedAt = Date.distantPast

    /// The data directory.
    public var dataDirectory: String { directory + "/data" }
    /// The base URL of its API (where its explorer is).
    public var apiBase: String { "http://127.0.0.1:\(apiPort)" }

    init(index: Int, directory: String, apiPort: Int, p2pPort: Int, executable: String, arguments: [String]) {
        self.index = index
        self.directory = directory
        self.apiPort = apiPort
        self.p2pPort = p2pPort
        self.executable = executable
        self.arguments = arguments
    }

    /// The current state, pid (while a process runs) and number of restarts.
    public var snapshot: (state: State, pid: Int32?, restarts: Int) {
        lock.withLock { (state_, process.map(\.processIdentifier), restarts_) }
    }

    /// Seconds since the current process started.
    var uptime: TimeInterval { lock.withLock { Date().timeIntervalSince(startedAt) } }

    func setState(_ state: State) { lock.withLock { state_ = state } }

    /// Sets `to` only if the state is still `from`, in one step (a pause between a
    /// look and a set must not be overwritten).
    func transition(from: State, to: State) { lock.withLock { if state_ == from { state_ = to } } }

    /// Starts the process; `onExit` runs (on some thread) when it ends, with its exit description.
    func start(restart: Bool, onExit: @escaping @Sendable (NodeChild, String) -> Void) throws(DevnetError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let logPath = directory + "/output.log"
            if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
            guard let log = FileHandle(forWritingAtPath: logPath) else { throw DevnetError("node \(index)", "cannot open \(logPath)") }
            log.seekToEndOfFile()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = arguments
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = log
            p.standardError = log
            p.terminationHandler = { [self] ended in
                try? log.close()
                let how = ended.terminationReason == .uncaughtSignal
                    ? "killed by signal \(ended.terminationStatus)" : "exited with status \(ended.terminationStatus)"
                lock.withLock { if process === ended { process = nil } }
                onExit(self, how)
            }
            try lock.withLock {
                try p.run()
                process = p
                state_ = .starting
                startedAt = Date()
                if restart { restarts_ += 1 }
            }
        } catch let e as DevnetError {
            throw e
        } catch {
            throw DevnetError("node \(index)", "cannot start \(executable): \(error)")
        }
    }

    /// Sends `signal` to the process; false if none runs.
    @discardableResult
    func signal(_ signal: Int32) -> Bool {
        lock.withLock {
            guard let p = process, p.isRunning else { return false }
            return kill(p.processIdentifier, signal) == 0
        }
    }

    /// Whether a process runs.
    var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    /// The last `lines` lines of its output, for an error message.
    func outputTail(lines: Int = 5) -> String {
        let text = (try? String(contentsOfFile: directory + "/output.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
