import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

extension NetworkTests {
/// `kusari devnet` as a user runs it: a real devnet process with three node
/// processes, faults through `kusari devnet ...` from "a second terminal", and
/// nothing left running at the end.
///
/// Nested in `NetworkTests` (serialized), so that its devnets never run beside the
/// network tests' own multi-node runs: on two cores, the two together starve each other.
@Suite(.serialized) struct DevnetTests {
    /// A running `kusari devnet`, killed (with every node pid it reported) if the test fails.
    final class DevnetRun: @unchecked Sendable {
        let process = Process()
        let dir: String
        /// Every node pid `status` has shown, for the final check and the cleanup.
        var pids = Set<Int32>()

        init(dir: String, arguments: [String]) throws {
            self.dir = dir
            process.executableURL = Kusari.executable
            process.arguments = ["devnet", "--dir", dir] + arguments + ["--exit-with-parent", "\(getpid())"]
            FileManager.default.createFile(atPath: dir + ".out", contents: nil)
            let out = FileHandle(forWritingAtPath: dir + ".out")
            process.standardOutput = out ?? FileHandle.nullDevice
            process.standardError = out ?? FileHandle.nullDevice
            try process.run()
        }

        /// `kusari devnet VERB ARGS --dir DIR`.
        func control(_ args: [String]) throws -> Kusari.Result {
            try Kusari.run(["devnet"] + args + ["--dir", dir], timeout: 60)
        }

        /// The devnet's status, nodes by number (nil while it is not up yet).
        func status() throws -> [[String: Any]]? {
            let r = try control(["status"])
            guard r.status == 0, let nodes = r.object["nodes"] as? [[String: Any]] else { return nil }
            for n in nodes { if let pid = n["pid"] as? Int { pids.insert(Int32(pid)) } }
            return nodes
        }

        var output: String { (try? String(contentsOfFile: dir + ".out", encoding: .utf8)) ?? "" }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            for pid in pids { kill(pid, SIGKILL) }
        }
    }

    /// A node's API, by its base URL.
    static func get(_ base: String, _ path: String) async -> [String: Any]? {
        guard let url = URL(string: base + path) else { return nil }
        guard let (data, response) = try? await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 5)),
              (response as? HTTPURLResponse)?.statusCode == 200 else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    static func height(_ base: String) async -> Int? { await get(base, "/v1/status")?["height"] as? Int }
    static func blockId(_ base: String, _ height: Int) async -> String? { await get(base, "/v1/blocks/\(height)")?["id"] as? String }

    /// The block id every node in `bases` has at their lowest common height, if they agree and it is at least `least`.
    static func agreed(_ bases: [String], least: Int) async -> String? {
        var heights: [Int] = []
        for b in bases { guard let h = await height(b) else { return nil }; heights.append(h) }
        guard let common = heights.min(), common >= least else { return nil }
        var ids = Set<String>()
        for b in bases { guard let id = await blockId(b, common) else { return nil }; ids.insert(id) }
        return ids.count == 1 ? ids.first : nil
    }

    static func waitFor(_ what: String, seconds: TimeInterval = 120, _ run: DevnetRun,
                        _ condition: () async throws -> Bool) async throws {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await condition() { return }
            guard run.process.isRunning else { throw NodeProcessError.timeout("\(what): the devnet exited\n\(run.output)") }
            // Each `kusari devnet status` is a process start: poll gently.
            try await Task.sleep(for: .milliseconds(750))
        }
        throw NodeProcessError.timeout("\(what)\n\(run.output.suffix(3000))")
    }

    /// Whether a process is gone (or a zombie no one has reaped yet, which runs nothing).
    static func gone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    @Test func devnetWorksBreaksHealsAndStopsCleanly() async throws {
        let tmp = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp); try? FileManager.default.removeItem(atPath: tmp.path + "/devnet.out") }
        let run = try DevnetRun(dir: tmp.path + "/devnet", arguments: ["--nodes", "3", "--miners", "2", "--tps", "10", "--api-port", "0"])

        // Up: every node answers, all agree on a block above genesis, and transfers get committed.
        var apis: [String] = []
        try await Self.waitFor("three nodes answering", run) {
            guard let nodes = try run.status(), nodes.count == 3, nodes.allSatisfy({ $0["answering"] as? Bool == true }) else { return false }
            apis = nodes.compactMap { $0["api"] as? String }
            return apis.count == 3
        }
        try await Self.waitFor("all nodes agreeing on a block", run) { await Self.agreed(apis, least: 3) != nil }
        try await Self.waitFor("transfers committed", run) {
            guard let blocks = await Self.get(apis[0], "/v1/blocks?limit=50")?["blocks"] as? [[String: Any]] else { return false }
            return blocks.reduce(0) { $0 + ($1["txCount"] as? Int ?? 0) } >= 10
        }
        #expect(run.output.contains("WARNING: these keys are public"))
        #expect(run.output.contains("ksrt1qh895lkxlty52un0cw0a70jvmf39e3fzhze8mqf"))

        // Bad requests get a clear error and change nothing.
        let bad = try run.control(["kill", "7"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("error: devnet: node: node 7 does not exist; this devnet has nodes 1 to 3"))
        let badSpec = try run.control(["delay", "1-3", "fast"])
        #expect(badSpec.stderr.contains("error: latency: 'fast' needs a unit"))

        // Kill node 3: it is restarted (a new pid) and catches up with the others.
        let before = try #require(try run.status()?[2]["pid"] as? Int)
        let killed = try run.control(["kill", "3"])
        #expect(killed.status == 0, "\(killed.stderr)")
        try await Self.waitFor("node 3 restarted", run) {
            guard let n3 = try run.status()?[2] else { return false }
            return (n3["pid"] as? Int).map { $0 != before } == true && (n3["restarts"] as? Int ?? 0) >= 1
                && n3["answering"] as? Bool == true
        }
        #expect(run.output.contains("node 3 killed by signal 9; restarting it"))
        let target = await Self.height(apis[0]) ?? 0
        try await Self.waitFor("node 3 caught up", run) { await Self.agreed(apis, least: target) != nil }

        // Partition node 1 (a miner) from nodes 2 and 3 (node 2 mines): both sides go on, on different chains.
        let cut = try run.control(["partition", "1", "2,3"])
        #expect(cut.status == 0, "\(cut.stderr)")
        let h1 = await Self.height(apis[0]) ?? 0, h2 = await Self.height(apis[1]) ?? 0
        try await Self.waitFor("both sides of the partition making blocks", run) {
            guard let a = await Self.height(apis[0]), let b = await Self.height(apis[1]), let c = await Self.height(apis[2]) else { return false }
            return a >= h1 + 3 && b >= h2 + 3 && c >= h2 + 3
        }
        let side1 = await Self.height(apis[0]) ?? 0, side2 = await Self.height(apis[1]) ?? 0
        let common = min(side1, side2)
        let id1 = await Self.blockId(apis[0], common), id2 = await Self.blockId(apis[1], common)
        #expect(id1 != nil && id1 != id2, "the two sides should hold different blocks at height \(common)")
        #expect(await Self.agreed([apis[1], apis[2]], least: h2 + 3) != nil, "nodes 2 and 3 stay together")

        // Heal: one chain again, at least as high as either side reached.
        let healed = try run.control(["heal"])
        #expect(healed.status == 0, "\(healed.stderr)")
        try await Self.waitFor("one chain after healing", run) { await Self.agreed(apis, least: max(side1, side2)) != nil }

        // Interrupt: the devnet stops every node and exits; no node process is left.
        _ = try run.status()
        #expect(run.pids.count >= 4)   // three nodes and node 3's second life
        kill(run.process.processIdentifier, SIGINT)
        let end = Date().addingTimeInterval(60)
        while run.process.isRunning && Date() < end { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!run.process.isRunning, "the devnet did not exit after SIGINT")
        #expect(run.process.terminationReason == .exit)
        for pid in run.pids { #expect(Self.gone(pid), "node process \(pid) outlived the devnet") }
        #expect(!FileManager.default.fileExists(atPath: run.dir + "/control.json"))
        #expect(run.output.contains("every node has exited"))
    }

    /// `kusari devnet --consensus bft`: four validators commit the traffic; a partition
    /// that leaves no side with more than two thirds stops all commits (consistent, not
    /// available: the other side of the trade-off from proof of work above), and healing
    /// resumes them on one chain.
    @Test func bftDevnetCommitsStopsUnderAPartitionAndResumes() async throws {
        let tmp = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let run = try DevnetRun(dir: tmp.path + "/devnet", arguments: ["--consensus", "bft", "--tps", "10", "--api-port", "0"])
        var apis: [String] = []
        try await Self.waitFor("four validators answering", run) {
            guard let nodes = try run.status(), nodes.count == 4, nodes.allSatisfy({ $0["answering"] as? Bool == true }) else { return false }
            apis = nodes.compactMap { $0["api"] as? String }
            return apis.count == 4
        }
        #expect(run.output.contains("4 nodes (BFT, 4 validators)"))
        try await Self.waitFor("transfers committed on one chain", run) {
            guard await Self.agreed(apis, least: 5) != nil,
                  let blocks = await Self.get(apis[0], "/v1/blocks?limit=50")?["blocks"] as? [[String: Any]] else { return false }
            return blocks.reduce(0) { $0 + ($1["txCount"] as? Int ?? 0) } >= 10
        }
        // The demo market: accounts 7-9 issue DEMO, open DEMO-KSR and trade it, so its
        // auctions have a price on every node.
        #expect(run.output.contains("Accounts 7-9 trade the demo market DEMO-KSR"))
        try await Self.waitFor("the demo market trading", run) {
            for a in apis { guard await Self.get(a, "/v1/markets/DEMO-KSR")?["lastPrice"] as? Int != nil else { return false } }
            return true
        }
        #expect(run.output.contains("devnet: demo market DEMO-KSR open"))

        let cut = try run.control(["partition", "1,2", "3,4"])
        #expect(cut.status == 0, "\(cut.stderr)")
        // Blocks in flight when the links were cut may still land; then the heights hold.
        var last: [Int] = []
        try await Self.waitFor("every node's height to stop changing", run) {
            var now: [Int] = []
            for a in apis { now.append(await Self.height(a) ?? -1) }
            defer { last = now }
            return now == last
        }
        let observedUntil = Date().addingTimeInterval(5)
        while Date() < observedUntil {
            for (i, a) in apis.enumerated() {
                let h = await Self.height(a) ?? -1
                #expect(h == last[i], "node \(i + 1) committed a block with half of the power (\(last[i]) -> \(h))")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        let stalled = last.max() ?? 0
        #expect(await Self.agreed(apis, least: last.min() ?? 0) != nil, "the two sides hold different blocks")

        let healed = try run.control(["heal"])
        #expect(healed.status == 0, "\(healed.stderr)")
        try await Self.waitFor("commits resume on one chain", run) { await Self.agreed(apis, least: stalled + 3) != nil }
        kill(run.process.processIdentifier, SIGINT)
        run.process.waitUntilExit()
    }

    @Test func nodesStopWhenTheDevnetIsKilled() async throws {
        let tmp = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let run = try DevnetRun(dir: tmp.path + "/devnet", arguments: ["--nodes", "2", "--tps", "0", "--api-port", "0"])
        try await Self.waitFor("two nodes answering", run) {
            guard let nodes = try run.status() else { return false }
            return nodes.count == 2 && nodes.allSatisfy { $0["answering"] as? Bool == true }
        }
        let pids = run.pids
        #expect(pids.count == 2)
        kill(run.process.processIdentifier, SIGKILL)
        run.process.waitUntilExit()
        let end = Date().addingTimeInterval(30)
        while !pids.allSatisfy(Self.gone) && Date() < end { try await Task.sleep(for: .milliseconds(100)) }
        for pid in pids { #expect(Self.gone(pid), "node \(pid) outlived a killed devnet") }
    }

    /// `kusari bench e2e` in one short step: a real devnet, a real load, figures of the agreed shape.
    @Test func benchE2EMeasuresACommittedRate() throws {
        let tmp = try Kusari.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let bad = try Kusari.run(["bench", "e2e", "--steps", "0"])
        #expect(bad.status == 1 && bad.stderr.contains("error: steps: must be from 1 to 20, got 0"))

        let r = try Kusari.run(["bench", "e2e", "--json", "--nodes", "2", "--seconds", "4", "--first-rate", "20", "--steps", "1",
                                "--dir", tmp.path], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let items = try #require(r.json as? [[String: Any]])
        let byName = Dictionary(items.compactMap { i in (i["name"] as? String).map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        let committed = try #require(byName["committed"]?["value"] as? Double)
        #expect(committed > 0 && committed <= 20.5, "committed \(committed) tx/s of 20 offered")
        #expect(byName["committed"]?["limitName"] as? String == "ed25519-verify/2")
        #expect((byName["latency-p50"]?["value"] as? Double ?? 0) > 0)
        #expect((byName["latency-p99"]?["value"] as? Double ?? 0) >= (byName["latency-p50"]?["value"] as? Double ?? 0))
        // The scratch devnet is gone with its nodes.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.isEmpty ?? true)
    }
}
}
