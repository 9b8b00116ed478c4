import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `kusari node` process on 127.0.0.1 with an ephemeral API port,
/// stopped (SIGTERM, then SIGKILL after a deadline) by `stop` or on deinit.
final class NodeProcess: @unchecked Sendable {
    let process = Process()
    let datadir: String
    private(set) var base = ""
    /// The peer-to-peer address, when the node listens for peers.
    private(set) var p2p: String?
    private let output = Pipe()
    private let errors: FileHandle?

    /// Starts a node and waits (up to `deadline` seconds) for its API. A `launcher`
    /// (such as `["/usr/bin/prlimit", "--nofile=256:4096", "--"]`) runs it and execs the node.
    init(datadir: String, arguments: [String] = [], launcher: [String] = [], deadline: TimeInterval = 60) throws {
        self.datadir = datadir
        let command = [Kusari.executable.path, "node", "--datadir", datadir, "--api", "127.0.0.1:0", "--log-level", "warning"] + arguments
        process.executableURL = URL(fileURLWithPath: launcher.first ?? Kusari.executable.path)
        process.arguments = Array((launcher + command).dropFirst())
        process.standardOutput = output
        let errPath = datadir + ".stderr"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        errors = FileHandle(forWritingAtPath: errPath)
        process.standardError = errors ?? FileHandle.nullDevice
        try process.run()
        let end = Date().addingTimeInterval(deadline)
        var buffer = Data()
        let reader = output.fileHandleForReading
        while Date() < end && process.isRunning {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer += chunk
            if let line = String(data: buffer, encoding: .utf8)?.split(separator: "\n").first,
               let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               let api = json["api"] as? String {
                base = "http://" + api
                p2p = json["p2p"] as? String
                return
            }
        }
        stop()
        let log = ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
            + ((try? String(contentsOfFile: datadir + "/node.log", encoding: .utf8)) ?? "")
        throw NodeProcessError.didNotStart(log)
    }

    /// Stops the node: SIGTERM, then SIGKILL if it has not exited in time.
    func stop(deadline: TimeInterval = 20) {
        guard process.isRunning else { return }
        process.terminate()
        let end = Date().addingTimeInterval(deadline)
        while process.isRunning && Date() < end { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    /// Kills the node at once, as a crash would.
    func crash() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { crash(); try? errors?.close() }

    struct Reply {
        let status: Int
        let body: Data
        var headers: [String: String] = [:]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    func get(_ path: String) async throws -> Reply { try await send("GET", path, body: nil) }

    func post(_ path: String, body: Data) async throws -> Reply { try await send("POST", path, body: body) }

    func postTx(_ hex: String) async throws -> Reply {
        try await post("/v1/txs", body: try JSONSerialization.data(withJSONObject: ["tx": hex]))
    }

    private func send(_ method: String, _ path: String, body: Data?) async throws -> Reply {
        var request = URLRequest(url: try require_url(base + path), timeoutInterval: 30)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http?.allHeaderFields ?? [:] { if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v } }
        return Reply(status: http?.statusCode ?? 0, body: data, headers: headers)
    }

    /// Polls `condition` until it holds or `seconds` pass. Time this test task spent
    /// waiting for a thread (a 100 ms pause that took over a second, while other
    /// suites hold the test process's few threads) does not count against the deadline.
    func waitFor(_ what: String, seconds: TimeInterval = 60, _ condition: () async throws -> Bool) async throws {
        var end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await condition() { return }
            let before = Date()
            try await Task.sleep(for: .milliseconds(100))
            let paused = Date().timeIntervalSince(before)
            if paused > 1 { end = end.addingTimeInterval(paused) }
        }
        throw NodeProcessError.timeout(what)
    }
}

func require_url(_ text: String) throws -> URL {
    guard let url = URL(string: text) else { throw NodeProcessError.badURL(text) }
    return url
}

enum NodeProcessError: Error, CustomStringConvertible {
    case didNotStart(String)
    case timeout(String)
    case badURL(String)
    var description: String {
        switch self {
        case .didNotStart(let log): return "node did not start: \(log)"
        case .timeout(let what): return "timed out waiting for \(what)"
        case .badURL(let u): return "bad URL \(u)"
        }
    }
}
