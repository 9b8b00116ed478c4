import Foundation
import Hummingbird
import KusariAPI
import KusariChain
import KusariCore
import KusariNode
import Logging
import NIOCore
import Synchronization

/// A real node (devnet genesis, a temporary directory) behind the real API server on
/// 127.0.0.1 with an ephemeral port, in this process: what `kusari node` runs, minus
/// the miner and peers. Everything it logs at notice or above is kept in `loud`.
final class TestServer: Sendable {
    let port: Int
    let connections: ConnectionTable
    let node: Node
    let log: LogCapture
    private let task: Task<Void, any Error>
    private let directory: URL

    /// Runs `body` against a fresh server and stops it afterwards, whatever happens.
    /// `genesis` defaults to the devnet's (proof of work).
    static func with<T>(limits: ConnectionLimits = .defaults, genesis: Genesis? = nil,
                        _ body: (TestServer) async throws -> T) async throws -> T {
        let server = try await TestServer(limits: limits, genesis: genesis)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private init(limits: ConnectionLimits, genesis: Genesis?) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-api-\(UUID().uuidString)")
        let log = LogCapture()
        self.log = log
        let logger = Logger(label: "kusari-test") { _ in log.handler() }
        node = try Node(config: NodeConfig(dataDirectory: directory.path, genesis: try genesis ?? DevnetGenesis.genesis),
                        logger: logger)
        let connections = ConnectionTable(limits: limits, logger: logger)
        self.connections = connections
        let router = try API.router(node: node, network: .devnet, p2p: nil, postsPerMinute: 600, limitLoopback: false,
                                connections: connections)
        let bound = Mutex<Int?>(nil)
        let app = Application(router: router, server: API.http1(connections: connections, logger: logger),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  await API.guardAccepts(on: channel, connections: connections, logger: logger)
                                  bound.withLock { $0 = channel.localAddress?.port }
                              },
                              logger: logger)
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        let deadline = ContinuousClock.now + .seconds(30)
        while bound.withLock({ $0 }) == nil {
            guard ContinuousClock.now < deadline else {
                task.cancel()
                throw TestFailure("the API server did not start within 30 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        port = bound.withLock { $0 } ?? 0
    }

    private func stop() async {
        task.cancel()
        _ = try? await task.value
        await node.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass.
    func waitFor(_ what: String, seconds: Double = 10, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out after \(seconds) s waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A test's own failure, with what it waited for.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Keeps every log line at notice or above, to check that clients' mistakes do not
/// fill the log.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// Lines logged at notice, warning, error or critical so far.
    var loud: [String] { lines.withLock { $0 } }

    func handler() -> some LogHandler { Handler(capture: self) }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            guard event.level >= .notice else { return }
            capture.lines.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
        }
    }
}
