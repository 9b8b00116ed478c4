import Foundation
import KusariClient
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15, finding 3 (HTTP side), as a user meets it: a real `kusari node` under
/// the common 1,024 open-file limit keeps serving while 1,200 idle connections are
/// open, without burning a core; raises its soft open-file limit at start; and does
/// not spin when `accept` fails for want of files.
@Suite(.serialized) struct ConnectionFloodTests {
    static let prlimit = "/usr/bin/prlimit"

    @Test func theSoftOpenFileLimitIsRaisedToTheHardOneAtStart() async throws {
        let dir = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = try NodeProcess(datadir: dir.appendingPathComponent("n").path, launcher: [Self.prlimit, "--nofile=256:4096", "--"])
        defer { node.stop() }
        let limits = try String(contentsOfFile: "/proc/\(node.process.processIdentifier)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }.map(String.init) ?? ""
        #expect(line.split(separator: " ").filter { !$0.isEmpty }.dropFirst(3).prefix(2) == ["4096", "4096"], "\(line)")
    }

    @Test func twelveHundredIdleConnectionsUnderA1024FileLimitLeaveTheAPIServing() async throws {
        let dir = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Self.allowThisProcess(files: 1_400)
        // A per-client cap above the total, so that the total (fitted under the file limit) is what holds.
        let node = try NodeProcess(datadir: dir.appendingPathComponent("n").path,
                                   arguments: ["--api-max-connections-per-client", "5000", "--log-level", "info"],
                                   launcher: [Self.prlimit, "--nofile=1024:1024", "--"])
        defer { node.stop() }
        guard let port = Int(node.base.split(separator: ":").last ?? "") else { throw NodeProcessError.badURL(node.base) }
        var idle: [Int32] = []
        defer { for fd in idle { close(fd) } }
        for _ in 0..<1_200 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { break }
            idle.append(fd)
            #expect(Loopback.withAddress(port: port) { connect(fd, $0, $1) } == 0)
        }
        #expect(idle.count == 1_200)
        let pid = node.process.processIdentifier
        let cpuBefore = try Self.cpuSeconds(pid), started = Date()
        for _ in 0..<5 {
            let asked = Date()
            let r = try await node.get("/v1/status")
            #expect(r.status == 200)
            #expect(Date().timeIntervalSince(asked) < 2)
            try await Task.sleep(for: .milliseconds(300))
        }
        // No accept loop spinning: well under half a core while the idle connections sit there.
        let load = (try Self.cpuSeconds(pid) - cpuBefore) / Date().timeIntervalSince(started)
        #expect(load < 0.5, "the node used \(load) cores")
        let log = try String(contentsOfFile: node.datadir + "/node.log", encoding: .utf8)
        #expect(log.contains("open files=1024"), "\(log.suffix(1000))")
        #expect(!log.contains(" error "), "\(log.suffix(2000))")
    }

    @Test func aFailingAcceptDoesNotSpinAndNewClientsAreStillServed() async throws {
        let dir = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = try NodeProcess(datadir: dir.appendingPathComponent("n").path, arguments: ["--log-level", "info"])
        defer { node.stop() }
        guard let port = Int(node.base.split(separator: ":").last ?? "") else { throw NodeProcessError.badURL(node.base) }
        // Out of files from outside the API's caps: the node's limit is cut to what it holds now plus four.
        let pid = node.process.processIdentifier
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        let cut = Process()
        cut.executableURL = URL(fileURLWithPath: Self.prlimit)
        cut.arguments = ["--pid", "\(pid)", "--nofile=\(open + 4):\(open + 4)"]
        try cut.run()
        cut.waitUntilExit()
        #expect(cut.terminationStatus == 0)
        var waiting: [Int32] = []
        defer { for fd in waiting { close(fd) } }
        for _ in 0..<30 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { break }
            waiting.append(fd)
            #expect(Loopback.withAddress(port: port) { connect(fd, $0, $1) } == 0)
        }
        try await Task.sleep(for: .milliseconds(500))
        let cpuBefore = try Self.cpuSeconds(pid), started = Date()
        try await Task.sleep(for: .seconds(2))
        let load = (try Self.cpuSeconds(pid) - cpuBefore) / Date().timeIntervalSince(started)
        #expect(load < 0.3, "the node used \(load) cores while accept failed")
        // A new client is served in the place of an idle connection.
        try await node.waitFor("/openapi.yaml to answer", seconds: 10) { try await node.get("/openapi.yaml").status == 200 }
        let log = try String(contentsOfFile: node.datadir + "/node.log", encoding: .utf8)
        #expect(log.contains("out of open files"), "\(log.suffix(1000))")
    }

    /// User plus system CPU seconds of process `pid` (/proc/PID/stat).
    static func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw NodeProcessError.didNotStart("unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Raises this test process's own soft open-file limit so that it can hold the idle connections.
    static func allowThisProcess(files: Int) throws {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur < rlim_t(files) else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(files))
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur >= rlim_t(files) else { throw NodeProcessError.didNotStart("the test needs \(files) open files; the hard limit is \(limit.rlim_max)") }
    }
}
