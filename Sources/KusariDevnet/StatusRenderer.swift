import Foundation
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Writes the devnet's output: event lines as they happen, and a status line
/// per node. On a terminal the status lines are redrawn in place once a second
/// below the events; elsewhere (a pipe, a file) they are printed as plain lines
/// every `plainInterval` seconds.
final class StatusRenderer: @unchecked Sendable {
    private let isTerminal: Bool
    private let write: @Sendable (String) -> Void
    private let lock = NIOLock()
    private var drawn = 0
    private var lastPlain = Date.distantPast
    /// Seconds between two status blocks when not on a terminal.
    static let plainInterval: TimeInterval = 10

    init(isTerminal: Bool = isatty(STDOUT_FILENO) == 1,
         write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.isTerminal = isTerminal
        self.write = write
    }

    /// Prints one event (which may span lines) above the status lines.
    func event(_ text: String) {
        lock.withLock {
            write(erase() + text + "\n")
            drawn = 0
        }
    }

    /// Draws the status of every node, and the links' faults.
    func draw(_ views: [NodeView], cut: [[Int]], delayed: [(Int, Int, Int)]) {
        var lines = views.map(Self.line)
        var faults: [String] = []
        if !cut.isEmpty { faults.append("cut " + cut.map { "\($0[0])-\($0[1])" }.joined(separator: " ")) }
        if !delayed.isEmpty { faults.append("delayed " + delayed.map { "\($0.0)-\($0.1) \($0.2)ms" }.joined(separator: " ")) }
        lines.append("links: " + (faults.isEmpty ? "all up" : faults.joined(separator: "; ")))
        lock.withLock {
            if isTerminal {
                write(erase() + lines.map { $0 + "\n" }.joined())
                drawn = lines.count
            } else if Date().timeIntervalSince(lastPlain) >= Self.plainInterval {
                lastPlain = Date()
                write(lines.map { "status: " + $0 + "\n" }.joined())
            }
        }
    }

    /// On a terminal: moves up over the status lines drawn last and clears them.
    private func erase() -> String {
        guard isTerminal, drawn > 0 else { return "" }
        return "\u{1B}[\(drawn)A\u{1B}[J"
    }

    /// One node's status line.
    static func line(_ v: NodeView) -> String {
        var parts = ["node \(v.index)", v.state.padding(toLength: 8, withPad: " ", startingAt: 0)]
        if let h = v.height { parts.append("height \(h)") } else { parts.append("height -") }
        parts.append("tip " + (v.tip.map { String($0.prefix(12)) } ?? "-"))
        parts.append("peers \(v.peers.map(String.init) ?? "-")")
        parts.append("mempool \(v.mempool.map(String.init) ?? "-")")
        parts.append("committed " + (v.committedPerSecond.map { String(format: "%.1f", $0) } ?? "-") + " tx/s")
        if v.restarts > 0 { parts.append("restarts \(v.restarts)") }
        if !v.answering && v.state == "running" { parts.append("(not answering)") }
        parts.append(v.api + "/")
        return parts.joined(separator: "  ")
    }
}
