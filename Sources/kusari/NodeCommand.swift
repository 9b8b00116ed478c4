import ArgumentParser
import Foundation
import KusariBFT
import KusariValidator
import Hummingbird
import KusariAPI
import KusariChain
import KusariCore
import KusariExplorer
import KusariNode
import KusariPeers
import KusariPeersNIO
import Logging
import KusariJSON

/// `kusari node`: a long-running node with its HTTP API, optionally mining.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node: the chain, a mempool, the HTTP API and (with --mine) a miner.",
        discussion: """
            The data directory is initialised on first start (from --genesis, or the built-in devnet genesis). \
            Prints one JSON line {"event":"listening","api":"HOST:PORT","explorer":"http://HOST:PORT/","log":"PATH"} when the API \
            is up (port 0 picks a free port). The log goes to DATADIR/node.log (or --log-file); -v copies it to the terminal. \
            SIGINT or SIGTERM stop it cleanly: the block being written is finished, the mempool saved, the database closed.
            """)

    @OptionGroup var data: DataDirOption
    @Option(help: "Genesis file for a new data directory.") var genesis: String?
    @Option(help: "Network of the built-in genesis for a new data directory (devnet).") var network: NetworkOption?
    @Option(help: "Where the HTTP API listens, HOST:PORT (port 0: any free port).") var api = "127.0.0.1:8645"
    @Option(help: "Where to accept peers, HOST:PORT (port 0: any free port; default: no listening).") var p2p: String?
    @Option(help: "A peer to keep connected to, HOST:PORT (repeatable).") var peer: [String] = []
    @Option(help: "The most peers at once.") var maxPeers = 32
    @Option(help: "The most peers that connected to us (default: --max-peers less 8, so outbound connections keep room).")
    var maxInbound: Int?
    @Option(help: "Outbound connections to keep to addresses learned from peers.") var outbound = 8
    @Option(help: "Seconds a ping may go unanswered before the peer is dropped.") var pingTimeout: Double = 60
    @Flag(help: "Connect only to the --peer addresses: do not dial addresses learned from peers (as Bitcoin's -connect).")
    var noDiscover = false
    @Flag(help: "Mine blocks.") var mine = false
    @Option(help: "On a BFT chain: the validator's key file (kusari keys new); without it the node follows and verifies commits.")
    var validatorKey: String?
    @Flag(help: ArgumentHelp("Tests only: sign a conflicting nil prevote beside each prevote (double signing, for evidence).",
                             visibility: .hidden))
    var testEquivocate = false
    @Option(help: "Address that receives mining rewards (required with --mine).") var minerAddress: String?
    @Option(help: "Mining threads (default: all cores).") var minerThreads: Int?
    @Option(help: "Least seconds between two blocks this miner makes (default: the network's spacing on devnet, 0 elsewhere).")
    var minerInterval: Double?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(help: "The log file (default: DATADIR/node.log).") var logFile: String?
    @Flag(name: [.customShort("v"), .long], help: "Also print the log on the terminal (stderr).") var verbose = false
    @Option(help: "Mempool size cap in bytes.") var mempoolMaxBytes: Int?
    @Option(help: "Seconds a transaction may wait in the mempool.") var mempoolExpiry: UInt64?
    @Option(help: "Clients are refused (429 mempool_full) while the mempool holds more than this many seconds of what recent blocks took (at least 2,000 transactions; default 20).")
    var mempoolBacklogSeconds: Double?
    @Option(help: "Minimum fee per transaction byte, in base units.") var minFeePerByte: UInt64?
    @Option(help: "How many nonces ahead of its account a sender may queue.") var maxNonceAhead: UInt64?
    @Option(help: "POST requests a minute per client (loopback exempt unless --rate-limit-loopback).") var rateLimit = 600
    @Option(help: "GET requests a minute per client (loopback exempt unless --rate-limit-loopback).") var readRateLimit = 6_000
    @Flag(help: "Apply the rate limits to loopback clients too.") var rateLimitLoopback = false
    @Option(help: "HTTP connections at once (lowered to fit the open-file limit).") var apiMaxConnections = ConnectionLimits.defaults.total
    @Option(help: "HTTP connections at once from one client IP.") var apiMaxConnectionsPerClient = ConnectionLimits.defaults.perClient
    @Option(help: "Event streams (/v1/events) open at once.") var apiMaxEventStreams = ConnectionLimits.defaults.eventStreams
    @Option(help: "Event streams open at once from one client IP.") var apiMaxEventStreamsPerClient = ConnectionLimits.defaults.eventStreamsPerClient
    @Option(help: ArgumentHelp("Stop when process PID is no longer this node's parent (used by kusari devnet).", visibility: .hidden))
    var exitWithParent: Int32?

    func run() async throws {
        // A parent that ignores SIGINT and SIGTERM (kusari devnet) passes that on to its children:
        // a node takes the default action until its server installs its own handlers.
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw CLIError("log-level: '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        let (host, port) = try parseHostPort(api, field: "api")
        // A taken port is refused before anything is made on disk.
        try ListenCheck.check(host: host, port: port, field: "api")
        if let p2p {
            let (p2pHost, p2pPort) = try parseHostPort(p2p, field: "p2p")
            try ListenCheck.check(host: p2pHost, port: p2pPort, field: "p2p")
        }
        do { try FileManager.default.createDirectory(atPath: data.datadir, withIntermediateDirectories: true) } catch {
            throw CLIError("datadir: cannot create \(data.datadir): \(error.localizedDescription)")
        }
        let log = try LogFile(path: logFile ?? data.datadir + "/node.log")
        let echo = verbose
        LoggingSystem.bootstrap { label in
            var handler = FileLogHandler(label: label, file: log, echo: echo)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "kusari")
        let parentWatch = exitWithParent.map { ParentWatch.start(parent: $0) }
        defer { parentWatch?.cancel() }

        let genesisValue: Genesis
        if let genesis {
            genesisValue = try Genesis(json: try Files.read(genesis))
            // Refuses a directory that holds another chain; opens one that holds this one.
            try Blockchain.create(directory: data.datadir, genesis: genesisValue).close()
        } else {
            if let network, network.value != .devnet {
                throw CLIError("network: only devnet has a built-in genesis; give --genesis FILE")
            }
            genesisValue = try DevnetGenesis.genesis
        }
        var config = NodeConfig(dataDirectory: data.datadir, genesis: genesisValue)
        config.postsPerMinute = rateLimit
        config.limitLoopback = rateLimitLoopback
        if let v = mempoolMaxBytes { config.mempool.maxBytes = v }
        if let v = mempoolExpiry { config.mempool.expirySeconds = v }
        if let v = mempoolBacklogSeconds {
            guard v > 0 else { throw CLIError("mempool-backlog-seconds: must be more than 0, got \(v)") }
            config.backlog.seconds = v
        }
        if let v = minFeePerByte { config.mempool.minFeePerByte = v }
        if let v = maxNonceAhead { config.mempool.maxNonceAhead = v }

        let node = try Node(config: config, logger: logger)
        let status = await node.status()
        guard let net = Network(rawValue: status.network) else { throw CLIError("stored chain has an unknown network") }

        // Peers: listen (if asked) and keep the given connections.
        guard maxPeers >= 1 else { throw CLIError("max-peers: must be at least 1, got \(maxPeers)") }
        if let maxInbound, maxInbound < 0 { throw CLIError("max-inbound: must not be negative, got \(maxInbound)") }
        guard outbound >= 0 else { throw CLIError("outbound: must not be negative, got \(outbound)") }
        guard pingTimeout >= 1 else { throw CLIError("ping-timeout: must be at least 1 second, got \(pingTimeout)") }
        let network = PeerNetwork(host: node, maxPeers: maxPeers, maxInbound: maxInbound, store: PeerStore(directory: data.datadir),
                                  logger: logger)
        let transport = NIOTransport(network: net, peers: network)
        await network.attach(transport)
        await network.setOutboundTarget(noDiscover ? 0 : outbound)
        await network.setPingTimeout(pingTimeout)
        var p2pBound: String?
        if let p2p {
            let (p2pHost, p2pPort) = try parseHostPort(p2p, field: "p2p")
            do { p2pBound = "\(p2pHost):\(try await network.listen(host: p2pHost, port: p2pPort))" } catch {
                throw CLIError("p2p: cannot listen on \(p2p) (\(ListenCheck.reason(of: error)))")
            }
        }
        // BFT consensus: its channels go on the network before it starts.
        let consensus = try await startConsensus(genesis: genesisValue, node: node, network: network, config: config,
                                                 logger: logger)
        await network.start()
        node.relayBlocks(to: network)
        for address in peer {
            let (h, p) = try parseHostPort(address, field: "peer")
            await network.maintain(host: h, port: p)
        }
        let p2pListening = p2pBound
        // Trickles, kept connections, and housekeeping (pings, stalls, the address book).
        transport.startTimers()

        await consensus?.start()
        var miner: Miner?
        if mine {
            guard genesisValue.consensus == .proofOfWork else {
                throw CLIError("mine: this chain runs BFT consensus; validators propose blocks (--validator-key)")
            }
            guard let minerAddress else { throw CLIError("miner-address: required with --mine") }
            let address = try Arguments.address(minerAddress, network: net, field: "miner-address")
            let interval = minerInterval ?? (net == .devnet ? 2 : 0)
            miner = Miner(node: node, beneficiary: address.payload, threads: minerThreads ?? System.activeProcessorCount,
                          interval: interval, logger: logger)
        }

        // Housekeeping: mempool expiry, and a heartbeat that keeps event streams open.
        let period = Double(min(15, max(1, config.mempool.expirySeconds / 2)))
        let expiry = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(period))
                await node.expireMempool()
                node.events.publish(.heartbeat)
            }
        }
        guard rateLimit >= 1, readRateLimit >= 1 else { throw CLIError("rate-limit: limits must be at least 1 a minute") }
        let connections = ConnectionTable(limits: try connectionLimits(peers: maxPeers, logger: logger), logger: logger)
        let router = try API.router(node: node, network: net, p2p: network, postsPerMinute: config.postsPerMinute,
                                    readsPerMinute: readRateLimit, limitLoopback: config.limitLoopback, connections: connections) {
            try Explorer.mount(on: $0, node: node, network: net, p2p: network)
        }
        let datadir = data.datadir
        let serving = ServingFlag()
        let app = Application(
            router: router,
            server: API.http1(connections: connections, logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: "kusari/\(Node.version)"),
            onServerRunning: { channel in
                await API.guardAccepts(on: channel, connections: connections, logger: logger)
                serving.set()
                let bound = "\(host):\(channel.localAddress?.port ?? port)"
                let p2pPart = p2pListening.map { #","p2p":"\#($0)""# } ?? ""
                let explorer = ExplorerAddress.url(host: host, port: channel.localAddress?.port ?? port)
                let line = #"{"event":"listening","api":"\#(bound)"\#(p2pPart),"explorer":\#(JSON.quote(explorer)),"log":\#(JSON.quote(log.path))}"#
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                try? Data((line + "\n").utf8).write(to: URL(fileURLWithPath: datadir + "/api.json"))
                logger.info("API listening", metadata: ["address": "\(bound)", "explorer": "\(explorer)"])
            },
            logger: logger)
        miner?.start()
        var failure: CLIError?
        do {
            try await app.runService()
        } catch {
            logger.error("server stopped", metadata: ["error": "\(error)"])
            if !serving.isSet { failure = CLIError("api: cannot listen on \(api) (\(ListenCheck.reason(of: error)))") }
        }
        expiry.cancel()
        await consensus?.stop()
        if let miner {
            // Waiting for the mining thread must not block a thread of the async pool it may need.
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async { miner.stop(); done.resume() }
            }
        }
        await network.stop()
        await node.shutdown()
        if let failure { throw failure }
    }
}

extension NodeCommand {
    /// On a BFT chain, the consensus driver with its channels registered (a validator with
    /// `--validator-key`, a follower without); nil on a proof-of-work chain.
    func startConsensus(genesis: Genesis, node: Node, network: PeerNetwork, config: NodeConfig,
                        logger: Logger) async throws -> ConsensusDriver? {
        let engine: BFTEngine?
        do { engine = try BFTEngine(genesis: genesis) } catch { throw CLIError("genesis: \(error)") }
        guard let engine else {
            if validatorKey != nil { throw CLIError("validator-key: this chain runs proof of work, which has no validators") }
            return nil
        }
        var signer: DurableSigner?
        var wal: ConsensusWAL?
        var address: AddressPayload?
        if let validatorKey {
            let key = try loadKey(validatorKey).key
            address = AddressPayload(publicKey: key.publicKey)
            guard let address, engine.validators.index(of: address) != nil else {
                throw CLIError("validator-key: \(validatorKey) holds no key of the genesis's validators")
            }
            // The signer's record of what it signed (fsynced before any signature leaves), and
            // the log of consensus messages replayed after a crash: both in the data directory.
            do {
                signer = try DurableSigner(key: key, chainID: genesis.chainId, dataDirectory: data.datadir,
                                           timestamp: { UInt64(max(0, Date().timeIntervalSince1970 * 1_000)) })
            } catch { throw CLIError("validator-key: \(error)") }
            do { wal = try ConsensusWAL(dataDirectory: data.datadir, logger: logger) } catch {
                throw CLIError("consensus write-ahead log: \(error)")
            }
        }
        let driver = ConsensusDriver(host: node, network: PeerConsensusNetwork(peers: network), engine: engine,
                                     signer: signer, address: address, wal: wal, rounds: node.consensusRounds, logger: logger)
        if testEquivocate {
            guard let validatorKey else { throw CLIError("test-equivocate: needs --validator-key") }
            await driver.equivocate(with: try loadKey(validatorKey).key)
            logger.warning("TEST MODE: this validator double-signs prevotes (--test-equivocate)")
        }
        for channel in driver.channels(maxBlockBytes: config.maxBlockBytes) {
            do { try await network.register(channel) } catch { throw CLIError("consensus: \(error)") }
        }
        logger.info("BFT consensus", metadata: ["role": "\(address == nil ? "follower" : "validator")",
                                                "validators": "\(engine.validators.count)"])
        return driver
    }

    /// The API's connection caps as asked, checked, and lowered to fit the open-file
    /// limit (raised first towards the hard limit where allowed) beside `peers` peer connections.
    func connectionLimits(peers: Int, logger: Logger) throws -> ConnectionLimits {
        for (name, value) in [("api-max-connections", apiMaxConnections), ("api-max-connections-per-client", apiMaxConnectionsPerClient),
                              ("api-max-event-streams", apiMaxEventStreams),
                              ("api-max-event-streams-per-client", apiMaxEventStreamsPerClient)] where value < 1 {
            throw CLIError("\(name): must be at least 1, got \(value)")
        }
        let files = FileLimit.raise()
        let asked = ConnectionLimits(total: apiMaxConnections, perClient: apiMaxConnectionsPerClient,
                                     eventStreams: apiMaxEventStreams, eventStreamsPerClient: apiMaxEventStreamsPerClient)
        let limits = asked.fitted(toFileLimit: files, otherFiles: peers + 8)
        logger.info("HTTP connection caps", metadata: ["open files": "\(files == Int.max ? "unlimited" : "\(files)")",
                                                       "connections": "\(limits.total)", "per client": "\(limits.perClient)",
                                                       "event streams": "\(limits.eventStreams)",
                                                       "event streams per client": "\(limits.eventStreamsPerClient)"])
        return limits
    }
}

/// Set once the API server is listening (read after it stops, to tell a failed start from a stop).
final class ServingFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// Parses HOST:PORT.
func parseHostPort(_ text: String, field: String) throws -> (String, Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
        throw CLIError("\(field): expected HOST:PORT, got '\(text)'")
    }
    return (String(text[..<colon]), port)
}
